#include "common/entity.h"

#include <string>

#include "common/entity_kinds.h"

namespace provisor {

std::string_view KindName(v1::EntityKind kind) {
  const EntityKindInfo* row = FindKind(kind);
  return row == nullptr ? "unknown" : row->name;
}

StatusOr<v1::EntityKind> KindFromName(std::string_view name) {
  for (const EntityKindInfo& row : EntityKinds()) {
    if (row.name == name) return row.kind;
  }
  return InvalidArgumentError("unknown entity kind '" + std::string(name) + "'");
}

v1::EntityKind KindOf(const v1::Entity& e) {
  const EntityKindInfo* row = FindKind(e);
  return row == nullptr ? v1::ENTITY_KIND_UNSPECIFIED : row->kind;
}

std::string KeyOf(const v1::Entity& e) {
  const EntityKindInfo* row = FindKind(e);
  return row == nullptr ? std::string() : row->key_of(e);
}

const google::protobuf::Message* Payload(const v1::Entity& e) {
  const EntityKindInfo* row = FindKind(e);
  return row == nullptr ? nullptr : &row->get(e);
}

google::protobuf::Message* MutablePayload(v1::EntityKind kind, v1::Entity* e) {
  const EntityKindInfo* row = FindKind(kind);
  return row == nullptr ? nullptr : row->mutable_message(e);
}

std::string SerializeBody(const v1::Entity& e) {
  const google::protobuf::Message* body = Payload(e);
  return body == nullptr ? std::string() : body->SerializeAsString();
}

Status ParseBody(v1::EntityKind kind, std::string_view bytes, v1::Entity* out) {
  out->Clear();
  google::protobuf::Message* body = MutablePayload(kind, out);
  if (body == nullptr) return InvalidArgumentError("unknown entity kind");
  if (!body->ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
    return Status(StatusCode::kDataLoss,
                  "stored " + std::string(KindName(kind)) + " does not parse");
  }
  return Status::Ok();
}

}  // namespace provisor
