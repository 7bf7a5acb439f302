// Helpers over provisor.v1.Entity: its kind, key, stored bytes, and the
// references it holds to other entities (what referential integrity checks).
//
// Thread-safety: stateless.
#ifndef PROVISOR_MASTER_STORE_ENTITY_H_
#define PROVISOR_MASTER_STORE_ENTITY_H_

#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "provisor/v1/model.pb.h"

namespace provisor {

// "subscriber", "device", "model", "template", "package", "class", "slave", "key".
std::string_view KindName(v1::EntityKind kind);
StatusOr<v1::EntityKind> KindFromName(std::string_view name);
// ENTITY_KIND_UNSPECIFIED for an empty Entity.
v1::EntityKind KindOf(const v1::Entity& entity);
std::string KeyOf(const v1::Entity& entity);

// The concrete message's bytes (what the entity database stores).
std::string SerializeBody(const v1::Entity& entity);
Status ParseBody(v1::EntityKind kind, std::string_view bytes, v1::Entity* out);

struct Reference {
  v1::EntityKind kind;  // what is referenced
  std::string key;
  std::string_view field;  // the referencing field, for messages
};
// Every non-empty reference field.
std::vector<Reference> ReferencesOf(const v1::Entity& entity);

}  // namespace provisor

#endif  // PROVISOR_MASTER_STORE_ENTITY_H_
