// References between entities: what referential integrity checks (a device
// references its model, subscriber and client class; a model its template;
// ...), as the table of kinds (common/entity_kinds.h) lists them. The rest
// of the entity helpers are in common/entity.h.
//
// Thread-safety: stateless.
#ifndef PROVISOR_MASTER_STORE_ENTITY_H_
#define PROVISOR_MASTER_STORE_ENTITY_H_

#include <string>
#include <string_view>
#include <vector>

#include "common/entity.h"
#include "provisor/v1/model.pb.h"

namespace provisor {

struct Reference {
  v1::EntityKind kind;  // what is referenced
  std::string key;
  std::string_view field;  // the referencing field, for messages
};
// Every non-empty reference field.
std::vector<Reference> ReferencesOf(const v1::Entity& entity);

}  // namespace provisor

#endif  // PROVISOR_MASTER_STORE_ENTITY_H_
