// ClusterHistory: rates from the balancer's pick totals, aligned series with
// gaps for slaves that were not reporting, the 15-minute bound, and the
// share of answers over a recent window.
#include "master/noc/history.h"

#include <catch2/catch.hpp>

namespace provisor {
namespace {

using std::chrono::seconds;

TEST_CASE("history turns pick totals into per-slave rates and keeps the window") {
  FakeClock clock;
  ClusterHistory history(HistoryOptions{seconds(5), seconds(20)});  // 4 samples
  history.Record(clock.WallNow(), clock.Now(), {{"s1", 2.0}}, {{"s1", 100}});
  clock.Advance(seconds(5));
  history.Record(clock.WallNow(), clock.Now(), {{"s1", 4.0}, {"s2", 1.0}},
                 {{"s1", 150}, {"s2", 25}});
  HistoryView view = history.View();
  REQUIRE(view.times.size() == 2);
  CHECK(view.times[1] - view.times[0] == seconds(5));
  CHECK(view.transfers_per_s.at("s1") == std::vector<std::optional<double>>{2.0, 4.0});
  // s2 was not there in the first sample: a gap, not a zero.
  CHECK(view.transfers_per_s.at("s2") == std::vector<std::optional<double>>{std::nullopt, 1.0});
  // The first sample only sets the baseline; then 50 picks / 5 s = 10/s.
  CHECK(view.next_server_per_s.at("s1") ==
        std::vector<std::optional<double>>{std::nullopt, 10.0});
  CHECK(view.next_server_per_s.at("s2") == std::vector<std::optional<double>>{std::nullopt, 5.0});
  CHECK(history.LatestAnswersPerSecond() == Approx(15.0));

  const std::map<std::string, double> share = history.AnswerShare(std::chrono::minutes(5));
  CHECK(share.at("s1") == Approx(50.0 / 75.0));
  CHECK(share.at("s2") == Approx(25.0 / 75.0));

  for (int i = 0; i < 5; ++i) {
    clock.Advance(seconds(5));
    history.Record(clock.WallNow(), clock.Now(), {{"s1", 1.0}}, {{"s1", 150}, {"s2", 25}});
  }
  view = history.View();
  CHECK(view.times.size() == 4);  // 20 s / 5 s
  CHECK(view.next_server_per_s.at("s1") == std::vector<std::optional<double>>{0.0, 0.0, 0.0, 0.0});
  // No picks in the window: no share to report.
  const std::map<std::string, double> idle = history.AnswerShare(std::chrono::minutes(5));
  CHECK(idle.at("s1") == 0.0);
}

TEST_CASE("a balancer restart (totals going down) is not a negative rate") {
  FakeClock clock;
  ClusterHistory history;
  history.Record(clock.WallNow(), clock.Now(), {}, {{"s1", 500}});
  clock.Advance(seconds(5));
  history.Record(clock.WallNow(), clock.Now(), {}, {{"s1", 10}});
  CHECK(history.View().next_server_per_s.at("s1").back() == 0.0);
}

}  // namespace
}  // namespace provisor
