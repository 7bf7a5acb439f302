// The NOC side of the Cluster API end to end: an in-process gRPC server with
// ClusterService over a real LmdbStore and a SlaveRegistry on a fake clock,
// slaves' Heartbeat RPCs from a stub, and the real provisorctl binary
// (`status`, `events`, `slave weight|drain|undrain`) against it.
#include <grpcpp/grpcpp.h>

#include <catch2/catch.hpp>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "common/clock.h"
#include "master/cluster/cluster_service.h"
#include "master/cluster/registry.h"
#include "master/store/lmdb_store.h"
#include "provisor/v1/cluster.grpc.pb.h"
#include "tests/support/process.h"
#include "tests/support/temp_dir.h"

namespace provisor {
namespace {

using std::chrono::seconds;
using testing::CommandResult;
using testing::RunCommand;
using testing::TempDir;
using Json = nlohmann::json;

const std::string kCtl = std::string(PROVISOR_BIN_DIR) + "/provisorctl";

struct Cluster {
  explicit Cluster(RegistryOptions options = {}) : registry(options, &clock) {
    StoreOptions store_options;
    store_options.data_dir = dir.path();
    auto opened = LmdbStore::Open(store_options, &clock);
    INFO(opened.status().ToString());
    REQUIRE(opened.ok());
    store = std::move(*opened);
    service = std::make_unique<ClusterService>(&registry, store.get(), /*streamer=*/nullptr,
                                               &clock, &authorizer, ClusterServiceInfo{});
    grpc::ServerBuilder builder;
    int port = 0;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port);
    builder.RegisterService(service.get());
    server = builder.BuildAndStart();
    REQUIRE(server != nullptr);
    REQUIRE(port > 0);
    address = "127.0.0.1:" + std::to_string(port);
    stub = v1::Cluster::NewStub(grpc::CreateChannel(address, grpc::InsecureChannelCredentials()));
  }
  ~Cluster() {
    if (server) server->Shutdown();
  }

  // Three templates: the store is at revision 3.
  void WriteRevisions(int n) {
    for (int i = 0; i < n; ++i) {
      v1::Entity e;
      e.mutable_template_()->set_id("tpl-" + std::to_string(i));
      e.mutable_template_()->set_body("x");
      std::vector<Mutation> m;
      m.push_back(Mutation::Put(WriteOp::kCreate, std::move(e)));
      REQUIRE(store->Write(std::move(m)).ok());
    }
  }

  grpc::Status Beat(const std::string& id, uint32_t weight, uint64_t applied,
                    const std::string& addr = "10.0.0.1:69",
                    v1::HeartbeatResponse* response = nullptr) {
    v1::HeartbeatRequest request;
    request.set_slave_id(id);
    request.set_address(addr);
    request.set_weight(weight);
    request.set_applied_revision(applied);
    request.set_active_sessions(4);
    request.set_transfers_per_s(2.5);
    (*request.mutable_failures())["bad_token"] = 1;
    request.set_transfers_total(99);
    grpc::ClientContext context;
    v1::HeartbeatResponse ignored;
    return stub->Heartbeat(&context, request, response != nullptr ? response : &ignored);
  }

  CommandResult Ctl(std::vector<std::string> args) const {
    args.insert(args.begin(), {kCtl, "--master", address, "--timeout", "20s"});
    return RunCommand(args, seconds(60));
  }

  Json CtlJson(std::vector<std::string> args) const {
    args.insert(args.begin(), "--json");
    CommandResult r = Ctl(args);
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    Json json = Json::parse(r.out, nullptr, /*allow_exceptions=*/false);
    INFO(r.out);
    REQUIRE_FALSE(json.is_discarded());
    return json;
  }

  TempDir dir;
  FakeClock clock;
  SlaveRegistry registry;
  std::unique_ptr<LmdbStore> store;
  // A loopback plaintext listener: callers are trusted (as the master does).
  RpcAuthorizer authorizer{RpcAuthorizerOptions{/*trust_plaintext=*/true}, &clock, MakeNullLogger()};
  std::unique_ptr<ClusterService> service;
  std::unique_ptr<grpc::Server> server;
  std::string address;
  std::unique_ptr<v1::Cluster::Stub> stub;
};

const Json* FindSlave(const Json& status, const std::string& id) {
  for (const Json& s : status["slaves"]) {
    if (s["id"] == id) return &s;
  }
  return nullptr;
}

TEST_CASE("provisorctl status shows every slave with state and weights and lag") {
  Cluster c;
  c.WriteRevisions(3);
  v1::HeartbeatResponse response;
  REQUIRE(c.Beat("s2", 50, 5, "10.0.0.2:69", &response).ok());
  CHECK(response.master_revision() == 3);
  CHECK(response.heartbeat_interval_ms() == 2000);
  REQUIRE(c.Beat("s1", 100, 1).ok());
  REQUIRE(c.registry.Admit("s3", "10.0.0.3:69").ok());  // opened Sync, no heartbeat yet

  Json status = c.CtlJson({"status"});
  CHECK(status["revision"] == 3);
  CHECK(status["role"] == "root");
  CHECK(status["max_slaves"] == 16);
  CHECK(status["store_id"] == c.store->store_id());
  REQUIRE(status["slaves"].size() == 3);
  CHECK(status["slaves"][0]["id"] == "s1");  // sorted by id
  CHECK(status["slaves"][1]["id"] == "s2");
  const Json& s1 = status["slaves"][0];
  CHECK(s1["state"] == "up");
  CHECK(s1["address"] == "10.0.0.1:69");
  CHECK(s1["weight"] == 100);
  CHECK(s1["effective_weight"] == 100.0);
  CHECK(s1["heartbeat_age_s"] == 0.0);
  CHECK(s1["revision_lag"] == 2);
  CHECK(s1["active_sessions"] == 4);
  CHECK(s1["transfers_per_s"] == 2.5);
  CHECK(s1["failures"]["bad_token"] == 1);
  const Json& s2 = status["slaves"][1];
  CHECK(s2["weight"] == 50);
  CHECK(s2["revision_lag"] == 0);  // ahead of the master: no lag
  const Json& s3 = status["slaves"][2];
  CHECK(s3["state"] == "down");
  CHECK(s3["heartbeat_age_s"] == -1.0);
  CHECK(s3["effective_weight"] == 0.0);

  CommandResult table = c.Ctl({"status"});
  INFO(table.err);
  REQUIRE(table.exit_code == 0);
  CHECK(table.out.find("s1  10.0.0.1:69  up") != std::string::npos);
  CHECK(table.out.find("never") != std::string::npos);
  CHECK(table.out.find("master revision 3, role root, 3 slaves (max 16)\n") != std::string::npos);

  // Silence past dead_after: the failure detector marks both down.
  c.clock.Advance(seconds(6));
  c.registry.Tick();
  status = c.CtlJson({"status"});
  for (const char* id : {"s1", "s2"}) {
    const Json* s = FindSlave(status, id);
    REQUIRE(s != nullptr);
    CHECK((*s)["state"] == "down");
    CHECK((*s)["effective_weight"] == 0.0);
    CHECK((*s)["heartbeat_age_s"] == 6.0);
  }
  CHECK(status["events"].back()["kind"] == "down");

  CommandResult events = c.Ctl({"events", "--slave", "s1"});
  REQUIRE(events.exit_code == 0);
  CHECK(events.out.find("s1     SLAVE_UP") != std::string::npos);
  CHECK(events.out.find("no heartbeat for 6.00 s (dead_after 6.00 s)") != std::string::npos);
  CHECK(events.out.find("s2") == std::string::npos);
  Json events_json = c.CtlJson({"events"});
  CHECK(events_json["events"].size() == 4);  // up, up, down, down
}

TEST_CASE("provisorctl slave weight and drain and undrain steer the registry") {
  Cluster c;
  REQUIRE(c.Beat("s1", 100, 1).ok());

  CommandResult weight = c.Ctl({"slave", "weight", "s1", "250"});
  INFO(weight.err);
  REQUIRE(weight.exit_code == 0);
  CHECK(weight.out.find("s1  10.0.0.1:69  up     250*    250") != std::string::npos);
  CHECK(c.registry.Find("s1")->weight == 250);
  CHECK(c.registry.Find("s1")->weight_overridden);
  REQUIRE(c.Beat("s1", 100, 1).ok());
  CHECK(c.registry.Find("s1")->weight == 250);  // the operator's weight wins

  Json drained = c.CtlJson({"slave", "drain", "s1"});
  CHECK(drained["id"] == "s1");
  CHECK(drained["state"] == "draining");
  CHECK(drained["weight"] == 250);
  CHECK(drained["effective_weight"] == 0.0);
  CHECK(c.registry.Find("s1")->state == SlaveState::kDraining);

  CommandResult undrain = c.Ctl({"slave", "undrain", "s1", "--json"});
  REQUIRE(undrain.exit_code == 0);
  CHECK(Json::parse(undrain.out)["state"] == "up");
  CHECK(c.registry.Find("s1")->state == SlaveState::kUp);
  CHECK(c.registry.EffectiveWeight(*c.registry.Find("s1")) == 250);
}

TEST_CASE("provisorctl slave: unknown slave exits 1 and bad usage exits 2") {
  Cluster c;
  REQUIRE(c.Beat("s1", 100, 0).ok());

  CommandResult unknown = c.Ctl({"slave", "weight", "nope", "5"});
  CHECK(unknown.exit_code == 1);
  CHECK(unknown.err == "provisorctl: slave nope not found\n");
  CommandResult drain_unknown = c.Ctl({"slave", "drain", "nope"});
  CHECK(drain_unknown.exit_code == 1);
  CHECK(drain_unknown.err == "provisorctl: slave nope not found\n");

  CommandResult not_number = c.Ctl({"slave", "weight", "s1", "heavy"});
  CHECK(not_number.exit_code == 2);
  CHECK(not_number.err == "provisorctl: slave weight: weight 'heavy' is not a number\n");
  CommandResult too_big = c.Ctl({"slave", "weight", "s1", "10001"});
  CHECK(too_big.exit_code == 2);
  CHECK(too_big.err.find("out of range (0..10000)") != std::string::npos);
  CHECK(c.Ctl({"slave", "weight", "s1"}).exit_code == 2);
  CHECK(c.Ctl({"slave"}).exit_code == 2);
  CHECK(c.Ctl({"slave", "frobnicate", "s1"}).exit_code == 2);
  CHECK(c.registry.Find("s1")->weight == 100);
  CHECK_FALSE(c.registry.Find("s1")->weight_overridden);
}

TEST_CASE("the 17th slave heartbeat is refused with RESOURCE_EXHAUSTED") {
  Cluster c;
  for (int i = 1; i <= 16; ++i) REQUIRE(c.Beat("s" + std::to_string(i), 100, 0).ok());
  grpc::Status refused = c.Beat("s17", 100, 0);
  CHECK(refused.error_code() == grpc::StatusCode::RESOURCE_EXHAUSTED);
  CHECK(refused.error_message() ==
        "slave s17 refused: this master has 16 slaves already; add a relay master for more");
  CHECK(c.Beat("s3", 100, 0).ok());  // known slaves keep reporting

  Json status = c.CtlJson({"status"});
  CHECK(status["slaves"].size() == 16);
  CHECK(FindSlave(status, "s17") == nullptr);
  CHECK(status["events"].back()["kind"] == "refused");
  CHECK(status["events"].back()["slave_id"] == "s17");
}

TEST_CASE("heartbeats with a bad slave id or address are refused as INVALID_ARGUMENT") {
  Cluster c;
  struct Case {
    std::string id, address, want;
  };
  const std::vector<Case> cases = {
      {"", "10.0.0.1:69", "slave id is empty"},
      {std::string(65, 'a'), "10.0.0.1:69", "65 characters long (at most 64)"},
      {"bad id", "10.0.0.1:69", "may only contain letters, digits"},
      {"s1", "10.0.0.1", "is not host:port"},
      {"s1", "10.0.0.300:69", "is not host:port"},
      {"s1", "tftp.example.net:0", "port 0"},
  };
  for (const Case& bad : cases) {
    grpc::Status status = c.Beat(bad.id, 100, 0, bad.address);
    INFO(bad.id << " " << bad.address << " -> " << status.error_message());
    CHECK(status.error_code() == grpc::StatusCode::INVALID_ARGUMENT);
    CHECK(status.error_message().find(bad.want) != std::string::npos);
    CHECK(status.error_message().find('\n') == std::string::npos);
  }
  CHECK(c.registry.Slaves().empty());
  CHECK(c.Beat(std::string(64, 'a'), 100, 0).ok());
  CHECK(c.Beat("tftp-2.pop_1", 100, 0, "tftp-2.example.net:69").ok());
  CHECK(c.Beat("s6", 100, 0, "[2001:db8::1]:69").ok());
  CHECK(c.Beat("s7", 100, 0, "").ok());  // no address yet
}

TEST_CASE("heartbeat failure reasons are short names, at most 32 of them") {
  Cluster c;
  auto beat = [&](const std::map<std::string, uint64_t>& failures) {
    v1::HeartbeatRequest request;
    request.set_slave_id("s1");
    request.set_address("10.0.0.1:69");
    for (const auto& [reason, n] : failures) (*request.mutable_failures())[reason] = n;
    grpc::ClientContext context;
    v1::HeartbeatResponse response;
    return c.stub->Heartbeat(&context, request, &response);
  };
  // They become metric labels and JSON keys on the master.
  for (const std::string& bad : std::vector<std::string>{"Timeout", "time out", "x\ny",
                                                         std::string(49, 'a'), ""}) {
    grpc::Status status = beat({{bad, 1}});
    INFO(status.error_message());
    CHECK(status.error_code() == grpc::StatusCode::INVALID_ARGUMENT);
    CHECK(status.error_message().find("is not 1..48 of [a-z0-9_]") != std::string::npos);
  }
  std::map<std::string, uint64_t> many;
  for (int i = 0; i < 33; ++i) many["reason_" + std::to_string(i)] = 1;
  grpc::Status too_many = beat(many);
  CHECK(too_many.error_code() == grpc::StatusCode::INVALID_ARGUMENT);
  CHECK(too_many.error_message() == "slave s1: 33 failure reasons (at most 32)");
  CHECK(c.registry.Slaves().empty());
  many.erase("reason_0");
  CHECK(beat(many).ok());
  CHECK(c.registry.Find("s1")->last.failures.size() == 32);
}

TEST_CASE("Sync without a streamer answers UNIMPLEMENTED") {
  Cluster c;
  grpc::ClientContext context;
  v1::SyncRequest request;
  request.set_follower_id("s1");
  auto reader = c.stub->Sync(&context, request);
  v1::SyncMessage message;
  CHECK_FALSE(reader->Read(&message));
  CHECK(reader->Finish().error_code() == grpc::StatusCode::UNIMPLEMENTED);
}

}  // namespace
}  // namespace provisor
