// EventLog: sequence numbers, reading after a sequence number, trimming to
// max_events while counting every event, and the stable event ids.
#include "master/cluster/event_log.h"

#include <catch2/catch.hpp>

#include "master/cluster/epoch_watch.h"
#include "master/cluster/registry.h"

namespace provisor {
namespace {

std::vector<uint64_t> Seqs(const std::vector<ClusterEvent>& events) {
  std::vector<uint64_t> out;
  for (const ClusterEvent& e : events) out.push_back(e.seq);
  return out;
}

TEST_CASE("events get dense sequence numbers and are read after one") {
  FakeClock clock;
  EventLog log(&clock, 3);
  CHECK(log.last_seq() == 0);
  CHECK(log.Since(0).empty());
  log.Add("up", "s1", "heartbeat from 10.0.0.1:69");
  clock.Advance(std::chrono::seconds(1));
  log.Add("down", "s1", "no heartbeat");
  CHECK(log.last_seq() == 2);
  CHECK(Seqs(log.Since(0)) == std::vector<uint64_t>{1, 2});
  CHECK(Seqs(log.Since(1)) == std::vector<uint64_t>{2});
  CHECK(log.Since(2).empty());
  CHECK(log.Since(99).empty());
  std::vector<ClusterEvent> all = log.All();
  CHECK(all[1].kind == "down");
  CHECK(all[1].slave_id == "s1");
  CHECK(all[1].time - all[0].time == std::chrono::seconds(1));

  log.Add("import", "", "3 rows committed");
  log.Add("key-rotation", "", "epoch 7");
  // Only three are kept; reading from an older seq starts at the oldest kept.
  CHECK(Seqs(log.Since(0)) == std::vector<uint64_t>{2, 3, 4});
  CHECK(Seqs(log.Since(1)) == std::vector<uint64_t>{2, 3, 4});
  CHECK(Seqs(log.Since(2, 1)) == std::vector<uint64_t>{3});
  const std::map<std::string, uint64_t> counts = log.CountsByKind();
  CHECK(counts.at("up") == 1);
  CHECK(counts.at("down") == 1);
  CHECK(counts.at("import") == 1);
  CHECK(counts.at("key-rotation") == 1);
}

TEST_CASE("every event kind has a stable id") {
  CHECK(EventId("up") == "SLAVE_UP");
  CHECK(EventId("down") == "SLAVE_DOWN");
  CHECK(EventId("drain") == "SLAVE_DRAIN");
  CHECK(EventId("undrain") == "SLAVE_UNDRAIN");
  CHECK(EventId("weight") == "SLAVE_WEIGHT");
  CHECK(EventId("refused") == "SLAVE_REFUSED");
  CHECK(EventId("key-rotation") == "KEY_ROTATION");
  CHECK(EventId("import") == "IMPORT");
  CHECK(EventId("odd kind") == "CLUSTER_ODD_KIND");
}

TEST_CASE("the registry's transitions go to a shared event log") {
  FakeClock clock;
  EventLog log(&clock);
  SlaveRegistry registry(RegistryOptions{}, &clock, &log);
  log.Add("import", "", "before any slave");
  Heartbeat beat;
  beat.slave_id = "s1";
  beat.address = "10.0.0.1:69";
  REQUIRE(registry.RecordHeartbeat(beat).ok());
  REQUIRE(registry.SetDrained("s1", true).ok());
  std::vector<ClusterEvent> events = log.All();
  REQUIRE(events.size() == 3);
  CHECK(events[1].kind == "up");
  CHECK(events[2].kind == "drain");
  CHECK(registry.Events().size() == 3);
}

}  // namespace
}  // namespace provisor

namespace provisor {
namespace {

TEST_CASE("a new token key epoch is noticed once, with the next rotation time") {
  FakeClock clock;
  // 2027-01-15T08:00:00Z, the start of a 30-minute epoch.
  clock.SetWall(WallTime(std::chrono::seconds(1800000000)));
  EpochWatch watch(std::chrono::minutes(30), clock.WallNow());
  CHECK(watch.epoch() == 1000000);
  clock.Advance(std::chrono::minutes(29));
  CHECK_FALSE(watch.Check(clock.WallNow()).has_value());
  clock.Advance(std::chrono::minutes(1));
  std::optional<std::string> rotated = watch.Check(clock.WallNow());
  REQUIRE(rotated.has_value());
  CHECK(*rotated == "token key epoch 1000001 is current; next rotation at 2027-01-15T09:00:00Z");
  CHECK_FALSE(watch.Check(clock.WallNow()).has_value());
}

}  // namespace
}  // namespace provisor
