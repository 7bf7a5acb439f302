// Thin RAII layer over LMDB: an environment whose map grows on demand, read
// and write transactions (a WriteTxn aborts in its destructor unless
// committed), named databases and cursors. Errors come back as Status;
// MDB_MAP_FULL is reported as RESOURCE_EXHAUSTED so the caller can grow the
// map and retry the whole write.
//
// Thread-safety: LmdbEnv is thread-safe. Transactions belong to one thread at
// a time (the env is opened with MDB_NOTLS, so a read txn may move between
// threads). Growing the map (Grow) takes the env's exclusive lock, which
// every transaction holds shared for its lifetime.
#ifndef PROVISOR_MASTER_STORE_LMDB_H_
#define PROVISOR_MASTER_STORE_LMDB_H_

#include <lmdb.h>

#include <cstdint>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <string_view>

#include "common/status.h"

namespace provisor::lmdb {

Status Error(int rc, std::string_view context);

class Env {
 public:
  // Opens (creating the files if needed) the environment in directory `path`.
  static StatusOr<std::unique_ptr<Env>> Open(const std::string& path, uint64_t map_size,
                                             unsigned max_dbs);
  ~Env();
  Env(const Env&) = delete;
  Env& operator=(const Env&) = delete;

  MDB_env* get() const { return env_; }
  std::shared_mutex& resize_mutex() { return resize_mu_; }
  uint64_t map_size() const;
  // Doubles the map size. REQUIRES: no transaction of this thread is open.
  Status Grow();

 private:
  explicit Env(MDB_env* env) : env_(env) {}
  MDB_env* env_;
  std::shared_mutex resize_mu_;
};

class ReadTxn {
 public:
  explicit ReadTxn(Env& env);
  ~ReadTxn();
  ReadTxn(const ReadTxn&) = delete;
  ReadTxn& operator=(const ReadTxn&) = delete;
  const Status& status() const { return status_; }
  MDB_txn* get() const { return txn_; }

 private:
  std::shared_lock<std::shared_mutex> lock_;
  MDB_txn* txn_ = nullptr;
  Status status_;
};

class WriteTxn {
 public:
  explicit WriteTxn(Env& env);
  ~WriteTxn();  // aborts unless Commit() succeeded
  WriteTxn(const WriteTxn&) = delete;
  WriteTxn& operator=(const WriteTxn&) = delete;
  const Status& status() const { return status_; }
  MDB_txn* get() const { return txn_; }
  Status Commit();

 private:
  std::shared_lock<std::shared_mutex> lock_;
  MDB_txn* txn_ = nullptr;
  Status status_;
};

// Opens (creating) a named database; call once at start-up in a write txn.
StatusOr<MDB_dbi> OpenDb(MDB_txn* txn, const char* name);

inline MDB_val Val(std::string_view s) {
  return MDB_val{s.size(), const_cast<char*>(s.data())};
}
inline std::string_view View(const MDB_val& v) {
  return std::string_view(static_cast<const char*>(v.mv_data), v.mv_size);
}

// NOT_FOUND when absent. The view is valid until the txn ends.
StatusOr<std::string_view> Get(MDB_txn* txn, MDB_dbi dbi, std::string_view key);
bool Exists(MDB_txn* txn, MDB_dbi dbi, std::string_view key);
Status Put(MDB_txn* txn, MDB_dbi dbi, std::string_view key, std::string_view value,
           unsigned flags = 0);
// OK if the key was absent.
Status Del(MDB_txn* txn, MDB_dbi dbi, std::string_view key);

class Cursor {
 public:
  Cursor(MDB_txn* txn, MDB_dbi dbi);
  ~Cursor();
  Cursor(const Cursor&) = delete;
  Cursor& operator=(const Cursor&) = delete;

  // Positions at the first key >= `key`; false when there is none.
  bool Seek(std::string_view key);
  bool First();
  bool Next();
  bool valid() const { return valid_; }
  std::string_view key() const { return View(key_); }
  std::string_view value() const { return View(value_); }
 private:
  bool Op(MDB_cursor_op op);
  MDB_cursor* cursor_ = nullptr;
  MDB_val key_{};
  MDB_val value_{};
  bool valid_ = false;
};

}  // namespace provisor::lmdb

#endif  // PROVISOR_MASTER_STORE_LMDB_H_
