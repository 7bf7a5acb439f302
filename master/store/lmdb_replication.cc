// LmdbStore, continued: what a relay master needs to follow an upstream
// (consistent scans for snapshots, replicated change batches, snapshot
// restore). See lmdb_store.h for the contract.
#include <algorithm>

#include "common/entity_kinds.h"
#include "master/store/entity.h"
#include "master/store/lmdb_store.h"

namespace provisor {
namespace {

// What entities reference comes first, so a follower applying a snapshot
// in order always has the targets: key ring, templates, packages, client
// classes, models, subscribers, then devices and slaves.
constexpr v1::EntityKind kScanOrder[] = {
    v1::ENTITY_KIND_KEY_EPOCH, v1::ENTITY_KIND_TEMPLATE,   v1::ENTITY_KIND_PACKAGE,
    v1::ENTITY_KIND_CLIENT_CLASS, v1::ENTITY_KIND_MODEL,   v1::ENTITY_KIND_SUBSCRIBER,
    v1::ENTITY_KIND_DEVICE,    v1::ENTITY_KIND_SLAVE,
};

// A restore transaction stops taking entities past this many body bytes
// (keeps one transaction well below LMDB's dirty-page limit).
constexpr size_t kRestoreBytes = 64u << 20;

Status Restoring() {
  return FailedPreconditionError("the store is restoring a snapshot from its upstream");
}

Status Drop(MDB_txn* txn, MDB_dbi dbi) {
  int rc = mdb_drop(txn, dbi, 0);
  return rc == 0 ? Status::Ok() : lmdb::Error(rc, "cannot empty a database");
}

// What ApplyReplicated needs to trust a change enough to store it.
Status CheckChange(const v1::Change& c) {
  const std::string where = "replicated change at revision " + std::to_string(c.revision());
  if (c.revision() == 0) return InvalidArgumentError(where + ": revision 0");
  if (FindKind(c.kind()) == nullptr) {
    return InvalidArgumentError(where + ": unknown entity kind " + std::to_string(c.kind()));
  }
  if (c.key().empty()) return InvalidArgumentError(where + ": key is empty");
  if (c.deleted()) return Status::Ok();
  if (KindOf(c.entity()) != c.kind() || KeyOf(c.entity()) != c.key()) {
    return InvalidArgumentError(where + ": the entity is not " + std::string(KindName(c.kind())) +
                                " " + c.key());
  }
  return Status::Ok();
}

}  // namespace

Status LmdbStore::Scan(size_t batch_size, const std::function<Status(const ScanHeader&)>& begin,
                       const std::function<Status(std::vector<v1::Entity>&)>& each) {
  if (batch_size == 0) return InvalidArgumentError("scan batch size must be at least 1");
  // One read txn for the whole scan: an MVCC snapshot, so writers go on
  // committing. MDB_NOTLS lets any (gRPC pool) thread hold it, even with
  // other read txns of its own open.
  lmdb::ReadTxn txn(*env_);
  PROVISOR_RETURN_IF_ERROR(txn.status());
  if (ReadMeta(txn.get(), kMetaRestoring) != 0) {
    return UnavailableError("the store is restoring a snapshot from its upstream");
  }
  ScanHeader header;
  header.revision = ReadMeta(txn.get(), kMetaRevision);
  StatusOr<std::string_view> id = lmdb::Get(txn.get(), meta_, kMetaStoreId);
  if (!id.ok()) return id.status();
  header.store_id = std::string(*id);
  for (v1::EntityKind kind : kScanOrder) {
    MDB_stat stat;
    int rc = mdb_stat(txn.get(), DbFor(kind), &stat);
    if (rc != 0) return lmdb::Error(rc, "mdb_stat");
    header.entities += stat.ms_entries;
  }
  PROVISOR_RETURN_IF_ERROR(begin(header));

  std::vector<v1::Entity> batch;
  batch.reserve(std::min<size_t>(batch_size, 4096));
  uint64_t given = 0;
  auto flush = [&]() -> Status {
    given += batch.size();
    Status s = each(batch);
    batch.clear();
    return s;
  };
  for (v1::EntityKind kind : kScanOrder) {
    lmdb::Cursor cursor(txn.get(), DbFor(kind));
    for (bool ok = cursor.First(); ok; ok = cursor.Next()) {
      v1::Entity entity;
      PROVISOR_RETURN_IF_ERROR(ParseBody(kind, cursor.value(), &entity));
      batch.push_back(std::move(entity));
      if (batch.size() >= batch_size) PROVISOR_RETURN_IF_ERROR(flush());
    }
  }
  if (!batch.empty()) PROVISOR_RETURN_IF_ERROR(flush());
  if (given != header.entities) {
    return InternalError("scan read " + std::to_string(given) + " entities, expected " +
                         std::to_string(header.entities));
  }
  return Status::Ok();
}

Status LmdbStore::ApplyReplicated(const std::vector<v1::Change>& changes) {
  if (changes.empty()) return Status::Ok();
  std::lock_guard<std::mutex> lock(write_mu_);
  if (restoring_) return Restoring();
  const uint64_t current = revision_.load();
  if (changes.front().revision() <= current) {
    return InvalidArgumentError("replicated revision " + std::to_string(changes.front().revision()) +
                                " is not after this store's revision " + std::to_string(current));
  }
  for (size_t i = 0; i < changes.size(); ++i) {
    PROVISOR_RETURN_IF_ERROR(CheckChange(changes[i]));
    if (i > 0 && changes[i].revision() < changes[i - 1].revision()) {
      return InvalidArgumentError("replicated changes out of order: revision " +
                                  std::to_string(changes[i].revision()) + " after " +
                                  std::to_string(changes[i - 1].revision()));
    }
  }
  const uint64_t last = changes.back().revision();
  PROVISOR_RETURN_IF_ERROR(Transact([&](MDB_txn* txn) -> Status {
    uint32_t sequence = 0;
    for (size_t i = 0; i < changes.size(); ++i) {
      const v1::Change& c = changes[i];
      sequence = i > 0 && c.revision() == changes[i - 1].revision() ? sequence + 1 : 0;
      const MDB_dbi dbi = DbFor(c.kind());
      StatusOr<std::string_view> old_bytes = lmdb::Get(txn, dbi, c.key());
      if (!old_bytes.ok() && old_bytes.status().code() != StatusCode::kNotFound) {
        return old_bytes.status();
      }
      v1::Entity old;
      if (old_bytes.ok()) PROVISOR_RETURN_IF_ERROR(ParseBody(c.kind(), *old_bytes, &old));
      const v1::Entity* old_ptr = old_bytes.ok() ? &old : nullptr;
      if (c.deleted()) {
        PROVISOR_RETURN_IF_ERROR(ReplaceRefs(txn, c.kind(), c.key(), old_ptr, nullptr));
        PROVISOR_RETURN_IF_ERROR(lmdb::Del(txn, dbi, c.key()));
      } else {
        PROVISOR_RETURN_IF_ERROR(ReplaceRefs(txn, c.kind(), c.key(), old_ptr, &c.entity()));
        PROVISOR_RETURN_IF_ERROR(lmdb::Put(txn, dbi, c.key(), SerializeBody(c.entity())));
      }
      PROVISOR_RETURN_IF_ERROR(AppendChange(txn, sequence, c));
    }
    return EndRevision(txn, last, changes.size());
  }));
  Publish(last);
  return Status::Ok();
}

Status LmdbStore::BeginRestore() {
  std::lock_guard<std::mutex> lock(write_mu_);
  PROVISOR_RETURN_IF_ERROR(Transact([&](MDB_txn* txn) -> Status {
    for (v1::EntityKind kind : kScanOrder) PROVISOR_RETURN_IF_ERROR(Drop(txn, DbFor(kind)));
    PROVISOR_RETURN_IF_ERROR(Drop(txn, refs_));
    PROVISOR_RETURN_IF_ERROR(Drop(txn, changes_));
    PROVISOR_RETURN_IF_ERROR(WriteMeta(txn, kMetaLogChanges, 0));
    return WriteMeta(txn, kMetaRestoring, 1);
  }));
  restoring_ = true;
  return Status::Ok();
}

Status LmdbStore::RestoreEntities(const std::vector<v1::Entity>& entities) {
  std::lock_guard<std::mutex> lock(write_mu_);
  if (!restoring_) return FailedPreconditionError("no snapshot restore is under way");
  for (size_t i = 0; i < entities.size(); ++i) {
    if (KindOf(entities[i]) == v1::ENTITY_KIND_UNSPECIFIED || KeyOf(entities[i]).empty()) {
      return InvalidArgumentError("restored entity " + std::to_string(i) +
                                  " holds nothing or has an empty key");
    }
  }
  for (size_t first = 0; first < entities.size();) {
    size_t end = first;
    for (size_t bytes = 0;
         end < entities.size() && end - first < kRestoreBatch && bytes < kRestoreBytes; ++end) {
      bytes += entities[end].ByteSizeLong();
    }
    PROVISOR_RETURN_IF_ERROR(Transact([&](MDB_txn* txn) -> Status {
      for (size_t i = first; i < end; ++i) {
        const v1::Entity& entity = entities[i];
        const v1::EntityKind kind = KindOf(entity);
        const MDB_dbi dbi = DbFor(kind);
        const std::string key = KeyOf(entity);
        // Normally absent (Begin emptied the store); a repeated key
        // replaces the earlier one, refs included.
        StatusOr<std::string_view> old_bytes = lmdb::Get(txn, dbi, key);
        if (!old_bytes.ok() && old_bytes.status().code() != StatusCode::kNotFound) {
          return old_bytes.status();
        }
        v1::Entity old;
        if (old_bytes.ok()) PROVISOR_RETURN_IF_ERROR(ParseBody(kind, *old_bytes, &old));
        PROVISOR_RETURN_IF_ERROR(
            ReplaceRefs(txn, kind, key, old_bytes.ok() ? &old : nullptr, &entity));
        PROVISOR_RETURN_IF_ERROR(lmdb::Put(txn, dbi, key, SerializeBody(entity)));
      }
      return Status::Ok();
    }));
    first = end;
  }
  return Status::Ok();
}

Status LmdbStore::FinishRestore(const std::string& store_id, uint64_t revision) {
  if (store_id.empty()) return InvalidArgumentError("a restored store needs its upstream's id");
  std::lock_guard<std::mutex> lock(write_mu_);
  if (!restoring_) return FailedPreconditionError("no snapshot restore is under way");
  PROVISOR_RETURN_IF_ERROR(Transact([&](MDB_txn* txn) -> Status {
    PROVISOR_RETURN_IF_ERROR(Drop(txn, changes_));  // already empty; Begin dropped it
    PROVISOR_RETURN_IF_ERROR(WriteMeta(txn, kMetaRevision, revision));
    PROVISOR_RETURN_IF_ERROR(WriteMeta(txn, kMetaFloor, revision));
    PROVISOR_RETURN_IF_ERROR(WriteMeta(txn, kMetaLogChanges, 0));
    PROVISOR_RETURN_IF_ERROR(lmdb::Put(txn, meta_, kMetaStoreId, store_id));
    return lmdb::Del(txn, meta_, kMetaRestoring);
  }));
  {
    std::lock_guard<std::mutex> id_lock(id_mu_);
    store_id_ = store_id;
  }
  restoring_ = false;
  Publish(revision);
  return Status::Ok();
}

}  // namespace provisor
