// The NOC surfaces of a real master and real slaves: the JSON API and
// /metrics over HTTP (cpp-httplib client) while devices fetch over TFTP and
// the DHCP front end asks NextServer; events from imports, drains and a
// dead slave, in the API and in `provisorctl events --follow`; `status`
// colours and `top`'s view.
#include <httplib.h>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <algorithm>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <thread>

#include "tests/support/cluster.h"
#include "tests/support/master_process.h"
#include "tests/support/temp_dir.h"

namespace provisor {
namespace {

using nlohmann::json;
using testing::AllCaughtUp;
using testing::CommandResult;
using testing::MasterProcess;
using testing::SlaveProcess;
using testing::WaitFor;

const char kMac[] = "e0:5f:b9:a1:00:01";
// Heartbeats often enough for the test to be quick; dead_after long enough
// that a busy 2-core machine does not make a live slave flap.
const char kFastCluster[] =
    "http_listen = \"127.0.0.1:0\"\n[cluster]\nheartbeat_interval = \"250ms\"\n"
    "dead_after = \"3s\"\n";

std::string HttpGet(const std::string& address, const std::string& path) {
  httplib::Client client("http://" + address);
  client.set_connection_timeout(5);
  client.set_read_timeout(5);
  httplib::Result r = client.Get(path.c_str());
  if (!r) throw std::runtime_error("GET " + path + " failed: " + httplib::to_string(r.error()));
  if (r->status != 200) {
    throw std::runtime_error("GET " + path + ": " + std::to_string(r->status) + " " + r->body);
  }
  return r->body;
}

// The value of the sample `series` (name with labels, as printed) in a
// Prometheus exposition; -1 when absent.
double Sample(const std::string& exposition, const std::string& series) {
  size_t at = 0;
  while ((at = exposition.find(series + " ", at)) != std::string::npos) {
    if (at == 0 || exposition[at - 1] == '\n') {
      return std::stod(exposition.substr(at + series.size() + 1));
    }
    at += series.size();
  }
  return -1;
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

json Events(const MasterProcess& m, uint64_t after = 0) {
  return json::parse(HttpGet(m.http_address, "/api/v1/events?after=" + std::to_string(after)));
}

bool HasEvent(const json& events, const std::string& id, const std::string& slave) {
  for (const json& e : events["events"]) {
    if (e["id"] == id && e["slave_id"] == slave) return true;
  }
  return false;
}

TEST_CASE("the JSON API and metrics follow transfers, NextServer calls and a dying slave") {
  MasterProcess m(kFastCluster);
  testing::ImportExamples(m, PROVISOR_SOURCE_DIR);
  const std::string metrics_extra = "metrics_listen = \"127.0.0.1:0\"\n";
  SlaveProcess s1("s1", m.address, metrics_extra), s2("s2", m.address, metrics_extra);
  REQUIRE(s1.daemon->WaitListener("slave metrics"));
  REQUIRE(s2.daemon->WaitListener("slave metrics"));
  REQUIRE(WaitFor([&] { return AllCaughtUp(m, {"s1", "s2"}); }));

  // The imports are events, and counted.
  json events = Events(m);
  int imports = 0;
  for (const json& e : events["events"]) imports += e["id"] == "IMPORT" ? 1 : 0;
  CHECK(imports == 5);  // templates, models, packages, subscribers, devices
  const std::string master_metrics = HttpGet(m.http_address, "/metrics");
  CHECK(Sample(master_metrics, "provisor_master_import_rows_total{result=\"imported\"}") > 10);
  CHECK(Sample(master_metrics, "provisor_master_import_rows_total{result=\"rejected\"}") == 0);
  CHECK(Sample(master_metrics, "provisor_master_slave_up{slave=\"s1\"}") == 1);
  CHECK(Sample(master_metrics, "provisor_master_slaves{state=\"up\"}") == 2);
  CHECK(Sample(master_metrics, "provisor_master_store_size_bytes") > 0);

  // A NextServer call, then the device fetches from the slave it names.
  CommandResult next = m.Ctl({"next-server", "--mac", kMac, "--ip", "127.0.0.1"});
  REQUIRE(next.exit_code == 0);
  const json answer = json::parse(next.out);
  const std::string chosen = answer["slave"];
  SlaveProcess& slave = chosen == "s1" ? s1 : s2;
  REQUIRE(slave.Fetch(answer["filename"]) == testing::Render(m, kMac).content);
  CHECK(slave.Fetch("not-a-token.cfg").rfind("ERROR", 0) == 0);

  // Successful transfers log nothing at the default level; every line a
  // slave logs starts with a stable event id.
  const size_t log_before = ReadFile(slave.stderr_path).size();
  for (int i = 0; i < 10; ++i) REQUIRE(slave.Fetch(answer["filename"]).rfind("ERROR", 0) != 0);
  CHECK(ReadFile(slave.stderr_path).size() == log_before);
  const std::regex log_line(R"(\d{4}-\d\d-\d\dT[\d:.]+ (info|warning|error) slave [A-Z][A-Z0-9_]+ .+)");
  std::istringstream log(ReadFile(slave.stderr_path));
  int log_lines = 0;
  for (std::string l; std::getline(log, l); ++log_lines) {
    INFO(l);
    CHECK(std::regex_match(l, log_line));
  }
  CHECK(log_lines >= 2);  // SLAVE_STARTED, SNAPSHOT_APPLIED ...

  const std::string after_calls = HttpGet(m.http_address, "/metrics");
  CHECK(Sample(after_calls, "provisor_master_next_server_requests_total{result=\"answered\"}") ==
        1);
  CHECK(Sample(after_calls, "provisor_master_next_server_answers_total{slave=\"" + chosen +
                                "\"}") == 1);
  CHECK(Sample(after_calls, "provisor_master_next_server_duration_seconds_count") == 1);

  const std::string slave_metrics =
      HttpGet(slave.daemon->Address("slave metrics").ToString(), "/metrics");
  CHECK(Sample(slave_metrics, "provisor_slave_tftp_transfers_total{result=\"completed\"}") == 11);
  CHECK(Sample(slave_metrics, "provisor_slave_render_duration_seconds_count") == 11);
  CHECK(Sample(slave_metrics, "provisor_slave_token_refusals_total{reason=\"token_malformed\"}") ==
        1);
  // tftp-hpa asks in netascii: every LF went out as CR LF.
  const std::string content = testing::Render(m, kMac).content;
  CHECK(Sample(slave_metrics, "provisor_slave_tftp_sent_bytes_total") ==
        11.0 * static_cast<double>(content.size() +
                                   std::count(content.begin(), content.end(), '\n')));
  CHECK(Sample(slave_metrics, "provisor_slave_sync_connected") == 1);
  CHECK(Sample(slave_metrics, "provisor_slave_sync_lag_revisions") == 0);
  CHECK(Sample(slave_metrics, "provisor_slave_heartbeat_age_seconds") >= 0);
  CHECK(Sample(slave_metrics, "provisor_slave_heartbeat_age_seconds") < 5);

  // The cluster document shows both, with the answer counted for the
  // slave it named.
  REQUIRE(WaitFor([&] {
    const json c = json::parse(HttpGet(m.http_address, "/api/v1/cluster"));
    return c["slaves"].size() == 2 && c["totals"]["up"] == 2 &&
           c["slaves"][chosen == "s1" ? 0 : 1]["next_server_answers"] == 1 &&
           c["slaves"][chosen == "s1" ? 1 : 0]["next_server_answers"] == 0 &&
           c["next_server"]["answered"] == 1;
  }));

  // A slave killed: down in the API, the metrics and the events.
  s2.Stop(SIGKILL);
  REQUIRE(WaitFor([&] {
    const json c = json::parse(HttpGet(m.http_address, "/api/v1/cluster"));
    return c["slaves"][1]["state"] == "down";
  }));
  CHECK(HasEvent(Events(m), "SLAVE_DOWN", "s2"));
  const std::string after_death = HttpGet(m.http_address, "/metrics");
  CHECK(Sample(after_death, "provisor_master_slave_up{slave=\"s2\"}") == 0);
  CHECK(Sample(after_death, "provisor_master_slaves{state=\"down\"}") == 1);
  CHECK(Sample(after_death, "provisor_master_events_total{kind=\"down\"}") == 1);
}

TEST_CASE("events --follow prints new events as they happen; status and top show the farm") {
  MasterProcess m(kFastCluster);
  SlaveProcess s1("s1", m.address), s2("s2", m.address);
  REQUIRE(WaitFor([&] { return AllCaughtUp(m, {"s1", "s2"}); }));
  // The follower's stdout goes to a file, so the test sees when it has
  // printed its backlog (s1 up) and is following.
  testing::TempDir dir;
  const std::string out_path = dir.path() + "/follow.out";
  CommandResult follow;
  // Joined on every way out, so a failed REQUIRE cannot abandon it.
  struct Joiner {
    std::thread thread;
    ~Joiner() {
      if (thread.joinable()) thread.join();
    }
  } follower;
  follower.thread = std::thread([&] {
    follow = testing::RunCommand(
        {"sh", "-c",
         "exec " + std::string(PROVISOR_BIN_DIR) + "/provisorctl --master " + m.address +
             " events --follow --interval 100ms --exit-after 2 --slave s1 > " + out_path},
        std::chrono::seconds(30));
  });
  REQUIRE(WaitFor([&] { return ReadFile(out_path).find("SLAVE_UP") != std::string::npos; }));
  REQUIRE(m.Ctl({"slave", "drain", "s2"}).exit_code == 0);  // another slave's: filtered out
  REQUIRE(m.Ctl({"slave", "drain", "s1"}).exit_code == 0);
  REQUIRE(m.Ctl({"slave", "weight", "s1", "7"}).exit_code == 0);
  follower.thread.join();
  REQUIRE(follow.exit_code == 0);
  // The backlog (s1 up), then exactly the two new events of s1.
  const std::regex line(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ  (\w+)  s1  (.*))");
  std::vector<std::string> ids;
  std::istringstream in(ReadFile(out_path));
  for (std::string l; std::getline(in, l);) {
    std::smatch match;
    REQUIRE(std::regex_match(l, match, line));
    ids.push_back(match[1]);
  }
  CHECK(ids == std::vector<std::string>{"SLAVE_UP", "SLAVE_DRAIN", "SLAVE_WEIGHT"});

  CommandResult coloured = m.Ctl({"status", "--color", "always"});
  REQUIRE(coloured.exit_code == 0);
  CHECK(coloured.out.find("\x1b[33mdraining\x1b[0m") != std::string::npos);
  CommandResult plain = m.Ctl({"status"});  // not a terminal: no colour
  CHECK(plain.out.find('\x1b') == std::string::npos);
  CHECK(plain.out.find("draining") != std::string::npos);

  CommandResult top = m.Ctl({"top", "-n", "2", "--interval", "100ms"});
  REQUIRE(top.exit_code == 0);
  // Two views, each with the totals line, both slaves and the events.
  size_t views = 0;
  for (size_t at = 0; (at = top.out.find("slaves: 0 up, 0 down, 2 draining", at)) !=
                      std::string::npos;
       ++at) {
    ++views;
  }
  CHECK(views == 2);
  CHECK(top.out.find("recent events (newest first)") != std::string::npos);
  CHECK(top.out.find("SLAVE_WEIGHT  s1  operator weight set to 7") != std::string::npos);
  CHECK(top.out.find('\x1b') == std::string::npos);
  CHECK(m.Ctl({"top", "--json", "-n", "1"}).exit_code == 2);
}

}  // namespace
}  // namespace provisor
