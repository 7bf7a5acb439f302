// Token keys against the real master: the Admin API never reads or writes
// them (Get, List, Create, Update, Delete and Import refused; Watch from
// revision 0 carries no key bytes), they are not in the LMDB files in
// plaintext (neither the root's nor a relay's), a restart with the same key
// file keeps old filenames valid, another key file stops the master, and
// `provisorctl keys rotate` makes filenames minted before it refused by a
// slave while fresh ones are served. The keys to look for are the ones a
// follower receives on Cluster.Sync.
#include <grpcpp/grpcpp.h>
#include <sys/stat.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>

#include "common/clock.h"
#include "common/entity.h"
#include "master/store/lmdb_store.h"
#include "provisor/v1/admin.grpc.pb.h"
#include "provisor/v1/cluster.grpc.pb.h"
#include "tests/support/cluster.h"
#include "tests/support/master_process.h"
#include "tests/support/process.h"

namespace provisor {
namespace {

using testing::AllCaughtUp;
using testing::MasterProcess;
using testing::Render;
using testing::SlaveProcess;
using testing::WaitFor;

const char kClusterConfig[] =
    "[cluster]\nheartbeat_interval = \"200ms\"\ndead_after = \"600ms\"\n";
const char kCisco[] = "e0:5f:b9:a1:00:01";  // a device of deploy/examples
const char kRefusal[] =
    "token key epochs are created by the master; use `provisorctl keys rotate`";

// Every key epoch a follower receives in a snapshot: epoch -> key bytes.
std::map<uint64_t, std::string> SyncKeys(const std::string& address) {
  auto cluster = v1::Cluster::NewStub(
      grpc::CreateChannel(address, grpc::InsecureChannelCredentials()));
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(20));
  v1::SyncRequest request;
  request.set_follower_id("key-probe");
  request.set_kind(v1::FOLLOWER_KIND_RELAY);  // not counted as a slave
  auto reader = cluster->Sync(&ctx, request);
  std::map<uint64_t, std::string> keys;
  v1::SyncMessage message;
  while (reader->Read(&message)) {
    for (const v1::Entity& e : message.chunk().entities()) {
      if (e.has_key_epoch()) keys[e.key_epoch().epoch()] = e.key_epoch().key();
    }
    if (message.has_snapshot_end()) break;
  }
  ctx.TryCancel();
  return keys;
}

// Every file under `dir`, concatenated.
std::string ReadAll(const std::string& dir) {
  std::string all;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(dir)) {
    if (!entry.is_regular_file()) continue;
    std::ifstream in(entry.path(), std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    all += s.str();
  }
  return all;
}

v1::InfoResponse Info(v1::Admin::Stub* admin) {
  grpc::ClientContext ctx;
  v1::InfoResponse info;
  REQUIRE(admin->Info(&ctx, v1::InfoRequest(), &info).ok());
  return info;
}

v1::RotateKeysResponse Rotate(v1::Admin::Stub* admin) {
  grpc::ClientContext ctx;
  v1::RotateKeysRequest request;
  v1::RotateKeysResponse response;
  grpc::Status s = admin->RotateKeys(&ctx, request, &response);
  INFO(s.error_message());
  REQUIRE(s.ok());
  return response;
}

TEST_CASE("token keys: Watch from revision 0 carries no key bytes") {
  MasterProcess m;
  auto admin = v1::Admin::NewStub(grpc::CreateChannel(m.address, grpc::InsecureChannelCredentials()));
  std::map<uint64_t, std::string> keys = SyncKeys(m.address);
  REQUIRE(keys.size() >= 2);
  const v1::RotateKeysResponse rotated = Rotate(admin.get());
  for (const auto& [epoch, key] : SyncKeys(m.address)) {
    auto old = keys.find(epoch);
    if (old != keys.end()) CHECK(key != old->second);  // every key it had is replaced
    keys[epoch + (1ull << 40)] = key;  // look for the old and the new ones
  }
  const uint64_t revision = Info(admin.get()).revision();
  REQUIRE(revision == rotated.revision());

  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(20));
  v1::WatchRequest request;
  request.set_from_revision(0);
  auto reader = admin->Watch(&ctx, request);
  v1::Change change;
  int key_changes = 0;
  uint64_t seen = 0;
  // 2 key epochs created at start (revision 1), 3 by the rotation.
  while ((seen < revision || key_changes < 5) && reader->Read(&change)) {
    seen = change.revision();
    const std::string bytes = change.SerializeAsString();
    for (const auto& [epoch, key] : keys) {
      INFO("revision " << change.revision() << ", epoch " << epoch);
      REQUIRE(key.size() == 32);
      CHECK(bytes.find(key) == std::string::npos);
    }
    if (change.kind() == v1::ENTITY_KIND_KEY_EPOCH) {
      ++key_changes;
      CHECK(change.entity().key_epoch().key().empty());
      CHECK(change.entity().key_epoch().epoch() > 0);  // which epoch stays visible
    }
  }
  ctx.TryCancel();
  CHECK(seen == revision);
  CHECK(key_changes == 5);
}

TEST_CASE("token keys: the Admin API refuses to read or write them, and the store is unchanged") {
  MasterProcess m;
  auto admin = v1::Admin::NewStub(grpc::CreateChannel(m.address, grpc::InsecureChannelCredentials()));
  const std::map<uint64_t, std::string> keys = SyncKeys(m.address);
  REQUIRE(keys.size() >= 2);
  const uint64_t current = keys.rbegin()->first - 1;
  const v1::InfoResponse before = Info(admin.get());

  auto expect_refused = [](const grpc::Status& s) {
    CHECK(s.error_code() == grpc::StatusCode::PERMISSION_DENIED);
    CHECK(s.error_message() == kRefusal);
  };
  v1::Entity planted;
  planted.mutable_key_epoch()->set_epoch(current + 3);  // a future epoch
  planted.mutable_key_epoch()->set_key(std::string(32, 'A'));
  v1::WriteRequest write;
  *write.mutable_entity() = planted;
  v1::WriteResponse written;
  {
    grpc::ClientContext ctx;
    expect_refused(admin->Create(&ctx, write, &written));
  }
  {
    grpc::ClientContext ctx;
    write.mutable_entity()->mutable_key_epoch()->set_epoch(current);  // an existing one
    expect_refused(admin->Update(&ctx, write, &written));
  }
  {
    grpc::ClientContext ctx;
    v1::DeleteRequest del;
    del.set_kind(v1::ENTITY_KIND_KEY_EPOCH);
    del.set_key(KeyOf(planted));
    expect_refused(admin->Delete(&ctx, del, &written));
  }
  {
    grpc::ClientContext ctx;
    v1::GetRequest get;
    get.set_kind(v1::ENTITY_KIND_KEY_EPOCH);
    v1::Entity probe;
    probe.mutable_key_epoch()->set_epoch(current);
    get.set_key(KeyOf(probe));
    v1::Entity got;
    expect_refused(admin->Get(&ctx, get, &got));
    CHECK(got.ByteSizeLong() == 0);
  }
  {
    grpc::ClientContext ctx;
    v1::ListRequest list;
    list.set_kind(v1::ENTITY_KIND_KEY_EPOCH);
    v1::ListResponse listed;
    expect_refused(admin->List(&ctx, list, &listed));
    CHECK(listed.entities_size() == 0);
  }
  {
    grpc::ClientContext ctx;
    auto stream = admin->Import(&ctx);
    v1::ImportChunk chunk;
    v1::ImportRow* row = chunk.add_rows();
    row->set_row(2);
    row->set_upsert(true);
    *row->mutable_entity() = planted;
    REQUIRE(stream->Write(chunk));
    stream->WritesDone();
    v1::ImportBatchResult result;
    REQUIRE(stream->Read(&result));
    CHECK_FALSE(result.committed());
    REQUIRE(result.errors_size() == 1);
    CHECK(result.errors(0).row() == 2);
    CHECK(result.errors(0).message() == kRefusal);
    while (stream->Read(&result)) {
    }
    CHECK(stream->Finish().ok());
  }
  // provisorctl has no kind for them either.
  testing::CommandResult get = m.Ctl({"key", "get", "--id", KeyOf(planted)});
  CHECK(get.exit_code != 0);

  const v1::InfoResponse after = Info(admin.get());
  CHECK(after.revision() == before.revision());
  CHECK(after.counts().at("key") == before.counts().at("key"));
  CHECK(SyncKeys(m.address) == keys);
}

TEST_CASE("token keys: not in data_dir in plaintext; a restart keeps filenames valid; "
          "another key file stops the master") {
  MasterProcess root(kClusterConfig);
  testing::ImportExamples(root, PROVISOR_SOURCE_DIR);
  MasterProcess relay("upstream = \"" + root.address + "\"\n" + kClusterConfig);
  auto slave = std::make_unique<SlaveProcess>("s1", root.address);
  REQUIRE(WaitFor([&] { return AllCaughtUp(root, {"s1"}); }));
  REQUIRE(WaitFor([&] {
    nlohmann::json s = testing::Status(relay);
    return s.at("upstream_connected") == true &&
           s.at("revision") == testing::Status(root).at("revision");
  }));
  const testing::Rendered before = Render(root, kCisco);
  REQUIRE(slave->Fetch(before.filename) == before.content);

  const std::map<uint64_t, std::string> keys = SyncKeys(root.address);
  REQUIRE(keys.size() >= 2);
  CHECK(SyncKeys(relay.address) == keys);  // the relay opens what it sealed
  // The key file is where the test put it, outside data_dir, mode 0600.
  struct stat st;
  REQUIRE(::stat(root.key_file.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
  for (const MasterProcess* m : {&root, &relay}) {
    const std::string files = ReadAll(m->data.path());
    REQUIRE(files.size() > 4096);
    for (const auto& [epoch, key] : keys) {
      INFO(m->data.path() << " epoch " << epoch);
      CHECK(files.find(key) == std::string::npos);
    }
    CHECK(files.find("PVK1") != std::string::npos);  // sealed keys are there
  }

  // Same key file: the restarted master hands a new slave the same keys.
  root.Stop(SIGTERM);
  root.Start();
  CHECK(SyncKeys(root.address) == keys);
  slave = std::make_unique<SlaveProcess>("s2", root.address);
  REQUIRE(WaitFor([&] { return AllCaughtUp(root, {"s2"}); }));
  CHECK(slave->Fetch(before.filename) == before.content);

  // Another key file: a clear start-up error, nothing re-keyed.
  root.Stop(SIGTERM);
  std::string original;
  {
    std::ifstream in(root.key_file);
    std::getline(in, original);
  }
  REQUIRE(original.size() == 64);
  {
    std::ofstream out(root.key_file, std::ios::trunc);
    out << std::string(64, '7') << "\n";
  }
  testing::CommandResult wrong = testing::RunCommand(
      {std::string(PROVISOR_BIN_DIR) + "/provisor-master", "--config", root.config_path});
  CHECK(wrong.exit_code == 1);
  CHECK(wrong.err == "provisor-master: master key file " + root.key_file +
                         " does not open the token keys in data_dir " + root.data.path() + "\n");
  ::chmod(root.key_file.c_str(), 0644);
  {
    std::ofstream out(root.key_file, std::ios::trunc);
    out << original << "\n";
  }
  testing::CommandResult loose = testing::RunCommand(
      {std::string(PROVISOR_BIN_DIR) + "/provisor-master", "--config", root.config_path});
  CHECK(loose.exit_code == 1);
  CHECK(loose.err == "provisor-master: master key file " + root.key_file +
                         " is accessible by group or others (mode 0644): chmod 600 it\n");
  ::chmod(root.key_file.c_str(), 0600);
  root.Start();
  CHECK(SyncKeys(root.address) == keys);
}

TEST_CASE("provisorctl keys rotate: filenames minted before are refused, fresh ones served") {
  MasterProcess m(kClusterConfig);
  testing::ImportExamples(m, PROVISOR_SOURCE_DIR);
  SlaveProcess slave("s1", m.address);
  REQUIRE(WaitFor([&] { return AllCaughtUp(m, {"s1"}); }));
  const testing::Rendered before = Render(m, kCisco);
  REQUIRE(slave.Fetch(before.filename) == before.content);
  const std::map<uint64_t, std::string> old_keys = SyncKeys(m.address);

  testing::CommandResult rotated =
      m.Ctl({"--json", "keys", "rotate", "--reason", "leaked backup"});
  INFO(rotated.err);
  REQUIRE(rotated.exit_code == 0);
  const nlohmann::json answer = nlohmann::json::parse(rotated.out);
  const uint64_t current = answer.at("current_epoch").get<uint64_t>();
  CHECK(answer.at("next_epoch").get<uint64_t>() == current + 1);
  CHECK(answer.at("previous_epoch").get<uint64_t>() == current - 1);
  CHECK(answer.size() == 4);  // epochs and revision, nothing else
  const std::map<uint64_t, std::string> new_keys = SyncKeys(m.address);
  for (const auto& [epoch, key] : new_keys) {
    CHECK(rotated.out.find(key) == std::string::npos);
    if (old_keys.count(epoch) != 0) CHECK(old_keys.at(epoch) != key);
  }
  REQUIRE(new_keys.count(current) == 1);
  REQUIRE(new_keys.count(current + 1) == 1);

  REQUIRE(WaitFor([&] { return AllCaughtUp(m, {"s1"}); }));
  CHECK(slave.Fetch(before.filename).rfind("ERROR", 0) == 0);
  const testing::Rendered after = Render(m, kCisco);
  CHECK(after.filename != before.filename);
  CHECK(slave.Fetch(after.filename) == after.content);

  testing::CommandResult human = m.Ctl({"keys", "rotate"});
  REQUIRE(human.exit_code == 0);
  CHECK(human.out.find("current epoch") != std::string::npos);
  CHECK(human.out.find("(revoked)") != std::string::npos);

  testing::CommandResult events = m.Ctl({"--json", "events"});
  REQUIRE(events.exit_code == 0);
  CHECK(events.out.find("key-rotation") != std::string::npos);
  CHECK(events.out.find("leaked backup") != std::string::npos);
  CHECK(events.out.find("epoch " + std::to_string(current - 1) + " revoked") != std::string::npos);
}

TEST_CASE("token keys: a relay refuses an emergency rotation") {
  MasterProcess root;
  MasterProcess relay("upstream = \"" + root.address + "\"\n");
  testing::CommandResult r = relay.Ctl({"keys", "rotate"});
  CHECK(r.exit_code == 1);
  CHECK(r.err.find("read-only") != std::string::npos);
}

}  // namespace
}  // namespace provisor

namespace provisor {
namespace {

TEST_CASE("token keys: a master on a store from before sealing seals its keys at start") {
  MasterProcess m(kClusterConfig);
  testing::ImportExamples(m, PROVISOR_SOURCE_DIR);
  std::map<uint64_t, std::string> keys = SyncKeys(m.address);
  REQUIRE(keys.size() >= 2);
  m.Stop(SIGTERM);
  // The store as a master from before sealing left it: every key in
  // plaintext, in the key table and in the change log.
  {
    StoreOptions options;
    options.data_dir = m.data.path();
    SystemClock clock;
    auto store = LmdbStore::Open(options, &clock);
    REQUIRE(store.ok());
    std::vector<Mutation> plain;
    for (auto& [epoch, key] : keys) {
      key = std::string(32, static_cast<char>('a' + epoch % 26));
      v1::Entity e;
      e.mutable_key_epoch()->set_epoch(epoch);
      e.mutable_key_epoch()->set_key(key);
      plain.push_back(Mutation::Put(WriteOp::kUpsert, e));
    }
    REQUIRE((*store)->Write(std::move(plain)).ok());
  }
  m.Start();
  CHECK(SyncKeys(m.address) == keys);  // the same keys, now sealed
  {
    StoreOptions options;
    options.data_dir = m.data.path();
    m.Stop(SIGTERM);
    SystemClock clock;
    auto store = LmdbStore::Open(options, &clock);
    REQUIRE(store.ok());
    for (const auto& [epoch, key] : keys) {
      v1::Entity probe;
      probe.mutable_key_epoch()->set_epoch(epoch);
      auto stored = (*store)->Get(v1::ENTITY_KIND_KEY_EPOCH, KeyOf(probe));
      REQUIRE(stored.ok());
      CHECK(stored->key_epoch().key().size() == 64);
      CHECK(stored->key_epoch().key().find(key) == std::string::npos);
    }
    auto log = (*store)->ChangesSince(0, 100000);
    REQUIRE(log.ok());
    for (const v1::Change& c : *log) {
      if (c.kind() != v1::ENTITY_KIND_KEY_EPOCH) continue;
      CHECK(c.entity().key_epoch().key().size() == 64);
    }
  }
  // And it serves with them.
  m.Start();
  SlaveProcess slave("s1", m.address);
  REQUIRE(WaitFor([&] { return AllCaughtUp(m, {"s1"}); }));
  const testing::Rendered fresh = Render(m, kCisco);
  CHECK(slave.Fetch(fresh.filename) == fresh.content);
}

}  // namespace
}  // namespace provisor
