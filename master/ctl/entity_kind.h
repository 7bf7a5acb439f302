// Entity kinds as provisorctl names them ("subscriber", "device", "model",
// "template", "package", "class"), and uniform access to the message inside a
// provisor.v1.Entity whatever its kind.
//
// Thread-safety: pure functions.
#ifndef PROVISOR_MASTER_CTL_ENTITY_KIND_H_
#define PROVISOR_MASTER_CTL_ENTITY_KIND_H_

#include <optional>
#include <string>
#include <string_view>

#include "provisor/v1/model.pb.h"

namespace provisor::ctl {

// The kinds an operator manages with provisorctl, in import order.
inline constexpr v1::EntityKind kManagedKinds[] = {
    v1::ENTITY_KIND_TEMPLATE,   v1::ENTITY_KIND_MODEL,
    v1::ENTITY_KIND_PACKAGE,    v1::ENTITY_KIND_CLIENT_CLASS,
    v1::ENTITY_KIND_SUBSCRIBER, v1::ENTITY_KIND_DEVICE,
};

// "subscriber", "subscribers", "class", "client_class", ... (any case);
// nullopt for anything else.
std::optional<v1::EntityKind> ParseKind(std::string_view name);

// "subscriber", "device", "model", "template", "package", "class".
std::string_view KindName(v1::EntityKind kind);
// "subscribers", "devices", ..., "classes".
std::string_view KindPlural(v1::EntityKind kind);

// The kind held by `entity`; ENTITY_KIND_UNSPECIFIED when it holds nothing.
v1::EntityKind KindOf(const v1::Entity& entity);

// The message inside `entity`, or null when it holds nothing.
const google::protobuf::Message* Payload(const v1::Entity& entity);
// Sets `entity` to hold an (existing or new) message of `kind` and returns
// it. REQUIRES: kind is not ENTITY_KIND_UNSPECIFIED.
google::protobuf::Message* MutablePayload(v1::EntityKind kind, v1::Entity* entity);

// The entity's key: Subscriber.id, Device.mac, DeviceModel.id, ...
std::string EntityKey(const v1::Entity& entity);

// Sets the key field of an entity of `kind` (creating the payload).
void SetEntityKey(v1::EntityKind kind, std::string key, v1::Entity* entity);

// The name of the key field: "id", or "mac" for devices.
std::string_view KeyFieldName(v1::EntityKind kind);

}  // namespace provisor::ctl

#endif  // PROVISOR_MASTER_CTL_ENTITY_KIND_H_
