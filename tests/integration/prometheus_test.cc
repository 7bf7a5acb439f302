// deploy/prometheus/ and deploy/grafana/ against promtool and the metric
// names provisor exposes: the scrape config and the alert rules pass
// `promtool check`, the rules' unit tests pass `promtool test rules`, the
// Grafana dashboard is well formed, and every provisor_ metric the rules and
// the dashboard use is one of the names below (the NOC contract). Live: a
// real master (http_listen) and slave (metrics_listen) serve /metrics that
// `promtool check metrics` accepts and that name every metric used.
#include <httplib.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "tests/support/cluster.h"
#include "tests/support/master_process.h"
#include "tests/support/process.h"
#include "tests/support/temp_dir.h"

namespace provisor {
namespace {

using testing::CommandResult;
using testing::MasterProcess;
using testing::RunCommand;
using testing::SlaveProcess;
using testing::WaitFor;
using Json = nlohmann::json;

const std::string kDeploy = std::string(PROVISOR_SOURCE_DIR) + "/deploy";
const std::string kPrometheusDir = kDeploy + "/prometheus";
const std::string kDashboard = kDeploy + "/grafana/provisor-dashboard.json";

// The metric names of the NOC contract (master http_listen and slave
// metrics_listen /metrics).
const std::set<std::string> kCounters = {
    "provisor_master_next_server_requests_total",
    "provisor_master_next_server_answers_total",
    "provisor_master_slave_failures_total",
    "provisor_master_import_rows_total",
    "provisor_master_events_total",
    "provisor_master_bindings_recorded_total",
    "provisor_master_bindings_dropped_total",
    "provisor_master_dhcp_front_end_packets_total",
    "provisor_slave_tftp_requests_total",
    "provisor_slave_tftp_transfers_total",
    "provisor_slave_tftp_refusals_total",
    "provisor_slave_tftp_sent_bytes_total",
    "provisor_slave_tftp_data_packets_total",
    "provisor_slave_tftp_retransmits_total",
    "provisor_slave_tftp_options_requested_total",
    "provisor_slave_tftp_options_accepted_total",
    "provisor_slave_token_refusals_total",
};
const std::set<std::string> kGauges = {
    "provisor_master_slave_up",
    "provisor_master_slave_draining",
    "provisor_master_slave_heartbeat_age_seconds",
    "provisor_master_slave_revision_lag",
    "provisor_master_slave_effective_weight",
    "provisor_master_slave_active_sessions",
    "provisor_master_slave_transfers_per_second",
    "provisor_master_slaves",
    "provisor_master_revision",
    "provisor_master_store_size_bytes",
    "provisor_master_token_epoch",
    "provisor_master_token_next_rotation_seconds",
    "provisor_slave_tftp_active_sessions",
    "provisor_slave_sync_revision",
    "provisor_slave_sync_lag_revisions",
    "provisor_slave_sync_connected",
    "provisor_slave_heartbeat_age_seconds",
};
const std::set<std::string> kHistograms = {
    "provisor_master_next_server_duration_seconds",
    "provisor_slave_render_duration_seconds",
};

// The contract's family name for a name used in a query (a histogram's
// _bucket, _sum or _count series belong to the histogram), or "".
std::string ContractFamily(const std::string& name) {
  if (kCounters.count(name) > 0 || kGauges.count(name) > 0 || kHistograms.count(name) > 0) {
    return name;
  }
  for (const char* suffix : {"_bucket", "_sum", "_count"}) {
    const std::string s = suffix;
    if (name.size() > s.size() && name.compare(name.size() - s.size(), s.size(), s) == 0) {
      std::string base = name.substr(0, name.size() - s.size());
      if (kHistograms.count(base) > 0) return base;
    }
  }
  return "";
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path);
  std::stringstream bytes;
  bytes << in.rdbuf();
  return bytes.str();
}

std::set<std::string> MetricNames(const std::string& expr) {
  static const std::regex kName("provisor_[a-z0-9_]+");
  std::set<std::string> names;
  for (auto it = std::sregex_iterator(expr.begin(), expr.end(), kName);
       it != std::sregex_iterator(); ++it) {
    names.insert(it->str());
  }
  return names;
}

// The names a query takes rate() or increase() of: `rate(` up to its `[`.
std::set<std::string> RatedNames(const std::string& expr) {
  std::set<std::string> names;
  for (const char* fn : {"rate(", "increase("}) {
    for (size_t at = expr.find(fn); at != std::string::npos; at = expr.find(fn, at + 1)) {
      size_t range = expr.find('[', at);
      for (const std::string& n : MetricNames(expr.substr(at, range - at))) names.insert(n);
    }
  }
  return names;
}

// The `expr:` values of a rules file (plain or block scalars).
std::vector<std::string> RuleExpressions(const std::string& yaml) {
  std::vector<std::string> exprs;
  std::istringstream in(yaml);
  std::string line;
  std::vector<std::string> lines;
  while (std::getline(in, line)) lines.push_back(line);
  auto indent = [](const std::string& l) { return l.find_first_not_of(' '); };
  for (size_t i = 0; i < lines.size(); ++i) {
    size_t at = lines[i].find("expr:");
    if (at == std::string::npos || at != indent(lines[i])) continue;
    std::string value = lines[i].substr(at + 5);
    value.erase(0, value.find_first_not_of(' '));
    if (!value.empty() && value[0] != '>' && value[0] != '|') {
      exprs.push_back(value);
      continue;
    }
    std::string block;
    while (i + 1 < lines.size() &&
           (lines[i + 1].find_first_not_of(' ') == std::string::npos ||
            indent(lines[i + 1]) > at)) {
      block += lines[++i] + "\n";
    }
    exprs.push_back(block);
  }
  return exprs;
}

std::vector<std::string> AlertNames(const std::string& yaml) {
  static const std::regex kAlert("- alert: (\\w+)");
  std::vector<std::string> names;
  for (auto it = std::sregex_iterator(yaml.begin(), yaml.end(), kAlert);
       it != std::sregex_iterator(); ++it) {
    names.push_back((*it)[1].str());
  }
  return names;
}

// Every panel, rows' nested panels included.
void CollectPanels(const Json& panels, std::vector<Json>* out) {
  for (const Json& p : panels) {
    out->push_back(p);
    if (p.contains("panels")) CollectPanels(p.at("panels"), out);
  }
}

Json Dashboard() {
  Json d = Json::parse(ReadFile(kDashboard), nullptr, /*allow_exceptions=*/false);
  REQUIRE_FALSE(d.is_discarded());
  return d;
}

// Every PromQL text of the dashboard: targets and template variable queries.
std::vector<std::string> DashboardExpressions(const Json& dashboard) {
  std::vector<std::string> exprs;
  std::vector<Json> panels;
  CollectPanels(dashboard.at("panels"), &panels);
  for (const Json& p : panels) {
    for (const Json& t : p.value("targets", Json::array())) exprs.push_back(t.value("expr", ""));
  }
  for (const Json& v : dashboard.at("templating").at("list")) {
    if (v.value("type", "") == "query") exprs.push_back(v.value("definition", ""));
  }
  return exprs;
}

// Every provisor_ name used by the alert rules and the dashboard.
std::set<std::string> UsedNames() {
  std::set<std::string> used;
  for (const std::string& e : RuleExpressions(ReadFile(kPrometheusDir + "/provisor-alerts.yml"))) {
    for (const std::string& n : MetricNames(e)) used.insert(n);
  }
  for (const std::string& e : DashboardExpressions(Dashboard())) {
    for (const std::string& n : MetricNames(e)) used.insert(n);
  }
  return used;
}

CommandResult Promtool(const std::vector<std::string>& args, const std::string& input = "",
                       const std::string& cwd = "") {
  std::vector<std::string> argv = {"promtool"};
  argv.insert(argv.end(), args.begin(), args.end());
  return RunCommand(argv, std::chrono::seconds(60), input, cwd);
}

void RequirePromtool() {
  INFO("promtool is missing: deploy/setup.sh installs Debian's prometheus package");
  REQUIRE(testing::HaveProgram("promtool"));
}

TEST_CASE("prometheus: promtool accepts the scrape config with its rules and file_sd example") {
  RequirePromtool();
  // From a copy, run elsewhere: rule_files and file_sd paths are relative
  // to the config file, as once installed in /etc/prometheus.
  testing::TempDir etc;
  etc.WriteFile("prometheus.yml", ReadFile(kPrometheusDir + "/prometheus.yml"));
  etc.WriteFile("provisor-alerts.yml", ReadFile(kPrometheusDir + "/provisor-alerts.yml"));
  etc.WriteFile("provisor-slaves/example.yml",
                ReadFile(kPrometheusDir + "/provisor-slaves/example.yml"));
  testing::TempDir elsewhere;
  CommandResult r = Promtool({"check", "config", etc.path() + "/prometheus.yml"}, "",
                             elsewhere.path());
  INFO(r.out << r.err);
  CHECK(r.exit_code == 0);
  CHECK(r.out.find("SUCCESS: 1 rule files found") != std::string::npos);
  CHECK((r.out + r.err).find("WARNING") == std::string::npos);

  const std::string config = ReadFile(kPrometheusDir + "/prometheus.yml");
  CHECK(config.find("job_name: provisor-master") != std::string::npos);
  CHECK(config.find("job_name: provisor-slave") != std::string::npos);
  CHECK(config.find("file_sd_configs:") != std::string::npos);

  // A broken file_sd file is caught: the example is really read.
  etc.WriteFile("provisor-slaves/broken.yml", "- targets: [\n");
  CommandResult broken = Promtool({"check", "config", etc.path() + "/prometheus.yml"});
  CHECK(broken.exit_code != 0);
}

TEST_CASE("prometheus: promtool accepts the alert rules and their unit tests pass") {
  RequirePromtool();
  const std::string alerts = kPrometheusDir + "/provisor-alerts.yml";
  CommandResult check = Promtool({"check", "rules", alerts});
  INFO(check.out << check.err);
  CHECK(check.exit_code == 0);
  const std::vector<std::string> names = AlertNames(ReadFile(alerts));
  CHECK(names.size() >= 12);
  CHECK(check.out.find("SUCCESS: " + std::to_string(names.size()) + " rules found") !=
        std::string::npos);

  testing::TempDir elsewhere;
  CommandResult test =
      Promtool({"test", "rules", kPrometheusDir + "/provisor-alerts.test.yml"}, "",
               elsewhere.path());
  INFO(test.out << test.err);
  CHECK(test.exit_code == 0);
  CHECK(test.out.find("SUCCESS") != std::string::npos);

  // Every alert of the farm is there and has a unit test that fires it.
  const std::string tests = ReadFile(kPrometheusDir + "/provisor-alerts.test.yml");
  for (const char* alert : {"ProvisorSlaveDown", "ProvisorMasterDown", "ProvisorHighRefusalRate",
                            "ProvisorSyncLag", "ProvisorNoEligibleSlave", "ProvisorHeartbeatStale",
                            "ProvisorTransferFailures", "ProvisorSyncDisconnected",
                            "ProvisorDhcpFallback"}) {
    INFO(alert);
    CHECK(std::find(names.begin(), names.end(), alert) != names.end());
    CHECK(tests.find("alertname: " + std::string(alert)) != std::string::npos);
  }
}

TEST_CASE("prometheus: the unit tests fail when a rule stops firing") {
  // The unit tests assert something: with SlaveDown's threshold turned
  // around, `promtool test rules` reports the missing alert.
  RequirePromtool();
  testing::TempDir dir;
  std::string alerts = ReadFile(kPrometheusDir + "/provisor-alerts.yml");
  const std::string expr = "expr: provisor_master_slave_up == 0";
  size_t at = alerts.find(expr);
  REQUIRE(at != std::string::npos);
  alerts.replace(at, expr.size(), "expr: provisor_master_slave_up == 2");
  dir.WriteFile("provisor-alerts.yml", alerts);
  dir.WriteFile("provisor-alerts.test.yml", ReadFile(kPrometheusDir + "/provisor-alerts.test.yml"));
  CommandResult r = Promtool({"test", "rules", dir.path() + "/provisor-alerts.test.yml"});
  INFO(r.out << r.err);
  CHECK(r.exit_code != 0);
  CHECK((r.out + r.err).find("slave down as the master sees it") != std::string::npos);
}

TEST_CASE("prometheus: the Grafana dashboard has panels with targets on its datasource") {
  const Json d = Dashboard();
  CHECK(d.at("schemaVersion").get<int>() >= 36);
  CHECK(d.at("uid") == "provisor-farm");
  CHECK(d.at("links").empty());
  const std::string text = ReadFile(kDashboard);
  CHECK(text.find("http://") == std::string::npos);  // no external links at all
  CHECK(text.find("https://") == std::string::npos);

  bool datasource_variable = false;
  for (const Json& v : d.at("templating").at("list")) {
    if (v.at("type") == "datasource" && v.at("name") == "DS_PROMETHEUS" &&
        v.at("query") == "prometheus") {
      datasource_variable = true;
    }
  }
  CHECK(datasource_variable);

  std::vector<Json> panels;
  CollectPanels(d.at("panels"), &panels);
  REQUIRE(panels.size() >= 20);
  std::set<int> ids;
  int graphs = 0;
  for (const Json& p : panels) {
    INFO(p.value("title", "?"));
    CHECK(ids.insert(p.at("id").get<int>()).second);
    const Json& pos = p.at("gridPos");
    CHECK(pos.at("x").get<int>() + pos.at("w").get<int>() <= 24);
    if (p.at("type") == "row") continue;
    ++graphs;
    CHECK_FALSE(p.value("title", "").empty());
    CHECK(p.at("datasource").at("uid") == "${DS_PROMETHEUS}");
    REQUIRE(p.contains("targets"));
    REQUIRE_FALSE(p.at("targets").empty());
    for (const Json& t : p.at("targets")) {
      CHECK_FALSE(t.value("expr", "").empty());
      CHECK(t.at("datasource").at("uid") == "${DS_PROMETHEUS}");
      CHECK_FALSE(MetricNames(t.value("expr", "")).empty());
    }
  }
  CHECK(graphs >= 20);

  // The panels the NOC asked for, by the metrics they show.
  std::set<std::string> shown;
  for (const std::string& e : DashboardExpressions(d)) {
    for (const std::string& n : MetricNames(e)) shown.insert(n);
  }
  for (const char* name : {
           "provisor_master_slaves", "provisor_master_slave_up",
           "provisor_master_slave_effective_weight", "provisor_master_next_server_answers_total",
           "provisor_master_next_server_requests_total",
           "provisor_master_next_server_duration_seconds_bucket",
           "provisor_slave_tftp_transfers_total", "provisor_master_slave_transfers_per_second",
           "provisor_slave_tftp_refusals_total", "provisor_slave_token_refusals_total",
           "provisor_slave_render_duration_seconds_bucket", "provisor_master_slave_active_sessions",
           "provisor_slave_tftp_retransmits_total", "provisor_master_slave_revision_lag",
           "provisor_master_slave_heartbeat_age_seconds", "provisor_master_store_size_bytes",
           "provisor_master_import_rows_total"}) {
    INFO(name);
    CHECK(shown.count(name) == 1);
  }
}

TEST_CASE("prometheus: the rules and the dashboard use only the contract's metric names") {
  const std::vector<std::string> exprs =
      RuleExpressions(ReadFile(kPrometheusDir + "/provisor-alerts.yml"));
  CHECK(exprs.size() == 13);
  for (const std::string& e : exprs) {
    INFO(e);
    CHECK((!MetricNames(e).empty() || e.find("up{job=") != std::string::npos));
  }
  const std::set<std::string> used = UsedNames();
  CHECK(used.size() >= 25);
  for (const std::string& name : used) {
    INFO(name);
    CHECK_FALSE(ContractFamily(name).empty());
  }
  // rate() and increase() only over counters and histogram series.
  std::vector<std::string> all = exprs;
  for (const std::string& e : DashboardExpressions(Dashboard())) all.push_back(e);
  size_t rated = 0;
  for (const std::string& e : all) {
    for (const std::string& name : RatedNames(e)) {
      INFO(e << ": " << name);
      ++rated;
      CHECK((kCounters.count(name) == 1 ||
             (kHistograms.count(ContractFamily(name)) == 1 && name != ContractFamily(name))));
    }
  }
  CHECK(rated >= 15);
  CHECK(RatedNames("rate(provisor_master_slave_up[5m])") ==
        std::set<std::string>{"provisor_master_slave_up"});
  // The same holds for every provisor_ word anywhere in the files (the
  // scrape config and the unit tests' input series included).
  for (const std::string& file :
       {kPrometheusDir + "/provisor-alerts.yml", kPrometheusDir + "/provisor-alerts.test.yml",
        kPrometheusDir + "/prometheus.yml", kDashboard}) {
    for (const std::string& name : MetricNames(ReadFile(file))) {
      INFO(file << ": " << name);
      CHECK_FALSE(ContractFamily(name).empty());
    }
  }
  // And the check itself tells a wrong name from a right one.
  CHECK(ContractFamily("provisor_slave_render_duration_seconds_bucket") ==
        "provisor_slave_render_duration_seconds");
  CHECK(ContractFamily("provisor_slave_tftp_requests_total_bucket").empty());
  CHECK(ContractFamily("provisor_master_slave_lag").empty());
}

// GET http://address/metrics (address: host:port); the body, or "" if it failed.
std::string Scrape(const std::string& address, std::string* content_type) {
  httplib::Client client("http://" + address);
  client.set_connection_timeout(5);
  client.set_read_timeout(10);
  auto response = client.Get("/metrics");
  if (!response || response->status != 200) return "";
  if (content_type != nullptr) *content_type = response->get_header_value("Content-Type");
  return response->body;
}

// True if `body` (Prometheus text format) names `name`: a HELP or TYPE line
// of its family, or a sample of it.
bool Names(const std::string& body, const std::string& name) {
  const std::string family = ContractFamily(name).empty() ? name : ContractFamily(name);
  if (body.find("# TYPE " + family + " ") != std::string::npos) return true;
  if (body.find("# HELP " + family + " ") != std::string::npos) return true;
  std::istringstream in(body);
  std::string line;
  while (std::getline(in, line)) {
    if (line.compare(0, name.size(), name) == 0 &&
        (line.size() > name.size() && (line[name.size()] == '{' || line[name.size()] == ' '))) {
      return true;
    }
  }
  return false;
}

TEST_CASE("prometheus: live master and slave /metrics pass promtool and name every metric used") {
  RequirePromtool();
  MasterProcess m("http_listen = \"127.0.0.1:0\"\n");
  const std::string master_http = m.http_address;
  REQUIRE_FALSE(master_http.empty());
  testing::ImportExamples(m, PROVISOR_SOURCE_DIR);
  SlaveProcess s1("s1", m.address, "metrics_listen = \"127.0.0.1:0\"\n");
  REQUIRE(s1.daemon->WaitListener("slave metrics"));
  const std::string slave_metrics = s1.daemon->Address("slave metrics").ToString();
  REQUIRE(WaitFor([&] { return testing::AllCaughtUp(m, {"s1"}); }));

  // Traffic for the labelled series: a NextServer answer and its transfer
  // (a render), and a name the slave refuses.
  CommandResult next = m.Ctl({"--json", "next-server", "--mac", "e0:5f:b9:a1:00:01", "--ip",
                              "127.0.0.1"});
  INFO(next.err);
  REQUIRE(next.exit_code == 0);
  const std::string filename = Json::parse(next.out).at("filename");
  CHECK(s1.Fetch(filename).rfind("ERROR", 0) != 0);
  CHECK(s1.Fetch("not-a-provisor-name.cfg").rfind("ERROR", 0) == 0);

  std::string master_body, slave_body, master_type, slave_type;
  // The master learns of the slave's refusal from its next heartbeat.
  CHECK(WaitFor([&] {
    master_body = Scrape(master_http, &master_type);
    return master_body.find("provisor_master_slave_failures_total{") != std::string::npos;
  }));
  slave_body = Scrape(slave_metrics, &slave_type);
  INFO("master /metrics:\n" << master_body << "\nslave /metrics:\n" << slave_body);
  REQUIRE_FALSE(master_body.empty());
  REQUIRE_FALSE(slave_body.empty());
  CHECK(master_type.rfind("text/plain", 0) == 0);
  CHECK(slave_type.rfind("text/plain", 0) == 0);

  for (const std::string* body : {&master_body, &slave_body}) {
    CommandResult lint = Promtool({"check", "metrics"}, *body);
    INFO(lint.out << lint.err);
    CHECK(lint.exit_code == 0);
  }
  CHECK(master_body.find("provisor_master_slave_up{") != std::string::npos);
  CHECK(master_body.find("slave=\"s1\"") != std::string::npos);
  CHECK(master_body.find("provisor_master_next_server_requests_total{") != std::string::npos);
  CHECK(slave_body.find("provisor_slave_tftp_transfers_total{") != std::string::npos);

  for (const std::string& name : UsedNames()) {
    INFO(name);
    const bool master_metric = name.rfind("provisor_master_", 0) == 0;
    CHECK(Names(master_metric ? master_body : slave_body, name));
  }
}

}  // namespace
}  // namespace provisor
