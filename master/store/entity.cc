#include "master/store/entity.h"

#include "common/entity_kinds.h"

namespace provisor {

std::vector<Reference> ReferencesOf(const v1::Entity& e) {
  std::vector<Reference> refs;
  const EntityKindInfo* row = FindKind(e);
  if (row == nullptr) return refs;
  for (const KindReference& ref : row->references) {
    const std::string& key = ref.get(e);
    if (!key.empty()) refs.push_back(Reference{ref.to, key, ref.field});
  }
  return refs;
}

}  // namespace provisor
