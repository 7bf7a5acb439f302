#include "master/noc/history.h"

#include <algorithm>
#include <set>

namespace provisor {

ClusterHistory::ClusterHistory(HistoryOptions options)
    : options_(options),
      capacity_(static_cast<size_t>(std::max<int64_t>(1, options.window / options.step))) {}

void ClusterHistory::Record(WallTime wall, MonoTime mono,
                            const std::map<std::string, double>& transfers_per_s,
                            const std::map<std::string, uint64_t>& answers_total) {
  std::lock_guard<std::mutex> lock(mu_);
  Sample sample;
  sample.time = wall;
  sample.transfers_per_s = transfers_per_s;
  const double seconds =
      last_mono_.has_value() ? std::chrono::duration<double>(mono - *last_mono_).count() : 0.0;
  for (const auto& [slave, total] : answers_total) {
    auto before = last_totals_.find(slave);
    const uint64_t was = before == last_totals_.end() ? 0 : before->second;
    const uint64_t delta = total - std::min(total, was);
    if (!last_mono_.has_value()) continue;  // the first sample only sets the baseline
    sample.answers[slave] = delta;
    sample.next_server_per_s[slave] = seconds > 0 ? static_cast<double>(delta) / seconds : 0.0;
  }
  last_totals_ = answers_total;
  last_mono_ = mono;
  samples_.push_back(std::move(sample));
  while (samples_.size() > capacity_) samples_.pop_front();
}

HistoryView ClusterHistory::View() const {
  std::lock_guard<std::mutex> lock(mu_);
  HistoryView view;
  view.step = options_.step;
  view.window = options_.window;
  std::set<std::string> slaves;
  for (const Sample& s : samples_) {
    for (const auto& [id, v] : s.transfers_per_s) slaves.insert(id);
    for (const auto& [id, v] : s.next_server_per_s) slaves.insert(id);
  }
  for (const std::string& id : slaves) {
    view.transfers_per_s[id].reserve(samples_.size());
    view.next_server_per_s[id].reserve(samples_.size());
  }
  for (const Sample& s : samples_) {
    view.times.push_back(s.time);
    for (const std::string& id : slaves) {
      auto t = s.transfers_per_s.find(id);
      view.transfers_per_s[id].push_back(t == s.transfers_per_s.end()
                                             ? std::nullopt
                                             : std::optional<double>(t->second));
      auto n = s.next_server_per_s.find(id);
      view.next_server_per_s[id].push_back(n == s.next_server_per_s.end()
                                               ? std::nullopt
                                               : std::optional<double>(n->second));
    }
  }
  return view;
}

std::map<std::string, double> ClusterHistory::AnswerShare(Duration over) const {
  std::lock_guard<std::mutex> lock(mu_);
  const size_t steps = static_cast<size_t>(std::max<int64_t>(1, over / options_.step));
  std::map<std::string, uint64_t> picks;
  uint64_t total = 0;
  size_t taken = 0;
  for (auto it = samples_.rbegin(); it != samples_.rend() && taken < steps; ++it, ++taken) {
    for (const auto& [id, n] : it->answers) {
      picks[id] += n;
      total += n;
    }
  }
  std::map<std::string, double> share;
  for (const auto& [id, n] : picks) {
    share[id] = total == 0 ? 0.0 : static_cast<double>(n) / static_cast<double>(total);
  }
  return share;
}

double ClusterHistory::LatestAnswersPerSecond() const {
  std::lock_guard<std::mutex> lock(mu_);
  if (samples_.empty()) return 0.0;
  double sum = 0;
  for (const auto& [id, rate] : samples_.back().next_server_per_s) sum += rate;
  return sum;
}

}  // namespace provisor
