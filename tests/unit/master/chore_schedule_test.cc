#include "master/chore_schedule.h"

#include <catch2/catch.hpp>

#include <string>
#include <vector>

namespace provisor {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

TEST_CASE("chore schedule: tasks run at their periods, in the order added") {
  FakeClock clock;
  ChoreSchedule schedule(&clock);
  std::vector<std::string> ran;
  schedule.Add("fast", milliseconds(500), [&] {
    ran.push_back("fast");
    return Status::Ok();
  });
  schedule.Add("slow", seconds(1), [&] {
    ran.push_back("slow");
    return Status::Ok();
  });
  const MonoTime start = clock.Now();

  // Nothing is due at once; the first is due one period after Add().
  CHECK(schedule.RunDue() == start + milliseconds(500));
  CHECK(ran.empty());

  clock.Advance(milliseconds(500));
  CHECK(schedule.RunDue() == start + seconds(1));
  CHECK(ran == std::vector<std::string>{"fast"});

  clock.Advance(milliseconds(500));
  CHECK(schedule.RunDue() == start + milliseconds(1500));
  CHECK(ran == std::vector<std::string>{"fast", "fast", "slow"});

  // Early calls run nothing and say when to come back.
  clock.Advance(milliseconds(200));
  CHECK(schedule.RunDue() == start + milliseconds(1500));
  CHECK(ran.size() == 3);

  ran.clear();
  clock.Advance(milliseconds(800));  // t = 2 s: both due
  schedule.RunDue();
  CHECK(ran == std::vector<std::string>{"fast", "slow"});
}

TEST_CASE("chore schedule: a late run skips missed turns and keeps its grid") {
  FakeClock clock;
  ChoreSchedule schedule(&clock);
  int runs = 0;
  schedule.Add("tick", seconds(1), [&] {
    ++runs;
    return Status::Ok();
  });
  const MonoTime start = clock.Now();
  clock.Advance(milliseconds(3500));  // the runner was away for 3.5 periods
  CHECK(schedule.RunDue() == start + seconds(4));
  CHECK(runs == 1);  // once, not three times back to back
  CHECK(schedule.RunDue() == start + seconds(4));
  CHECK(runs == 1);
  clock.Advance(milliseconds(500));
  schedule.RunDue();
  CHECK(runs == 2);
}

TEST_CASE("chore schedule: a slow task does not make the others drift") {
  FakeClock clock;
  ChoreSchedule schedule(&clock);
  std::vector<MonoTime> fast_runs;
  schedule.Add("slow", milliseconds(500), [&] {
    clock.Advance(milliseconds(300));  // takes most of a period
    return Status::Ok();
  });
  schedule.Add("fast", milliseconds(500), [&] {
    fast_runs.push_back(clock.Now());
    return Status::Ok();
  });
  const MonoTime start = clock.Now();
  for (int i = 0; i < 100; ++i) {
    const MonoTime next = schedule.RunDue();
    if (next > clock.Now()) clock.Advance(next - clock.Now());
  }
  REQUIRE(fast_runs.size() >= 50);
  // Run n of "fast" happens within one slow run of its grid point.
  for (size_t n = 0; n < fast_runs.size(); ++n) {
    const MonoTime grid = start + milliseconds(500) * static_cast<int64_t>(n + 1);
    CHECK(fast_runs[n] >= grid);
    CHECK(fast_runs[n] - grid <= milliseconds(300));
  }
}

TEST_CASE("chore schedule: failures and overruns are reported by name") {
  FakeClock clock;
  ChoreSchedule schedule(&clock);
  struct Report {
    std::string name;
    Status status;
    Duration took;
  };
  std::vector<Report> reports;
  schedule.set_observer([&](const std::string& name, const Status& status, Duration took) {
    reports.push_back(Report{name, status, took});
  });
  int failing_runs = 0;
  schedule.Add("ok", seconds(1), [] { return Status::Ok(); });
  schedule.Add("failing", seconds(1), [&] {
    ++failing_runs;
    return InternalError("disk full");
  });
  schedule.Add("overrunning", seconds(1), [&] {
    clock.Advance(seconds(2));
    return Status::Ok();
  });
  clock.Advance(seconds(1));
  schedule.RunDue();
  REQUIRE(reports.size() == 2);
  CHECK(reports[0].name == "failing");
  CHECK(reports[0].status.message() == "disk full");
  CHECK(reports[1].name == "overrunning");
  CHECK(reports[1].status.ok());
  CHECK(reports[1].took == seconds(2));

  // A failed task stays on the schedule.
  clock.Advance(seconds(1));
  schedule.RunDue();
  CHECK(failing_runs == 2);
}

TEST_CASE("chore schedule: names, periods and the time of the last run") {
  FakeClock clock;
  ChoreSchedule schedule(&clock);
  CHECK(schedule.RunDue() == MonoTime::max());
  schedule.Add("a", seconds(1), [] { return Status::Ok(); });
  schedule.Add("b", seconds(10), [] { return Status::Ok(); });
  const std::vector<ChoreInfo> tasks = schedule.Tasks();
  REQUIRE(tasks.size() == 2);
  CHECK(tasks[0].name == "a");
  CHECK(tasks[0].period == seconds(1));
  CHECK(tasks[1].name == "b");
  CHECK(tasks[1].period == seconds(10));

  const MonoTime created = schedule.last_run();
  clock.Advance(milliseconds(500));
  schedule.RunDue();  // nothing due: not a run
  CHECK(schedule.last_run() == created);
  clock.Advance(milliseconds(500));
  schedule.RunDue();
  CHECK(schedule.last_run() == clock.Now());
}

}  // namespace
}  // namespace provisor
