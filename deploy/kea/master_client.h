// MasterClient: the Kea hook's link to the provisor masters' Balancer API,
// free of Kea types so it can be tested on its own. Masters are tried in
// the configured order (primary, standby, ...): a master that fails at the
// transport level (unreachable, timed out) is passed over for `hold_down`,
// and a call goes on to the next master while its budget lasts. A whole
// ask never takes longer than `timeout`, whatever the masters do.
//
// Ask is asynchronous (the callback runs on a gRPC thread, exactly once);
// AskSync waits for the answer. Answers that are the master's considered
// refusal (unknown device, bad request) are not failures: they are not
// retried elsewhere and do not trigger the fallback.
//
// Thread-safety: thread-safe.
#ifndef PROVISOR_DEPLOY_KEA_MASTER_CLIENT_H_
#define PROVISOR_DEPLOY_KEA_MASTER_CLIENT_H_

#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace provisor::kea {

struct MasterClientOptions {
  std::vector<std::string> masters;  // host:port, in order of preference
  std::string tls_ca, tls_cert, tls_key;  // PEM file paths; all or none
  std::chrono::milliseconds timeout{200};
  std::chrono::seconds hold_down{5};
};

struct Query {
  std::string mac;        // aa:bb:cc:dd:ee:ff
  std::string client_ip;  // the address the device gets
  std::string giaddr;
  std::string vendor_class;
  std::string hostname;
  bool ack = false;       // a DHCPACK: the master records the binding
  // The front end's tallies, when a report is due (FrontEndReport).
  std::string front_end;
  std::map<std::string, uint64_t> front_end_counts;
};

struct Answer {
  enum class Kind { kAnswered, kRefused, kFailed };
  Kind kind = Kind::kFailed;
  std::string error;  // why, for kRefused and kFailed
  std::string server, filename, siaddr, option66, option67, slave;
  std::vector<std::string> option150;
};

class MasterClient {
 public:
  // INVALID_ARGUMENT-style problems (no masters, unreadable TLS files) are
  // returned as a message by Create; empty means OK.
  static std::unique_ptr<MasterClient> Create(const MasterClientOptions& options,
                                              std::string* error);
  ~MasterClient();

  void Ask(const Query& query, std::function<void(Answer)> done);
  Answer AskSync(const Query& query);

 private:
  struct Master;
  struct Call;
  explicit MasterClient(const MasterClientOptions& options);
  void Attempt(std::shared_ptr<Call> call);
  // The first master not held down, starting after index `after` (-1: from
  // the start); -1 when none is left.
  int NextMaster(int after) const;

  const MasterClientOptions options_;
  std::vector<std::unique_ptr<Master>> masters_;
};

}  // namespace provisor::kea

#endif  // PROVISOR_DEPLOY_KEA_MASTER_CLIENT_H_
