#include "master/store/lmdb.h"

namespace provisor::lmdb {

Status Error(int rc, std::string_view context) {
  std::string message = std::string(context) + ": " + mdb_strerror(rc);
  switch (rc) {
    case MDB_NOTFOUND: return NotFoundError(message);
    case MDB_MAP_FULL: return ResourceExhaustedError(message);
    case MDB_KEYEXIST: return AlreadyExistsError(message);
    case EACCES:
    case EROFS: return Status(StatusCode::kPermissionDenied, message);
    case ENOENT: return NotFoundError(message);
    default: return InternalError(message);
  }
}

StatusOr<std::unique_ptr<Env>> Env::Open(const std::string& path, uint64_t map_size,
                                         unsigned max_dbs) {
  MDB_env* env = nullptr;
  int rc = mdb_env_create(&env);
  if (rc != 0) return Error(rc, "mdb_env_create");
  auto owner = std::unique_ptr<Env>(new Env(env));
  if ((rc = mdb_env_set_maxdbs(env, max_dbs)) != 0) return Error(rc, "mdb_env_set_maxdbs");
  if ((rc = mdb_env_set_mapsize(env, map_size)) != 0) return Error(rc, "mdb_env_set_mapsize");
  if ((rc = mdb_env_set_maxreaders(env, 512)) != 0) return Error(rc, "mdb_env_set_maxreaders");
  // MDB_NOTLS: read txns are not tied to threads (gRPC thread pools).
  // Default sync: a committed write survives a crash or power loss.
  rc = mdb_env_open(env, path.c_str(), MDB_NOTLS, 0640);
  if (rc != 0) return Error(rc, "cannot open the store in " + path);
  return owner;
}

Env::~Env() { mdb_env_close(env_); }

uint64_t Env::map_size() const {
  MDB_envinfo info;
  mdb_env_info(env_, &info);
  return info.me_mapsize;
}

Status Env::Grow() {
  std::unique_lock<std::shared_mutex> lock(resize_mu_);
  uint64_t size = map_size() * 2;
  int rc = mdb_env_set_mapsize(env_, size);
  if (rc != 0) return Error(rc, "cannot grow the store map to " + std::to_string(size));
  return Status::Ok();
}

ReadTxn::ReadTxn(Env& env) : lock_(env.resize_mutex()) {
  int rc = mdb_txn_begin(env.get(), nullptr, MDB_RDONLY, &txn_);
  if (rc != 0) {
    txn_ = nullptr;
    status_ = Error(rc, "cannot begin a read transaction");
  }
}

ReadTxn::~ReadTxn() {
  if (txn_ != nullptr) mdb_txn_abort(txn_);
}

WriteTxn::WriteTxn(Env& env) : lock_(env.resize_mutex()) {
  int rc = mdb_txn_begin(env.get(), nullptr, 0, &txn_);
  if (rc != 0) {
    txn_ = nullptr;
    status_ = Error(rc, "cannot begin a write transaction");
  }
}

WriteTxn::~WriteTxn() {
  if (txn_ != nullptr) mdb_txn_abort(txn_);
}

Status WriteTxn::Commit() {
  if (txn_ == nullptr) return status_.ok() ? InternalError("transaction already ended") : status_;
  int rc = mdb_txn_commit(txn_);
  txn_ = nullptr;  // committed or freed by LMDB either way
  if (rc != 0) return Error(rc, "commit");
  return Status::Ok();
}

StatusOr<MDB_dbi> OpenDb(MDB_txn* txn, const char* name) {
  MDB_dbi dbi;
  int rc = mdb_dbi_open(txn, name, MDB_CREATE, &dbi);
  if (rc != 0) return Error(rc, std::string("cannot open database ") + name);
  return dbi;
}

StatusOr<std::string_view> Get(MDB_txn* txn, MDB_dbi dbi, std::string_view key) {
  MDB_val k = Val(key);
  MDB_val v;
  int rc = mdb_get(txn, dbi, &k, &v);
  if (rc != 0) return Error(rc, "get");
  return View(v);
}

bool Exists(MDB_txn* txn, MDB_dbi dbi, std::string_view key) {
  MDB_val k = Val(key);
  MDB_val v;
  return mdb_get(txn, dbi, &k, &v) == 0;
}

Status Put(MDB_txn* txn, MDB_dbi dbi, std::string_view key, std::string_view value,
           unsigned flags) {
  MDB_val k = Val(key);
  MDB_val v = Val(value);
  int rc = mdb_put(txn, dbi, &k, &v, flags);
  if (rc != 0) return Error(rc, "put");
  return Status::Ok();
}

Status Del(MDB_txn* txn, MDB_dbi dbi, std::string_view key) {
  MDB_val k = Val(key);
  int rc = mdb_del(txn, dbi, &k, nullptr);
  if (rc != 0 && rc != MDB_NOTFOUND) return Error(rc, "delete");
  return Status::Ok();
}

Cursor::Cursor(MDB_txn* txn, MDB_dbi dbi) {
  if (mdb_cursor_open(txn, dbi, &cursor_) != 0) cursor_ = nullptr;
}

Cursor::~Cursor() {
  if (cursor_ != nullptr) mdb_cursor_close(cursor_);
}

bool Cursor::Op(MDB_cursor_op op) {
  valid_ = cursor_ != nullptr && mdb_cursor_get(cursor_, &key_, &value_, op) == 0;
  return valid_;
}

bool Cursor::Seek(std::string_view key) {
  key_ = Val(key);
  return Op(MDB_SET_RANGE);
}

bool Cursor::First() { return Op(MDB_FIRST); }
bool Cursor::Next() { return valid_ && Op(MDB_NEXT); }

}  // namespace provisor::lmdb
