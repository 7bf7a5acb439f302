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
    if (ReadMeta(txn, kMetaKeyLogRewritten) != 0) return Status::Ok();
    std::vector<std::pair<std::string, std::string>> changes;
    {
      lmdb::Cursor cursor(txn, changes_);
      for (bool ok = cursor.First(); ok; ok = cursor.Next()) {
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
    return WriteMeta(txn, kMetaKeyLogRewritten, 1);
  });
}

}  // namespace provisor
