// Entity kinds as provisorctl names them: which kinds an operator manages,
// parsing a kind's name from a command line or a CSV column, its plural and
// the name of its key field. Names, keys and the message inside an Entity
// come from the table of kinds (common/entity_kinds.h, common/entity.h);
// this header adds only provisorctl's own choices.
//
// Thread-safety: pure functions.
#ifndef PROVISOR_MASTER_CTL_ENTITY_KIND_H_
#define PROVISOR_MASTER_CTL_ENTITY_KIND_H_

#include <optional>
#include <string_view>

#include "common/entity.h"
#include "provisor/v1/model.pb.h"

namespace provisor::ctl {

// The kinds an operator manages with provisorctl, in import order.
inline constexpr v1::EntityKind kManagedKinds[] = {
    v1::ENTITY_KIND_TEMPLATE,   v1::ENTITY_KIND_MODEL,
    v1::ENTITY_KIND_PACKAGE,    v1::ENTITY_KIND_CLIENT_CLASS,
    v1::ENTITY_KIND_SUBSCRIBER, v1::ENTITY_KIND_DEVICE,
};

// A managed kind by its name, plural or alias ("subscriber", "subscribers",
// "class", "client_class", ...; any case); nullopt for anything else.
std::optional<v1::EntityKind> ParseKind(std::string_view name);

// "subscribers", "devices", ..., "classes"; "entities" for no kind.
std::string_view KindPlural(v1::EntityKind kind);

// The name of the key field: "id", or "mac" for devices.
std::string_view KeyFieldName(v1::EntityKind kind);

}  // namespace provisor::ctl

#endif  // PROVISOR_MASTER_CTL_ENTITY_KIND_H_
