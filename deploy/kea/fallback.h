// Fallback: what the hook hands out when no master answers in time. A
// token filename is minted for one device and one IP, so it can never be
// reused for another device; what can be reused is the choice of servers.
// For each subnet (the relay's giaddr, else the interface the query came
// in on) the servers of the last good answer are kept; without one, the
// static list from the hook's parameters is used. The device then gets
// siaddr and options 66 and 150 but no provisor filename: it falls back to
// Kea's configured boot file or its vendor-native name, which a slave
// serves by the device's recorded binding.
//
// Thread-safety: thread-safe.
#ifndef PROVISOR_DEPLOY_KEA_FALLBACK_H_
#define PROVISOR_DEPLOY_KEA_FALLBACK_H_

#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace provisor::kea {

struct ServerChoice {
  std::string siaddr;                  // IPv4 of the first server
  std::string option66;                // its name (the address as text)
  std::vector<std::string> option150;  // every server, the first first
};

class Fallback {
 public:
  // `static_servers`: IPv4 addresses, in order; may be empty.
  explicit Fallback(std::vector<std::string> static_servers);

  // Keeps the servers of a good answer for `subnet`.
  void Remember(const std::string& subnet, const ServerChoice& choice);
  // The last good servers for `subnet`, else the static list, else none.
  std::optional<ServerChoice> For(const std::string& subnet) const;

 private:
  const std::vector<std::string> static_servers_;
  mutable std::mutex mu_;
  std::unordered_map<std::string, ServerChoice> last_good_;  // protected by mu_
};

}  // namespace provisor::kea

#endif  // PROVISOR_DEPLOY_KEA_FALLBACK_H_
