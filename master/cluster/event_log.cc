#include "master/cluster/event_log.h"

#include <cctype>

namespace provisor {
namespace {

// Losing a slave or refusing one needs attention; the rest is routine.
bool IsWarning(std::string_view kind) {
  return kind == "down" || kind == "refused" || kind == "duplicate";
}

}  // namespace

std::string EventId(std::string_view kind) {
  if (kind == "up") return "SLAVE_UP";
  if (kind == "down") return "SLAVE_DOWN";
  if (kind == "drain") return "SLAVE_DRAIN";
  if (kind == "undrain") return "SLAVE_UNDRAIN";
  if (kind == "weight") return "SLAVE_WEIGHT";
  if (kind == "refused") return "SLAVE_REFUSED";
  if (kind == "duplicate") return "SLAVE_DUPLICATE";
  if (kind == "forget") return "SLAVE_FORGOTTEN";
  if (kind == "key-rotation") return "KEY_ROTATION";
  if (kind == "import") return "IMPORT";
  std::string id = "CLUSTER_";
  for (char c : kind) {
    id += std::isalnum(static_cast<unsigned char>(c))
              ? static_cast<char>(std::toupper(static_cast<unsigned char>(c)))
              : '_';
  }
  return id;
}

EventLog::EventLog(const Clock* clock, size_t max_events, Logger logger)
    : clock_(clock), max_events_(max_events == 0 ? 1 : max_events), logger_(std::move(logger)) {}

void EventLog::Add(std::string kind, std::string slave_id, std::string reason) {
  if (logger_ != nullptr) {
    const std::string subject = slave_id.empty() ? std::string() : "slave " + slave_id + ": ";
    logger_->log(IsWarning(kind) ? spdlog::level::warn : spdlog::level::info, "{} {}{}",
                 EventId(kind), subject, reason);
  }
  std::lock_guard<std::mutex> lock(mu_);
  ++counts_[kind];
  events_.push_back(ClusterEvent{++last_seq_, clock_->WallNow(), std::move(slave_id),
                                 std::move(kind), std::move(reason)});
  while (events_.size() > max_events_) events_.pop_front();
}

std::vector<ClusterEvent> EventLog::Since(uint64_t after_seq, size_t limit) const {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<ClusterEvent> out;
  // Sequence numbers are dense, so the first wanted event is found by
  // arithmetic, not by a scan.
  const uint64_t first_seq = events_.empty() ? 0 : events_.front().seq;
  size_t start = 0;
  if (after_seq >= first_seq && !events_.empty()) {
    start = static_cast<size_t>(std::min<uint64_t>(after_seq - first_seq + 1, events_.size()));
  }
  for (size_t i = start; i < events_.size() && out.size() < limit; ++i) out.push_back(events_[i]);
  return out;
}

uint64_t EventLog::last_seq() const {
  std::lock_guard<std::mutex> lock(mu_);
  return last_seq_;
}

std::map<std::string, uint64_t> EventLog::CountsByKind() const {
  std::lock_guard<std::mutex> lock(mu_);
  return counts_;
}

}  // namespace provisor
