// LmdbStore: token keys at rest (see lmdb_store.h). The sealing itself is
// master/keys/; the store only walks and rewrites the bytes.
#include <utility>
#include <vector>

#include "common/entity.h"
#include "master/store/lmdb_store.h"

namespace provisor {

std::string LmdbStore::key_binding_id() const { return key_binding_id_; }

Status LmdbStore::RewriteKeyEpochs(
    const std::function<Status(uint64_t epoch, std::string* key)>& rewrite) {
  std::lock_guard<std::mutex> lock(write_mu_);
  const MDB_dbi keys = DbFor(v1::ENTITY_KIND_KEY_EPOCH);
  return Transact([&](MDB_txn* txn) -> Status {
    // Collected first, written after: no puts under a live cursor.
    std::vector<std::pair<std::string, std::string>> entities;
    {
      lmdb::Cursor cursor(txn, keys);
      for (bool ok = cursor.First(); ok; ok = cursor.Next()) {
        v1::Entity e;
        PROVISOR_RETURN_IF_ERROR(ParseBody(v1::ENTITY_KIND_KEY_EPOCH, cursor.value(), &e));
        std::string key = e.key_epoch().key();
        PROVISOR_RETURN_IF_ERROR(rewrite(e.key_epoch().epoch(), &key));
        if (key == e.key_epoch().key()) continue;
        e.mutable_key_epoch()->set_key(std::move(key));
        entities.emplace_back(std::string(cursor.key()), SerializeBody(e));
      }
    }
    for (const auto& [key, value] : entities) {
      PROVISOR_RETURN_IF_ERROR(lmdb::Put(txn, keys, key, value));
    }
    const uint64_t revision = ReadMeta(txn, kMetaRevision);
    // A mark past the revision: a relay restored a store with lower
    // revisions since; walk it all.
    uint64_t through = ReadMeta(txn, kMetaKeyLogThrough);
    if (through > revision) through = 0;
    std::vector<std::pair<std::string, std::string>> changes;
    {
      // Change-log keys are revision (8 bytes, big-endian) and sequence.
      std::string first(12, '\0');
      for (int i = 7, shift = 0; i >= 0; --i, shift += 8) {
        first[i] = static_cast<char>((through + 1) >> shift);
      }
      lmdb::Cursor cursor(txn, changes_);
      for (bool ok = cursor.Seek(first); ok; ok = cursor.Next()) {
        v1::Change change;
        if (!change.ParseFromArray(cursor.value().data(),
                                   static_cast<int>(cursor.value().size()))) {
          return Status(StatusCode::kDataLoss, "change log entry does not parse");
        }
        if (change.kind() != v1::ENTITY_KIND_KEY_EPOCH || !change.entity().has_key_epoch()) {
          continue;
        }
        v1::KeyEpoch* epoch = change.mutable_entity()->mutable_key_epoch();
        std::string key = epoch->key();
        PROVISOR_RETURN_IF_ERROR(rewrite(epoch->epoch(), &key));
        if (key == epoch->key()) continue;
        epoch->set_key(std::move(key));
        changes.emplace_back(std::string(cursor.key()), change.SerializeAsString());
      }
    }
    for (const auto& [key, value] : changes) {
      PROVISOR_RETURN_IF_ERROR(lmdb::Put(txn, changes_, key, value));
    }
    return WriteMeta(txn, kMetaKeyLogThrough, revision);
  });
}

}  // namespace provisor
