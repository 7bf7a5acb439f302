#include "master/cluster/registry.h"

#include <catch2/catch.hpp>

#include <algorithm>

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

TEST_CASE("a slave admitted by Sync is down with no heartbeat age until it reports") {
  FakeClock clock;
  SlaveRegistry r(RegistryOptions{}, &clock);
  REQUIRE(r.Admit("s1", "10.0.0.1:69").ok());
  std::optional<SlaveStatus> s = r.Find("s1");
  REQUIRE(s.has_value());
  CHECK(s->state == SlaveState::kDown);
  CHECK_FALSE(s->heard);
  CHECK(s->address == "10.0.0.1:69");
  CHECK_FALSE(r.HeartbeatAge(*s).has_value());
  CHECK(r.EffectiveWeight(*s) == 0);
  clock.Advance(seconds(60));
  r.Tick();  // never heard: no "down" event for it
  CHECK(r.Events().empty());
  REQUIRE(r.RecordHeartbeat(Beat("s1", 300)).ok());
  s = r.Find("s1");
  CHECK(s->state == SlaveState::kUp);
  CHECK(s->heard);
  CHECK(r.HeartbeatAge(*s) == Duration(0));
  CHECK(r.EffectiveWeight(*s) == 300);
  clock.Advance(seconds(3));
  CHECK(r.HeartbeatAge(*r.Find("s1")) == Duration(seconds(3)));
  CHECK(Kinds(r) == std::vector<std::string>{"s1:up"});
  REQUIRE(r.Admit("s1", "10.9.9.9:69").ok());  // known: admitted, heartbeat address kept
  CHECK(r.Find("s1")->address == Beat("s1").address);
  CHECK(r.Admit("", "10.0.0.1:69").code() == StatusCode::kInvalidArgument);
}

TEST_CASE("Admit refuses a new slave past max_slaves but always admits known ones") {
  FakeClock clock;
  RegistryOptions options;
  options.max_slaves = 2;
  SlaveRegistry r(options, &clock);
  REQUIRE(r.RecordHeartbeat(Beat("s1")).ok());
  REQUIRE(r.Admit("s2", "10.0.0.2:69").ok());
  Status refused = r.Admit("s3", "10.0.0.3:69");
  CHECK(refused.code() == StatusCode::kResourceExhausted);
  CHECK(refused.message() ==
        "slave s3 refused: this master has 2 slaves already; add a relay master for more");
  CHECK(r.Events().back().kind == "refused");
  CHECK(r.Events().back().slave_id == "s3");
  CHECK(r.RecordHeartbeat(Beat("s3")).code() == StatusCode::kResourceExhausted);
  CHECK(r.Admit("s1", "").ok());
  CHECK(r.Admit("s2", "").ok());
  CHECK(r.Slaves().size() == 2);
}

TEST_CASE("SetSyncing is shown in the slave status and ignores unknown ids") {
  FakeClock clock;
  SlaveRegistry r(RegistryOptions{}, &clock);
  REQUIRE(r.Admit("s1", "10.0.0.1:69").ok());
  r.SetSyncing("s1", true);
  CHECK(r.Find("s1")->syncing);
  r.SetSyncing("s1", false);
  CHECK_FALSE(r.Find("s1")->syncing);
  r.SetSyncing("nope", true);
  CHECK_FALSE(r.Find("nope").has_value());
  CHECK(r.Events().empty());
}

TEST_CASE("effective weight is 0 when down or draining and the operator weight wins") {
  FakeClock clock;
  SlaveRegistry r(RegistryOptions{}, &clock);
  REQUIRE(r.RecordHeartbeat(Beat("s1", 100)).ok());
  CHECK(r.EffectiveWeight(*r.Find("s1")) == 100);
  REQUIRE(r.SetWeight("s1", 40).ok());
  CHECK(r.EffectiveWeight(*r.Find("s1")) == 40);
  REQUIRE(r.SetDrained("s1", true).ok());
  CHECK(r.EffectiveWeight(*r.Find("s1")) == 0);
  REQUIRE(r.SetDrained("s1", false).ok());
  CHECK(r.EffectiveWeight(*r.Find("s1")) == 40);
  clock.Advance(seconds(6));
  r.Tick();
  CHECK(r.Find("s1")->state == SlaveState::kDown);
  CHECK(r.EffectiveWeight(*r.Find("s1")) == 0);
  REQUIRE(r.SetDrained("s1", true).ok());  // drained while down: stays down
  CHECK(r.Find("s1")->state == SlaveState::kDown);
  REQUIRE(r.RecordHeartbeat(Beat("s1")).ok());
  CHECK(r.Find("s1")->state == SlaveState::kDraining);
  CHECK(r.EffectiveWeight(*r.Find("s1")) == 0);
}

TEST_CASE("heartbeats keep failures by reason and the transfer total") {
  FakeClock clock;
  SlaveRegistry r(RegistryOptions{}, &clock);
  Heartbeat h = Beat("s1");
  h.failures = {{"bad_token", 3}, {"timeout", 1}};
  h.transfers_total = 1234;
  REQUIRE(r.RecordHeartbeat(h).ok());
  SlaveStatus s = *r.Find("s1");
  CHECK(s.last.failures == std::map<std::string, uint64_t>{{"bad_token", 3}, {"timeout", 1}});
  CHECK(s.last.transfers_total == 1234);
}

TEST_CASE("effective weight falls with heartbeat age and failures and high load") {
  FakeClock clock;
  SlaveRegistry r(RegistryOptions{}, &clock);  // interval 2 s, dead_after 6 s
  REQUIRE(r.RecordHeartbeat(Beat("s1", 200)).ok());
  CHECK(r.EffectiveWeight(*r.Find("s1")) == Approx(200));
  clock.Advance(seconds(3));  // 1.5 intervals: still fresh
  CHECK(r.EffectiveWeight(*r.Find("s1")) == Approx(200));
  clock.Advance(std::chrono::milliseconds(1500));  // halfway to dead_after
  CHECK(r.EffectiveWeight(*r.Find("s1")) == Approx(200 * (1 - 0.75 * 0.5)));
  clock.Advance(std::chrono::milliseconds(1499));  // just before dead_after
  CHECK(r.EffectiveWeight(*r.Find("s1")) == Approx(200 * 0.25).epsilon(0.01));

  // 10 of 100 transfers since the last report failed on the slave's side.
  Heartbeat h = Beat("s1", 200);
  h.transfers_total = 1000;
  h.failures = {{"timeout", 5}, {"token_bad_tag", 999}};
  REQUIRE(r.RecordHeartbeat(h).ok());
  h.transfers_total = 1090;
  h.failures = {{"timeout", 12}, {"refused_busy", 3}, {"token_bad_tag", 5000}};
  REQUIRE(r.RecordHeartbeat(h).ok());
  CHECK(r.Find("s1")->failure_ratio == Approx(0.1));
  CHECK(r.EffectiveWeight(*r.Find("s1")) == Approx(200 * (1 - 0.09)));

  // Load: no penalty up to 70% CPU, then down to 0.1 at 100%.
  h.failures = {{"timeout", 12}, {"refused_busy", 3}};
  h.transfers_total = 2000;
  h.cpu_load = 0.7;
  REQUIRE(r.RecordHeartbeat(h).ok());
  CHECK(r.EffectiveWeight(*r.Find("s1")) == Approx(200));
  h.cpu_load = 0.85;
  REQUIRE(r.RecordHeartbeat(h).ok());
  CHECK(r.EffectiveWeight(*r.Find("s1")) == Approx(200 * 0.55));
  h.cpu_load = 1.0;
  REQUIRE(r.RecordHeartbeat(h).ok());
  CHECK(r.EffectiveWeight(*r.Find("s1")) == Approx(200 * 0.1));
}

}  // namespace
}  // namespace provisor

namespace provisor {
namespace {

TEST_CASE("a refused slave's retries make one event per ten minutes, not one per heartbeat") {
  FakeClock clock;
  RegistryOptions options;
  options.max_slaves = 1;
  SlaveRegistry r(options, &clock);
  REQUIRE(r.RecordHeartbeat(Beat("s1")).ok());
  for (int i = 0; i <= 300; ++i) {  // 0 to 600 s: heartbeats and Sync retries every 2 s
    CHECK(r.RecordHeartbeat(Beat("s2")).code() == StatusCode::kResourceExhausted);
    CHECK(r.Admit("s2", "10.0.0.2:69").code() == StatusCode::kResourceExhausted);
    clock.Advance(seconds(2));
  }
  // At 0 s and at 600 s.
  CHECK(Kinds(r) == std::vector<std::string>{"s1:up", "s2:refused", "s2:refused"});
  CHECK(r.RecordHeartbeat(Beat("s3")).code() == StatusCode::kResourceExhausted);
  CHECK(r.Events().back().slave_id == "s3");  // another id is recorded at once
}

}  // namespace
}  // namespace provisor

namespace provisor {
namespace {

Heartbeat BeatFrom(const std::string& id, const std::string& instance, uint64_t revision = 7) {
  Heartbeat h = Beat(id);
  h.instance = instance;
  h.applied_revision = revision;
  return h;
}

TEST_CASE("a second process claiming a live slave's id is refused until the first is down") {
  FakeClock clock;
  SlaveRegistry r(RegistryOptions{}, &clock);
  REQUIRE(r.RecordHeartbeat(BeatFrom("s1", "aaaa")).ok());
  Status duplicate = r.RecordHeartbeat(BeatFrom("s1", "bbbb"));
  CHECK(duplicate.code() == StatusCode::kAlreadyExists);
  CHECK(duplicate.message() ==
        "slave s1 is already running as another process; a second slave with the same id is "
        "refused until the first is down");
  CHECK(r.Find("s1")->instance == "aaaa");
  // Its Sync too, and the refusals make one event, not one per retry.
  CHECK(r.Admit("s1", "10.0.0.9:69", "bbbb").code() == StatusCode::kAlreadyExists);
  CHECK(r.RecordHeartbeat(BeatFrom("s1", "bbbb")).code() == StatusCode::kAlreadyExists);
  CHECK(Kinds(r) == std::vector<std::string>{"s1:up", "s1:duplicate"});
  REQUIRE(r.RecordHeartbeat(BeatFrom("s1", "aaaa")).ok());  // the owner goes on

  // The owner dies: after dead_after the next process takes the id over.
  clock.Advance(seconds(6));
  r.Tick();
  REQUIRE(r.Find("s1")->state == SlaveState::kDown);
  REQUIRE(r.RecordHeartbeat(BeatFrom("s1", "bbbb")).ok());
  CHECK(r.Find("s1")->instance == "bbbb");
  CHECK(r.Find("s1")->state == SlaveState::kUp);
  CHECK(r.RecordHeartbeat(BeatFrom("s1", "aaaa")).code() == StatusCode::kAlreadyExists);
}

TEST_CASE("a slave with a Sync stream open owns its id even before its first heartbeat") {
  FakeClock clock;
  SlaveRegistry r(RegistryOptions{}, &clock);
  REQUIRE(r.Admit("s1", "10.0.0.1:69", "aaaa").ok());
  r.SetSyncing("s1", true);
  CHECK(r.Admit("s1", "10.0.0.2:69", "bbbb").code() == StatusCode::kAlreadyExists);
  CHECK(r.RecordHeartbeat(BeatFrom("s1", "bbbb")).code() == StatusCode::kAlreadyExists);
  REQUIRE(r.RecordHeartbeat(BeatFrom("s1", "aaaa")).ok());
}

TEST_CASE("a slave gets devices only once it has applied a snapshot, less as it lags") {
  FakeClock clock;
  RegistryOptions options;
  options.max_revision_lag = 1000;
  SlaveRegistry r(options, &clock);
  uint64_t store_revision = 500;
  r.set_store_revision([&] { return store_revision; });
  const uint64_t before = r.changes();
  REQUIRE(r.RecordHeartbeat(BeatFrom("s1", "a", /*revision=*/0)).ok());
  CHECK(r.Find("s1")->state == SlaveState::kUp);
  CHECK(r.EffectiveWeight(*r.Find("s1")) == 0);  // still syncing its snapshot
  const uint64_t up = r.changes();
  CHECK(up > before);
  REQUIRE(r.RecordHeartbeat(BeatFrom("s1", "a", 400)).ok());
  CHECK(r.changes() > up);  // eligible now: the balancer must look again
  CHECK(r.EffectiveWeight(*r.Find("s1")) == Approx(100));  // lag 100: within a tenth
  store_revision = 400 + 100 + 450;                         // lag 550: halfway down
  CHECK(r.EffectiveWeight(*r.Find("s1")) == Approx(100 * (1 - 0.75 * 0.5)));
  store_revision = 400 + 1000;  // lag 1000: a quarter
  CHECK(r.EffectiveWeight(*r.Find("s1")) == Approx(25));
  store_revision = 400 + 1001;  // further behind than max_revision_lag
  CHECK(r.EffectiveWeight(*r.Find("s1")) == 0);
}

TEST_CASE("a slave that is down can be forgotten, freeing its place") {
  FakeClock clock;
  RegistryOptions options;
  options.max_slaves = 1;
  SlaveRegistry r(options, &clock);
  REQUIRE(r.RecordHeartbeat(BeatFrom("s1", "a")).ok());
  CHECK(r.RecordHeartbeat(BeatFrom("s2", "b")).code() == StatusCode::kResourceExhausted);
  Status up = r.Forget("s1");
  CHECK(up.code() == StatusCode::kFailedPrecondition);
  CHECK(up.message() == "slave s1 is not down: stop it first (only a down slave can be forgotten)");
  CHECK(r.Forget("s9").code() == StatusCode::kNotFound);
  clock.Advance(seconds(6));
  r.Tick();
  REQUIRE(r.Forget("s1").ok());
  CHECK_FALSE(r.Find("s1").has_value());
  REQUIRE(r.RecordHeartbeat(BeatFrom("s2", "b")).ok());
  const std::vector<std::string> kinds = Kinds(r);
  CHECK(std::find(kinds.begin(), kinds.end(), "s1:forget") != kinds.end());
}

}  // namespace
}  // namespace provisor

namespace provisor {
namespace {

TEST_CASE("a slave's farewell marks it down at once and lets its restart take the id") {
  FakeClock clock;
  SlaveRegistry r(RegistryOptions{}, &clock);
  REQUIRE(r.RecordHeartbeat(BeatFrom("s1", "aaaa")).ok());
  Heartbeat farewell = BeatFrom("s1", "aaaa");
  farewell.stopping = true;
  REQUIRE(r.RecordHeartbeat(farewell).ok());
  CHECK(r.Find("s1")->state == SlaveState::kDown);
  CHECK(r.EffectiveWeight(*r.Find("s1")) == 0);
  REQUIRE(r.RecordHeartbeat(BeatFrom("s1", "bbbb")).ok());  // the restarted process
  CHECK(r.Find("s1")->state == SlaveState::kUp);
  CHECK(Kinds(r) == std::vector<std::string>{"s1:up", "s1:down", "s1:up"});
  CHECK(r.Events()[1].reason == "the slave is shutting down");
}

}  // namespace
}  // namespace provisor
