#include "master/cluster/registry.h"

#include <catch2/catch.hpp>

namespace provisor {
namespace {

using std::chrono::seconds;

Heartbeat Beat(const std::string& id, uint32_t weight = 100) {
  Heartbeat h;
  h.slave_id = id;
  h.address = "10.0.0." + std::to_string(id.size()) + ":69";
  h.weight = weight;
  h.applied_revision = 7;
  return h;
}

std::vector<std::string> Kinds(const SlaveRegistry& r) {
  std::vector<std::string> kinds;
  for (const ClusterEvent& e : r.Events()) kinds.push_back(e.slave_id + ":" + e.kind);
  return kinds;
}

TEST_CASE("slaves come up on a heartbeat and go down after dead_after of silence") {
  FakeClock clock;
  SlaveRegistry r(RegistryOptions{}, &clock);
  REQUIRE(r.RecordHeartbeat(Beat("s1")).ok());
  CHECK(r.Find("s1")->state == SlaveState::kUp);
  clock.Advance(seconds(5));
  r.Tick();
  CHECK(r.Find("s1")->state == SlaveState::kUp);  // 5 s < dead_after 6 s
  clock.Advance(seconds(1));
  r.Tick();
  CHECK(r.Find("s1")->state == SlaveState::kDown);
  std::vector<ClusterEvent> events = r.Events();
  REQUIRE(events.size() == 2);
  CHECK(events[1].reason == "no heartbeat for 6.00 s (dead_after 6.00 s)");
  REQUIRE(r.RecordHeartbeat(Beat("s1")).ok());
  CHECK(r.Find("s1")->state == SlaveState::kUp);
  CHECK(Kinds(r) == std::vector<std::string>{"s1:up", "s1:down", "s1:up"});
  clock.Advance(seconds(5));
  REQUIRE(r.RecordHeartbeat(Beat("s1")).ok());  // a regular heartbeat: no event
  CHECK(r.Events().size() == 3);
}

TEST_CASE("drain and undrain and operator weights") {
  FakeClock clock;
  SlaveRegistry r(RegistryOptions{}, &clock);
  REQUIRE(r.RecordHeartbeat(Beat("s1", 100)).ok());
  REQUIRE(r.SetDrained("s1", true).ok());
  CHECK(r.Find("s1")->state == SlaveState::kDraining);
  REQUIRE(r.RecordHeartbeat(Beat("s1")).ok());
  CHECK(r.Find("s1")->state == SlaveState::kDraining);  // stays drained
  REQUIRE(r.SetDrained("s1", false).ok());
  CHECK(r.Find("s1")->state == SlaveState::kUp);
  REQUIRE(r.SetWeight("s1", 250).ok());
  REQUIRE(r.RecordHeartbeat(Beat("s1", 100)).ok());
  CHECK(r.Find("s1")->weight == 250);  // the operator's weight wins
  CHECK(r.SetWeight("nope", 1).message() == "slave nope not found");
  CHECK(Kinds(r) == std::vector<std::string>{"s1:up", "s1:drain", "s1:undrain", "s1:weight"});
}

TEST_CASE("the 17th slave is refused with a clear error") {
  FakeClock clock;
  SlaveRegistry r(RegistryOptions{}, &clock);
  for (int i = 1; i <= 16; ++i) REQUIRE(r.RecordHeartbeat(Beat("s" + std::to_string(i))).ok());
  Status refused = r.RecordHeartbeat(Beat("s17"));
  CHECK(refused.code() == StatusCode::kResourceExhausted);
  CHECK(refused.message() ==
        "slave s17 refused: this master has 16 slaves already; add a relay master for more");
  CHECK(r.Slaves().size() == 16);
  CHECK(r.Events().back().kind == "refused");
  CHECK(r.RecordHeartbeat(Beat("s3")).ok());  // known slaves keep reporting
}

}  // namespace
}  // namespace provisor
