// LmdbStore replication: store ids, consistent scans, replicated change
// batches and snapshot restore.
#include <google/protobuf/util/message_differencer.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <future>
#include <set>
#include <thread>

#include "common/clock.h"
#include "common/entity.h"
#include "master/store/lmdb.h"
#include "master/store/lmdb_store.h"
#include "tests/support/store_entities.h"
#include "tests/support/temp_dir.h"

namespace provisor {
namespace {

using google::protobuf::util::MessageDifferencer;
using testing::Device;
using testing::Model;
using testing::Template;
using testing::TempDir;

v1::Entity Package(const std::string& id, const std::string& tpl) {
  v1::Entity e;
  e.mutable_package()->set_id(id);
  e.mutable_package()->set_template_id(tpl);
  (*e.mutable_package()->mutable_parameters())["codec"] = "g722";
  return e;
}
v1::Entity Class(const std::string& id, const std::string& tpl, const std::string& pkg) {
  v1::Entity e;
  e.mutable_client_class()->set_id(id);
  e.mutable_client_class()->set_template_id(tpl);
  e.mutable_client_class()->set_service_package(pkg);
  return e;
}
v1::Entity Subscriber(const std::string& id, const std::string& pkg = "") {
  v1::Entity e;
  e.mutable_subscriber()->set_id(id);
  e.mutable_subscriber()->set_name("Name " + id);
  e.mutable_subscriber()->set_service_package(pkg);
  (*e.mutable_subscriber()->mutable_attributes())["floor"] = "3";
  return e;
}
v1::Entity Slave(const std::string& id) {
  v1::Entity e;
  e.mutable_slave()->set_id(id);
  e.mutable_slave()->set_address("10.0.0.1:69");
  e.mutable_slave()->set_weight(5);
  return e;
}
v1::Entity KeyEpoch(uint64_t epoch) {
  v1::Entity e;
  e.mutable_key_epoch()->set_epoch(epoch);
  e.mutable_key_epoch()->set_key(std::string(32, static_cast<char>('a' + epoch)));
  return e;
}

struct Fixture {
  explicit Fixture(StoreOptions options = {}) : options(std::move(options)) {
    this->options.data_dir = dir.path();
    Reopen();
  }
  void Reopen() {
    store.reset();
    auto opened = LmdbStore::Open(options, &clock);
    INFO(opened.status().ToString());
    REQUIRE(opened.ok());
    store = std::move(*opened);
  }
  uint64_t Write(std::vector<Mutation> m) {
    auto r = store->Write(std::move(m));
    INFO(r.status().ToString());
    REQUIRE(r.ok());
    return r->revision;
  }
  uint64_t Put(v1::Entity e, WriteOp op = WriteOp::kUpsert) {
    std::vector<Mutation> m;
    m.push_back(Mutation::Put(op, std::move(e)));
    return Write(std::move(m));
  }
  uint64_t Delete(v1::EntityKind kind, const std::string& key) {
    std::vector<Mutation> m;
    m.push_back(Mutation::Delete(kind, key));
    return Write(std::move(m));
  }
  TempDir dir;
  FakeClock clock;
  StoreOptions options;
  std::unique_ptr<LmdbStore> store;
};

// Every kind, multi-change revisions, updates (a template version 2) and
// deletes. Ends at revision 12.
void Populate(Fixture& f) {
  std::vector<Mutation> templates;
  templates.push_back(Mutation::Put(WriteOp::kCreate, Template("t1", "one")));
  templates.push_back(Mutation::Put(WriteOp::kCreate, Template("t2")));
  f.Write(std::move(templates));                                           // 1
  f.Put(Package("p1", "t2"));                                              // 2
  f.Put(Class("c1", "t1", "p1"));                                          // 3
  std::vector<Mutation> models;
  models.push_back(Mutation::Put(WriteOp::kCreate, Model("m1", "t1")));
  models.push_back(Mutation::Put(WriteOp::kCreate, Model("m2", "t2")));
  f.Write(std::move(models));                                              // 4
  std::vector<Mutation> people;
  people.push_back(Mutation::Put(WriteOp::kCreate, Subscriber("s1", "p1")));
  people.push_back(Mutation::Put(WriteOp::kCreate, Subscriber("s2")));
  people.push_back(Mutation::Put(WriteOp::kCreate, Device("aa:00:00:00:00:01", "m1", "s1", "c1")));
  people.push_back(Mutation::Put(WriteOp::kCreate, Device("aa:00:00:00:00:02", "m1", "s2")));
  people.push_back(Mutation::Put(WriteOp::kCreate, Device("aa:00:00:00:00:03", "m2")));
  f.Write(std::move(people));                                              // 5
  f.Put(Template("t1", "two"), WriteOp::kUpdate);                          // 6
  f.Put(Slave("slave-a"));                                                 // 7
  std::vector<Mutation> keys;
  keys.push_back(Mutation::Put(WriteOp::kCreate, KeyEpoch(1)));
  keys.push_back(Mutation::Put(WriteOp::kCreate, KeyEpoch(2)));
  f.Write(std::move(keys));                                                // 8
  f.Delete(v1::ENTITY_KIND_DEVICE, "aa:00:00:00:00:03");                   // 9
  f.Put(Device("aa:00:00:00:00:02", "m2", "s1"), WriteOp::kUpdate);        // 10
  f.Delete(v1::ENTITY_KIND_SUBSCRIBER, "s2");                              // 11
  f.Delete(v1::ENTITY_KIND_KEY_EPOCH, KeyOf(KeyEpoch(1)));                 // 12
}

// For threads other than the test's own (Catch2 assertions are not
// thread-safe): keeps the first failure.
struct BackgroundWriter {
  explicit BackgroundWriter(Store* store) : store(store) {}
  ~BackgroundWriter() { Join(); }
  void Put(v1::Entity e, WriteOp op = WriteOp::kUpsert) {
    std::vector<Mutation> m;
    m.push_back(Mutation::Put(op, std::move(e)));
    Keep(store->Write(std::move(m)).status());
  }
  void Delete(v1::EntityKind kind, const std::string& key) {
    std::vector<Mutation> m;
    m.push_back(Mutation::Delete(kind, key));
    Keep(store->Write(std::move(m)).status());
  }
  void Keep(const Status& s) {
    if (first_error.ok()) first_error = s;
  }
  void Join() {
    stop = true;
    if (thread.joinable()) thread.join();
  }
  Store* store;
  Status first_error;  // read after Join()
  std::atomic<bool> stop{false};
  std::atomic<bool> finished{false};
  std::thread thread;
};

struct Dump {
  ScanHeader header;
  std::vector<v1::Entity> entities;
};

Dump ScanAll(Store& store, size_t batch_size = 3) {
  Dump dump;
  int begins = 0;
  Status s = store.Scan(
      batch_size,
      [&](const ScanHeader& h) {
        ++begins;
        dump.header = h;
        return Status::Ok();
      },
      [&](std::vector<v1::Entity>& batch) {
        CHECK(!batch.empty());
        CHECK(batch.size() <= batch_size);
        for (auto& e : batch) dump.entities.push_back(std::move(e));
        return Status::Ok();
      });
  INFO(s.ToString());
  REQUIRE(s.ok());
  CHECK(begins == 1);
  CHECK(dump.entities.size() == dump.header.entities);
  return dump;
}

void RequireSameEntities(const std::vector<v1::Entity>& a, const std::vector<v1::Entity>& b) {
  REQUIRE(a.size() == b.size());
  for (size_t i = 0; i < a.size(); ++i) {
    INFO(i << ": " << a[i].ShortDebugString() << " vs " << b[i].ShortDebugString());
    CHECK(MessageDifferencer::Equals(a[i], b[i]));
  }
}

std::vector<v1::Change> AllChanges(Store& store, uint64_t after = 0) {
  auto changes = store.ChangesSince(after, 1'000'000);
  INFO(changes.status().ToString());
  REQUIRE(changes.ok());
  return *changes;
}

void RequireSameChanges(const std::vector<v1::Change>& a, const std::vector<v1::Change>& b) {
  REQUIRE(a.size() == b.size());
  for (size_t i = 0; i < a.size(); ++i) {
    INFO(i << ": " << a[i].ShortDebugString() << " vs " << b[i].ShortDebugString());
    CHECK(MessageDifferencer::Equals(a[i], b[i]));
  }
}

std::set<std::string> Keys(const std::vector<v1::Entity>& entities) {
  std::set<std::string> keys;
  for (const auto& e : entities) keys.insert(std::string(KindName(KindOf(e))) + "/" + KeyOf(e));
  return keys;
}

std::vector<std::string> DevicesOf(Store& store, const std::string& subscriber) {
  ListQuery q;
  q.kind = v1::ENTITY_KIND_DEVICE;
  q.subscriber_id = subscriber;
  auto page = store.List(q);
  REQUIRE(page.ok());
  std::vector<std::string> macs;
  for (const auto& e : page->entities) macs.push_back(e.device().mac());
  return macs;
}

bool IsHex32(const std::string& id) {
  return id.size() == 32 && std::all_of(id.begin(), id.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

v1::Change Upsert(uint64_t revision, v1::Entity entity) {
  v1::Change c;
  c.set_revision(revision);
  c.set_kind(KindOf(entity));
  c.set_key(KeyOf(entity));
  c.set_time_unix_ms(1'800'000'000'000);  // FakeClock's wall time: not aged out of the log
  *c.mutable_entity() = std::move(entity);
  return c;
}

TEST_CASE("replication: the store id is 32 hex digits and kept across a reopen") {
  Fixture a;
  Fixture b;
  const std::string id = a.store->store_id();
  CHECK(IsHex32(id));
  CHECK(IsHex32(b.store->store_id()));
  CHECK(id != b.store->store_id());
  a.Put(Subscriber("s1"));
  a.Reopen();
  CHECK(a.store->store_id() == id);
  auto info = a.store->Info();
  REQUIRE(info.ok());
  CHECK(info->store_id == id);
  CHECK_FALSE(info->restoring);
}

TEST_CASE("replication: a store from before store ids gets one at open") {
  Fixture f;
  f.Put(Subscriber("s1"));
  const std::string old_id = f.store->store_id();
  f.store.reset();
  {
    auto env = lmdb::Env::Open(f.dir.path(), 1u << 30, 16);
    REQUIRE(env.ok());
    lmdb::WriteTxn txn(**env);
    REQUIRE(txn.status().ok());
    auto meta = lmdb::OpenDb(txn.get(), "meta");
    REQUIRE(meta.ok());
    REQUIRE(lmdb::Exists(txn.get(), *meta, "store_id"));
    REQUIRE(lmdb::Del(txn.get(), *meta, "store_id").ok());
    REQUIRE(txn.Commit().ok());
  }
  f.Reopen();
  const std::string id = f.store->store_id();
  CHECK(IsHex32(id));
  CHECK(id != old_id);
  CHECK(f.store->revision() == 1);
  f.Reopen();
  CHECK(f.store->store_id() == id);
}

TEST_CASE("replication: scan gives every entity of every kind with revision and count") {
  Fixture f;
  Populate(f);
  Dump dump = ScanAll(*f.store, 4);
  CHECK(dump.header.revision == 12);
  CHECK(dump.header.store_id == f.store->store_id());
  CHECK(dump.header.entities == 11);
  // Referenced kinds come before what references them.
  std::vector<std::string> kinds;
  for (const auto& e : dump.entities) kinds.emplace_back(KindName(KindOf(e)));
  CHECK(kinds == std::vector<std::string>{"key", "template", "template", "package", "class",
                                          "model", "model", "subscriber", "device", "device",
                                          "slave"});
  CHECK(Keys(dump.entities) ==
        std::set<std::string>{"key/" + KeyOf(KeyEpoch(2)), "template/t1", "template/t2",
                              "package/p1", "class/c1", "model/m1", "model/m2", "subscriber/s1",
                              "device/aa:00:00:00:00:01", "device/aa:00:00:00:00:02",
                              "slave/slave-a"});
  // Each entity as Get returns it.
  for (const auto& e : dump.entities) {
    auto got = f.store->Get(KindOf(e), KeyOf(e));
    REQUIRE(got.ok());
    CHECK(MessageDifferencer::Equals(*got, e));
  }
  CHECK(f.store->Get(v1::ENTITY_KIND_TEMPLATE, "t1")->template_().version() == 2);

  // A batch size of 1 and of more than everything.
  CHECK(ScanAll(*f.store, 1).entities.size() == 11);
  CHECK(ScanAll(*f.store, 1000).entities.size() == 11);

  // An empty store: the header, and no batch at all.
  Fixture empty;
  int batches = 0;
  ScanHeader header;
  REQUIRE(empty.store
              ->Scan(
                  10, [&](const ScanHeader& h) { header = h; return Status::Ok(); },
                  [&](std::vector<v1::Entity>&) { ++batches; return Status::Ok(); })
              .ok());
  CHECK(batches == 0);
  CHECK(header.revision == 0);
  CHECK(header.entities == 0);
  CHECK(header.store_id == empty.store->store_id());
}

TEST_CASE("replication: a callback error stops the scan and is returned") {
  Fixture f;
  Populate(f);
  int batches = 0;
  Status s = f.store->Scan(
      2, [](const ScanHeader&) { return Status::Ok(); },
      [&](std::vector<v1::Entity>&) {
        return ++batches == 2 ? CancelledError("follower went away") : Status::Ok();
      });
  CHECK(s == CancelledError("follower went away"));
  CHECK(batches == 2);
  s = f.store->Scan(
      2, [](const ScanHeader&) { return UnavailableError("no"); },
      [&](std::vector<v1::Entity>&) {
        ++batches;
        return Status::Ok();
      });
  CHECK(s.code() == StatusCode::kUnavailable);
  CHECK(batches == 2);
  CHECK(f.store->Scan(0, [](const ScanHeader&) { return Status::Ok(); },
                      [](std::vector<v1::Entity>&) { return Status::Ok(); })
            .code() == StatusCode::kInvalidArgument);
}

TEST_CASE("replication: a scan sees one revision while another thread writes") {
  Fixture f;
  for (int i = 0; i < 30; ++i) f.Put(Subscriber("s" + std::to_string(100 + i)));
  const uint64_t base = f.store->revision();

  SECTION("writes committed in the middle of a scan are not seen") {
    std::promise<void> go;
    std::promise<void> done;
    BackgroundWriter writer(f.store.get());
    writer.thread = std::thread([&] {
      go.get_future().wait();
      for (int i = 0; i < 10; ++i) writer.Put(Subscriber("new" + std::to_string(i)));
      writer.Delete(v1::ENTITY_KIND_SUBSCRIBER, "s100");
      v1::Entity renamed = Subscriber("s101");
      renamed.mutable_subscriber()->set_name("Renamed");
      writer.Put(renamed, WriteOp::kUpdate);
      done.set_value();
    });
    std::future<void> written = done.get_future();
    Dump dump;
    int batches = 0;
    Status s = f.store->Scan(
        7,
        [&](const ScanHeader& h) {
          dump.header = h;
          return Status::Ok();
        },
        [&](std::vector<v1::Entity>& batch) {
          if (batches++ == 0) {  // let the writer commit everything now
            go.set_value();
            written.wait();
          }
          for (auto& e : batch) dump.entities.push_back(std::move(e));
          return Status::Ok();
        });
    if (batches == 0) go.set_value();  // the scan failed early: release the writer
    writer.Join();
    CHECK(writer.first_error.ok());
    REQUIRE(s.ok());
    CHECK(f.store->revision() == base + 12);
    CHECK(dump.header.revision == base);
    CHECK(dump.header.entities == 30);
    REQUIRE(dump.entities.size() == 30);
    std::set<std::string> expected;
    for (int i = 0; i < 30; ++i) expected.insert("subscriber/s" + std::to_string(100 + i));
    CHECK(Keys(dump.entities) == expected);
    for (const auto& e : dump.entities) {
      if (e.subscriber().id() == "s101") CHECK(e.subscriber().name() == "Name s101");
    }
    Dump after = ScanAll(*f.store);
    CHECK(after.header.revision == base + 12);
    CHECK(after.entities.size() == 39);
  }

  SECTION("scans run back to back with a free-running writer") {
    // Revision base + n adds subscriber w<n>, so the set a scan returns is
    // fixed by its header revision.
    BackgroundWriter writer(f.store.get());
    writer.thread = std::thread([&] {
      for (int n = 1; !writer.stop && n <= 400; ++n) writer.Put(Subscriber("w" + std::to_string(n)));
      writer.finished = true;
    });
    // Until a few scans have landed between different commits.
    std::set<uint64_t> revisions_seen;
    for (int round = 0; round < 2000 && revisions_seen.size() < 6 && !writer.finished; ++round) {
      Dump dump = ScanAll(*f.store, 5);
      if (dump.header.revision < base) break;
      const uint64_t written = dump.header.revision - base;
      revisions_seen.insert(dump.header.revision);
      CHECK(dump.header.entities == 30 + written);
      std::set<std::string> expected;
      for (int i = 0; i < 30; ++i) expected.insert("subscriber/s" + std::to_string(100 + i));
      for (uint64_t n = 1; n <= written; ++n) expected.insert("subscriber/w" + std::to_string(n));
      CHECK(Keys(dump.entities) == expected);
    }
    writer.Join();
    CHECK(writer.first_error.ok());
    CHECK(revisions_seen.size() >= 2);
    CHECK(ScanAll(*f.store).entities.size() == 30 + (f.store->revision() - base));
  }
}

TEST_CASE("replication: a replica fed ChangesSince ends identical to its source") {
  Fixture source;
  Populate(source);
  Fixture replica;
  const std::string replica_id = replica.store->store_id();
  std::future<uint64_t> woke = std::async(std::launch::async, [&] {
    return replica.store->WaitForRevision(0, std::chrono::seconds(30));
  });
  int batches = 0;
  for (;;) {
    auto changes = source.store->ChangesSince(replica.store->revision(), 4);
    REQUIRE(changes.ok());
    if (changes->empty()) break;
    Status s = replica.store->ApplyReplicated(*changes);
    INFO(s.ToString());
    REQUIRE(s.ok());
    CHECK(replica.store->revision() == changes->back().revision());
    ++batches;
  }
  CHECK(woke.get() >= 1);
  CHECK(batches > 2);
  CHECK(replica.store->revision() == 12);
  CHECK(replica.store->store_id() == replica_id);  // replication keeps the replica's own id

  Dump a = ScanAll(*source.store);
  Dump b = ScanAll(*replica.store);
  CHECK(b.header.revision == a.header.revision);
  RequireSameEntities(a.entities, b.entities);
  RequireSameChanges(AllChanges(*source.store), AllChanges(*replica.store));
  RequireSameChanges(AllChanges(*source.store, 5), AllChanges(*replica.store, 5));
  auto sa = source.store->Info();
  auto sb = replica.store->Info();
  REQUIRE((sa.ok() && sb.ok()));
  CHECK(sb->log_changes == sa->log_changes);
  CHECK(sb->log_floor == sa->log_floor);
  CHECK(sb->counts == sa->counts);
  // Template versions come as stored upstream, not bumped again.
  CHECK(replica.store->Get(v1::ENTITY_KIND_TEMPLATE, "t1")->template_().version() == 2);
  // The refs index followed: device filters and delete refusals agree.
  CHECK(DevicesOf(*replica.store, "s1") == DevicesOf(*source.store, "s1"));
  CHECK(DevicesOf(*replica.store, "s1").size() == 2);
  std::vector<Mutation> del;
  del.push_back(Mutation::Delete(v1::ENTITY_KIND_MODEL, "m2"));
  CHECK(replica.store->Write(std::move(del)).status().message() ==
        "model m2 is still used by device aa:00:00:00:00:02");

  // Survives a reopen.
  replica.Reopen();
  CHECK(replica.store->revision() == 12);
  RequireSameChanges(AllChanges(*source.store), AllChanges(*replica.store));
  // The replica's own writes continue the same numbering.
  CHECK(replica.Put(Subscriber("local")) == 13);
}

TEST_CASE("replication: stale or out of order batches are refused and write nothing") {
  Fixture f;
  REQUIRE(f.store->ApplyReplicated({Upsert(3, Template("t1")), Upsert(3, Template("t2")),
                                    Upsert(5, Subscriber("s1"))})
              .ok());
  CHECK(f.store->revision() == 5);
  CHECK(f.store->ApplyReplicated({}).ok());
  auto refused = [&](std::vector<v1::Change> changes, const std::string& message) {
    Status s = f.store->ApplyReplicated(changes);
    CHECK(s.code() == StatusCode::kInvalidArgument);
    CHECK(s.message() == message);
    CHECK(f.store->revision() == 5);
    CHECK(AllChanges(*f.store, 5).empty());
    CHECK(f.store->Get(v1::ENTITY_KIND_SUBSCRIBER, "late").status().code() ==
          StatusCode::kNotFound);
  };
  refused({Upsert(5, Subscriber("late"))},
          "replicated revision 5 is not after this store's revision 5");
  refused({Upsert(2, Subscriber("late"))},
          "replicated revision 2 is not after this store's revision 5");
  refused({Upsert(6, Subscriber("x")), Upsert(8, Subscriber("late")), Upsert(7, Subscriber("y"))},
          "replicated changes out of order: revision 7 after 8");
  v1::Change wrong = Upsert(7, Subscriber("late"));
  wrong.set_kind(v1::ENTITY_KIND_DEVICE);
  refused({Upsert(6, Subscriber("late")), wrong},
          "replicated change at revision 7: the entity is not device late");
  v1::Change no_key = Upsert(6, Subscriber("late"));
  no_key.set_key("");
  refused({no_key}, "replicated change at revision 6: key is empty");
  CHECK(AllChanges(*f.store).size() == 3);
  CHECK(f.store->Info()->counts["subscriber"] == 1);
}

TEST_CASE("replication: restore from a scan gives an identical store") {
  Fixture source;
  Populate(source);
  Fixture target;
  target.Put(Template("stale-template"));
  target.Put(Subscriber("stale"));
  for (int i = 0; i < 20; ++i) target.Put(Slave("old" + std::to_string(i)));
  REQUIRE(target.store->revision() == 22);

  REQUIRE(target.store->BeginRestore().ok());
  CHECK(target.store->restoring());
  CHECK(target.store->Info()->restoring);
  CHECK(target.store->Info()->counts["slave"] == 0);
  ScanHeader header;
  int batches = 0;
  Status s = source.store->Scan(
      5,
      [&](const ScanHeader& h) {
        header = h;
        return Status::Ok();
      },
      [&](std::vector<v1::Entity>& batch) {
        ++batches;
        return target.store->RestoreEntities(batch);
      });
  REQUIRE(s.ok());
  CHECK(batches == 3);
  REQUIRE(target.store->FinishRestore(header.store_id, header.revision).ok());
  CHECK_FALSE(target.store->restoring());

  CHECK(target.store->revision() == 12);
  CHECK(target.store->store_id() == source.store->store_id());
  RequireSameEntities(ScanAll(*source.store).entities, ScanAll(*target.store).entities);
  CHECK(target.store->Get(v1::ENTITY_KIND_SUBSCRIBER, "stale").status().code() ==
        StatusCode::kNotFound);
  auto empty = target.store->ChangesSince(12, 100);
  REQUIRE(empty.ok());
  CHECK(empty->empty());
  CHECK(target.store->ChangesSince(11, 100).status().code() == StatusCode::kOutOfRange);
  auto info = target.store->Info();
  REQUIRE(info.ok());
  CHECK(info->log_floor == 12);
  CHECK(info->log_changes == 0);
  CHECK(info->store_id == source.store->store_id());
  CHECK(info->counts == source.store->Info()->counts);
  CHECK(DevicesOf(*target.store, "s1") == DevicesOf(*source.store, "s1"));
  std::vector<Mutation> del;
  del.push_back(Mutation::Delete(v1::ENTITY_KIND_PACKAGE, "p1"));
  CHECK(target.store->Write(std::move(del)).status().code() == StatusCode::kFailedPrecondition);

  // Deltas continue from the restored revision.
  source.Put(Subscriber("after"));
  source.Delete(v1::ENTITY_KIND_DEVICE, "aa:00:00:00:00:01");
  REQUIRE(target.store->ApplyReplicated(AllChanges(*source.store, 12)).ok());
  RequireSameEntities(ScanAll(*source.store).entities, ScanAll(*target.store).entities);
  RequireSameChanges(AllChanges(*source.store, 12), AllChanges(*target.store, 12));

  target.Reopen();
  CHECK(target.store->store_id() == source.store->store_id());
  CHECK(target.store->revision() == 14);
  CHECK_FALSE(target.store->restoring());
}

TEST_CASE("replication: restore grows the map") {
  Fixture source;
  const std::string body(200'000, 'b');
  for (int i = 0; i < 40; ++i) source.Put(Template("t" + std::to_string(i), body));
  StoreOptions small;
  small.map_size = 1 << 20;
  Fixture target(small);
  REQUIRE(target.store->BeginRestore().ok());
  std::vector<v1::Entity> all = ScanAll(*source.store, 1000).entities;
  REQUIRE(all.size() == 40);
  Status s = target.store->RestoreEntities(all);
  INFO(s.ToString());
  REQUIRE(s.ok());
  REQUIRE(target.store->FinishRestore(source.store->store_id(), 40).ok());
  CHECK(target.store->Info()->map_size >= 8u << 20);
  RequireSameEntities(all, ScanAll(*target.store).entities);
  // And replicated changes grow it too.
  std::vector<v1::Change> big;
  for (int i = 0; i < 40; ++i) big.push_back(Upsert(41 + i / 2, Template("u" + std::to_string(i), body)));
  REQUIRE(target.store->ApplyReplicated(big).ok());
  CHECK(target.store->revision() == 60);
  CHECK(target.store->Info()->counts["template"] == 80);
}

TEST_CASE("replication: the restoring mark survives a reopen and refuses writes") {
  Fixture f;
  Populate(f);
  CHECK(f.store->FinishRestore("0123", 5).code() == StatusCode::kFailedPrecondition);
  CHECK(f.store->RestoreEntities({Subscriber("x")}).code() == StatusCode::kFailedPrecondition);
  REQUIRE(f.store->BeginRestore().ok());
  REQUIRE(f.store->RestoreEntities({Template("half"), Subscriber("partial")}).ok());
  f.Reopen();
  CHECK(f.store->restoring());
  CHECK(f.store->Info()->restoring);
  CHECK(f.store->Get(v1::ENTITY_KIND_SUBSCRIBER, "partial").ok());
  CHECK(f.store->Get(v1::ENTITY_KIND_SUBSCRIBER, "s1").status().code() == StatusCode::kNotFound);
  std::vector<Mutation> m;
  m.push_back(Mutation::Put(WriteOp::kUpsert, Subscriber("refused")));
  auto w = f.store->Write(std::move(m));
  CHECK(w.status().code() == StatusCode::kFailedPrecondition);
  CHECK(w.status().message() == "the store is restoring a snapshot from its upstream");
  CHECK(f.store->ApplyReplicated({Upsert(100, Subscriber("refused"))}).code() ==
        StatusCode::kFailedPrecondition);
  CHECK(f.store->ChangesSince(0, 10).status().code() == StatusCode::kUnavailable);
  CHECK(f.store->Scan(10, [](const ScanHeader&) { return Status::Ok(); },
                      [](std::vector<v1::Entity>&) { return Status::Ok(); })
            .code() == StatusCode::kUnavailable);
  CHECK(f.store->Get(v1::ENTITY_KIND_SUBSCRIBER, "refused").status().code() ==
        StatusCode::kNotFound);
  CHECK(f.store->RestoreEntities({v1::Entity()}).code() == StatusCode::kInvalidArgument);

  // Start over, finish, and the store is writable again.
  REQUIRE(f.store->BeginRestore().ok());
  REQUIRE(f.store->RestoreEntities({Template("t9")}).ok());
  CHECK(f.store->FinishRestore("", 7).code() == StatusCode::kInvalidArgument);
  const std::string upstream(32, 'e');
  REQUIRE(f.store->FinishRestore(upstream, 7).ok());
  CHECK(f.store->Get(v1::ENTITY_KIND_SUBSCRIBER, "partial").status().code() ==
        StatusCode::kNotFound);
  CHECK(f.Put(Subscriber("s1")) == 8);
  f.Reopen();
  CHECK_FALSE(f.store->restoring());
  CHECK(f.store->revision() == 8);
  CHECK(f.store->store_id() == upstream);
  CHECK(ScanAll(*f.store).entities.size() == 2);
}

}  // namespace
}  // namespace provisor
