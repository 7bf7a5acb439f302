// ClusterHistory: what the dashboard charts, kept in memory by the master:
// per slave, transfers/s (from its heartbeats) and NextServer answers/s
// (from the balancer's pick counts), one sample every `step` over the last
// `window` (5 s over 15 min: 180 samples). Pure logic: the caller samples
// on its own schedule and passes the time.
//
// Thread-safety: thread-safe.
#ifndef PROVISOR_MASTER_NOC_HISTORY_H_
#define PROVISOR_MASTER_NOC_HISTORY_H_

#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "common/clock.h"

namespace provisor {

struct HistoryOptions {
  Duration step = std::chrono::seconds(5);
  Duration window = std::chrono::minutes(15);
};

// One series per slave, aligned with `times`; nullopt where the slave had
// no value (not yet known, or gone).
struct HistoryView {
  Duration step{};
  Duration window{};
  std::vector<WallTime> times;
  std::map<std::string, std::vector<std::optional<double>>> transfers_per_s;
  std::map<std::string, std::vector<std::optional<double>>> next_server_per_s;
};

class ClusterHistory {
 public:
  explicit ClusterHistory(HistoryOptions options = {});

  // One sample: each slave's transfers/s, and the balancer's picks per
  // slave since start (turned into a rate against the previous sample).
  // `mono` measures the time between samples, `wall` labels them.
  void Record(WallTime wall, MonoTime mono, const std::map<std::string, double>& transfers_per_s,
              const std::map<std::string, uint64_t>& answers_total);

  HistoryView View() const;
  // Each slave's share (0..1) of the answers over the last `over`, from the
  // samples: every slave picked since start, 0 for all when none was picked
  // in that window.
  std::map<std::string, double> AnswerShare(Duration over) const;
  // The cluster's NextServer answers/s in the newest sample (0 if none).
  double LatestAnswersPerSecond() const;
  const HistoryOptions& options() const { return options_; }

 private:
  struct Sample {
    WallTime time;
    std::map<std::string, double> transfers_per_s;
    std::map<std::string, double> next_server_per_s;
    std::map<std::string, uint64_t> answers;  // picks in this step
  };

  const HistoryOptions options_;
  const size_t capacity_;
  mutable std::mutex mu_;
  // samples_, last_totals_ and last_mono_ are protected by mu_.
  std::deque<Sample> samples_;
  std::map<std::string, uint64_t> last_totals_;
  std::optional<MonoTime> last_mono_;
};

}  // namespace provisor

#endif  // PROVISOR_MASTER_NOC_HISTORY_H_
