// LmdbStore: the Store on LMDB. One named database per entity kind, plus
// "refs" (who references whom, for integrity checks and device filters),
// "changes" (the change log, keyed by revision and sequence) and "meta".
// The data directory is locked (flock on data_dir/LOCK) so a second master
// on the same directory refuses to start. The LMDB map starts at
// `map_size` and doubles whenever a write finds it full (the write is then
// retried whole), so the store grows without a fixed limit.
//
// Thread-safety: thread-safe; writes are serialised by an internal mutex.
#ifndef PROVISOR_MASTER_STORE_LMDB_STORE_H_
#define PROVISOR_MASTER_STORE_LMDB_STORE_H_

#include <lmdb.h>

#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>

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

 private:
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

  const StoreOptions options_;
  const Clock* clock_;
  int lock_fd_;
  std::unique_ptr<lmdb::Env> env_;
  MDB_dbi entity_dbs_[9] = {};  // by EntityKind
  MDB_dbi refs_ = 0;
  MDB_dbi changes_ = 0;
  MDB_dbi meta_ = 0;

  std::mutex write_mu_;
  std::atomic<uint64_t> revision_{0};
  std::mutex wait_mu_;
  std::condition_variable wait_cv_;
};

}  // namespace provisor

#endif  // PROVISOR_MASTER_STORE_LMDB_STORE_H_
