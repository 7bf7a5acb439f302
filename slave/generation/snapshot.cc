#include "slave/generation/snapshot.h"

#include <algorithm>

namespace provisor {
namespace {

template <typename Map, typename Message>
void PutOrErase(Map& map, const std::string& key, bool deleted, const Message& value) {
  if (deleted) {
    map.erase(key);
  } else {
    map[key] = value;
  }
}

}  // namespace

void GenerationSnapshot::Apply(const v1::Change& change) {
  revision = std::max(revision, change.revision());
  const std::string& key = change.key();
  const bool deleted = change.deleted();
  const v1::Entity& e = change.entity();
  switch (change.kind()) {
    case v1::ENTITY_KIND_DEVICE: PutOrErase(devices, key, deleted, e.device()); break;
    case v1::ENTITY_KIND_SUBSCRIBER: PutOrErase(subscribers, key, deleted, e.subscriber()); break;
    case v1::ENTITY_KIND_MODEL: PutOrErase(models, key, deleted, e.model()); break;
    case v1::ENTITY_KIND_TEMPLATE: PutOrErase(templates, key, deleted, e.template_()); break;
    case v1::ENTITY_KIND_PACKAGE: PutOrErase(packages, key, deleted, e.package()); break;
    case v1::ENTITY_KIND_CLIENT_CLASS:
      PutOrErase(classes, key, deleted, e.client_class());
      break;
    case v1::ENTITY_KIND_KEY_EPOCH: {
      if (deleted) break;  // old epochs simply stop being accepted
      TokenKey k;
      k.epoch = static_cast<uint32_t>(e.key_epoch().epoch());
      const std::string& bytes = e.key_epoch().key();
      if (bytes.size() != k.key.size()) break;
      std::copy(bytes.begin(), bytes.end(), k.key.begin());
      keys.Put(k);
      break;
    }
    default:
      break;  // slaves are not needed to generate
  }
}

}  // namespace provisor
