#include "slave/generation/snapshot_sink.h"

#include <catch2/catch.hpp>

#include "common/entity.h"
#include "common/logging.h"

namespace provisor {
namespace {

using std::chrono::seconds;

constexpr const char* kStore = "store-a";
constexpr const char* kMac1 = "00:15:65:aa:bb:01";
constexpr const char* kMac2 = "00:15:65:aa:bb:02";

v1::Entity DeviceEntity(const std::string& mac, const std::string& serial,
                        const std::string& subscriber = "") {
  v1::Entity e;
  e.mutable_device()->set_mac(mac);
  e.mutable_device()->set_model("m1");
  e.mutable_device()->set_serial(serial);
  e.mutable_device()->set_subscriber_id(subscriber);
  return e;
}

v1::Entity SubscriberEntity(const std::string& id, const std::string& name) {
  v1::Entity e;
  e.mutable_subscriber()->set_id(id);
  e.mutable_subscriber()->set_name(name);
  return e;
}

v1::Entity ModelEntity(const std::string& id) {
  v1::Entity e;
  e.mutable_model()->set_id(id);
  e.mutable_model()->set_template_id("tpl");
  return e;
}

v1::Entity TemplateEntity(const std::string& id, uint64_t version, const std::string& body) {
  v1::Entity e;
  e.mutable_template_()->set_id(id);
  e.mutable_template_()->set_version(version);
  e.mutable_template_()->set_body(body);
  return e;
}

v1::Entity KeyEpochEntity(uint64_t epoch, char fill) {
  v1::Entity e;
  e.mutable_key_epoch()->set_epoch(epoch);
  e.mutable_key_epoch()->set_key(std::string(TokenKey{}.key.size(), fill));
  return e;
}

v1::SyncStart SnapshotStart(uint64_t revision, uint64_t entities, const std::string& store = kStore) {
  v1::SyncStart s;
  s.set_mode(v1::SyncStart::MODE_SNAPSHOT);
  s.set_store_id(store);
  s.set_revision(revision);
  s.set_entities(entities);
  s.set_rotate_every_s(1800);
  s.set_token_ttl_s(600);
  s.set_bind_client_ip(false);
  return s;
}

v1::SyncStart DeltaStart(uint64_t revision, const std::string& store = kStore) {
  v1::SyncStart s;
  s.set_mode(v1::SyncStart::MODE_DELTA);
  s.set_store_id(store);
  s.set_revision(revision);
  s.set_rotate_every_s(1800);
  s.set_token_ttl_s(600);
  s.set_bind_client_ip(false);
  return s;
}

v1::SnapshotEnd End(uint64_t revision, uint64_t entities) {
  v1::SnapshotEnd e;
  e.set_revision(revision);
  e.set_entities(entities);
  return e;
}

v1::Change Change(uint64_t revision, const v1::Entity& entity) {
  v1::Change c;
  c.set_revision(revision);
  c.set_kind(KindOf(entity));
  c.set_key(KeyOf(entity));
  *c.mutable_entity() = entity;
  return c;
}

v1::Change Delete(uint64_t revision, v1::EntityKind kind, const std::string& key) {
  v1::Change c;
  c.set_revision(revision);
  c.set_kind(kind);
  c.set_key(key);
  c.set_deleted(true);
  return c;
}

std::string Serial(const GenerationSnapshot& s, const std::string& mac) {
  v1::Device d;
  if (!s.FindDevice(mac, &d)) return "<absent>";
  return d.serial();
}

std::string SubscriberName(const GenerationSnapshot& s, const std::string& id) {
  v1::Subscriber sub;
  if (!s.FindSubscriber(id, &sub)) return "<absent>";
  return sub.name();
}

// The entities of the snapshot at revision 10, in two chunks.
std::vector<v1::SnapshotChunk> Chunks() {
  std::vector<v1::SnapshotChunk> chunks(2);
  *chunks[0].add_entities() = TemplateEntity("tpl", 1, "hello {{device.mac}}");
  *chunks[0].add_entities() = ModelEntity("m1");
  *chunks[0].add_entities() = KeyEpochEntity(7, 'k');
  *chunks[1].add_entities() = SubscriberEntity("sub1", "Alice");
  *chunks[1].add_entities() = DeviceEntity(kMac1, "serial-1", "sub1");
  *chunks[1].add_entities() = DeviceEntity(kMac2, "serial-2");
  return chunks;
}
constexpr uint64_t kChunkEntities = 6;

struct Fixture {
  SnapshotHolder holder;
  SnapshotSink sink{&holder, MakeNullLogger()};

  // A complete snapshot at `revision`.
  void Snapshot(uint64_t revision) {
    REQUIRE(sink.Start(SnapshotStart(revision, kChunkEntities)).ok());
    for (v1::SnapshotChunk& chunk : Chunks()) REQUIRE(sink.SnapshotEntities(chunk).ok());
    REQUIRE(sink.EndSnapshot(End(revision, kChunkEntities)).ok());
  }
};

TEST_CASE("SnapshotSink publishes a snapshot only at its end", "[snapshot_sink]") {
  Fixture f;
  CHECK(f.sink.applied_revision() == 0);
  CHECK(f.sink.store_id().empty());

  v1::SyncStart start = SnapshotStart(10, kChunkEntities);
  start.set_token_ttl_s(900);
  start.set_bind_client_ip(true);
  REQUIRE(f.sink.Start(start).ok());
  std::vector<v1::SnapshotChunk> chunks = Chunks();
  REQUIRE(f.sink.SnapshotEntities(chunks[0]).ok());
  CHECK(f.holder.Get() == nullptr);
  REQUIRE(f.sink.SnapshotEntities(chunks[1]).ok());
  CHECK(f.holder.Get() == nullptr);  // nothing until the end
  CHECK(f.sink.applied_revision() == 0);

  REQUIRE(f.sink.EndSnapshot(End(10, kChunkEntities)).ok());
  std::shared_ptr<const GenerationSnapshot> s = f.holder.Get();
  REQUIRE(s != nullptr);
  CHECK(s->store_id == kStore);
  CHECK(s->revision == 10);
  CHECK(f.sink.applied_revision() == 10);
  CHECK(f.sink.store_id() == kStore);

  // Exactly the entities sent.
  CHECK(s->devices.size() == 2);
  CHECK(s->subscribers.size() == 1);
  CHECK(s->models.size() == 1);
  CHECK(s->templates.size() == 1);
  CHECK(s->packages.size() == 0);
  CHECK(s->classes.size() == 0);
  CHECK(Serial(*s, kMac1) == "serial-1");
  CHECK(Serial(*s, kMac2) == "serial-2");
  CHECK(SubscriberName(*s, "sub1") == "Alice");
  REQUIRE(s->FindModel("m1") != nullptr);
  CHECK(s->FindModel("m1")->template_id() == "tpl");
  const auto* tpl = s->templates.Find("tpl");
  REQUIRE(tpl != nullptr);
  CHECK((*tpl)->body() == "hello {{device.mac}}");
  CHECK(s->keys.size() == 1);
  const TokenKey* key = s->keys.Find(7);
  REQUIRE(key != nullptr);
  CHECK(std::string(key->key.begin(), key->key.end()) == std::string(key->key.size(), 'k'));

  // The master's token policy and rotation period.
  CHECK(s->keys.rotate_every() == seconds(1800));
  CHECK(s->tokens.ttl == seconds(900));
  CHECK(s->tokens.bind_client_ip);
  CHECK(f.sink.retired() == 0);  // nothing was replaced
}

TEST_CASE("SnapshotSink refuses a snapshot whose end does not match", "[snapshot_sink]") {
  Fixture f;
  SECTION("with nothing published before") {
    REQUIRE(f.sink.Start(SnapshotStart(10, kChunkEntities)).ok());
    std::vector<v1::SnapshotChunk> chunks = Chunks();
    REQUIRE(f.sink.SnapshotEntities(chunks[0]).ok());  // the second chunk is lost
    Status s = f.sink.EndSnapshot(End(10, kChunkEntities));
    CHECK(s.code() == StatusCode::kDataLoss);
    CHECK(f.holder.Get() == nullptr);
    CHECK(f.sink.applied_revision() == 0);
    // The partial snapshot is gone: a second end has nothing to end.
    CHECK(f.sink.EndSnapshot(End(10, 3)).code() == StatusCode::kDataLoss);
    CHECK(f.holder.Get() == nullptr);
  }
  SECTION("more entities than announced at the end") {
    REQUIRE(f.sink.Start(SnapshotStart(10, kChunkEntities)).ok());
    for (v1::SnapshotChunk& chunk : Chunks()) REQUIRE(f.sink.SnapshotEntities(chunk).ok());
    CHECK(f.sink.EndSnapshot(End(10, kChunkEntities - 1)).code() == StatusCode::kDataLoss);
    CHECK(f.holder.Get() == nullptr);
  }
  SECTION("the previous snapshot stays published") {
    f.Snapshot(10);
    std::shared_ptr<const GenerationSnapshot> before = f.holder.Get();
    REQUIRE(f.sink.Start(SnapshotStart(20, kChunkEntities)).ok());
    v1::SnapshotChunk chunk;
    *chunk.add_entities() = DeviceEntity(kMac1, "serial-new");
    REQUIRE(f.sink.SnapshotEntities(chunk).ok());
    CHECK(f.sink.EndSnapshot(End(20, 5)).code() == StatusCode::kDataLoss);
    CHECK(f.holder.Get() == before);
    CHECK(f.sink.applied_revision() == 10);
    CHECK(Serial(*f.holder.Get(), kMac1) == "serial-1");
  }
}

TEST_CASE("SnapshotSink AbortSnapshot drops a partial snapshot", "[snapshot_sink]") {
  Fixture f;
  f.Snapshot(10);
  std::shared_ptr<const GenerationSnapshot> before = f.holder.Get();

  REQUIRE(f.sink.Start(SnapshotStart(20, 1)).ok());
  v1::SnapshotChunk chunk;
  *chunk.add_entities() = DeviceEntity(kMac1, "serial-partial");
  REQUIRE(f.sink.SnapshotEntities(chunk).ok());
  f.sink.AbortSnapshot();

  CHECK(f.holder.Get() == before);
  CHECK(f.sink.applied_revision() == 10);
  // Nothing is left to add to or to end, even with a count that would match.
  v1::SnapshotChunk more;
  *more.add_entities() = DeviceEntity(kMac2, "serial-more");
  CHECK(f.sink.SnapshotEntities(more).code() == StatusCode::kDataLoss);
  CHECK(f.sink.EndSnapshot(End(20, 1)).code() == StatusCode::kDataLoss);
  CHECK(f.holder.Get() == before);
  CHECK(Serial(*f.holder.Get(), kMac1) == "serial-1");

  // A fresh snapshot afterwards holds only its own entities.
  REQUIRE(f.sink.Start(SnapshotStart(30, 1)).ok());
  v1::SnapshotChunk one;
  *one.add_entities() = DeviceEntity(kMac2, "serial-30");
  REQUIRE(f.sink.SnapshotEntities(one).ok());
  REQUIRE(f.sink.EndSnapshot(End(30, 1)).ok());
  CHECK(f.sink.applied_revision() == 30);
  CHECK(f.holder.Get()->devices.size() == 1);
  CHECK(Serial(*f.holder.Get(), kMac1) == "<absent>");
  CHECK(Serial(*f.holder.Get(), kMac2) == "serial-30");
}

TEST_CASE("SnapshotSink refuses a delta for another store or before any snapshot",
          "[snapshot_sink]") {
  Fixture f;
  CHECK(f.sink.Start(DeltaStart(5)).code() == StatusCode::kDataLoss);  // holds nothing
  v1::ChangeBatch early;
  *early.add_changes() = Change(11, DeviceEntity(kMac1, "x"));
  CHECK(f.sink.ApplyChanges(early).code() == StatusCode::kDataLoss);
  CHECK(f.holder.Get() == nullptr);

  f.Snapshot(10);
  std::shared_ptr<const GenerationSnapshot> before = f.holder.Get();
  CHECK(f.sink.Start(DeltaStart(12, "store-b")).code() == StatusCode::kDataLoss);
  CHECK(f.holder.Get() == before);
  CHECK(f.sink.store_id() == kStore);
  CHECK(f.sink.applied_revision() == 10);
  // The same store is fine.
  CHECK(f.sink.Start(DeltaStart(12)).ok());
  CHECK(f.holder.Get() == before);  // same policy: nothing to publish
}

TEST_CASE("SnapshotSink refuses a start without a rotation period", "[snapshot_sink]") {
  Fixture f;
  v1::SyncStart start = SnapshotStart(10, 0);
  start.set_rotate_every_s(0);
  CHECK(f.sink.Start(start).code() == StatusCode::kDataLoss);
  CHECK(f.sink.EndSnapshot(End(10, 0)).code() == StatusCode::kDataLoss);
  CHECK(f.holder.Get() == nullptr);
}

TEST_CASE("SnapshotSink ApplyChanges publishes a new version and readers keep theirs",
          "[snapshot_sink]") {
  Fixture f;
  f.Snapshot(10);
  std::shared_ptr<const GenerationSnapshot> v10 = f.holder.Get();  // a reader's
  REQUIRE(f.sink.Start(DeltaStart(13)).ok());

  v1::ChangeBatch batch;
  batch.set_master_revision(13);
  *batch.add_changes() = Change(9, DeviceEntity(kMac1, "stale-9"));    // before the snapshot
  *batch.add_changes() = Change(10, DeviceEntity(kMac2, "stale-10"));  // at it: applied already
  *batch.add_changes() = Change(11, DeviceEntity(kMac1, "serial-11", "sub1"));
  *batch.add_changes() = Change(12, SubscriberEntity("sub1", "Bob"));
  *batch.add_changes() = Change(12, SubscriberEntity("sub2", "Carol"));
  *batch.add_changes() = Delete(13, v1::ENTITY_KIND_DEVICE, kMac2);
  *batch.add_changes() = Delete(13, v1::ENTITY_KIND_TEMPLATE, "tpl");
  REQUIRE(f.sink.ApplyChanges(batch).ok());

  std::shared_ptr<const GenerationSnapshot> v13 = f.holder.Get();
  REQUIRE(v13 != nullptr);
  REQUIRE(v13 != v10);
  CHECK(v13->revision == 13);
  CHECK(v13->store_id == kStore);
  CHECK(f.sink.applied_revision() == 13);
  CHECK(Serial(*v13, kMac1) == "serial-11");
  CHECK(Serial(*v13, kMac2) == "<absent>");
  CHECK(SubscriberName(*v13, "sub1") == "Bob");
  CHECK(SubscriberName(*v13, "sub2") == "Carol");
  CHECK(v13->templates.Find("tpl") == nullptr);
  CHECK(v13->devices.size() == 1);
  CHECK(v13->subscribers.size() == 2);
  CHECK(v13->FindModel("m1") != nullptr);  // untouched
  CHECK(v13->keys.Find(7) != nullptr);
  CHECK(v13->tokens.ttl == seconds(600));

  // The version a reader held is unchanged.
  CHECK(v10->revision == 10);
  CHECK(Serial(*v10, kMac1) == "serial-1");
  CHECK(Serial(*v10, kMac2) == "serial-2");
  CHECK(SubscriberName(*v10, "sub1") == "Alice");
  CHECK(SubscriberName(*v10, "sub2") == "<absent>");
  CHECK(v10->templates.Find("tpl") != nullptr);
  CHECK(v10->devices.size() == 2);
  CHECK(v10->subscribers.size() == 1);

  // A batch replayed after a reconnect changes nothing.
  v1::ChangeBatch replay;
  *replay.add_changes() = Change(12, SubscriberEntity("sub1", "Replayed"));
  *replay.add_changes() = Change(13, DeviceEntity(kMac2, "replayed"));
  REQUIRE(f.sink.ApplyChanges(replay).ok());
  CHECK(f.sink.applied_revision() == 13);
  CHECK(SubscriberName(*f.holder.Get(), "sub1") == "Bob");
  CHECK(Serial(*f.holder.Get(), kMac2) == "<absent>");
}

TEST_CASE("SnapshotSink publishes a changed token policy at a delta start", "[snapshot_sink]") {
  Fixture f;
  f.Snapshot(10);
  std::shared_ptr<const GenerationSnapshot> before = f.holder.Get();
  v1::SyncStart start = DeltaStart(10);
  start.set_token_ttl_s(120);
  start.set_bind_client_ip(true);
  REQUIRE(f.sink.Start(start).ok());
  std::shared_ptr<const GenerationSnapshot> after = f.holder.Get();
  REQUIRE(after != before);
  CHECK(after->tokens.ttl == seconds(120));
  CHECK(after->tokens.bind_client_ip);
  CHECK(after->revision == 10);
  CHECK(Serial(*after, kMac1) == "serial-1");
  CHECK(before->tokens.ttl == seconds(600));
  CHECK_FALSE(before->tokens.bind_client_ip);
}

TEST_CASE("SnapshotSink frees retired versions once no reader holds them", "[snapshot_sink]") {
  Fixture f;
  f.Snapshot(10);
  CHECK(f.sink.retired() == 0);

  std::shared_ptr<const GenerationSnapshot> held = f.holder.Get();
  std::weak_ptr<const GenerationSnapshot> watch = held;
  v1::ChangeBatch b11;
  *b11.add_changes() = Change(11, DeviceEntity(kMac1, "serial-11"));
  REQUIRE(f.sink.ApplyChanges(b11).ok());
  CHECK(f.sink.retired() == 1);  // a reader still holds revision 10
  f.sink.ReleaseRetired();
  CHECK(f.sink.retired() == 1);
  CHECK_FALSE(watch.expired());
  CHECK(Serial(*held, kMac1) == "serial-1");

  // Revision 11 is replaced with no reader on it: the next release frees it.
  std::weak_ptr<const GenerationSnapshot> watch11 = f.holder.Get();
  v1::ChangeBatch b12;
  *b12.add_changes() = Change(12, DeviceEntity(kMac1, "serial-12"));
  REQUIRE(f.sink.ApplyChanges(b12).ok());
  f.sink.ReleaseRetired();
  CHECK(watch11.expired());
  CHECK(f.sink.retired() == 1);  // still only revision 10

  held.reset();
  CHECK_FALSE(watch.expired());  // the sink keeps it for itself to free
  CHECK(f.sink.retired() == 1);
  f.sink.ReleaseRetired();
  CHECK(f.sink.retired() == 0);
  CHECK(watch.expired());
  CHECK(Serial(*f.holder.Get(), kMac1) == "serial-12");

  // A new snapshot retires the current version like a batch does.
  std::shared_ptr<const GenerationSnapshot> held12 = f.holder.Get();
  f.Snapshot(20);
  CHECK(f.sink.retired() == 1);
  held12.reset();
  f.sink.ReleaseRetired();
  CHECK(f.sink.retired() == 0);
}

TEST_CASE("SnapshotSink forces a snapshot when the rotation period changes", "[snapshot_sink]") {
  Fixture f;
  f.Snapshot(10);
  std::shared_ptr<const GenerationSnapshot> before = f.holder.Get();
  v1::SyncStart start = DeltaStart(12);
  start.set_rotate_every_s(3600);
  Status s = f.sink.Start(start);
  CHECK_FALSE(s.ok());
  CHECK(f.sink.applied_revision() == 0);  // ask for a snapshot
  CHECK(f.holder.Get() == before);         // keep serving meanwhile
  CHECK(f.sink.store_id() == kStore);

  // The snapshot with the new period clears it.
  v1::SyncStart snap = SnapshotStart(12, kChunkEntities);
  snap.set_rotate_every_s(3600);
  REQUIRE(f.sink.Start(snap).ok());
  for (v1::SnapshotChunk& chunk : Chunks()) REQUIRE(f.sink.SnapshotEntities(chunk).ok());
  REQUIRE(f.sink.EndSnapshot(End(12, kChunkEntities)).ok());
  CHECK(f.sink.applied_revision() == 12);
  CHECK(f.holder.Get()->keys.rotate_every() == seconds(3600));
  CHECK(f.sink.Start(DeltaStart(12)).code() == StatusCode::kFailedPrecondition);  // 1800 again
}

}  // namespace
}  // namespace provisor
