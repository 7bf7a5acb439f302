// FrontEndStats: what each DHCP front end (a Kea server with the provisor
// hook) reports of its own work with its NextServer asks: answers from a
// master, refusals, fallbacks served while no master answered, and packets
// left unanswered, as totals since that front end started. Kept per front
// end (at most `max_front_ends`; the longest silent is forgotten first)
// with the time of its last report. A report with a bad name or an
// unknown tally is ignored and counted, never failing the ask.
//
// Thread-safety: thread-safe.
#ifndef PROVISOR_MASTER_CLUSTER_FRONT_END_STATS_H_
#define PROVISOR_MASTER_CLUSTER_FRONT_END_STATS_H_

#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/status.h"

namespace provisor {

struct FrontEndTally {
  std::string id;
  std::map<std::string, uint64_t> counts;  // answered, refused, fallback, unanswered
  MonoTime reported{};
};

class FrontEndStats {
 public:
  FrontEndStats(const Clock* clock, size_t max_front_ends = 64);

  // INVALID_ARGUMENT (and counted) when `id` is not 1..64 printable
  // characters without spaces or a tally is not one of the four names.
  Status Record(const std::string& id, const std::map<std::string, uint64_t>& counts);
  std::vector<FrontEndTally> All() const;  // by id
  uint64_t ignored() const { return ignored_.load(std::memory_order_relaxed); }

  static const std::vector<std::string>& Names();

 private:
  const Clock* clock_;
  const size_t max_front_ends_;
  mutable std::mutex mu_;
  std::map<std::string, FrontEndTally> front_ends_;  // protected by mu_
  std::atomic<uint64_t> ignored_{0};
};

}  // namespace provisor

#endif  // PROVISOR_MASTER_CLUSTER_FRONT_END_STATS_H_
