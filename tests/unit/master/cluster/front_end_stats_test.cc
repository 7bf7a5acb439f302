// FrontEndStats: front ends' reports kept per name with their time, bad
// names and unknown tallies refused and counted, and a bounded number of
// front ends (the longest silent forgotten first).
#include "master/cluster/front_end_stats.h"

#include <catch2/catch.hpp>

namespace provisor {
namespace {

TEST_CASE("front end stats keep the last report of each front end") {
  FakeClock clock;
  FrontEndStats stats(&clock, 2);
  REQUIRE(stats.Record("kea@a", {{"answered", 5}, {"fallback", 1}}).ok());
  clock.Advance(std::chrono::seconds(1));
  REQUIRE(stats.Record("kea@b", {{"answered", 7}}).ok());
  clock.Advance(std::chrono::seconds(1));
  REQUIRE(stats.Record("kea@a", {{"answered", 9}, {"fallback", 1}}).ok());
  std::vector<FrontEndTally> all = stats.All();
  REQUIRE(all.size() == 2);
  CHECK(all[0].id == "kea@a");
  CHECK(all[0].counts.at("answered") == 9);
  CHECK(clock.Now() - all[0].reported == Duration(0));
  CHECK(clock.Now() - all[1].reported == std::chrono::seconds(1));

  // A third front end pushes out the longest silent one (b).
  REQUIRE(stats.Record("kea@c", {{"refused", 1}}).ok());
  all = stats.All();
  REQUIRE(all.size() == 2);
  CHECK(all[0].id == "kea@a");
  CHECK(all[1].id == "kea@c");

  CHECK(stats.Record("", {{"answered", 1}}).code() == StatusCode::kInvalidArgument);
  CHECK(stats.Record("kea a", {{"answered", 1}}).code() == StatusCode::kInvalidArgument);
  CHECK(stats.Record(std::string(65, 'k'), {{"answered", 1}}).code() ==
        StatusCode::kInvalidArgument);
  Status odd = stats.Record("kea@a", {{"bogus", 1}});
  CHECK(odd.message() ==
        "front end tally 'bogus' is not one of answered, refused, fallback, unanswered");
  CHECK(stats.ignored() == 4);
  CHECK(stats.All()[0].counts.at("answered") == 9);  // nothing of a refused report is kept
}

}  // namespace
}  // namespace provisor
