// NocHttp's routes without sockets: the cluster, events and history JSON
// against a real registry, balancer and LMDB store with a fake clock; the
// Prometheus exposition; the dashboard page; and the admin actions'
// authorisation (read-only without a token, 401 for a wrong one).
#include "master/noc/noc_http.h"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "master/cluster/balancer.h"
#include "master/cluster/event_log.h"
#include "master/cluster/front_end_stats.h"
#include "master/cluster/registry.h"
#include "master/noc/history.h"
#include "master/store/lmdb_store.h"
#include "tests/support/temp_dir.h"

namespace provisor {
namespace {

using nlohmann::json;

constexpr const char* kToken = "0123456789abcdef-noc";

struct Noc {
  explicit Noc(std::string token = "") {
    StoreOptions options;
    options.data_dir = dir.path();
    auto opened = LmdbStore::Open(options, &clock);
    REQUIRE(opened.ok());
    store = std::move(*opened);
    context.clock = &clock;
    context.registry = &registry;
    context.store = store.get();
    context.balancer = &balancer;
    context.history = &history;
    context.events = &events;
    context.front_ends = &front_ends;
    context.rotate_every = std::chrono::minutes(30);
    metrics = std::make_unique<MasterMetrics>(&context);
    std::vector<ApiToken> tokens;
    if (!token.empty()) tokens.push_back(ApiToken{"ops", Role::kOperator, Sha256(token)});
    http = std::make_unique<NocHttp>(&context, metrics.get(),
                                     NocHttpOptions{ApiTokens(std::move(tokens)), nullptr});
  }

  void Beat(const std::string& id, double transfers_per_s, uint64_t timeouts) {
    Heartbeat h;
    h.slave_id = id;
    h.address = "10.0.0." + id.substr(1) + ":69";
    h.transfers_per_s = transfers_per_s;
    h.active_sessions = 3;
    h.failures["timeout"] = timeouts;
    REQUIRE(registry.RecordHeartbeat(h).ok());
  }

  HttpResponse Get(const std::string& path, std::map<std::string, std::string> query = {}) {
    HttpRequest r;
    r.remote = "127.0.0.1";
    r.method = "GET";
    r.path = path;
    r.query = std::move(query);
    return http->Handle(r);
  }
  HttpResponse Post(const std::string& path, const std::string& body = "",
                    const std::string& authorization = "") {
    HttpRequest r;
    r.method = "POST";
    r.path = path;
    r.body = body;
    if (!authorization.empty()) r.headers["authorization"] = authorization;
    return http->Handle(r);
  }

  testing::TempDir dir;
  FakeClock clock;
  std::unique_ptr<LmdbStore> store;
  EventLog events{&clock};
  SlaveRegistry registry{RegistryOptions{}, &clock, &events};
  Balancer balancer{&registry, &clock};
  ClusterHistory history;
  FrontEndStats front_ends{&clock};
  NocContext context;
  std::unique_ptr<MasterMetrics> metrics;
  std::unique_ptr<NocHttp> http;
};

TEST_CASE("the cluster JSON shows every slave, totals and the token epoch") {
  Noc noc;
  noc.Beat("s1", 10.0, 0);
  noc.Beat("s2", 5.0, 0);
  noc.Beat("s3", 1.0, 0);
  noc.clock.Advance(std::chrono::seconds(2));
  noc.Beat("s1", 12.0, 4);  // 4 timeouts in 2 s
  noc.Beat("s2", 6.0, 0);
  REQUIRE(noc.registry.SetDrained("s2", true).ok());
  noc.clock.Advance(std::chrono::seconds(7));
  noc.Beat("s1", 12.0, 4);
  noc.registry.Tick();  // s2 and s3 silent for 7 s: down

  HttpResponse r = noc.Get("/api/v1/cluster");
  REQUIRE(r.status == 200);
  CHECK(r.content_type == "application/json");
  json j = json::parse(r.body);
  CHECK(j["role"] == "root");
  CHECK(j["admin"] == false);
  REQUIRE(j["slaves"].size() == 3);
  CHECK(j["slaves"][0]["id"] == "s1");
  CHECK(j["slaves"][0]["state"] == "up");
  CHECK(j["slaves"][0]["address"] == "10.0.0.1:69");
  CHECK(j["slaves"][0]["failures"]["timeout"] == 4);
  CHECK(j["slaves"][0]["failures_per_s"]["timeout"] == 0.0);  // none since the last report
  CHECK(j["slaves"][0]["heartbeat_age_s"] == 0.0);
  CHECK(j["slaves"][1]["state"] == "down");  // drained, but silent
  CHECK(j["slaves"][2]["state"] == "down");
  CHECK(j["slaves"][2]["effective_weight"] == 0.0);
  CHECK(j["totals"]["slaves"] == 3);
  CHECK(j["totals"]["up"] == 1);
  CHECK(j["totals"]["down"] == 2);
  CHECK(j["totals"]["transfers_per_s"] == 12.0);  // down slaves' stale rates left out
  const int64_t now_s = std::chrono::duration_cast<std::chrono::seconds>(
                            noc.clock.WallNow().time_since_epoch()).count();
  CHECK(j["tokens"]["epoch"] == now_s / 1800);
  CHECK(j["tokens"]["next_rotation_unix_ms"] == (now_s / 1800 + 1) * 1800 * 1000);
  CHECK(j["now_unix_ms"] == now_s * 1000);
}

TEST_CASE("DHCP front ends' own totals are in the cluster JSON and the metrics") {
  Noc noc;
  CHECK(json::parse(noc.Get("/api/v1/cluster").body)["dhcp_front_ends"] == json::array());
  REQUIRE(noc.front_ends.Record("kea@dhcp-1", {{"answered", 40}, {"fallback", 3}}).ok());
  noc.clock.Advance(std::chrono::seconds(2));
  json f = json::parse(noc.Get("/api/v1/cluster").body)["dhcp_front_ends"];
  REQUIRE(f.size() == 1);
  CHECK(f[0] == json{{"id", "kea@dhcp-1"}, {"answered", 40}, {"refused", 0}, {"fallback", 3},
                     {"unanswered", 0}, {"report_age_s", 2.0}});
  const std::string m = noc.Get("/metrics").body;
  CHECK(m.find("provisor_master_dhcp_front_end_packets_total{front_end=\"kea@dhcp-1\","
               "result=\"fallback\"} 3") != std::string::npos);
  CHECK(m.find("provisor_master_dhcp_front_end_report_age_seconds{front_end=\"kea@dhcp-1\"} 2") !=
        std::string::npos);
}

TEST_CASE("failures per second come from the last two heartbeats") {
  Noc noc;
  noc.Beat("s1", 1.0, 10);
  noc.clock.Advance(std::chrono::seconds(2));
  noc.Beat("s1", 1.0, 16);
  json j = json::parse(noc.Get("/api/v1/cluster").body);
  CHECK(j["slaves"][0]["failures_per_s"]["timeout"] == 3.0);
  CHECK(j["totals"]["failures_per_s"] == 3.0);
}

TEST_CASE("events are served after a sequence number, bad parameters are refused") {
  Noc noc;
  noc.Beat("s1", 1.0, 0);                      // seq 1: up
  REQUIRE(noc.registry.SetWeight("s1", 5).ok());  // seq 2: weight
  json all = json::parse(noc.Get("/api/v1/events").body);
  CHECK(all["last_seq"] == 2);
  REQUIRE(all["events"].size() == 2);
  CHECK(all["events"][0]["id"] == "SLAVE_UP");
  CHECK(all["events"][1]["id"] == "SLAVE_WEIGHT");
  CHECK(all["events"][1]["slave_id"] == "s1");
  CHECK(all["events"][1]["reason"] == "operator weight set to 5");
  CHECK(all["events"][1]["time"].get<std::string>().back() == 'Z');
  json after = json::parse(noc.Get("/api/v1/events", {{"after", "1"}}).body);
  REQUIRE(after["events"].size() == 1);
  CHECK(after["events"][0]["seq"] == 2);
  CHECK(noc.Get("/api/v1/events", {{"after", "x"}}).status == 400);
  CHECK(noc.Get("/api/v1/events", {{"limit", "0"}}).status == 400);
  CHECK(noc.Get("/api/v1/events", {{"after", "-1"}}).status == 400);
}

TEST_CASE("history has one array per slave, aligned with the times") {
  Noc noc;
  noc.history.Record(noc.clock.WallNow(), noc.clock.Now(), {{"s1", 2.0}}, {{"s1", 0}});
  noc.clock.Advance(std::chrono::seconds(5));
  noc.history.Record(noc.clock.WallNow(), noc.clock.Now(), {{"s1", 3.0}}, {{"s1", 20}});
  json j = json::parse(noc.Get("/api/v1/history").body);
  CHECK(j["step_s"] == 5);
  CHECK(j["window_s"] == 900);
  CHECK(j["times_unix_ms"].size() == 2);
  CHECK(j["series"]["transfers_per_s"]["s1"] == json::array({2.0, 3.0}));
  CHECK(j["series"]["next_server_per_s"]["s1"] == json::array({nullptr, 4.0}));
}

TEST_CASE("metrics are Prometheus text with per-slave series") {
  Noc noc;
  noc.Beat("s1", 7.5, 2);
  noc.metrics->next_server_latency()->Observe(0.0003);
  HttpResponse r = noc.Get("/metrics");
  REQUIRE(r.status == 200);
  CHECK(r.content_type.rfind("text/plain; version=0.0.4", 0) == 0);
  const std::string& m = r.body;
  CHECK(m.find("# TYPE provisor_master_slave_up gauge") != std::string::npos);
  CHECK(m.find("provisor_master_slave_up{slave=\"s1\"} 1") != std::string::npos);
  CHECK(m.find("provisor_master_slave_transfers_per_second{slave=\"s1\"} 7.5") !=
        std::string::npos);
  CHECK(m.find("provisor_master_slave_failures_total{slave=\"s1\",reason=\"timeout\"} 2") !=
        std::string::npos);
  CHECK(m.find("provisor_master_slaves{state=\"up\"} 1") != std::string::npos);
  CHECK(m.find("provisor_master_events_total{kind=\"up\"} 1") != std::string::npos);
  CHECK(m.find("provisor_master_next_server_duration_seconds_bucket{le=\"0.0005\"} 1") !=
        std::string::npos);
  CHECK(m.find("provisor_master_next_server_duration_seconds_count 1") != std::string::npos);
  CHECK(m.find("# TYPE provisor_master_store_size_bytes gauge") != std::string::npos);
}

TEST_CASE("the dashboard page and its assets are served, unknown paths are 404") {
  Noc noc;
  HttpResponse page = noc.Get("/");
  REQUIRE(page.status == 200);
  CHECK(page.content_type.rfind("text/html", 0) == 0);
  CHECK(page.body.find("<html") != std::string::npos);
  CHECK(noc.Get("/static/dashboard.js").status == 200);
  CHECK(noc.Get("/static/nope.js").status == 404);
  CHECK(noc.Get("/api/v1/nope").status == 404);
  HttpRequest put;
  put.method = "PUT";
  put.path = "/api/v1/cluster";
  CHECK(noc.http->Handle(put).status == 405);
}

TEST_CASE("without an admin token the dashboard is read-only") {
  Noc noc;
  noc.Beat("s1", 1.0, 0);
  HttpResponse r = noc.Post("/api/v1/slaves/s1/drain", "", std::string("Bearer ") + kToken);
  CHECK(r.status == 403);
  CHECK(json::parse(r.body)["error"].get<std::string>().find("read-only") != std::string::npos);
  CHECK(noc.registry.Find("s1")->state == SlaveState::kUp);
}

TEST_CASE("with an admin token, drain, undrain and weight need it") {
  Noc noc(kToken);
  noc.Beat("s1", 1.0, 0);
  const std::string bearer = std::string("Bearer ") + kToken;
  CHECK(json::parse(noc.Get("/api/v1/cluster").body)["admin"] == true);
  CHECK(noc.Post("/api/v1/slaves/s1/drain").status == 401);
  CHECK(noc.Post("/api/v1/slaves/s1/drain", "", "Bearer wrong-token-wrong-token").status == 401);
  CHECK(noc.Post("/api/v1/slaves/s1/drain", "", kToken).status == 401);  // no "Bearer "
  CHECK(noc.registry.Find("s1")->state == SlaveState::kUp);

  HttpResponse drained = noc.Post("/api/v1/slaves/s1/drain", "", bearer);
  REQUIRE(drained.status == 200);
  CHECK(json::parse(drained.body)["state"] == "draining");
  CHECK(noc.registry.Find("s1")->state == SlaveState::kDraining);
  CHECK(json::parse(noc.Post("/api/v1/slaves/s1/undrain", "", bearer).body)["state"] == "up");

  HttpResponse weighted = noc.Post("/api/v1/slaves/s1/weight", R"({"weight": 250})", bearer);
  REQUIRE(weighted.status == 200);
  CHECK(json::parse(weighted.body)["weight"] == 250);
  CHECK(json::parse(weighted.body)["weight_overridden"] == true);
  CHECK(noc.Post("/api/v1/slaves/s1/weight", R"({"weight": -1})", bearer).status == 400);
  CHECK(noc.Post("/api/v1/slaves/s1/weight", R"({"weight": 10001})", bearer).status == 400);
  CHECK(noc.Post("/api/v1/slaves/s1/weight", "{not json", bearer).status == 400);
  CHECK(noc.Post("/api/v1/slaves/s1/weight", R"({"w": 1})", bearer).status == 400);
  CHECK(noc.registry.Find("s1")->weight == 250);
  CHECK(noc.Post("/api/v1/slaves/s9/drain", "", bearer).status == 404);
  CHECK(noc.Post("/api/v1/slaves/s1/explode", "", bearer).status == 404);
  CHECK(noc.Post("/api/v1/cluster", "", bearer).status == 404);
}

TEST_CASE("off loopback every read needs a token of role reader; the page itself does not") {
  Noc noc;
  std::vector<ApiToken> tokens = {ApiToken{"prometheus", Role::kReader, Sha256("reader-token-0123")},
                                  ApiToken{"kea", Role::kDhcp, Sha256("dhcp-token-0123456")}};
  noc.http = std::make_unique<NocHttp>(&noc.context, noc.metrics.get(),
                                       NocHttpOptions{ApiTokens(tokens), nullptr});
  noc.Beat("s1", 1.0, 0);
  auto get = [&](const std::string& path, const std::string& remote,
                 const std::string& authorization = "") {
    HttpRequest r;
    r.method = "GET";
    r.path = path;
    r.remote = remote;
    if (!authorization.empty()) r.headers["authorization"] = authorization;
    return noc.http->Handle(r);
  };
  for (const std::string path : {"/metrics", "/api/v1/cluster", "/api/v1/events",
                                 "/api/v1/history"}) {
    INFO(path);
    HttpResponse anonymous = get(path, "10.9.8.7");
    CHECK(anonymous.status == 401);
    CHECK(anonymous.body.find("a valid API token is needed") != std::string::npos);
    CHECK(get(path, "10.9.8.7", "Bearer wrong-token-000000").status == 401);
    CHECK(get(path, "10.9.8.7", "Bearer dhcp-token-0123456").status == 403);  // not a reader
    CHECK(get(path, "10.9.8.7", "Bearer reader-token-0123").status == 200);
    CHECK(get(path, "::ffff:10.9.8.7", "Bearer reader-token-0123").status == 200);
    CHECK(get(path, "127.0.0.1").status == 200);  // loopback reads without one
    CHECK(get(path, "::1").status == 200);
  }
  CHECK(get("/", "10.9.8.7").status == 200);  // the page, no data
  CHECK(get("/static/dashboard.js", "10.9.8.7").status == 200);
  CHECK(noc.http->counters().read_refused.load() == 12);
  // A reader may not act.
  CHECK(noc.Post("/api/v1/slaves/s1/drain", "", "Bearer reader-token-0123").status == 403);
  CHECK(noc.registry.Find("s1")->state == SlaveState::kUp);
}

}  // namespace
}  // namespace provisor
