// The master's chore wiring, without sockets: Create() builds every part
// and registers the chores; Start() (the listeners) is not called.
#include "master/master_server.h"

#include <catch2/catch.hpp>

#include <filesystem>
#include <string>
#include <vector>

#include "tests/support/temp_dir.h"

namespace provisor {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;
using testing::TempDir;

MasterConfig Config(const TempDir& dir, const std::string& extra) {
  std::filesystem::create_directories(dir.path() + "/data");
  const std::string text = "data_dir = \"" + dir.path() + "/data\"\n" + extra +
                           "[keys]\nmaster_key_file = \"" + dir.path() + "/master.key\"\n";
  auto reader = ConfigReader::FromString(text, "master.toml");
  REQUIRE(reader.ok());
  StatusOr<MasterConfig> config = LoadMasterConfig(**reader);
  INFO(config.status().message());
  REQUIRE(config.ok());
  return *config;
}

std::vector<std::string> Names(const std::vector<ChoreInfo>& tasks) {
  std::vector<std::string> names;
  for (const ChoreInfo& t : tasks) names.push_back(t.name);
  return names;
}

TEST_CASE("master server: a root's chores, periods and order") {
  TempDir dir;
  FakeClock clock;
  auto master = MasterServer::Create(Config(dir, ""), nullptr, &clock, MakeNullLogger());
  INFO(master.status().message());
  REQUIRE(master.ok());
  CHECK((*master)->role() == "root");
  // heartbeat_interval 2 s: a tick of 500 ms.
  CHECK((*master)->chore_tick() == milliseconds(500));
  const std::vector<ChoreInfo> tasks = (*master)->chores().Tasks();
  CHECK(Names(tasks) == std::vector<std::string>{"registry-tick", "stalled-followers",
                                                 "binding-flush", "token-keys",
                                                 "history-sample", "epoch-rotation"});
  REQUIRE(tasks.size() == 6);
  CHECK(tasks[0].period == milliseconds(500));
  CHECK(tasks[1].period == milliseconds(500));
  CHECK(tasks[2].period == seconds(1));
  CHECK(tasks[3].period == seconds(10));
  CHECK(tasks[4].period == seconds(5));  // the history's step
  CHECK(tasks[5].period == milliseconds(500));
}

TEST_CASE("master server: a relay keeps no token keys; the tick follows the heartbeat") {
  TempDir dir;
  FakeClock clock;
  auto master = MasterServer::Create(
      Config(dir, "upstream = \"127.0.0.1:7400\"\n[cluster]\nheartbeat_interval = \"100ms\"\n"),
      nullptr, &clock, MakeNullLogger());
  INFO(master.status().message());
  REQUIRE(master.ok());
  CHECK((*master)->role() == "relay");
  CHECK((*master)->chore_tick() == milliseconds(50));  // never below 50 ms
  const std::vector<ChoreInfo> tasks = (*master)->chores().Tasks();
  CHECK(Names(tasks) == std::vector<std::string>{"registry-tick", "stalled-followers",
                                                 "binding-flush", "history-sample",
                                                 "epoch-rotation"});
  REQUIRE(tasks.size() == 5);
  CHECK(tasks[0].period == milliseconds(50));
}

TEST_CASE("master server: healthy while the chores run within 3 ticks or 5 s") {
  TempDir dir;
  FakeClock clock;
  auto master = MasterServer::Create(
      Config(dir, "[cluster]\nheartbeat_interval = \"8s\"\n"), nullptr, &clock, MakeNullLogger());
  REQUIRE(master.ok());
  MasterServer& m = **master;
  CHECK(m.chore_tick() == seconds(2));
  CHECK(m.Healthy());
  clock.Advance(seconds(6));  // 3 ticks = 6 s: still within
  CHECK(m.Healthy());
  clock.Advance(milliseconds(1));
  CHECK_FALSE(m.Healthy());
  m.chores().RunDue();  // the chores ran: alive again
  CHECK(m.Healthy());
}

TEST_CASE("master server: short ticks still allow 5 s") {
  TempDir dir;
  FakeClock clock;
  auto master = MasterServer::Create(Config(dir, ""), nullptr, &clock, MakeNullLogger());
  REQUIRE(master.ok());
  MasterServer& m = **master;
  clock.Advance(seconds(5));
  CHECK(m.Healthy());
  clock.Advance(milliseconds(1));
  CHECK_FALSE(m.Healthy());
  m.chores().RunDue();
  CHECK(m.Healthy());
}

}  // namespace
}  // namespace provisor
