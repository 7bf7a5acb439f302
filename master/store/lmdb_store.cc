#include "master/store/lmdb_store.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstring>

#include "common/entity_kinds.h"
#include "common/hex.h"
#include "master/store/entity.h"
#include "master/validate.h"

namespace provisor {
namespace {

constexpr int kMaxGrowRetries = 16;
constexpr uint32_t kMaxPageSize = 1000;

std::string EncodeU64(uint64_t v) {
  std::string out(8, '\0');
  for (int i = 7; i >= 0; --i, v >>= 8) out[i] = static_cast<char>(v & 0xff);
  return out;
}

uint64_t DecodeU64(std::string_view s) {
  uint64_t v = 0;
  for (size_t i = 0; i < 8 && i < s.size(); ++i) v = (v << 8) | static_cast<uint8_t>(s[i]);
  return v;
}

std::string ChangeKey(uint64_t revision, uint32_t sequence) {
  std::string key = EncodeU64(revision);
  for (int shift = 24; shift >= 0; shift -= 8) key.push_back(static_cast<char>(sequence >> shift));
  return key;
}

// refs key: [target kind][target key] NUL [source kind][source key]
std::string RefPrefix(v1::EntityKind target, std::string_view target_key) {
  std::string key(1, static_cast<char>(target));
  key += target_key;
  key.push_back('\0');
  return key;
}

std::string RefKey(v1::EntityKind target, std::string_view target_key, v1::EntityKind source,
                   std::string_view source_key) {
  std::string key = RefPrefix(target, target_key);
  key.push_back(static_cast<char>(source));
  key += source_key;
  return key;
}

std::string Describe(v1::EntityKind kind, std::string_view key) {
  return std::string(KindName(kind)) + " " + std::string(key);
}

// 32 hex digits from 16 random bytes.
StatusOr<std::string> NewStoreId() { return RandomHex(16); }

}  // namespace

StatusOr<std::unique_ptr<LmdbStore>> LmdbStore::Open(const StoreOptions& options,
                                                     const Clock* clock) {
  const std::string& dir = options.data_dir;
  if (dir.empty()) return InvalidArgumentError("data_dir is not set");
  struct stat st;
  if (::stat(dir.c_str(), &st) != 0) {
    return FailedPreconditionError("data directory " + dir + " does not exist (create it first)");
  }
  if (!S_ISDIR(st.st_mode)) return FailedPreconditionError(dir + " is not a directory");
  if (::access(dir.c_str(), W_OK) != 0) {
    return FailedPreconditionError("data directory " + dir + " is not writable (" +
                                   std::strerror(errno) + ")");
  }
  const std::string lock_path = dir + "/LOCK";
  int lock_fd = ::open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0640);
  if (lock_fd < 0) {
    return FailedPreconditionError("cannot open " + lock_path + ": " + std::strerror(errno));
  }
  if (::flock(lock_fd, LOCK_EX | LOCK_NB) != 0) {
    ::close(lock_fd);
    return FailedPreconditionError("data directory " + dir +
                                   " is in use by another provisor-master");
  }
  StatusOr<std::unique_ptr<lmdb::Env>> env = lmdb::Env::Open(dir, options.map_size, 16);
  if (!env.ok()) {
    ::close(lock_fd);
    return env.status();
  }
  std::unique_ptr<LmdbStore> store(
      new LmdbStore(options, clock, lock_fd, std::move(*env)));
  PROVISOR_RETURN_IF_ERROR(store->OpenDatabases());
  return store;
}

LmdbStore::LmdbStore(const StoreOptions& options, const Clock* clock, int lock_fd,
                     std::unique_ptr<lmdb::Env> env)
    : options_(options), clock_(clock), lock_fd_(lock_fd), env_(std::move(env)) {}

LmdbStore::~LmdbStore() {
  env_.reset();
  if (lock_fd_ >= 0) ::close(lock_fd_);  // releases the flock
}

Status LmdbStore::OpenDatabases() {
  lmdb::WriteTxn txn(*env_);
  PROVISOR_RETURN_IF_ERROR(txn.status());
  for (const EntityKindInfo& row : EntityKinds()) {  // one named database per kind
    const std::string name(row.db_name);
    StatusOr<MDB_dbi> dbi = lmdb::OpenDb(txn.get(), name.c_str());
    if (!dbi.ok()) return dbi.status();
    entity_dbs_[row.kind] = *dbi;
  }
  for (auto [name, dbi] : {std::pair<const char*, MDB_dbi*>{"refs", &refs_},
                           {"changes", &changes_},
                           {"meta", &meta_}}) {
    StatusOr<MDB_dbi> opened = lmdb::OpenDb(txn.get(), name);
    if (!opened.ok()) return opened.status();
    *dbi = *opened;
  }
  revision_ = ReadMeta(txn.get(), kMetaRevision);
  restoring_ = ReadMeta(txn.get(), kMetaRestoring) != 0;
  StatusOr<std::string_view> id = lmdb::Get(txn.get(), meta_, kMetaStoreId);
  if (id.ok()) {
    store_id_ = std::string(*id);
  } else {
    if (id.status().code() != StatusCode::kNotFound) return id.status();
    StatusOr<std::string> made = NewStoreId();  // a new store, or one from before store ids
    if (!made.ok()) return made.status();
    store_id_ = *made;
    PROVISOR_RETURN_IF_ERROR(lmdb::Put(txn.get(), meta_, kMetaStoreId, store_id_));
  }
  StatusOr<std::string_view> binding = lmdb::Get(txn.get(), meta_, kMetaKeyBinding);
  if (binding.ok()) {
    key_binding_id_ = std::string(*binding);
  } else {
    if (binding.status().code() != StatusCode::kNotFound) return binding.status();
    key_binding_id_ = store_id_;
    PROVISOR_RETURN_IF_ERROR(lmdb::Put(txn.get(), meta_, kMetaKeyBinding, key_binding_id_));
  }
  return txn.Commit();
}

MDB_dbi LmdbStore::DbFor(v1::EntityKind kind) const {
  return FindKind(kind) != nullptr ? entity_dbs_[kind] : 0;
}

StatusOr<WriteResult> LmdbStore::Write(std::vector<Mutation> mutations, size_t* failed_index) {
  if (mutations.empty()) return InvalidArgumentError("nothing to write");
  std::lock_guard<std::mutex> lock(write_mu_);
  if (restoring_) {
    return FailedPreconditionError("the store is restoring a snapshot from its upstream");
  }
  const uint64_t revision = revision_.load() + 1;
  WriteResult result;
  PROVISOR_RETURN_IF_ERROR(Transact([&](MDB_txn* txn) {
    result = WriteResult();
    return Apply(txn, mutations, revision, &result, failed_index);
  }));
  Publish(revision);
  result.revision = revision;
  return result;
}

Status LmdbStore::Transact(const std::function<Status(MDB_txn*)>& body) {
  for (int attempt = 0;; ++attempt) {
    Status status;
    {
      lmdb::WriteTxn txn(*env_);
      status = txn.status();
      if (status.ok()) status = body(txn.get());
      if (status.ok()) status = txn.Commit();
    }  // an uncommitted txn aborts here, before any growth
    if (status.code() == StatusCode::kResourceExhausted && attempt < kMaxGrowRetries) {
      PROVISOR_RETURN_IF_ERROR(env_->Grow());
      continue;
    }
    return status;
  }
}

void LmdbStore::Publish(uint64_t revision) {
  {
    std::lock_guard<std::mutex> wait_lock(wait_mu_);
    revision_ = revision;
  }
  wait_cv_.notify_all();
}

uint64_t LmdbStore::ReadMeta(MDB_txn* txn, std::string_view name) const {
  StatusOr<std::string_view> v = lmdb::Get(txn, meta_, name);
  return v.ok() ? DecodeU64(*v) : 0;
}

Status LmdbStore::WriteMeta(MDB_txn* txn, std::string_view name, uint64_t value) {
  return lmdb::Put(txn, meta_, name, EncodeU64(value));
}

Status LmdbStore::ReplaceRefs(MDB_txn* txn, v1::EntityKind kind, const std::string& key,
                              const v1::Entity* old, const v1::Entity* updated) {
  if (old != nullptr) {
    for (const Reference& ref : ReferencesOf(*old)) {
      PROVISOR_RETURN_IF_ERROR(lmdb::Del(txn, refs_, RefKey(ref.kind, ref.key, kind, key)));
    }
  }
  if (updated != nullptr) {
    for (const Reference& ref : ReferencesOf(*updated)) {
      PROVISOR_RETURN_IF_ERROR(lmdb::Put(txn, refs_, RefKey(ref.kind, ref.key, kind, key), ""));
    }
  }
  return Status::Ok();
}

Status LmdbStore::AppendChange(MDB_txn* txn, uint32_t sequence, const v1::Change& change) {
  return lmdb::Put(txn, changes_, ChangeKey(change.revision(), sequence),
                   change.SerializeAsString(), MDB_APPEND);
}

Status LmdbStore::EndRevision(MDB_txn* txn, uint64_t revision, uint64_t added) {
  uint64_t log_changes = ReadMeta(txn, kMetaLogChanges) + added;
  uint64_t floor = ReadMeta(txn, kMetaFloor);
  PROVISOR_RETURN_IF_ERROR(Compact(txn, &log_changes, &floor));
  PROVISOR_RETURN_IF_ERROR(WriteMeta(txn, kMetaLogChanges, log_changes));
  PROVISOR_RETURN_IF_ERROR(WriteMeta(txn, kMetaFloor, floor));
  return WriteMeta(txn, kMetaRevision, revision);
}

Status LmdbStore::Apply(MDB_txn* txn, std::vector<Mutation>& mutations, uint64_t revision,
                        WriteResult* result, size_t* failed_index) {
  result->stored.resize(mutations.size());
  for (size_t i = 0; i < mutations.size(); ++i) {
    Status s = ApplyOne(txn, mutations[i], revision, static_cast<uint32_t>(i), &result->stored[i]);
    if (!s.ok()) {
      if (failed_index != nullptr) *failed_index = i;
      return s;
    }
  }
  if (failed_index != nullptr) *failed_index = mutations.size();
  return EndRevision(txn, revision, mutations.size());
}

Status LmdbStore::ApplyOne(MDB_txn* txn, Mutation& m, uint64_t revision, uint32_t sequence,
                           v1::Entity* stored) {
  const bool is_delete = m.op == WriteOp::kDelete;
  const v1::EntityKind kind = is_delete ? m.kind : KindOf(m.entity);
  const MDB_dbi dbi = DbFor(kind);
  if (dbi == 0) return InvalidArgumentError("no entity given");
  const std::string key = is_delete ? m.key : KeyOf(m.entity);
  if (key.empty()) return InvalidArgumentError(std::string(KindName(kind)) + ": key is empty");

  StatusOr<std::string_view> old_bytes = lmdb::Get(txn, dbi, key);
  const bool exists = old_bytes.ok();
  if (!exists && old_bytes.status().code() != StatusCode::kNotFound) return old_bytes.status();
  v1::Entity old;
  if (exists) PROVISOR_RETURN_IF_ERROR(ParseBody(kind, *old_bytes, &old));

  switch (m.op) {
    case WriteOp::kCreate:
      if (exists) return AlreadyExistsError(Describe(kind, key) + " already exists");
      break;
    case WriteOp::kUpdate:
    case WriteOp::kDelete:
    case WriteOp::kSetBinding:
      if (!exists) return NotFoundError(Describe(kind, key) + " does not exist");
      break;
    case WriteOp::kUpsert:
      break;
  }
  if (m.op == WriteOp::kSetBinding) {
    if (kind != v1::ENTITY_KIND_DEVICE) return InvalidArgumentError("only devices have bindings");
    v1::DhcpBinding binding = m.entity.device().last_binding();
    m.entity = old;
    *m.entity.mutable_device()->mutable_last_binding() = std::move(binding);
  } else if (exists && kind == v1::ENTITY_KIND_DEVICE && !m.entity.device().has_last_binding() &&
             old.device().has_last_binding()) {
    *m.entity.mutable_device()->mutable_last_binding() = old.device().last_binding();
  }

  v1::Change change;
  change.set_revision(revision);
  change.set_kind(kind);
  change.set_key(key);
  change.set_time_unix_ms(std::chrono::duration_cast<std::chrono::milliseconds>(
                              clock_->WallNow().time_since_epoch())
                              .count());

  if (is_delete) {
    // Refuse while anything still references it.
    const std::string prefix = RefPrefix(kind, key);
    lmdb::Cursor cursor(txn, refs_);
    if (cursor.Seek(prefix) && cursor.key().substr(0, prefix.size()) == prefix) {
      std::string_view source = cursor.key().substr(prefix.size());
      auto source_kind = static_cast<v1::EntityKind>(static_cast<uint8_t>(source[0]));
      int others = 0;
      while (cursor.Next() && cursor.key().substr(0, prefix.size()) == prefix && others < 1000) {
        ++others;
      }
      std::string more = others == 0 ? "" : " and " + std::to_string(others) +
                                                (others == 1000 ? "+" : "") + " more";
      return FailedPreconditionError(Describe(kind, key) + " is still used by " +
                                     Describe(source_kind, source.substr(1)) + more);
    }
    PROVISOR_RETURN_IF_ERROR(ReplaceRefs(txn, kind, key, &old, nullptr));
    PROVISOR_RETURN_IF_ERROR(lmdb::Del(txn, dbi, key));
    change.set_deleted(true);
  } else {
    if (kind == v1::ENTITY_KIND_TEMPLATE) {
      m.entity.mutable_template_()->set_version(exists ? old.template_().version() + 1 : 1);
    }
    std::vector<Reference> refs = ReferencesOf(m.entity);
    for (const Reference& ref : refs) {
      if (!lmdb::Exists(txn, DbFor(ref.kind), ref.key)) {
        return FailedPreconditionError(Describe(kind, key) + ": " + std::string(ref.field) +
                                       " '" + ref.key + "' does not exist");
      }
    }
    // A binding update keeps the rest of the device as it was.
    if (m.op != WriteOp::kSetBinding) {
      PROVISOR_RETURN_IF_ERROR(CheckRenderable(txn, kind, key, exists ? &old : nullptr, m.entity));
    }
    PROVISOR_RETURN_IF_ERROR(ReplaceRefs(txn, kind, key, exists ? &old : nullptr, &m.entity));
    PROVISOR_RETURN_IF_ERROR(lmdb::Put(txn, dbi, key, SerializeBody(m.entity)));
    *change.mutable_entity() = m.entity;
    *stored = m.entity;
  }
  return AppendChange(txn, sequence, change);
}

Status LmdbStore::CheckRenderable(MDB_txn* txn, v1::EntityKind kind, const std::string& key,
                                  const v1::Entity* old, const v1::Entity& updated) {
  if (kind == v1::ENTITY_KIND_DEVICE) {
    const v1::Device& device = updated.device();
    if (device.model().empty()) return Status::Ok();
    StatusOr<std::string_view> bytes = lmdb::Get(txn, DbFor(v1::ENTITY_KIND_MODEL), device.model());
    if (!bytes.ok()) return bytes.status();  // checked as a reference already
    v1::Entity model;
    PROVISOR_RETURN_IF_ERROR(ParseBody(v1::ENTITY_KIND_MODEL, *bytes, &model));
    return ValidateDeviceForModel(device, model.model());
  }
  if (kind != v1::ENTITY_KIND_MODEL || old == nullptr ||
      old->model().encryption() == updated.model().encryption()) {
    return Status::Ok();
  }
  // The model's cipher changes: every device of it must have a key that fits.
  const std::string prefix = RefPrefix(kind, key);
  lmdb::Cursor cursor(txn, refs_);
  for (bool more = cursor.Seek(prefix); more && cursor.key().substr(0, prefix.size()) == prefix;
       more = cursor.Next()) {
    std::string_view source = cursor.key().substr(prefix.size());
    if (source.empty() || static_cast<uint8_t>(source[0]) != v1::ENTITY_KIND_DEVICE) continue;
    StatusOr<std::string_view> bytes = lmdb::Get(txn, DbFor(v1::ENTITY_KIND_DEVICE), source.substr(1));
    if (!bytes.ok()) return bytes.status();
    v1::Entity device;
    PROVISOR_RETURN_IF_ERROR(ParseBody(v1::ENTITY_KIND_DEVICE, *bytes, &device));
    Status fits = ValidateDeviceForModel(device.device(), updated.model());
    if (!fits.ok()) {
      return FailedPreconditionError(Describe(kind, key) + ": encryption cannot change to " +
                                     updated.model().encryption() + ": " + fits.message());
    }
  }
  return Status::Ok();
}

Status LmdbStore::Compact(MDB_txn* txn, uint64_t* log_changes, uint64_t* floor) {
  const int64_t now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                             clock_->WallNow().time_since_epoch())
                             .count();
  const int64_t max_age_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(options_.changelog_max_age).count();
  // Bounded work per write: the log shrinks a little every time.
  for (int budget = 20'000; budget > 0; --budget) {
    lmdb::Cursor cursor(txn, changes_);
    if (!cursor.First()) break;
    bool too_many = *log_changes > options_.changelog_max_changes;
    bool too_old = false;
    if (!too_many) {
      v1::Change oldest;
      if (oldest.ParseFromArray(cursor.value().data(), static_cast<int>(cursor.value().size()))) {
        too_old = now_ms - oldest.time_unix_ms() > max_age_ms;
      }
    }
    if (!too_many && !too_old) break;
    uint64_t revision = DecodeU64(cursor.key());
    std::string key(cursor.key());
    PROVISOR_RETURN_IF_ERROR(lmdb::Del(txn, changes_, key));
    *floor = std::max(*floor, revision);
    if (*log_changes > 0) --*log_changes;
  }
  return Status::Ok();
}

StatusOr<v1::Entity> LmdbStore::Get(v1::EntityKind kind, std::string_view key) {
  const MDB_dbi dbi = DbFor(kind);
  if (dbi == 0) return InvalidArgumentError("unknown entity kind");
  lmdb::ReadTxn txn(*env_);
  PROVISOR_RETURN_IF_ERROR(txn.status());
  StatusOr<std::string_view> bytes = lmdb::Get(txn.get(), dbi, key);
  if (!bytes.ok()) {
    if (bytes.status().code() == StatusCode::kNotFound) {
      return NotFoundError(Describe(kind, key) + " not found");
    }
    return bytes.status();
  }
  v1::Entity entity;
  PROVISOR_RETURN_IF_ERROR(ParseBody(kind, *bytes, &entity));
  return entity;
}

StatusOr<ListPage> LmdbStore::List(const ListQuery& query) {
  const MDB_dbi dbi = DbFor(query.kind);
  if (dbi == 0) return InvalidArgumentError("unknown entity kind");
  const uint32_t page_size =
      query.page_size == 0 ? 100 : std::min<uint32_t>(query.page_size, kMaxPageSize);
  lmdb::ReadTxn txn(*env_);
  PROVISOR_RETURN_IF_ERROR(txn.status());
  ListPage page;

  // Devices by subscriber or model come from the refs index; everything
  // else walks the entity database in key order.
  std::string index_prefix;
  if (query.kind == v1::ENTITY_KIND_DEVICE && !query.subscriber_id.empty()) {
    index_prefix = RefPrefix(v1::ENTITY_KIND_SUBSCRIBER, query.subscriber_id);
  } else if (query.kind == v1::ENTITY_KIND_DEVICE && !query.model.empty()) {
    index_prefix = RefPrefix(v1::ENTITY_KIND_MODEL, query.model);
  }
  if (!index_prefix.empty()) index_prefix.push_back(static_cast<char>(query.kind));

  lmdb::Cursor cursor(txn.get(), index_prefix.empty() ? dbi : refs_);
  std::string start = index_prefix + std::max(query.key_prefix, query.start_after);
  // LMDB refuses an empty key, so an unbounded walk starts with First().
  for (bool ok = start.empty() ? cursor.First() : cursor.Seek(start); ok; ok = cursor.Next()) {
    std::string_view full = cursor.key();
    if (full.substr(0, index_prefix.size()) != index_prefix) break;
    std::string_view key = full.substr(index_prefix.size());
    if (key.substr(0, query.key_prefix.size()) != query.key_prefix) break;
    if (!query.start_after.empty() && key <= query.start_after) continue;
    if (page.entities.size() == page_size) {
      page.more = true;
      break;
    }
    std::string_view bytes = cursor.value();
    if (!index_prefix.empty()) {
      StatusOr<std::string_view> found = lmdb::Get(txn.get(), dbi, key);
      if (!found.ok()) continue;
      bytes = *found;
    }
    v1::Entity entity;
    PROVISOR_RETURN_IF_ERROR(ParseBody(query.kind, bytes, &entity));
    // The subscriber filter may be combined with a model filter.
    if (!query.subscriber_id.empty() && !query.model.empty() &&
        entity.device().model() != query.model) {
      continue;
    }
    page.entities.push_back(std::move(entity));
  }
  return page;
}

StatusOr<std::vector<v1::Change>> LmdbStore::ChangesSince(uint64_t after, size_t limit) {
  lmdb::ReadTxn txn(*env_);
  PROVISOR_RETURN_IF_ERROR(txn.status());
  if (ReadMeta(txn.get(), kMetaRestoring) != 0) {
    return UnavailableError("the store is restoring a snapshot from its upstream");
  }
  const uint64_t floor = ReadMeta(txn.get(), kMetaFloor);
  if (after < floor) {
    return Status(StatusCode::kOutOfRange,
                  "revision " + std::to_string(after) +
                      " is older than the change log, which starts after revision " +
                      std::to_string(floor) + ": take a snapshot");
  }
  std::vector<v1::Change> changes;
  lmdb::Cursor cursor(txn.get(), changes_);
  uint64_t last_revision = 0;
  for (bool ok = cursor.Seek(ChangeKey(after + 1, 0)); ok; ok = cursor.Next()) {
    uint64_t revision = DecodeU64(cursor.key());
    if (changes.size() >= limit && revision != last_revision) break;
    v1::Change change;
    if (!change.ParseFromArray(cursor.value().data(), static_cast<int>(cursor.value().size()))) {
      return Status(StatusCode::kDataLoss, "change log entry does not parse");
    }
    last_revision = revision;
    changes.push_back(std::move(change));
  }
  return changes;
}

uint64_t LmdbStore::WaitForRevision(uint64_t after, Duration timeout) {
  std::unique_lock<std::mutex> lock(wait_mu_);
  wait_cv_.wait_for(lock, timeout, [&] { return revision_.load() > after; });
  return revision_.load();
}

StatusOr<StoreInfo> LmdbStore::Info() {
  lmdb::ReadTxn txn(*env_);
  PROVISOR_RETURN_IF_ERROR(txn.status());
  StoreInfo info;
  info.revision = ReadMeta(txn.get(), kMetaRevision);
  info.log_floor = ReadMeta(txn.get(), kMetaFloor);
  info.log_changes = ReadMeta(txn.get(), kMetaLogChanges);
  info.restoring = ReadMeta(txn.get(), kMetaRestoring) != 0;
  StatusOr<std::string_view> id = lmdb::Get(txn.get(), meta_, kMetaStoreId);
  if (id.ok()) info.store_id = std::string(*id);
  for (const EntityKindInfo& row : EntityKinds()) {
    MDB_stat stat;
    if (mdb_stat(txn.get(), entity_dbs_[row.kind], &stat) == 0) {
      info.counts[std::string(row.name)] = stat.ms_entries;
    }
  }
  info.map_size = env_->map_size();
  MDB_envinfo env_info;
  MDB_stat env_stat;
  if (mdb_env_info(env_->get(), &env_info) == 0 && mdb_env_stat(env_->get(), &env_stat) == 0) {
    info.used_bytes = (static_cast<uint64_t>(env_info.me_last_pgno) + 1) * env_stat.ms_psize;
  }
  return info;
}

std::string LmdbStore::store_id() const {
  std::lock_guard<std::mutex> lock(id_mu_);
  return store_id_;
}

}  // namespace provisor
