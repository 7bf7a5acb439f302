// Token keys at rest in a real LmdbStore: plaintext keys from before
// sealing are sealed at start (entities and change log, no new revision),
// the same key file opens them again, another one is refused; through the
// KeySealingStore everything that needs keys sees them opened.
#include "master/keys/token_key_vault.h"

#include <sys/stat.h>

#include <catch2/catch.hpp>
#include <fstream>
#include <iterator>
#include <string>

#include "common/clock.h"
#include "common/entity.h"
#include "common/logging.h"
#include "master/keys/sealing_store.h"
#include "tests/support/temp_dir.h"

namespace provisor {
namespace {

using testing::TempDir;

v1::Entity KeyEpoch(uint64_t epoch, char fill) {
  v1::Entity e;
  e.mutable_key_epoch()->set_epoch(epoch);
  e.mutable_key_epoch()->set_key(std::string(32, fill));
  return e;
}

struct Fixture {
  Fixture() {
    data = root.path() + "/data";
    key_file = root.path() + "/keys/token-master.key";
    REQUIRE(::mkdir(data.c_str(), 0755) == 0);
    Open();
  }
  void Open() {
    store.reset();
    StoreOptions options;
    options.data_dir = data;
    auto opened = LmdbStore::Open(options, &clock);
    REQUIRE(opened.ok());
    store = std::move(*opened);
  }
  void Write(v1::Entity e) {
    std::vector<Mutation> m;
    m.push_back(Mutation::Put(WriteOp::kUpsert, std::move(e)));
    REQUIRE(store->Write(std::move(m)).ok());
  }
  StatusOr<std::unique_ptr<KeySealer>> Vault(TokenKeyVaultReport* report = nullptr) {
    return OpenTokenKeyVault(key_file, data, store.get(), logger, report);
  }
  std::string RawKey(uint64_t epoch) {
    v1::Entity probe;
    probe.mutable_key_epoch()->set_epoch(epoch);
    return store->Get(v1::ENTITY_KIND_KEY_EPOCH, KeyOf(probe)).value().key_epoch().key();
  }

  TempDir root;
  std::string data;
  std::string key_file;
  FakeClock clock;
  Logger logger = MakeNullLogger();
  std::unique_ptr<LmdbStore> store;
};

TEST_CASE("token key vault: a new store gets a key file and seals what it writes") {
  Fixture f;
  TokenKeyVaultReport report;
  auto sealer = f.Vault(&report);
  REQUIRE(sealer.ok());
  CHECK(report.key_created);
  CHECK(report.migrated == 0);
  KeySealingStore keyed(f.store.get(), sealer->get());
  std::vector<Mutation> m;
  m.push_back(Mutation::Put(WriteOp::kCreate, KeyEpoch(5, 'a')));
  StatusOr<WriteResult> written = keyed.Write(std::move(m));
  REQUIRE(written.ok());
  CHECK(written->stored[0].key_epoch().key() == std::string(32, 'a'));
  CHECK(KeySealer::IsSealed(f.RawKey(5)));
  v1::Entity probe = KeyEpoch(5, 0);
  CHECK(keyed.Get(v1::ENTITY_KIND_KEY_EPOCH, KeyOf(probe)).value().key_epoch().key() ==
        std::string(32, 'a'));
  auto changes = keyed.ChangesSince(0, 100);
  REQUIRE(changes.ok());
  REQUIRE(changes->size() == 1);
  CHECK(changes->at(0).entity().key_epoch().key() == std::string(32, 'a'));
  auto raw_changes = f.store->ChangesSince(0, 100);
  CHECK(KeySealer::IsSealed(raw_changes->at(0).entity().key_epoch().key()));
  std::vector<v1::Entity> scanned;
  REQUIRE(keyed
              .Scan(10, [](const ScanHeader&) { return Status::Ok(); },
                    [&](std::vector<v1::Entity>& batch) {
                      for (auto& e : batch) scanned.push_back(e);
                      return Status::Ok();
                    })
              .ok());
  REQUIRE(scanned.size() == 1);
  CHECK(scanned[0].key_epoch().key() == std::string(32, 'a'));
}

TEST_CASE("token key vault: plaintext keys are sealed at start, without a new revision") {
  Fixture f;
  f.Write(KeyEpoch(1, 'p'));
  f.Write(KeyEpoch(2, 'q'));
  f.Write(KeyEpoch(2, 'r'));  // the log holds 'q' and 'r' for epoch 2
  const uint64_t revision = f.store->revision();
  TokenKeyVaultReport report;
  auto sealer = f.Vault(&report);
  REQUIRE(sealer.ok());
  CHECK(report.migrated == 5);  // 2 entities + 3 change-log entries
  CHECK(f.store->revision() == revision);
  CHECK(KeySealer::IsSealed(f.RawKey(1)));
  CHECK(KeySealer::IsSealed(f.RawKey(2)));
  const std::vector<v1::Change> log = f.store->ChangesSince(0, 100).value();
  REQUIRE(log.size() == 3);
  for (const v1::Change& c : log) {
    CHECK(KeySealer::IsSealed(c.entity().key_epoch().key()));
  }
  KeySealingStore keyed(f.store.get(), sealer->get());
  auto changes = keyed.ChangesSince(0, 100).value();
  REQUIRE(changes.size() == 3);
  CHECK(changes[1].entity().key_epoch().key() == std::string(32, 'q'));
  CHECK(changes[2].entity().key_epoch().key() == std::string(32, 'r'));

  // The next start only checks them.
  sealer->reset();
  f.Open();
  TokenKeyVaultReport second;
  auto reopened = f.Vault(&second);
  REQUIRE(reopened.ok());
  CHECK_FALSE(second.key_created);
  CHECK(second.migrated == 0);
  CHECK(second.checked == 2);
  KeySealingStore again(f.store.get(), reopened->get());
  v1::Entity probe = KeyEpoch(1, 0);
  CHECK(again.Get(v1::ENTITY_KIND_KEY_EPOCH, KeyOf(probe)).value().key_epoch().key() ==
        std::string(32, 'p'));

  // A plaintext key written since (an older master on this data_dir): only
  // the change log after the last start is walked, and it is sealed too.
  f.Write(KeyEpoch(3, 's'));
  reopened->reset();
  f.Open();
  TokenKeyVaultReport third;
  REQUIRE(f.Vault(&third).ok());
  CHECK(third.migrated == 2);  // the entity and its one change-log entry
  CHECK(third.checked == 2);   // epochs 1 and 2
  const std::vector<v1::Change> all = f.store->ChangesSince(0, 100).value();
  REQUIRE(all.size() == 4);
  for (const v1::Change& c : all) CHECK(KeySealer::IsSealed(c.entity().key_epoch().key()));
}

TEST_CASE("token key vault: another key file, or none, is a start-up error") {
  Fixture f;
  f.Write(KeyEpoch(1, 'p'));
  REQUIRE(f.Vault().ok());
  const std::string before = f.RawKey(1);
  {
    std::ofstream out(f.key_file, std::ios::trunc);
    out << std::string(64, '0') << "\n";
  }
  auto wrong = f.Vault();
  REQUIRE_FALSE(wrong.ok());
  CHECK(wrong.status().message() == "master key file " + f.key_file +
                                        " does not open the token keys in data_dir " + f.data);
  CHECK(f.RawKey(1) == before);  // nothing rewritten
  REQUIRE(::unlink(f.key_file.c_str()) == 0);
  auto missing = f.Vault();
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.status().message().find("master key file " + f.key_file +
                                        " does not exist, but data_dir " + f.data +
                                        " holds token keys sealed") == 0);
  struct stat st;
  CHECK(::stat(f.key_file.c_str(), &st) != 0);  // not silently re-keyed
}

TEST_CASE("sealing store: replicated changes and restored snapshots are sealed at rest") {
  Fixture f;
  auto sealer = f.Vault();
  REQUIRE(sealer.ok());
  KeySealingStore keyed(f.store.get(), sealer->get());
  v1::Change c;
  c.set_revision(10);
  // Stamped now: an unstamped change is older than changelog_max_age and is
  // compacted away at once.
  c.set_time_unix_ms(std::chrono::duration_cast<std::chrono::milliseconds>(
                         f.clock.WallNow().time_since_epoch())
                         .count());
  c.set_kind(v1::ENTITY_KIND_KEY_EPOCH);
  *c.mutable_entity() = KeyEpoch(3, 'z');
  c.set_key(KeyOf(c.entity()));
  REQUIRE(keyed.ApplyReplicated({c}).ok());
  CHECK(KeySealer::IsSealed(f.RawKey(3)));
  StatusOr<std::vector<v1::Change>> replicated = keyed.ChangesSince(9, 10);
  INFO(replicated.status().ToString());
  REQUIRE(replicated.ok());
  REQUIRE(replicated->size() == 1);
  CHECK(replicated->at(0).entity().key_epoch().key() == std::string(32, 'z'));

  REQUIRE(keyed.BeginRestore().ok());
  REQUIRE(keyed.RestoreEntities({KeyEpoch(4, 'y')}).ok());
  REQUIRE(keyed.FinishRestore("upstream-store", 20).ok());
  CHECK(KeySealer::IsSealed(f.RawKey(4)));
  v1::Entity probe = KeyEpoch(4, 0);
  CHECK(keyed.Get(v1::ENTITY_KIND_KEY_EPOCH, KeyOf(probe)).value().key_epoch().key() ==
        std::string(32, 'y'));
  // Bound to this data directory, not to the adopted store id.
  CHECK(f.store->store_id() == "upstream-store");
  CHECK(f.store->key_binding_id() != "upstream-store");
  f.Open();
  CHECK(f.Vault().ok());
}

}  // namespace
}  // namespace provisor
