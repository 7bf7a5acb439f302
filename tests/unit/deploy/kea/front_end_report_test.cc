// FrontEndReport: the hook's tallies and their pacing (one report per
// period, to exactly one of several concurrent askers).
#include "deploy/kea/front_end_report.h"

#include <atomic>
#include <catch2/catch.hpp>
#include <thread>
#include <vector>

namespace provisor::kea {
namespace {

using std::chrono::milliseconds;

TEST_CASE("front end report: tallies by name, at most once per period") {
  FrontEndReport report(std::chrono::seconds(1));
  report.Count(FrontEndReport::kAnswered);
  report.Count(FrontEndReport::kAnswered);
  report.Count(FrontEndReport::kFallback);
  const std::chrono::steady_clock::time_point t0{std::chrono::hours(1)};
  auto first = report.Due(t0);
  REQUIRE(first.has_value());
  CHECK(*first == std::map<std::string, uint64_t>{
                      {"answered", 2}, {"refused", 0}, {"fallback", 1}, {"unanswered", 0}});
  CHECK_FALSE(report.Due(t0 + milliseconds(999)).has_value());
  report.Count(FrontEndReport::kUnanswered);
  auto second = report.Due(t0 + milliseconds(1000));
  REQUIRE(second.has_value());
  CHECK(second->at("unanswered") == 1);
  CHECK(second->at("answered") == 2);  // totals, not deltas: a lost report loses nothing
}

TEST_CASE("front end report: one due report goes to one of many askers") {
  FrontEndReport report(std::chrono::hours(1));
  std::atomic<int> got{0};
  std::vector<std::thread> askers;
  const auto now = std::chrono::steady_clock::now();
  for (int i = 0; i < 8; ++i) {
    askers.emplace_back([&] {
      for (int j = 0; j < 1000; ++j) {
        if (report.Due(now)) got.fetch_add(1);
      }
    });
  }
  for (std::thread& t : askers) t.join();
  CHECK(got.load() == 1);
}

}  // namespace
}  // namespace provisor::kea
