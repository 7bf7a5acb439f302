// ChoreSchedule: named periodic tasks run when due against an injected Clock
// (the shape of Kea's timer_mgr). The schedule owns no thread: a thin runner
// calls RunDue() and waits until the time it returns; tests call RunDue()
// after advancing a FakeClock.
//
// Timing: a task added with period P is first due P after Add(), then on a
// fixed grid (due + P, due + 2P, ...). A run that ends late skips the grid
// points it missed instead of running them back to back, so a slow task
// delays the others by at most its own run time and never makes them drift.
// Tasks due in the same RunDue() run in the order they were added.
//
// A task returns a Status; a failed task, or one that took longer than its
// period, is reported by name to the observer (for a log line) and stays on
// the schedule.
//
// Thread-safety: Add() before the runner starts; RunDue() from one thread at
// a time; last_run() and Tasks() from any thread.
// REQUIRES: a non-null clock that outlives the schedule; periods > 0.
#ifndef PROVISOR_MASTER_CHORE_SCHEDULE_H_
#define PROVISOR_MASTER_CHORE_SCHEDULE_H_

#include <atomic>
#include <functional>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/status.h"

namespace provisor {

struct ChoreInfo {
  std::string name;
  Duration period;
};

class ChoreSchedule {
 public:
  using Task = std::function<Status()>;
  // Called after a task failed (`status` not OK) or overran its period
  // (`took` > period), with the task's name.
  using Observer =
      std::function<void(const std::string& name, const Status& status, Duration took)>;

  explicit ChoreSchedule(const Clock* clock);
  ChoreSchedule(const ChoreSchedule&) = delete;
  ChoreSchedule& operator=(const ChoreSchedule&) = delete;

  void Add(std::string name, Duration period, Task task);
  void set_observer(Observer observer) { observer_ = std::move(observer); }

  // Runs every task whose time has come, in order, and returns when the next
  // one is due (MonoTime::max() when there are none).
  MonoTime RunDue();

  // When the last RunDue() that ran at least one task ended (construction
  // time before that).
  MonoTime last_run() const { return MonoTime(Duration(last_run_ns_.load())); }
  // Names and periods, in the order they were added.
  std::vector<ChoreInfo> Tasks() const;

 private:
  struct Entry {
    ChoreInfo info;
    Task task;
    MonoTime due;
  };

  const Clock* const clock_;
  std::vector<Entry> entries_;  // fixed once the runner starts
  Observer observer_;
  std::atomic<int64_t> last_run_ns_;
};

}  // namespace provisor

#endif  // PROVISOR_MASTER_CHORE_SCHEDULE_H_
