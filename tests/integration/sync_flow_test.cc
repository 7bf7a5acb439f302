// Cluster.Sync flow control against the real master: a follower that stops
// reading while the master has far more to send than HTTP/2 buffers is
// dropped after stall_timeout (counted), the master keeps taking writes
// meanwhile, and the follower can come back and resume by delta.
#include <grpcpp/grpcpp.h>

#include <catch2/catch.hpp>
#include <string>

#include "provisor/v1/admin.grpc.pb.h"
#include "provisor/v1/cluster.grpc.pb.h"
#include "tests/support/cluster.h"
#include "tests/support/master_process.h"

namespace provisor {
namespace {

using testing::MasterProcess;
using testing::WaitFor;

v1::Entity BigTemplate(int round) {
  v1::Entity e;
  e.mutable_template_()->set_id("big");
  // Just under the 1 MiB limit, different every round.
  e.mutable_template_()->set_body(std::string(1000000, static_cast<char>('a' + round % 26)));
  return e;
}

uint64_t SyncCounter(const MasterProcess& m, const std::string& name) {
  nlohmann::json status = testing::Status(m);
  return status.at("sync").contains(name) ? status.at("sync").at(name).get<uint64_t>() : 0;
}

TEST_CASE("a follower that stops reading is dropped after stall_timeout and resumes by delta") {
  MasterProcess m("[cluster]\nstall_timeout = \"1s\"\n");
  auto channel = grpc::CreateChannel(m.address, grpc::InsecureChannelCredentials());
  auto admin = v1::Admin::NewStub(channel);
  auto cluster = v1::Cluster::NewStub(channel);
  {
    grpc::ClientContext c;
    v1::WriteRequest create;
    *create.mutable_entity() = BigTemplate(0);
    v1::WriteResponse r;
    REQUIRE(admin->Create(&c, create, &r).ok());
  }

  // A follower takes its snapshot, then stops reading.
  grpc::ClientContext sync_context;
  v1::SyncRequest request;
  request.set_follower_id("stalled");
  auto reader = cluster->Sync(&sync_context, request);
  v1::SyncMessage message;
  std::string store_id;
  uint64_t revision = 0;
  while (reader->Read(&message)) {
    if (message.has_start()) store_id = message.start().store_id();
    if (message.has_snapshot_end()) {
      revision = message.snapshot_end().revision();
      break;
    }
  }
  REQUIRE(revision > 0);

  // 40 MB of changes: far more than the stream's flow-control window.
  for (int round = 1; round <= 40; ++round) {
    grpc::ClientContext c;
    v1::WriteRequest update;
    *update.mutable_entity() = BigTemplate(round);
    v1::WriteResponse r;
    REQUIRE(admin->Update(&c, update, &r).ok());  // writes go on meanwhile
  }
  REQUIRE(WaitFor([&] { return SyncCounter(m, "stalled_dropped") == 1; }));
  sync_context.TryCancel();
  reader->Finish();

  // It comes back with what it had and gets deltas, not a snapshot.
  const uint64_t snapshots = SyncCounter(m, "snapshots_sent");
  grpc::ClientContext again;
  request.set_applied_revision(revision);
  request.set_store_id(store_id);
  auto resumed = cluster->Sync(&again, request);
  REQUIRE(resumed->Read(&message));
  REQUIRE(message.has_start());
  CHECK(message.start().mode() == v1::SyncStart::MODE_DELTA);
  const uint64_t target = message.start().revision();
  uint64_t last = revision;
  while (last < target && resumed->Read(&message)) {
    REQUIRE(message.has_changes());
    for (const v1::Change& change : message.changes().changes()) {
      CHECK(change.revision() > last);
      last = change.revision();
    }
  }
  CHECK(last == target);
  CHECK(target == testing::Status(m).at("revision").get<uint64_t>());
  CHECK(SyncCounter(m, "snapshots_sent") == snapshots);
  again.TryCancel();
  resumed->Finish();
}

}  // namespace
}  // namespace provisor

namespace provisor {
namespace {

TEST_CASE("Sync refuses follower ids a slave could not heartbeat with") {
  MasterProcess m;
  auto cluster = v1::Cluster::NewStub(
      grpc::CreateChannel(m.address, grpc::InsecureChannelCredentials()));
  auto sync = [&](const std::string& id, v1::FollowerKind kind) {
    grpc::ClientContext context;
    v1::SyncRequest request;
    request.set_follower_id(id);
    request.set_kind(kind);
    auto reader = cluster->Sync(&context, request);
    v1::SyncMessage message;
    if (reader->Read(&message) && message.has_start()) {
      context.TryCancel();
      reader->Finish();
      return grpc::Status::OK;
    }
    return reader->Finish();
  };
  // Slave ids become metric labels and dashboard rows: the heartbeat rules.
  for (const std::string bad : {"bad id", "s1\nSLAVE_DOWN forged", "s:1", ""}) {
    grpc::Status status = sync(bad, v1::FOLLOWER_KIND_SLAVE);
    CHECK(status.error_code() == grpc::StatusCode::INVALID_ARGUMENT);
    CHECK(status.error_message() == "sync request without a valid follower id");
  }
  CHECK(sync("relay\nforged", v1::FOLLOWER_KIND_RELAY).error_code() ==
        grpc::StatusCode::INVALID_ARGUMENT);
  CHECK(sync("relay-127.0.0.1:7400", v1::FOLLOWER_KIND_RELAY).ok());  // a relay's own id form
  CHECK(sync("tftp-1", v1::FOLLOWER_KIND_SLAVE).ok());
  CHECK(testing::Status(m)["slaves"].size() == 1);
}

}  // namespace
}  // namespace provisor
