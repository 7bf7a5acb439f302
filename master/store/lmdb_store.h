// LmdbStore: the Store on LMDB. One named database per entity kind, plus
// "refs" (who references whom, for integrity checks and device filters),
// "changes" (the change log, keyed by revision and sequence) and "meta".
// The data directory is locked (flock on data_dir/LOCK) so a second master
// on the same directory refuses to start. The LMDB map starts at
// `map_size` and doubles whenever a write finds it full (the write is then
// retried whole), so the store grows without a fixed limit.
//
// "meta" holds the revision, the change-log floor and count, the store id
// (32 hex digits from 16 random bytes, made at first open), the key binding
// id (the store id of the first open, kept when a relay adopts its
// upstream's store id: what sealed token keys are bound to), the revision
// through which the change log's token keys were rewritten
// (RewriteKeyEpochs) and, during a snapshot restore, a "restoring" mark.
// While that mark is set (also after a restart) Write and ApplyReplicated
// return FAILED_PRECONDITION and Scan and ChangesSince return UNAVAILABLE;
// Get and List see partial data.
// Replication (Scan, ApplyReplicated, *Restore) is in lmdb_replication.cc.
//
// Thread-safety: thread-safe; writes are serialised by an internal mutex.
// Scan holds one read transaction (MDB_NOTLS, so any thread) for as long as
// it runs: growing the map waits for it to end, so a write that finds the
// map full stalls until the scan is over. REQUIRES: Scan callbacks do not
// write to this store (a growth would wait for the scan itself).
#ifndef PROVISOR_MASTER_STORE_LMDB_STORE_H_
#define PROVISOR_MASTER_STORE_LMDB_STORE_H_

#include <lmdb.h>

#include <atomic>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>

#include "common/clock.h"
#include "master/store/lmdb.h"
#include "master/store/store.h"

namespace provisor {

struct StoreOptions {
  std::string data_dir;
  uint64_t map_size = 1ull << 30;            // initial; doubles when full
  uint64_t changelog_max_changes = 2'000'000;  // oldest dropped past this
  Duration changelog_max_age = std::chrono::hours(24 * 7);
};

class LmdbStore final : public Store {
 public:
  // Fails with a clear message when the directory is missing, not a
  // directory, read-only, or locked by another master.
  static StatusOr<std::unique_ptr<LmdbStore>> Open(const StoreOptions& options,
                                                   const Clock* clock);
  ~LmdbStore() override;

  StatusOr<WriteResult> Write(std::vector<Mutation> mutations,
                              size_t* failed_index = nullptr) override;
  StatusOr<v1::Entity> Get(v1::EntityKind kind, std::string_view key) override;
  StatusOr<ListPage> List(const ListQuery& query) override;
  StatusOr<std::vector<v1::Change>> ChangesSince(uint64_t after, size_t limit) override;
  uint64_t revision() const override { return revision_.load(); }
  uint64_t WaitForRevision(uint64_t after, Duration timeout) override;
  StatusOr<StoreInfo> Info() override;

  std::string store_id() const override;
  // Kinds in reference order (key epochs, templates, packages, client
  // classes, models, subscribers, devices, slaves), keys sorted within a
  // kind. batch_size 0 is INVALID_ARGUMENT.
  Status Scan(size_t batch_size, const std::function<Status(const ScanHeader&)>& begin,
              const std::function<Status(std::vector<v1::Entity>&)>& each) override;
  // An empty batch is a no-op. INVALID_ARGUMENT (nothing written) when the
  // first revision is not after revision(), revisions decrease, or a
  // change's kind, key and entity disagree. Gaps between revisions are not
  // checked. Change-log entries are stored as given (upstream timestamps,
  // so age-based compaction follows the upstream's clock).
  Status ApplyReplicated(const std::vector<v1::Change>& changes) override;
  // Allowed again while restoring (starts over, e.g. after a crash).
  Status BeginRestore() override;
  // FAILED_PRECONDITION unless restoring. Commits in transactions of at
  // most kRestoreBatch entities (or ~64 MiB); a repeated key replaces.
  Status RestoreEntities(const std::vector<v1::Entity>& entities) override;
  // FAILED_PRECONDITION unless restoring; INVALID_ARGUMENT for an empty id.
  Status FinishRestore(const std::string& store_id, uint64_t revision) override;
  bool restoring() const override { return restoring_.load(); }

  // Token keys at rest (lmdb_keys.cc; the sealing is master/keys/).
  //
  // This data directory's own id: the store id it was first opened with,
  // never replaced by a snapshot restore.
  std::string key_binding_id() const;
  // In one write transaction, passes the `key` bytes of every stored
  // KeyEpoch, and of every KeyEpoch in the change log after the revision
  // the previous call reached (a meta mark: the first call walks the whole
  // log, later ones only what was committed since), to `rewrite`, and
  // stores what it leaves in `*key`. Revisions and the change log's order
  // are unchanged (nothing is sent to followers). A non-OK status from
  // `rewrite` aborts everything.
  Status RewriteKeyEpochs(const std::function<Status(uint64_t epoch, std::string* key)>& rewrite);

  static constexpr size_t kRestoreBatch = 2000;

 private:
  static constexpr std::string_view kMetaRevision = "revision";
  static constexpr std::string_view kMetaFloor = "log_floor";
  static constexpr std::string_view kMetaLogChanges = "log_changes";
  static constexpr std::string_view kMetaStoreId = "store_id";
  static constexpr std::string_view kMetaRestoring = "restoring";
  static constexpr std::string_view kMetaKeyBinding = "key_binding_id";
  static constexpr std::string_view kMetaKeyLogThrough = "key_log_rewritten_through";

  LmdbStore(const StoreOptions& options, const Clock* clock, int lock_fd,
            std::unique_ptr<lmdb::Env> env);
  Status OpenDatabases();
  MDB_dbi DbFor(v1::EntityKind kind) const;
  // One attempt at a write inside `txn`.
  Status Apply(MDB_txn* txn, std::vector<Mutation>& mutations, uint64_t revision,
               WriteResult* result, size_t* failed_index);
  Status ApplyOne(MDB_txn* txn, Mutation& m, uint64_t revision, uint32_t sequence,
                  v1::Entity* stored);
  Status Compact(MDB_txn* txn, uint64_t* log_changes, uint64_t* floor);
  // What a render needs across entities (validate.h ValidateDeviceForModel):
  // a device's key fits its model's encryption; a model whose encryption
  // changes still fits every device's key. `old` is null for a new entity.
  Status CheckRenderable(MDB_txn* txn, v1::EntityKind kind, const std::string& key,
                         const v1::Entity* old, const v1::Entity& updated);

  // Runs `body` in a write transaction and commits; when the map is full
  // the transaction is aborted, the map doubled and `body` run again.
  // REQUIRES: write_mu_ held.
  Status Transact(const std::function<Status(MDB_txn*)>& body);
  // Makes `revision` visible to revision() and wakes WaitForRevision.
  void Publish(uint64_t revision);
  uint64_t ReadMeta(MDB_txn* txn, std::string_view name) const;
  Status WriteMeta(MDB_txn* txn, std::string_view name, uint64_t value);
  // Swaps the refs of `kind`/`key` from those of `old` to those of
  // `updated` (either may be null).
  Status ReplaceRefs(MDB_txn* txn, v1::EntityKind kind, const std::string& key,
                     const v1::Entity* old, const v1::Entity* updated);
  // Appends one change-log entry.
  Status AppendChange(MDB_txn* txn, uint32_t sequence, const v1::Change& change);
  // After `added` change-log entries up to `revision`: compacts the log
  // and records revision, log count and floor in meta.
  Status EndRevision(MDB_txn* txn, uint64_t revision, uint64_t added);

  const StoreOptions options_;
  const Clock* clock_;
  int lock_fd_;
  std::unique_ptr<lmdb::Env> env_;
  MDB_dbi entity_dbs_[v1::EntityKind_ARRAYSIZE] = {};  // by EntityKind
  MDB_dbi refs_ = 0;
  MDB_dbi changes_ = 0;
  MDB_dbi meta_ = 0;

  std::mutex write_mu_;
  std::atomic<uint64_t> revision_{0};
  std::mutex wait_mu_;
  std::condition_variable wait_cv_;
  std::atomic<bool> restoring_{false};
  mutable std::mutex id_mu_;
  std::string store_id_;  // guarded by id_mu_
  std::string key_binding_id_;  // set by OpenDatabases, then immutable
};

}  // namespace provisor

#endif  // PROVISOR_MASTER_STORE_LMDB_STORE_H_
