#include "master/store/lmdb_store.h"

#include <catch2/catch.hpp>
#include <filesystem>

#include "common/clock.h"
#include "master/store/entity.h"
#include "tests/support/store_entities.h"
#include "tests/support/temp_dir.h"

namespace provisor {
namespace {

using testing::Device;
using testing::Model;
using testing::Template;
using testing::TempDir;

v1::Entity Subscriber(const std::string& id) {
  v1::Entity e;
  e.mutable_subscriber()->set_id(id);
  e.mutable_subscriber()->set_name("Name " + id);
  return e;
}

struct Fixture {
  explicit Fixture(StoreOptions options = {}) {
    options.data_dir = dir.path();
    auto opened = LmdbStore::Open(options, &clock);
    REQUIRE(opened.ok());
    store = std::move(*opened);
  }
  uint64_t Put(v1::Entity e, WriteOp op = WriteOp::kCreate) {
    std::vector<Mutation> m;
    m.push_back(Mutation::Put(op, std::move(e)));
    auto r = store->Write(std::move(m));
    INFO(r.status().ToString());
    REQUIRE(r.ok());
    return r->revision;
  }
  Status TryPut(v1::Entity e, WriteOp op = WriteOp::kCreate) {
    std::vector<Mutation> m;
    m.push_back(Mutation::Put(op, std::move(e)));
    return store->Write(std::move(m)).status();
  }
  Status TryDelete(v1::EntityKind kind, const std::string& key) {
    std::vector<Mutation> m;
    m.push_back(Mutation::Delete(kind, key));
    return store->Write(std::move(m)).status();
  }
  TempDir dir;
  FakeClock clock;
  std::unique_ptr<LmdbStore> store;
};

TEST_CASE("store: create, get, update, delete with revisions") {
  Fixture f;
  CHECK(f.store->revision() == 0);
  CHECK(f.Put(Subscriber("s1")) == 1);
  auto got = f.store->Get(v1::ENTITY_KIND_SUBSCRIBER, "s1");
  REQUIRE(got.ok());
  CHECK(got->subscriber().name() == "Name s1");
  CHECK(f.TryPut(Subscriber("s1")).message() == "subscriber s1 already exists");
  CHECK(f.TryPut(Subscriber("s2"), WriteOp::kUpdate).message() == "subscriber s2 does not exist");
  v1::Entity renamed = Subscriber("s1");
  renamed.mutable_subscriber()->set_name("Ann");
  CHECK(f.Put(renamed, WriteOp::kUpdate) == 2);
  CHECK(f.store->Get(v1::ENTITY_KIND_SUBSCRIBER, "s1")->subscriber().name() == "Ann");
  CHECK(f.Put(Subscriber("s3"), WriteOp::kUpsert) == 3);
  REQUIRE(f.TryDelete(v1::ENTITY_KIND_SUBSCRIBER, "s1").ok());
  CHECK(f.store->revision() == 4);
  auto gone = f.store->Get(v1::ENTITY_KIND_SUBSCRIBER, "s1");
  CHECK(gone.status().code() == StatusCode::kNotFound);
  CHECK(gone.status().message() == "subscriber s1 not found");
  CHECK(f.TryDelete(v1::ENTITY_KIND_SUBSCRIBER, "s1").code() == StatusCode::kNotFound);
}

TEST_CASE("store: referential integrity on write and delete") {
  Fixture f;
  Status s = f.TryPut(Device("aa:bb:cc:dd:ee:01", "m1"));
  CHECK(s.code() == StatusCode::kFailedPrecondition);
  CHECK(s.message() == "device aa:bb:cc:dd:ee:01: model 'm1' does not exist");
  f.Put(Template("t1"));
  f.Put(Model("m1", "t1"));
  f.Put(Subscriber("s1"));
  CHECK(f.TryPut(Device("aa:bb:cc:dd:ee:01", "m1", "nobody")).message() ==
        "device aa:bb:cc:dd:ee:01: subscriber_id 'nobody' does not exist");
  f.Put(Device("aa:bb:cc:dd:ee:01", "m1", "s1"));
  f.Put(Device("aa:bb:cc:dd:ee:02", "m1", "s1"));
  CHECK(f.TryDelete(v1::ENTITY_KIND_TEMPLATE, "t1").message() ==
        "template t1 is still used by model m1");
  CHECK(f.TryDelete(v1::ENTITY_KIND_MODEL, "m1").message() ==
        "model m1 is still used by device aa:bb:cc:dd:ee:01 and 1 more");
  CHECK(f.TryDelete(v1::ENTITY_KIND_SUBSCRIBER, "s1").code() == StatusCode::kFailedPrecondition);
  // Rebinding a device moves its reference.
  f.Put(Subscriber("s2"));
  f.Put(Device("aa:bb:cc:dd:ee:02", "m1", "s2"), WriteOp::kUpdate);
  f.Put(Device("aa:bb:cc:dd:ee:01", "m1", ""), WriteOp::kUpdate);
  CHECK(f.TryDelete(v1::ENTITY_KIND_SUBSCRIBER, "s1").ok());
  REQUIRE(f.TryDelete(v1::ENTITY_KIND_DEVICE, "aa:bb:cc:dd:ee:01").ok());
  REQUIRE(f.TryDelete(v1::ENTITY_KIND_DEVICE, "aa:bb:cc:dd:ee:02").ok());
  CHECK(f.TryDelete(v1::ENTITY_KIND_MODEL, "m1").ok());
  CHECK(f.TryDelete(v1::ENTITY_KIND_TEMPLATE, "t1").ok());
}

TEST_CASE("store: a batch is all or nothing and names the bad mutation") {
  Fixture f;
  f.Put(Template("t1"));
  f.Put(Model("m1", "t1"));
  std::vector<Mutation> batch;
  batch.push_back(Mutation::Put(WriteOp::kCreate, Subscriber("a")));
  batch.push_back(Mutation::Put(WriteOp::kCreate, Device("aa:bb:cc:dd:ee:01", "m1", "a")));
  batch.push_back(Mutation::Put(WriteOp::kCreate, Device("aa:bb:cc:dd:ee:02", "nope", "a")));
  batch.push_back(Mutation::Put(WriteOp::kCreate, Subscriber("b")));
  size_t failed = 99;
  auto r = f.store->Write(std::move(batch), &failed);
  REQUIRE_FALSE(r.ok());
  CHECK(failed == 2);
  CHECK(f.store->revision() == 2);
  CHECK(f.store->Get(v1::ENTITY_KIND_SUBSCRIBER, "a").status().code() == StatusCode::kNotFound);
  auto changes = f.store->ChangesSince(2, 100);
  REQUIRE(changes.ok());
  CHECK(changes->empty());
  // References to entities created earlier in the same batch resolve.
  std::vector<Mutation> good;
  good.push_back(Mutation::Put(WriteOp::kCreate, Subscriber("a")));
  good.push_back(Mutation::Put(WriteOp::kCreate, Device("aa:bb:cc:dd:ee:01", "m1", "a")));
  auto ok = f.store->Write(std::move(good));
  REQUIRE(ok.ok());
  CHECK(ok->revision == 3);
}

TEST_CASE("store: templates are versioned by the store") {
  Fixture f;
  v1::Entity t = Template("t1", "one");
  t.mutable_template_()->set_version(77);  // ignored
  f.Put(t);
  CHECK(f.store->Get(v1::ENTITY_KIND_TEMPLATE, "t1")->template_().version() == 1);
  f.Put(Template("t1", "two"), WriteOp::kUpdate);
  auto got = f.store->Get(v1::ENTITY_KIND_TEMPLATE, "t1");
  CHECK(got->template_().version() == 2);
  CHECK(got->template_().body() == "two");
}

TEST_CASE("store: change log after R, whole revisions, and too-old R") {
  StoreOptions options;
  options.changelog_max_changes = 6;
  Fixture f(options);
  for (int i = 0; i < 4; ++i) f.Put(Subscriber("s" + std::to_string(i)));
  std::vector<Mutation> pair;
  pair.push_back(Mutation::Put(WriteOp::kCreate, Subscriber("x")));
  pair.push_back(Mutation::Put(WriteOp::kCreate, Subscriber("y")));
  REQUIRE(f.store->Write(std::move(pair)).ok());  // revision 5 holds two changes
  auto after3 = f.store->ChangesSince(3, 1);
  REQUIRE(after3.ok());
  REQUIRE(after3->size() == 1);
  CHECK((*after3)[0].revision() == 4);
  CHECK((*after3)[0].key() == "s3");
  auto after4 = f.store->ChangesSince(4, 1);  // limit 1, but revision 5 comes whole
  REQUIRE(after4.ok());
  REQUIRE(after4->size() == 2);
  CHECK((*after4)[1].key() == "y");
  CHECK((*after4)[1].entity().subscriber().id() == "y");

  REQUIRE(f.TryDelete(v1::ENTITY_KIND_SUBSCRIBER, "x").ok());  // 7 changes: the oldest goes
  auto info = f.store->Info();
  REQUIRE(info.ok());
  CHECK(info->log_changes == 6);
  CHECK(info->log_floor == 1);
  auto too_old = f.store->ChangesSince(0, 100);
  CHECK(too_old.status().code() == StatusCode::kOutOfRange);
  CHECK(too_old.status().message() ==
        "revision 0 is older than the change log, which starts after revision 1: take a snapshot");
  auto from_floor = f.store->ChangesSince(1, 100);
  REQUIRE(from_floor.ok());
  CHECK(from_floor->size() == 6);
  CHECK(from_floor->back().deleted());
  CHECK(from_floor->back().revision() == 6);
}

TEST_CASE("store: the change log drops entries older than its age limit") {
  StoreOptions options;
  options.changelog_max_age = std::chrono::hours(1);
  Fixture f(options);
  f.Put(Subscriber("old"));
  f.clock.Advance(std::chrono::hours(2));
  f.Put(Subscriber("new"));
  auto info = f.store->Info();
  CHECK(info->log_floor == 1);
  CHECK(info->log_changes == 1);
  CHECK(f.store->ChangesSince(0, 10).status().code() == StatusCode::kOutOfRange);
}

TEST_CASE("store: list with prefix, pages and device filters") {
  Fixture f;
  f.Put(Template("t1"));
  f.Put(Model("m1", "t1"));
  f.Put(Model("m2", "t1"));
  f.Put(Subscriber("s1"));
  for (int i = 0; i < 25; ++i) {
    char mac[32];
    std::snprintf(mac, sizeof(mac), "aa:bb:cc:dd:ee:%02x", i);
    f.Put(Device(mac, i % 2 ? "m1" : "m2", i < 5 ? "s1" : ""));
  }
  ListQuery q;
  q.kind = v1::ENTITY_KIND_DEVICE;
  q.page_size = 10;
  std::vector<std::string> seen;
  for (int page = 0; page < 5; ++page) {
    auto p = f.store->List(q);
    REQUIRE(p.ok());
    for (const auto& e : p->entities) seen.push_back(e.device().mac());
    if (!p->more) break;
    q.start_after = seen.back();
  }
  REQUIRE(seen.size() == 25);
  CHECK(seen.front() == "aa:bb:cc:dd:ee:00");
  CHECK(seen.back() == "aa:bb:cc:dd:ee:18");
  CHECK(std::is_sorted(seen.begin(), seen.end()));

  ListQuery by_sub;
  by_sub.kind = v1::ENTITY_KIND_DEVICE;
  by_sub.subscriber_id = "s1";
  auto s = f.store->List(by_sub);
  REQUIRE(s.ok());
  CHECK(s->entities.size() == 5);
  by_sub.model = "m1";
  CHECK(f.store->List(by_sub)->entities.size() == 2);
  ListQuery by_model;
  by_model.kind = v1::ENTITY_KIND_DEVICE;
  by_model.model = "m1";
  CHECK(f.store->List(by_model)->entities.size() == 12);
  ListQuery prefix;
  prefix.kind = v1::ENTITY_KIND_MODEL;
  prefix.key_prefix = "m2";
  auto models = f.store->List(prefix);
  REQUIRE(models->entities.size() == 1);
  CHECK(models->entities[0].model().id() == "m2");
}

TEST_CASE("store: data and revision survive a reopen") {
  TempDir dir;
  FakeClock clock;
  StoreOptions options;
  options.data_dir = dir.path();
  {
    auto store = LmdbStore::Open(options, &clock);
    REQUIRE(store.ok());
    std::vector<Mutation> m;
    m.push_back(Mutation::Put(WriteOp::kCreate, Subscriber("kept")));
    REQUIRE((*store)->Write(std::move(m)).ok());
  }
  auto again = LmdbStore::Open(options, &clock);
  REQUIRE(again.ok());
  CHECK((*again)->revision() == 1);
  CHECK((*again)->Get(v1::ENTITY_KIND_SUBSCRIBER, "kept").ok());
}

TEST_CASE("store: the map grows past its initial size") {
  StoreOptions options;
  options.map_size = 1 << 20;  // 1 MiB
  Fixture f(options);
  const std::string body(200'000, 'b');
  for (int i = 0; i < 40; ++i) f.Put(Template("t" + std::to_string(i), body));  // ~16 MB with the log
  auto info = f.store->Info();
  REQUIRE(info.ok());
  CHECK(info->counts["template"] == 40);
  CHECK(info->map_size >= 16u << 20);
  CHECK(f.store->Get(v1::ENTITY_KIND_TEMPLATE, "t39")->template_().body() == body);
}

TEST_CASE("store: a second store on the same directory is refused; bad directories say why") {
  Fixture f;
  StoreOptions options;
  options.data_dir = f.dir.path();
  auto second = LmdbStore::Open(options, &f.clock);
  REQUIRE_FALSE(second.ok());
  CHECK(second.status().message() ==
        "data directory " + f.dir.path() + " is in use by another provisor-master");
  options.data_dir = f.dir.path() + "/missing";
  CHECK(LmdbStore::Open(options, &f.clock).status().message() ==
        "data directory " + options.data_dir + " does not exist (create it first)");
}

}  // namespace
}  // namespace provisor

// What could never render is refused inside the write transaction: a device
// without the key its model's encryption needs (formerly render_needs_test).
namespace provisor {
namespace render_needs {
namespace {

using testing::Device;
using testing::Model;
using testing::Template;

v1::Entity EncryptingModel(const std::string& id, const std::string& cipher) {
  v1::Entity e = Model(id, "t1");
  e.mutable_model()->set_encryption(cipher);
  return e;
}

v1::Entity KeyedDevice(const std::string& mac, const std::string& model, const std::string& key) {
  v1::Entity e = Device(mac, model);
  e.mutable_device()->set_secret(key);
  return e;
}

struct Fixture {
  Fixture() {
    StoreOptions options;
    options.data_dir = dir.path();
    auto opened = LmdbStore::Open(options, &clock);
    REQUIRE(opened.ok());
    store = std::move(*opened);
    REQUIRE(Write({Template("t1"), Model("plain", "t1"), EncryptingModel("enc", "yealink-aes")})
                .ok());
  }
  Status Write(std::vector<v1::Entity> entities, WriteOp op = WriteOp::kCreate,
               size_t* failed = nullptr) {
    std::vector<Mutation> m;
    for (v1::Entity& e : entities) m.push_back(Mutation::Put(op, std::move(e)));
    return store->Write(std::move(m), failed).status();
  }
  testing::TempDir dir;
  FakeClock clock;
  std::unique_ptr<LmdbStore> store;
};

TEST_CASE("store: a device of an encrypting model needs a key that fits") {
  Fixture f;
  Status s = f.Write({Device("aa:bb:cc:dd:ee:01", "enc")});
  CHECK(s.code() == StatusCode::kFailedPrecondition);
  CHECK(s.message() == "device aa:bb:cc:dd:ee:01: secret is required: model enc encrypts with "
                       "yealink-aes");
  s = f.Write({KeyedDevice("aa:bb:cc:dd:ee:01", "enc", "short")});
  CHECK(s.code() == StatusCode::kFailedPrecondition);
  CHECK(s.message() == "device aa:bb:cc:dd:ee:01: secret does not fit model enc's encryption: "
                       "yealink-aes key must be exactly 16 characters (got 5)");
  CHECK(f.Write({KeyedDevice("aa:bb:cc:dd:ee:01", "enc", "0123456789abcdef")}).ok());
  CHECK(f.Write({Device("aa:bb:cc:dd:ee:02", "plain")}).ok());
  // An update that drops the key is refused too.
  CHECK(f.Write({Device("aa:bb:cc:dd:ee:01", "enc")}, WriteOp::kUpdate).code() ==
        StatusCode::kFailedPrecondition);
  // Moving a keyless device to the encrypting model is refused.
  CHECK(f.Write({Device("aa:bb:cc:dd:ee:02", "enc")}, WriteOp::kUpsert).message() ==
        "device aa:bb:cc:dd:ee:02: secret is required: model enc encrypts with yealink-aes");
}

TEST_CASE("store: an import batch stops at the first keyless device") {
  Fixture f;
  std::vector<v1::Entity> batch;
  batch.push_back(KeyedDevice("aa:bb:cc:dd:ee:01", "enc", "0123456789abcdef"));
  batch.push_back(Device("aa:bb:cc:dd:ee:02", "enc"));
  batch.push_back(Device("aa:bb:cc:dd:ee:03", "plain"));
  size_t failed = 99;
  Status s = f.Write(std::move(batch), WriteOp::kCreate, &failed);
  CHECK(failed == 1);
  CHECK(s.message() == "device aa:bb:cc:dd:ee:02: secret is required: model enc encrypts with "
                       "yealink-aes");
  CHECK(f.store->Get(v1::ENTITY_KIND_DEVICE, "aa:bb:cc:dd:ee:01").status().code() ==
        StatusCode::kNotFound);
  // A model and its keyed devices in one batch resolve in order.
  CHECK(f.Write({EncryptingModel("cisco", "cisco-aes256-cbc"),
                 KeyedDevice("aa:bb:cc:dd:ee:04", "cisco", "SpaProfileKey42")})
            .ok());
}

TEST_CASE("store: a model's encryption changes only if its devices' keys fit") {
  Fixture f;
  REQUIRE(f.Write({Device("aa:bb:cc:dd:ee:01", "plain"),
                   KeyedDevice("aa:bb:cc:dd:ee:02", "plain", "0123456789abcdef")})
              .ok());
  Status s = f.Write({EncryptingModel("plain", "yealink-aes")}, WriteOp::kUpdate);
  CHECK(s.code() == StatusCode::kFailedPrecondition);
  CHECK(s.message() == "model plain: encryption cannot change to yealink-aes: device "
                       "aa:bb:cc:dd:ee:01: secret is required: model plain encrypts with "
                       "yealink-aes");
  REQUIRE(f.Write({KeyedDevice("aa:bb:cc:dd:ee:01", "plain", "fedcba9876543210")},
                  WriteOp::kUpdate)
              .ok());
  CHECK(f.Write({EncryptingModel("plain", "yealink-aes")}, WriteOp::kUpdate).ok());
  // Back to none is always fine.
  CHECK(f.Write({Model("plain", "t1")}, WriteOp::kUpdate).ok());
}

}  // namespace
}  // namespace render_needs
}  // namespace provisor
