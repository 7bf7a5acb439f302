#include "slave/generation/snapshot.h"

#include <algorithm>

#include "common/entity.h"

namespace provisor {
namespace {

template <typename T>
void PutParsed(ParsedTable<T>& table, const std::string& key, bool deleted, const T& value) {
  if (deleted) {
    table.Erase(key);
  } else {
    table.Put(key, std::make_shared<const T>(value));
  }
}

void PutBytes(ShardedTable<std::string>& table, const std::string& key, bool deleted,
              const google::protobuf::MessageLite& value) {
  if (deleted) {
    table.Erase(key);
  } else {
    table.Put(key, value.SerializeAsString());
  }
}

// Compiles `t` into `table` (or drops it), reporting a compile error.
void PutCompiled(ParsedTable<ArrivedTemplate>& table, const std::string& key, bool deleted,
                 const v1::Template& t, Status* compile_error) {
  if (deleted) {
    table.Erase(key);
    return;
  }
  auto arrived = std::make_shared<ArrivedTemplate>();
  arrived->version = t.version();
  StatusOr<std::shared_ptr<const CompiledTemplate>> compiled =
      CompiledTemplate::Compile(t.id(), t.version(), t.body());
  if (compiled.ok()) {
    arrived->compiled = std::move(*compiled);
  } else {
    arrived->error = compiled.status();
    if (compile_error != nullptr) *compile_error = compiled.status();
  }
  table.Put(key, std::move(arrived));
}

void PutKey(KeyRing& keys, const v1::KeyEpoch& epoch) {
  TokenKey k;
  k.epoch = static_cast<uint32_t>(epoch.epoch());
  const std::string& bytes = epoch.key();
  if (bytes.size() != k.key.size()) return;
  std::copy(bytes.begin(), bytes.end(), k.key.begin());
  keys.Put(k);
}

// Keeps (or drops) one entity of `kind` in the table the slave holds it in.
// This is the one place that knows the slave's storage of each kind: bytes
// for the big kinds, parsed for the small ones, templates also compiled on
// arrival, key epochs into the key ring. Kinds the slave does not need to
// generate (slaves) are not kept.
void Keep(GenerationSnapshot& s, v1::EntityKind kind, const std::string& key, bool deleted,
          const v1::Entity& e, Status* compile_error) {
  switch (kind) {
    case v1::ENTITY_KIND_DEVICE: PutBytes(s.devices, key, deleted, e.device()); break;
    case v1::ENTITY_KIND_SUBSCRIBER: PutBytes(s.subscribers, key, deleted, e.subscriber()); break;
    case v1::ENTITY_KIND_MODEL: PutParsed(s.models, key, deleted, e.model()); break;
    case v1::ENTITY_KIND_TEMPLATE:
      PutParsed(s.templates, key, deleted, e.template_());
      PutCompiled(s.compiled, key, deleted, e.template_(), compile_error);
      break;
    case v1::ENTITY_KIND_PACKAGE: PutParsed(s.packages, key, deleted, e.package()); break;
    case v1::ENTITY_KIND_CLIENT_CLASS: PutParsed(s.classes, key, deleted, e.client_class()); break;
    case v1::ENTITY_KIND_KEY_EPOCH:
      if (!deleted) PutKey(s.keys, e.key_epoch());  // old epochs simply stop being accepted
      break;
    default:
      break;  // slaves do not need it to generate
  }
}

}  // namespace

void GenerationSnapshot::Apply(const v1::Change& change, Status* compile_error) {
  revision = std::max(revision, change.revision());
  Keep(*this, change.kind(), change.key(), change.deleted(), change.entity(), compile_error);
}

void GenerationSnapshot::Put(const v1::Entity& e, Status* compile_error) {
  Keep(*this, KindOf(e), KeyOf(e), /*deleted=*/false, e, compile_error);
}

bool GenerationSnapshot::FindDevice(std::string_view mac, v1::Device* out) const {
  const std::string* bytes = devices.Find(mac);
  return bytes != nullptr && out->ParseFromString(*bytes);
}

bool GenerationSnapshot::FindSubscriber(std::string_view id, v1::Subscriber* out) const {
  const std::string* bytes = subscribers.Find(id);
  return bytes != nullptr && out->ParseFromString(*bytes);
}

const v1::DeviceModel* GenerationSnapshot::FindModel(std::string_view id) const {
  const std::shared_ptr<const v1::DeviceModel>* model = models.Find(id);
  return model == nullptr ? nullptr : model->get();
}

StatusOr<std::shared_ptr<const CompiledTemplate>> SnapshotTemplates::Get(const std::string& id,
                                                                         uint64_t version,
                                                                         std::string_view) {
  const std::shared_ptr<const ArrivedTemplate>* arrived = snap_.compiled.Find(id);
  if (arrived == nullptr || (*arrived)->version != version) {
    return FailedPreconditionError("template " + id + " version " + std::to_string(version) +
                                   " was not compiled on arrival");
  }
  if ((*arrived)->compiled == nullptr) return (*arrived)->error;
  return (*arrived)->compiled;
}

}  // namespace provisor
