#include "master/chore_schedule.h"

#include <algorithm>

namespace provisor {

ChoreSchedule::ChoreSchedule(const Clock* clock)
    : clock_(clock), last_run_ns_(clock->Now().time_since_epoch().count()) {}

void ChoreSchedule::Add(std::string name, Duration period, Task task) {
  entries_.push_back(
      Entry{ChoreInfo{std::move(name), period}, std::move(task), clock_->Now() + period});
}

MonoTime ChoreSchedule::RunDue() {
  bool ran = false;
  for (Entry& entry : entries_) {
    const MonoTime start = clock_->Now();
    if (start < entry.due) continue;
    ran = true;
    const Status status = entry.task();
    const MonoTime end = clock_->Now();
    const Duration took = end - start;
    // The next grid point after `end`: late runs skip, never catch up.
    entry.due += entry.info.period;
    if (entry.due <= end) {
      const int64_t missed = (end - entry.due) / entry.info.period + 1;
      entry.due += missed * entry.info.period;
    }
    if (observer_ && (!status.ok() || took > entry.info.period)) {
      observer_(entry.info.name, status, took);
    }
  }
  if (ran) last_run_ns_.store(clock_->Now().time_since_epoch().count());
  MonoTime next = MonoTime::max();
  for (const Entry& entry : entries_) next = std::min(next, entry.due);
  return next;
}

std::vector<ChoreInfo> ChoreSchedule::Tasks() const {
  std::vector<ChoreInfo> out;
  out.reserve(entries_.size());
  for (const Entry& entry : entries_) out.push_back(entry.info);
  return out;
}

}  // namespace provisor
