// Helpers over provisor.v1.Entity shared by the master, its store and
// provisorctl: an entity's kind, its key, and the bytes of the message it
// holds. All of it is read from the table of kinds (common/entity_kinds.h).
//
// Thread-safety: stateless.
#ifndef PROVISOR_COMMON_ENTITY_H_
#define PROVISOR_COMMON_ENTITY_H_

#include <string>
#include <string_view>

#include "common/status.h"
#include "provisor/v1/model.pb.h"

namespace provisor {

// "subscriber", "device", "model", "template", "package", "class", "slave", "key".
std::string_view KindName(v1::EntityKind kind);
StatusOr<v1::EntityKind> KindFromName(std::string_view name);
// ENTITY_KIND_UNSPECIFIED for an empty Entity.
v1::EntityKind KindOf(const v1::Entity& entity);
// Subscriber.id, Device.mac, ...; key epochs as 20-digit zero-padded decimal.
std::string KeyOf(const v1::Entity& entity);

// The message inside `entity`, or null when it holds nothing.
const google::protobuf::Message* Payload(const v1::Entity& entity);
// Sets `entity` to hold a message of `kind` and returns it; null for
// ENTITY_KIND_UNSPECIFIED.
google::protobuf::Message* MutablePayload(v1::EntityKind kind, v1::Entity* entity);

// The payload's bytes (what the entity database stores).
std::string SerializeBody(const v1::Entity& entity);
Status ParseBody(v1::EntityKind kind, std::string_view bytes, v1::Entity* out);

}  // namespace provisor

#endif  // PROVISOR_COMMON_ENTITY_H_
