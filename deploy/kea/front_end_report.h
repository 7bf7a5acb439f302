// FrontEndReport: the hook's tallies of what it did with each DHCP answer
// (answered by a master, refused by one, served from the fallback, left
// unanswered), and when to send them along with an ask (at most once per
// `every`), so the master can show them. Free of Kea types.
//
// Thread-safety: thread-safe (atomics).
#ifndef PROVISOR_DEPLOY_KEA_FRONT_END_REPORT_H_
#define PROVISOR_DEPLOY_KEA_FRONT_END_REPORT_H_

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>

namespace provisor::kea {

class FrontEndReport {
 public:
  enum Result { kAnswered = 0, kRefused, kFallback, kUnanswered, kCount };
  static const char* Name(Result r);

  explicit FrontEndReport(std::chrono::milliseconds every = std::chrono::seconds(1))
      : every_(every) {}

  void Count(Result r) { counts_[r].fetch_add(1, std::memory_order_relaxed); }
  uint64_t count(Result r) const { return counts_[r].load(std::memory_order_relaxed); }

  // The tallies by name when a report is due at `now` (the first call, then
  // once per `every`); nothing otherwise. Exactly one of several
  // concurrent callers gets a due report.
  std::optional<std::map<std::string, uint64_t>> Due(std::chrono::steady_clock::time_point now);

 private:
  const std::chrono::milliseconds every_;
  std::array<std::atomic<uint64_t>, kCount> counts_{};
  std::atomic<int64_t> last_ns_{INT64_MIN};
};

}  // namespace provisor::kea

#endif  // PROVISOR_DEPLOY_KEA_FRONT_END_REPORT_H_
