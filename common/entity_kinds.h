// The one table of entity kinds: everything the code knows about a kind of
// provisor.v1.Entity that is not specific to one part (its names, its LMDB
// database, its place in the Entity oneof, how to reach its message and its
// key, and which other kinds it refers to). Adding a kind is one row in
// entity_kinds.cc plus its message in proto/provisor/v1/model.proto; the
// unit test (tests/unit/common/entity_kinds_test.cc) fails until the row is
// there.
//
// Thread-safety: an immutable table; all functions are pure.
#ifndef PROVISOR_COMMON_ENTITY_KINDS_H_
#define PROVISOR_COMMON_ENTITY_KINDS_H_

#include <span>
#include <string>
#include <string_view>

#include "provisor/v1/model.pb.h"

namespace provisor {

// A reference from one kind to another: a string field of the referring
// message holding the key of an entity of kind `to`.
struct KindReference {
  v1::EntityKind to;
  std::string_view field;  // the referring message's field, e.g. "template_id"
  const std::string& (*get)(const v1::Entity& entity);
};

struct EntityKindInfo {
  v1::EntityKind kind;
  // The Entity oneof case (= its field number) holding this kind.
  v1::Entity::KindCase oneof_case;
  std::string_view name;     // "device": messages, provisorctl, store counts
  std::string_view plural;   // "devices"
  // provisorctl also accepts these (any case); empty when there are none.
  std::string_view alias;         // "client_class"
  std::string_view alias_plural;  // "client_classes"
  // The LMDB named database holding this kind. On disk: never change one.
  std::string_view db_name;
  std::string_view key_field;  // "id", or "mac" for devices
  // The message inside an Entity (its default instance when the Entity holds
  // another kind), and the same message made the one the Entity holds.
  const google::protobuf::Message& (*get)(const v1::Entity& entity);
  google::protobuf::Message* (*mutable_message)(v1::Entity* entity);
  // The entity's key (Device.mac, ...; key epochs as 20-digit decimal).
  std::string (*key_of)(const v1::Entity& entity);
  // Sets the key field, creating the message; null when the key is not a
  // string an operator gives (key epochs).
  void (*set_key)(std::string key, v1::Entity* entity);
  // The kinds this kind refers to, for referential integrity.
  std::span<const KindReference> references;
};

// Every kind, in EntityKind order; ENTITY_KIND_UNSPECIFIED has no row.
std::span<const EntityKindInfo> EntityKinds();
// The row of `kind`, or null (ENTITY_KIND_UNSPECIFIED, unknown values).
const EntityKindInfo* FindKind(v1::EntityKind kind);
// The row of the kind an Entity holds, or null when it holds nothing.
const EntityKindInfo* FindKind(const v1::Entity& entity);

}  // namespace provisor

#endif  // PROVISOR_COMMON_ENTITY_KINDS_H_
