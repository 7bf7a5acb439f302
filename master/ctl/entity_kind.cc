#include "master/ctl/entity_kind.h"

#include "common/entity_kinds.h"
#include "master/ctl/text.h"

namespace provisor::ctl {

std::optional<v1::EntityKind> ParseKind(std::string_view name) {
  const std::string lower = Lower(name);
  for (v1::EntityKind kind : kManagedKinds) {
    const EntityKindInfo* row = FindKind(kind);
    if (lower == row->name || lower == row->plural ||
        (!row->alias.empty() && (lower == row->alias || lower == row->alias_plural))) {
      return kind;
    }
  }
  return std::nullopt;
}

std::string_view KindPlural(v1::EntityKind kind) {
  const EntityKindInfo* row = FindKind(kind);
  return row == nullptr ? "entities" : row->plural;
}

std::string_view KeyFieldName(v1::EntityKind kind) {
  const EntityKindInfo* row = FindKind(kind);
  return row == nullptr ? "id" : row->key_field;
}

}  // namespace provisor::ctl
