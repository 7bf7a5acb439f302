// The farm as real processes on 127.0.0.1: a master, slaves following it
// over Cluster.Sync, the real tftp client fetching rendered configurations
// with tokens the master minted. Covers: every slave serves exactly what
// `provisorctl render` shows, an update reaches every slave within a second,
// slaves keep serving through a master crash and resume by delta after it,
// failure detection and recovery, a slave far behind the change log
// converging by snapshot, the 17th slave refused, and a relay master with
// slaves of its own.
#include <catch2/catch.hpp>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

#include "tests/support/cluster.h"
#include "tests/support/file_trace.h"
#include "tests/support/master_process.h"
#include "tests/support/process.h"

namespace provisor {
namespace {

using testing::AllCaughtUp;
using testing::CommandResult;
using testing::ImportExamples;
using testing::MasterProcess;
using testing::Render;
using testing::SlaveProcess;
using testing::SlaveRow;
using testing::WaitFor;

// Fast failure detection so the tests are quick.
const char kClusterConfig[] =
    "[cluster]\nheartbeat_interval = \"200ms\"\ndead_after = \"600ms\"\n";

const std::vector<std::string> kMacs = {
    "e0:5f:b9:a1:00:01",  // Cisco SPA504G
    "00:04:f2:a1:00:02",  // Polycom VVX 411
    "80:5e:c0:a1:00:03",  // Yealink T46U
    "00:0b:82:a1:00:05",  // Grandstream GRP2614
    "7c:2f:80:a1:00:07",  // Gigaset N670
};

std::vector<std::unique_ptr<SlaveProcess>> StartSlaves(const std::string& master, int n,
                                                       const std::string& prefix = "s") {
  std::vector<std::unique_ptr<SlaveProcess>> slaves;
  for (int i = 1; i <= n; ++i) {
    slaves.push_back(std::make_unique<SlaveProcess>(prefix + std::to_string(i), master));
  }
  return slaves;
}

std::vector<std::string> Ids(const std::vector<std::unique_ptr<SlaveProcess>>& slaves) {
  std::vector<std::string> ids;
  for (const auto& s : slaves) ids.push_back(s->id);
  return ids;
}

uint64_t SyncCounter(const MasterProcess& m, const std::string& name) {
  nlohmann::json status = testing::Status(m);
  if (!status.contains("sync") || !status.at("sync").contains(name)) return 0;
  return status.at("sync").at(name).get<uint64_t>();
}

TEST_CASE("three slaves serve every vendor exactly what provisorctl render shows") {
  MasterProcess m(kClusterConfig);
  ImportExamples(m, PROVISOR_SOURCE_DIR);
  auto slaves = StartSlaves(m.address, 3);
  REQUIRE(WaitFor([&] { return AllCaughtUp(m, Ids(slaves)); }));

  for (const std::string& mac : kMacs) {
    testing::Rendered expected = Render(m, mac);
    REQUIRE(expected.content.size() > 100);
    for (const auto& slave : slaves) {
      INFO(mac << " from " << slave->id);
      CHECK(slave->Fetch(expected.filename) == expected.content);
    }
  }
  // curl as a second client, on one slave.
  testing::Rendered cisco = Render(m, kMacs[0]);
  testing::TempDir out;
  CommandResult curl = testing::RunCommand(
      {"curl", "-sS", "-o", out.path() + "/c",
       "tftp://127.0.0.1:" + std::to_string(slaves[1]->tftp.port()) + "/" + cisco.filename});
  REQUIRE(curl.exit_code == 0);
  CHECK(out.ReadFile("c") == cisco.content);

  // A name that is not a token, and a token bound to another client IP.
  CHECK(slaves[0]->Fetch("nonsense.cfg").rfind("ERROR", 0) == 0);
  CommandResult other = m.Ctl({"--json", "render", "--mac", kMacs[0], "--ip", "10.9.9.9"});
  REQUIRE(other.exit_code == 0);
  const std::string foreign = nlohmann::json::parse(other.out).at("filename");
  CHECK(slaves[0]->Fetch(foreign).rfind("ERROR", 0) == 0);

  nlohmann::json status = testing::Status(m);
  for (const auto& slave : slaves) {
    nlohmann::json row = SlaveRow(status, slave->id);
    REQUIRE_FALSE(row.is_null());
    CHECK(row.at("address") == slave->tftp.ToString());
    CHECK(row.at("revision_lag") == 0);
  }
}

TEST_CASE("an updated display name is served by every slave within one second") {
  MasterProcess m(kClusterConfig);
  ImportExamples(m, PROVISOR_SOURCE_DIR);
  auto slaves = StartSlaves(m.address, 3);
  REQUIRE(WaitFor([&] { return AllCaughtUp(m, Ids(slaves)); }));
  testing::Rendered before = Render(m, kMacs[0]);
  REQUIRE(before.content.find("Ann Smith") != std::string::npos);

  REQUIRE(m.Ctl({"subscriber", "update", "--id", "sub-0001", "--name", "Ann Jones"}).exit_code == 0);
  const auto updated = std::chrono::steady_clock::now();
  for (const auto& slave : slaves) {
    INFO(slave->id);
    CHECK(WaitFor(
        [&] { return slave->Fetch(before.filename).find("Ann Jones") != std::string::npos; },
        std::chrono::milliseconds(1000)));
  }
  CHECK(std::chrono::steady_clock::now() - updated < std::chrono::seconds(1));
  testing::Rendered after = Render(m, kMacs[0]);
  CHECK(slaves[2]->Fetch(after.filename) == after.content);
}

TEST_CASE("slaves keep serving through a master crash and resume by delta") {
  MasterProcess m(kClusterConfig);
  ImportExamples(m, PROVISOR_SOURCE_DIR);
  auto slaves = StartSlaves(m.address, 2);
  REQUIRE(WaitFor([&] { return AllCaughtUp(m, Ids(slaves)); }));
  testing::Rendered polycom = Render(m, kMacs[1]);

  m.Stop(SIGKILL);
  for (const auto& slave : slaves) CHECK(slave->Fetch(polycom.filename) == polycom.content);

  m.Start();  // same data directory, same port
  REQUIRE(WaitFor([&] { return AllCaughtUp(m, Ids(slaves)); }));
  CHECK(SyncCounter(m, "snapshots_sent") == 0);
  CHECK(SyncCounter(m, "deltas_started") >= 2);
  // Changes made after the restart arrive as usual.
  REQUIRE(m.Ctl({"subscriber", "update", "--id", "sub-0002", "--name", "Bob Restarted"}).exit_code == 0);
  testing::Rendered after = Render(m, kMacs[1]);
  for (const auto& slave : slaves) {
    CHECK(WaitFor([&] { return slave->Fetch(after.filename) == after.content; }));
  }
  CHECK(SyncCounter(m, "snapshots_sent") == 0);
}

TEST_CASE("a killed slave is down within dead_after and up again after a restart") {
  MasterProcess m(kClusterConfig);
  ImportExamples(m, PROVISOR_SOURCE_DIR);
  auto slaves = StartSlaves(m.address, 2);
  REQUIRE(WaitFor([&] { return AllCaughtUp(m, Ids(slaves)); }));

  const auto killed = std::chrono::steady_clock::now();
  slaves[0]->Stop(SIGKILL);
  REQUIRE(WaitFor([&] { return SlaveRow(testing::Status(m), "s1").at("state") == "down"; }));
  // dead_after is 0.6 s; the master checks four times per interval.
  CHECK(std::chrono::steady_clock::now() - killed < std::chrono::milliseconds(600 + 1000));
  nlohmann::json status = testing::Status(m);
  CHECK(SlaveRow(status, "s2").at("state") == "up");
  bool down_event = false;
  for (const nlohmann::json& e : status.at("events")) {
    if (e.at("slave_id") == "s1" && e.at("kind") == "down") down_event = true;
  }
  CHECK(down_event);

  slaves[0]->Start();
  REQUIRE(WaitFor([&] { return AllCaughtUp(m, Ids(slaves)); }));
  testing::Rendered yealink = Render(m, kMacs[2]);
  CHECK(slaves[0]->Fetch(yealink.filename) == yealink.content);
}

TEST_CASE("a slave far behind the change log converges by snapshot") {
  // The log keeps at most 1000 changes.
  const std::string config = std::string(kClusterConfig) + "[store]\nchangelog_max_changes = 1000\n";
  MasterProcess m(config);
  ImportExamples(m, PROVISOR_SOURCE_DIR);
  auto slaves = StartSlaves(m.address, 1);
  REQUIRE(WaitFor([&] { return AllCaughtUp(m, Ids(slaves)); }));
  const uint64_t snapshots_before = SyncCounter(m, "snapshots_sent");
  REQUIRE(snapshots_before == 1);

  // While the slave cannot reach it, the master takes 1,500 writes (on
  // another port), so the slave's revision falls off the log.
  const std::string original = m.address;
  m.Stop(SIGTERM);
  m.Start("127.0.0.1:0");
  testing::TempDir files;
  std::string csv = "id,name,sip_domain\n";
  for (int i = 0; i < 1500; ++i) csv += "bulk-" + std::to_string(i) + ",Bulk,voip.example.net\n";
  const std::string path = files.WriteFile("bulk.csv", csv);
  REQUIRE(m.Ctl({"import", path, "--kind", "subscriber", "--batch-size", "1"}).exit_code == 0);
  REQUIRE(m.Ctl({"subscriber", "update", "--id", "sub-0001", "--name", "After The Gap"}).exit_code == 0);
  m.Stop(SIGTERM);
  m.Start(original);

  REQUIRE(WaitFor([&] { return AllCaughtUp(m, Ids(slaves)); }));
  CHECK(SyncCounter(m, "snapshots_sent") == 1);  // since this start
  testing::Rendered cisco = Render(m, kMacs[0]);
  REQUIRE(cisco.content.find("After The Gap") != std::string::npos);
  CHECK(slaves[0]->Fetch(cisco.filename) == cisco.content);
}

TEST_CASE("the 17th slave is refused and keeps retrying") {
  MasterProcess m(kClusterConfig);
  ImportExamples(m, PROVISOR_SOURCE_DIR);
  const std::string one_loop = "[tftp]\nthreads = 1\n";
  std::vector<std::unique_ptr<SlaveProcess>> slaves;
  for (int i = 1; i <= 16; ++i) {
    slaves.push_back(std::make_unique<SlaveProcess>("s" + std::to_string(i), m.address, one_loop));
  }
  REQUIRE(WaitFor([&] { return AllCaughtUp(m, Ids(slaves)); }));
  SlaveProcess extra("s17", m.address, one_loop);
  auto logged = [&] {
    std::ifstream in(extra.stderr_path);
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    return text.find("refused") != std::string::npos &&
           text.find("16 slaves already") != std::string::npos;
  };
  REQUIRE(WaitFor(logged));
  nlohmann::json status = testing::Status(m);
  CHECK(status.at("slaves").size() == 16);
  CHECK(SlaveRow(status, "s17").is_null());
  bool refused_event = false;
  for (const nlohmann::json& e : status.at("events")) {
    if (e.at("slave_id") == "s17" && e.at("kind") == "refused") refused_event = true;
  }
  CHECK(refused_event);
  // The refused slave has nothing to serve.
  testing::Rendered cisco = Render(m, kMacs[0]);
  CHECK(extra.Fetch(cisco.filename).rfind("ERROR", 0) == 0);
  CHECK(kill(extra.daemon->pid(), 0) == 0);  // still running, retrying
}

TEST_CASE("a relay master with two slaves of its own serves the same bytes") {
  MasterProcess root(kClusterConfig);
  ImportExamples(root, PROVISOR_SOURCE_DIR);
  MasterProcess relay("upstream = \"" + root.address + "\"\n" + kClusterConfig);
  auto slaves = StartSlaves(relay.address, 2, "r");
  REQUIRE(WaitFor([&] {
    nlohmann::json s = testing::Status(relay);
    return s.at("role") == "relay" && s.at("upstream_connected") == true &&
           s.at("revision") == testing::Status(root).at("revision") &&
           AllCaughtUp(relay, Ids(slaves));
  }));
  for (const std::string& mac : kMacs) {
    testing::Rendered expected = Render(root, mac);
    for (const auto& slave : slaves) {
      INFO(mac << " from " << slave->id);
      CHECK(slave->Fetch(expected.filename) == expected.content);
    }
  }
  // The relay's admin API is read-only.
  CommandResult write = relay.Ctl({"subscriber", "update", "--id", "sub-0001", "--name", "Nope"});
  CHECK(write.exit_code == 1);
  CHECK(write.err.find("read-only") != std::string::npos);
  // A change on the root reaches the relay's slaves.
  REQUIRE(root.Ctl({"subscriber", "update", "--id", "sub-0001", "--name", "Via Relay"}).exit_code == 0);
  testing::Rendered cisco = Render(root, kMacs[0]);
  REQUIRE(cisco.content.find("Via Relay") != std::string::npos);
  for (const auto& slave : slaves) {
    CHECK(WaitFor([&] { return slave->Fetch(cisco.filename) == cisco.content; }));
  }
  // The relay's slaves are its own, not the root's.
  CHECK(testing::Status(root).at("slaves").empty());
}

TEST_CASE("a syncing and serving slave opens no file for writing") {
  INFO("strace is not installed: run deploy/setup.sh");
  REQUIRE(testing::HaveProgram("strace"));
  MasterProcess m(kClusterConfig);
  ImportExamples(m, PROVISOR_SOURCE_DIR);
  testing::TempDir trace_dir;
  const std::string trace = trace_dir.path() + "/trace";
  SlaveProcess slave("traced", m.address, "", testing::FileTraceWrapper(trace));
  REQUIRE(WaitFor([&] { return AllCaughtUp(m, {"traced"}); }));
  for (const std::string& mac : kMacs) {
    testing::Rendered expected = Render(m, mac);
    CHECK(slave.Fetch(expected.filename) == expected.content);
  }
  // Deltas too, not just the snapshot.
  REQUIRE(m.Ctl({"subscriber", "update", "--id", "sub-0001", "--name", "Traced"}).exit_code == 0);
  testing::Rendered cisco = Render(m, kMacs[0]);
  CHECK(WaitFor([&] { return slave.Fetch(cisco.filename) == cisco.content; }));
  slave.Stop(SIGTERM);

  const std::string log = trace_dir.ReadFile("trace");
  REQUIRE(log.find("slave.toml") != std::string::npos);  // the trace saw the config read
  testing::FileTrace scanned = testing::ScanFileTrace(log);
  CHECK(scanned.writes == std::vector<std::string>{});
  CHECK(scanned.opens > 0);
}

std::string TlsTable(const std::string& dir, const std::string& name) {
  return "[tls]\ncert = \"" + dir + "/" + name + ".pem\"\nkey = \"" + dir + "/" + name +
         ".key\"\nca = \"" + dir + "/ca.pem\"\n";
}

TEST_CASE("with mutual TLS slaves sync and serve and peers without a valid certificate are refused") {
  testing::TempDir certs, other;
  const std::string make_certs = std::string(PROVISOR_SOURCE_DIR) + "/deploy/make-certs.sh";
  REQUIRE(testing::RunCommand({"bash", make_certs, certs.path(), "--slaves", "tls-good"})
              .exit_code == 0);
  REQUIRE(testing::RunCommand({"bash", make_certs, other.path(), "--slaves", "tls-foreign-ca"})
              .exit_code == 0);
  MasterProcess m(std::string(kClusterConfig) + TlsTable(certs.path(), "master"));
  // provisorctl (run by the helpers) presents the admin certificate.
  setenv("PROVISOR_TLS_CA", (certs.path() + "/ca.pem").c_str(), 1);
  setenv("PROVISOR_TLS_CERT", (certs.path() + "/admin.pem").c_str(), 1);
  setenv("PROVISOR_TLS_KEY", (certs.path() + "/admin.key").c_str(), 1);
  ImportExamples(m, PROVISOR_SOURCE_DIR);

  SlaveProcess good("tls-good", m.address, TlsTable(certs.path(), "slave-tls-good"));
  SlaveProcess foreign("tls-foreign-ca", m.address, TlsTable(other.path(), "slave-tls-foreign-ca"));
  SlaveProcess plain("plaintext", m.address);
  REQUIRE(WaitFor([&] { return AllCaughtUp(m, {"tls-good"}); }));
  for (const std::string& mac : kMacs) {
    testing::Rendered expected = Render(m, mac);
    CHECK(good.Fetch(expected.filename) == expected.content);
    // The others never got the data (nor the token keys).
    CHECK(foreign.Fetch(expected.filename).rfind("ERROR", 0) == 0);
    CHECK(plain.Fetch(expected.filename).rfind("ERROR", 0) == 0);
  }
  nlohmann::json status = testing::Status(m);
  CHECK(status.at("slaves").size() == 1);
  CHECK(SlaveRow(status, "tls-foreign-ca").is_null());
  CHECK(SlaveRow(status, "plaintext").is_null());

  // An admin client without a certificate is refused.
  unsetenv("PROVISOR_TLS_CA");
  unsetenv("PROVISOR_TLS_CERT");
  unsetenv("PROVISOR_TLS_KEY");
  CommandResult refused = m.Ctl({"status"});
  CHECK(refused.exit_code == 1);
}

}  // namespace
}  // namespace provisor
