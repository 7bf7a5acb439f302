// The real provisor-master binary (127.0.0.1 port 0, a temporary data
// directory) driven through its gRPC Admin API.
#include <grpcpp/grpcpp.h>
#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <csignal>
#include <map>
#include <string>
#include <thread>

#include "provisor/v1/admin.grpc.pb.h"
#include "tests/support/master_process.h"
#include "tests/support/process.h"
#include "tests/support/temp_dir.h"

namespace provisor {
namespace {

using testing::Daemon;
using testing::RunCommand;
using testing::TempDir;

struct Master : testing::MasterProcess {
  Master()
      : stub(v1::Admin::NewStub(
            grpc::CreateChannel(address, grpc::InsecureChannelCredentials()))) {}
  std::unique_ptr<v1::Admin::Stub> stub;
};

// The master's revision now (a fresh master has already stored its token
// keys).
uint64_t Revision(Master& m) {
  grpc::ClientContext ctx;
  v1::InfoResponse info;
  if (!m.stub->Info(&ctx, v1::InfoRequest(), &info).ok()) return 0;
  return info.revision();
}

grpc::Status Create(Master& m, const v1::Entity& e, v1::WriteResponse* out = nullptr) {
  grpc::ClientContext ctx;
  v1::WriteRequest req;
  *req.mutable_entity() = e;
  v1::WriteResponse resp;
  grpc::Status s = m.stub->Create(&ctx, req, &resp);
  if (out) *out = resp;
  return s;
}

v1::Entity Template(const std::string& id) {
  v1::Entity e;
  e.mutable_template_()->set_id(id);
  e.mutable_template_()->set_body("display={{name}}\n");
  return e;
}
v1::Entity Model(const std::string& id, const std::string& tpl) {
  v1::Entity e;
  e.mutable_model()->set_id(id);
  e.mutable_model()->set_vendor("Yealink");
  e.mutable_model()->set_template_id(tpl);
  return e;
}
v1::Entity Subscriber(const std::string& id) {
  v1::Entity e;
  e.mutable_subscriber()->set_id(id);
  e.mutable_subscriber()->set_name("Ann Smith");
  auto* line = e.mutable_subscriber()->add_lines();
  line->set_index(1);
  line->set_directory_number("+15551230001");
  return e;
}
v1::Entity Device(const std::string& mac, const std::string& model, const std::string& sub) {
  v1::Entity e;
  e.mutable_device()->set_mac(mac);
  e.mutable_device()->set_model(model);
  e.mutable_device()->set_subscriber_id(sub);
  return e;
}

TEST_CASE("master admin: CRUD with proper status codes") {
  Master m;
  const uint64_t base = Revision(m);
  REQUIRE(Create(m, Template("tpl")).ok());
  REQUIRE(Create(m, Model("yealink-t46u", "tpl")).ok());
  REQUIRE(Create(m, Subscriber("s1")).ok());
  v1::WriteResponse created;
  REQUIRE(Create(m, Device("AA-BB-CC-00-00-01", "yealink-t46u", "s1"), &created).ok());
  CHECK(created.entity().device().mac() == "aa:bb:cc:00:00:01");  // canonical form stored
  CHECK(created.revision() == base + 4);

  grpc::Status dup = Create(m, Device("aabb.cc00.0001", "yealink-t46u", "s1"));
  CHECK(dup.error_code() == grpc::StatusCode::ALREADY_EXISTS);
  CHECK(dup.error_message() == "device aa:bb:cc:00:00:01 already exists");
  grpc::Status bad_mac = Create(m, Device("aa:bb:cc", "yealink-t46u", "s1"));
  CHECK(bad_mac.error_code() == grpc::StatusCode::INVALID_ARGUMENT);
  grpc::Status unknown_model = Create(m, Device("aa:bb:cc:00:00:02", "nope", "s1"));
  CHECK(unknown_model.error_code() == grpc::StatusCode::FAILED_PRECONDITION);
  CHECK(unknown_model.error_message() == "device aa:bb:cc:00:00:02: model 'nope' does not exist");

  grpc::ClientContext get_ctx;
  v1::GetRequest get;
  get.set_kind(v1::ENTITY_KIND_DEVICE);
  get.set_key("aabbcc000001");
  v1::Entity got;
  REQUIRE(m.stub->Get(&get_ctx, get, &got).ok());
  CHECK(got.device().subscriber_id() == "s1");

  grpc::ClientContext del_ctx;
  v1::DeleteRequest del;
  del.set_kind(v1::ENTITY_KIND_SUBSCRIBER);
  del.set_key("s1");
  v1::WriteResponse del_resp;
  grpc::Status in_use = m.stub->Delete(&del_ctx, del, &del_resp);
  CHECK(in_use.error_code() == grpc::StatusCode::FAILED_PRECONDITION);
  CHECK(in_use.error_message() == "subscriber s1 is still used by device aa:bb:cc:00:00:01");

  grpc::ClientContext missing_ctx;
  get.set_key("aa:bb:cc:00:00:09");
  grpc::Status missing = m.stub->Get(&missing_ctx, get, &got);
  CHECK(missing.error_code() == grpc::StatusCode::NOT_FOUND);
  CHECK(missing.error_message() == "device aa:bb:cc:00:00:09 not found");
}

TEST_CASE("master admin: streaming import commits good batches and names the bad row") {
  Master m;
  REQUIRE(Create(m, Template("tpl")).ok());
  REQUIRE(Create(m, Model("m1", "tpl")).ok());
  grpc::ClientContext ctx;
  auto stream = m.stub->Import(&ctx);
  v1::ImportChunk chunk;
  chunk.set_batch_size(10);
  for (int i = 1; i <= 30; ++i) {
    v1::ImportRow* row = chunk.add_rows();
    row->set_row(i + 1);  // the CSV line: header is line 1
    char mac[32];
    std::snprintf(mac, sizeof(mac), "00:11:22:33:44:%02x", i);
    *row->mutable_entity() = Device(mac, i == 15 ? "ghost" : "m1", "");
  }
  REQUIRE(stream->Write(chunk));
  stream->WritesDone();
  std::vector<v1::ImportBatchResult> results;
  v1::ImportBatchResult r;
  while (stream->Read(&r)) results.push_back(r);
  REQUIRE(stream->Finish().ok());
  REQUIRE(results.size() == 3);
  CHECK(results[0].committed());
  CHECK(results[0].first_row() == 2);
  CHECK(results[0].last_row() == 11);
  CHECK_FALSE(results[1].committed());
  REQUIRE(results[1].errors_size() == 1);
  CHECK(results[1].errors(0).row() == 16);
  CHECK(results[1].errors(0).message() == "device 00:11:22:33:44:0f: model 'ghost' does not exist");
  CHECK(results[2].committed());
  CHECK(results[2].revision() == results[0].revision() + 1);

  grpc::ClientContext info_ctx;
  v1::InfoResponse info;
  REQUIRE(m.stub->Info(&info_ctx, v1::InfoRequest(), &info).ok());
  CHECK(info.counts().at("device") == 20);
}

TEST_CASE("master admin: watch streams changes after a revision") {
  Master m;
  const uint64_t base = Revision(m);
  REQUIRE(Create(m, Template("t1")).ok());
  REQUIRE(Create(m, Template("t2")).ok());
  grpc::ClientContext ctx;
  v1::WatchRequest req;
  req.set_from_revision(base + 1);
  auto reader = m.stub->Watch(&ctx, req);
  v1::Change change;
  REQUIRE(reader->Read(&change));
  CHECK(change.revision() == base + 2);
  CHECK(change.key() == "t2");
  REQUIRE(Create(m, Template("t3")).ok());  // pushed as it is committed
  REQUIRE(reader->Read(&change));
  CHECK(change.revision() == base + 3);
  CHECK(change.entity().template_().id() == "t3");
  ctx.TryCancel();
}

TEST_CASE("master: data and revisions survive a restart") {
  TempDir data, conf;
  std::string config = conf.WriteFile(
      "master.toml", "data_dir = \"" + data.path() + "\"\ngrpc_listen = \"127.0.0.1:0\"\nhttp_listen = \"off\"\n"
                     "[keys]\nmaster_key_file = \"" + conf.path() + "/token-master.key\"\n");
  uint64_t last = 0;
  for (int round = 0; round < 2; ++round) {
    Daemon d("provisor-master", {"--config", config}, 1);
    REQUIRE(d.ready());
    auto stub = v1::Admin::NewStub(grpc::CreateChannel(d.Address("master grpc").ToString(),
                                                       grpc::InsecureChannelCredentials()));
    grpc::ClientContext ctx;
    v1::WriteRequest req;
    *req.mutable_entity() = Template("t" + std::to_string(round));
    v1::WriteResponse resp;
    REQUIRE(stub->Create(&ctx, req, &resp).ok());
    CHECK(resp.revision() > last);  // revisions continue across the restart
    last = resp.revision();
    if (round == 1) {
      grpc::ClientContext get_ctx;
      v1::GetRequest get;
      get.set_kind(v1::ENTITY_KIND_TEMPLATE);
      get.set_key("t0");
      v1::Entity t0;
      CHECK(stub->Get(&get_ctx, get, &t0).ok());
    }
    CHECK(d.Terminate() == 0);
  }
}

TEST_CASE("master: refuses a missing, read-only or already used data directory") {
  TempDir conf;
  SECTION("missing") {
    std::string config = conf.WriteFile("m.toml", "data_dir = \"/nonexistent/provisor\"\n");
    auto r = RunCommand({std::string(PROVISOR_BIN_DIR) + "/provisor-master", "--config", config});
    CHECK(r.exit_code == 1);
    CHECK(r.err == "provisor-master: data directory /nonexistent/provisor does not exist "
                   "(create it first)\n");
  }
  SECTION("read-only") {
    TempDir data;
    std::string config = conf.WriteFile(
        "m.toml", "data_dir = \"" + data.path() + "\"\ngrpc_listen = \"127.0.0.1:0\"\nhttp_listen = \"off\"\n");
    std::string bin = std::string(PROVISOR_BIN_DIR) + "/provisor-master";
    testing::CommandResult r;
    if (geteuid() == 0) {
      // Root writes through permissions: use a read-only file system, in a
      // private mount namespace so nothing leaks out of the test.
      r = RunCommand({"unshare", "-m", "sh", "-c",
                      "mount -t tmpfs -o ro,size=1m tmpfs '" + data.path() + "' && exec '" + bin +
                          "' --config '" + config + "'"});
    } else {
      chmod(data.path().c_str(), 0555);
      r = RunCommand({bin, "--config", config});
      chmod(data.path().c_str(), 0755);
    }
    CHECK(r.exit_code == 1);
    CHECK(r.err.find("data directory " + data.path() + " is not writable") != std::string::npos);
  }
  SECTION("in use by another master") {
    Master first;
    auto r = RunCommand({std::string(PROVISOR_BIN_DIR) + "/provisor-master", "--config",
                         first.config_path});
    CHECK(r.exit_code == 1);
    CHECK(r.err == "provisor-master: data directory " + first.data.path() +
                       " is in use by another provisor-master\n");
  }
}

}  // namespace
}  // namespace provisor

namespace provisor {
namespace {

// kill -9 in the middle of a streaming import: after a restart every batch
// is either wholly present or wholly absent, every acknowledged batch is
// present, and the change log's revisions are dense and increasing.
TEST_CASE("master: kill -9 during a streaming import loses no committed batch") {
  TempDir data, conf;
  std::string config = conf.WriteFile(
      "master.toml", "data_dir = \"" + data.path() + "\"\ngrpc_listen = \"127.0.0.1:0\"\nhttp_listen = \"off\"\n"
                     "log_level = \"warn\"\n[keys]\nmaster_key_file = \"" + conf.path() +
                     "/token-master.key\"\n");
  constexpr int kBatch = 500;
  constexpr int kRows = 200'000;
  uint64_t acknowledged_rows = 0;
  {
    Daemon d("provisor-master", {"--config", config}, 1);
    REQUIRE(d.ready());
    auto stub = v1::Admin::NewStub(grpc::CreateChannel(d.Address("master grpc").ToString(),
                                                       grpc::InsecureChannelCredentials()));
    {
      grpc::ClientContext ctx;
      v1::WriteRequest req;
      *req.mutable_entity() = Template("tpl");
      v1::WriteResponse resp;
      REQUIRE(stub->Create(&ctx, req, &resp).ok());
      grpc::ClientContext ctx2;
      *req.mutable_entity() = Model("m1", "tpl");
      REQUIRE(stub->Create(&ctx2, req, &resp).ok());
    }
    grpc::ClientContext ctx;
    auto stream = stub->Import(&ctx);
    std::thread writer([&] {
      for (int start = 0; start < kRows; start += kBatch) {
        v1::ImportChunk chunk;
        if (start == 0) chunk.set_batch_size(kBatch);
        for (int i = start; i < start + kBatch; ++i) {
          v1::ImportRow* row = chunk.add_rows();
          row->set_row(i + 2);
          char mac[32];
          std::snprintf(mac, sizeof(mac), "02:00:00:%02x:%02x:%02x", (i >> 16) & 0xff,
                        (i >> 8) & 0xff, i & 0xff);
          *row->mutable_entity() = Device(mac, "m1", "");
        }
        if (!stream->Write(chunk)) return;
      }
      stream->WritesDone();
    });
    v1::ImportBatchResult result;
    while (stream->Read(&result)) {
      REQUIRE(result.committed());
      acknowledged_rows += result.rows();
      if (acknowledged_rows >= 20 * kBatch) {
        kill(d.pid(), SIGKILL);  // mid-import, batches still arriving
        break;
      }
    }
    ctx.TryCancel();
    writer.join();
  }
  REQUIRE(acknowledged_rows >= 20 * kBatch);

  Daemon d("provisor-master", {"--config", config}, 1);
  REQUIRE(d.ready());
  auto stub = v1::Admin::NewStub(grpc::CreateChannel(d.Address("master grpc").ToString(),
                                                     grpc::InsecureChannelCredentials()));
  grpc::ClientContext info_ctx;
  v1::InfoResponse info;
  REQUIRE(stub->Info(&info_ctx, v1::InfoRequest(), &info).ok());
  uint64_t devices = info.counts().at("device");
  CHECK(devices >= acknowledged_rows);
  CHECK(devices % kBatch == 0);  // whole batches only
  CHECK(devices < kRows);        // the kill did stop it part-way

  // Revisions: one each for the template and the model, then one per
  // batch, each with exactly kBatch changes.
  grpc::ClientContext watch_ctx;
  v1::WatchRequest req;
  req.set_from_revision(0);
  auto reader = stub->Watch(&watch_ctx, req);
  v1::Change change;
  uint64_t last_revision = 0, in_revision = 0, seen = 0;
  std::map<uint64_t, uint64_t> per_revision;
  // (Token-key revisions the master writes by itself are left out.)
  while (seen < devices + 2 && reader->Read(&change)) {
    CHECK(change.revision() >= last_revision);
    last_revision = change.revision();
    if (change.kind() == v1::ENTITY_KIND_KEY_EPOCH) continue;
    ++per_revision[change.revision()];
    ++seen;
  }
  watch_ctx.TryCancel();
  (void)in_revision;
  CHECK(seen == devices + 2);
  CHECK(last_revision == info.revision());
  CHECK(per_revision.size() == 2 + devices / kBatch);
  size_t index = 0;
  for (const auto& [revision, count] : per_revision) {
    CHECK(count == (index++ < 2 ? 1u : static_cast<uint64_t>(kBatch)));
  }
}

}  // namespace
}  // namespace provisor
