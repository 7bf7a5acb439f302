#include "master/keys/sealing_store.h"

#include <openssl/crypto.h>

#include <algorithm>

namespace provisor {

Status KeySealingStore::Seal(v1::Entity* entity) const {
  if (!entity->has_key_epoch()) return Status::Ok();
  v1::KeyEpoch* k = entity->mutable_key_epoch();
  StatusOr<std::string> sealed = sealer_->Seal(k->epoch(), k->key());
  if (!sealed.ok()) return sealed.status();
  OPENSSL_cleanse(k->mutable_key()->data(), k->key().size());
  k->set_key(std::move(*sealed));
  return Status::Ok();
}

Status KeySealingStore::Open(v1::Entity* entity) const {
  if (!entity->has_key_epoch()) return Status::Ok();
  v1::KeyEpoch* k = entity->mutable_key_epoch();
  StatusOr<std::string> key = sealer_->Open(k->epoch(), k->key());
  if (!key.ok()) return key.status();
  k->set_key(std::move(*key));
  return Status::Ok();
}

StatusOr<WriteResult> KeySealingStore::Write(std::vector<Mutation> mutations,
                                             size_t* failed_index) {
  for (size_t i = 0; i < mutations.size(); ++i) {
    Status sealed = Seal(&mutations[i].entity);
    if (!sealed.ok()) {
      if (failed_index != nullptr) *failed_index = i;
      return sealed;
    }
  }
  StatusOr<WriteResult> result = inner_->Write(std::move(mutations), failed_index);
  if (!result.ok()) return result;
  for (v1::Entity& e : result->stored) PROVISOR_RETURN_IF_ERROR(Open(&e));
  return result;
}

StatusOr<v1::Entity> KeySealingStore::Get(v1::EntityKind kind, std::string_view key) {
  StatusOr<v1::Entity> entity = inner_->Get(kind, key);
  if (entity.ok()) PROVISOR_RETURN_IF_ERROR(Open(&*entity));
  return entity;
}

StatusOr<ListPage> KeySealingStore::List(const ListQuery& query) {
  StatusOr<ListPage> page = inner_->List(query);
  if (!page.ok()) return page;
  for (v1::Entity& e : page->entities) PROVISOR_RETURN_IF_ERROR(Open(&e));
  return page;
}

StatusOr<std::vector<v1::Change>> KeySealingStore::ChangesSince(uint64_t after, size_t limit) {
  StatusOr<std::vector<v1::Change>> changes = inner_->ChangesSince(after, limit);
  if (!changes.ok()) return changes;
  for (v1::Change& c : *changes) PROVISOR_RETURN_IF_ERROR(Open(c.mutable_entity()));
  return changes;
}

Status KeySealingStore::Scan(size_t batch_size,
                             const std::function<Status(const ScanHeader&)>& begin,
                             const std::function<Status(std::vector<v1::Entity>&)>& each) {
  return inner_->Scan(batch_size, begin, [&](std::vector<v1::Entity>& batch) -> Status {
    for (v1::Entity& e : batch) PROVISOR_RETURN_IF_ERROR(Open(&e));
    return each(batch);
  });
}

Status KeySealingStore::ApplyReplicated(const std::vector<v1::Change>& changes) {
  // Most batches hold no key: passed on without a copy.
  if (std::none_of(changes.begin(), changes.end(),
                   [](const v1::Change& c) { return c.entity().has_key_epoch(); })) {
    return inner_->ApplyReplicated(changes);
  }
  std::vector<v1::Change> sealed = changes;
  for (v1::Change& c : sealed) {
    if (c.has_entity()) PROVISOR_RETURN_IF_ERROR(Seal(c.mutable_entity()));
  }
  return inner_->ApplyReplicated(sealed);
}

Status KeySealingStore::RestoreEntities(const std::vector<v1::Entity>& entities) {
  if (std::none_of(entities.begin(), entities.end(),
                   [](const v1::Entity& e) { return e.has_key_epoch(); })) {
    return inner_->RestoreEntities(entities);
  }
  std::vector<v1::Entity> sealed = entities;
  for (v1::Entity& e : sealed) PROVISOR_RETURN_IF_ERROR(Seal(&e));
  return inner_->RestoreEntities(sealed);
}

}  // namespace provisor
