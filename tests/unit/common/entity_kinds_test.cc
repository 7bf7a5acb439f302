#include "common/entity_kinds.h"

#include <catch2/catch.hpp>
#include <set>
#include <string>

#include "common/entity.h"

namespace provisor {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::EnumDescriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::OneofDescriptor;

const FieldDescriptor* OneofField(const EntityKindInfo& row) {
  return v1::Entity::descriptor()->FindFieldByNumber(row.oneof_case);
}

TEST_CASE("every Entity oneof field has a row of the table of kinds") {
  const OneofDescriptor* oneof = v1::Entity::descriptor()->FindOneofByName("kind");
  REQUIRE(oneof != nullptr);
  for (int i = 0; i < oneof->field_count(); ++i) {
    const FieldDescriptor* field = oneof->field(i);
    INFO("Entity." << field->name() << " needs a row in common/entity_kinds.cc");
    v1::Entity entity;
    entity.GetReflection()->MutableMessage(&entity, field);
    const EntityKindInfo* row = FindKind(entity);
    REQUIRE(row != nullptr);
    CHECK(row->oneof_case == field->number());
    CHECK(row->get(entity).GetDescriptor() == field->message_type());
  }
}

TEST_CASE("every EntityKind value has a row of the table of kinds") {
  const EnumDescriptor* kinds = v1::EntityKind_descriptor();
  size_t named = 0;
  for (int i = 0; i < kinds->value_count(); ++i) {
    const auto kind = static_cast<v1::EntityKind>(kinds->value(i)->number());
    if (kind == v1::ENTITY_KIND_UNSPECIFIED) {
      CHECK(FindKind(kind) == nullptr);
      continue;
    }
    INFO(kinds->value(i)->name() << " needs a row in common/entity_kinds.cc");
    const EntityKindInfo* row = FindKind(kind);
    REQUIRE(row != nullptr);
    CHECK(row->kind == kind);
    ++named;
  }
  CHECK(EntityKinds().size() == named);
  CHECK(EntityKinds().size() ==
        static_cast<size_t>(v1::Entity::descriptor()->FindOneofByName("kind")->field_count()));
}

TEST_CASE("the table of kinds has unique kinds, cases, names and databases") {
  std::set<int> kinds, cases;
  std::set<std::string> names, plurals, dbs;
  for (const EntityKindInfo& row : EntityKinds()) {
    INFO(row.name);
    CHECK(kinds.insert(row.kind).second);
    CHECK(cases.insert(row.oneof_case).second);
    CHECK(names.insert(std::string(row.name)).second);
    CHECK(plurals.insert(std::string(row.plural)).second);
    CHECK(dbs.insert(std::string(row.db_name)).second);
    CHECK_FALSE(row.name.empty());
    CHECK_FALSE(row.plural.empty());
    CHECK_FALSE(row.db_name.empty());
    CHECK(row.alias.empty() == row.alias_plural.empty());
  }
}

TEST_CASE("the LMDB database names are the ones on disk") {
  // Existing stores open these by name: a change here loses their data.
  std::vector<std::pair<v1::EntityKind, std::string>> on_disk = {
      {v1::ENTITY_KIND_SUBSCRIBER, "subscriber"}, {v1::ENTITY_KIND_DEVICE, "device"},
      {v1::ENTITY_KIND_MODEL, "model"},           {v1::ENTITY_KIND_TEMPLATE, "template"},
      {v1::ENTITY_KIND_PACKAGE, "package"},       {v1::ENTITY_KIND_CLIENT_CLASS, "class"},
      {v1::ENTITY_KIND_SLAVE, "slave"},           {v1::ENTITY_KIND_KEY_EPOCH, "key"},
  };
  for (const auto& [kind, db] : on_disk) {
    const EntityKindInfo* row = FindKind(kind);
    REQUIRE(row != nullptr);
    CHECK(row->db_name == db);
  }
}

TEST_CASE("each row's accessors round-trip") {
  for (const EntityKindInfo& row : EntityKinds()) {
    INFO(row.name);
    v1::Entity entity;
    CHECK(FindKind(entity) == nullptr);
    google::protobuf::Message* message = row.mutable_message(&entity);
    REQUIRE(message != nullptr);
    CHECK(message->GetDescriptor() == OneofField(row)->message_type());
    CHECK(static_cast<int>(entity.kind_case()) == row.oneof_case);
    CHECK(FindKind(entity) == &row);
    CHECK(&row.get(entity) == message);
    CHECK(Payload(entity) == message);
    CHECK(MutablePayload(row.kind, &entity) == message);
    CHECK(KindOf(entity) == row.kind);
    CHECK(KindName(row.kind) == row.name);
    StatusOr<v1::EntityKind> by_name = KindFromName(row.name);
    REQUIRE(by_name.ok());
    CHECK(*by_name == row.kind);

    // The key: set through the row, read back through the row.
    const FieldDescriptor* key_field = message->GetDescriptor()->FindFieldByName(
        std::string(row.key_field));
    REQUIRE(key_field != nullptr);
    if (row.set_key != nullptr) {
      row.set_key("key-1", &entity);
      CHECK(row.key_of(entity) == "key-1");
      CHECK(KeyOf(entity) == "key-1");
      CHECK(message->GetReflection()->GetString(*message, key_field) == "key-1");
    } else {
      REQUIRE(key_field->cpp_type() == FieldDescriptor::CPPTYPE_UINT64);
      message->GetReflection()->SetUInt64(message, key_field, 42);
      CHECK(row.key_of(entity) == "00000000000000000042");
    }

    // References: each names a string field of the message, read by `get`.
    for (const KindReference& ref : row.references) {
      INFO(ref.field);
      CHECK(FindKind(ref.to) != nullptr);
      const FieldDescriptor* field =
          message->GetDescriptor()->FindFieldByName(std::string(ref.field));
      REQUIRE(field != nullptr);
      REQUIRE(field->cpp_type() == FieldDescriptor::CPPTYPE_STRING);
      CHECK(ref.get(entity).empty());
      message->GetReflection()->SetString(message, field, "ref-" + std::string(ref.field));
      CHECK(ref.get(entity) == "ref-" + std::string(ref.field));
    }

    // The stored body parses back into the same kind.
    v1::Entity parsed;
    REQUIRE(ParseBody(row.kind, SerializeBody(entity), &parsed).ok());
    CHECK(KindOf(parsed) == row.kind);
    CHECK(parsed.SerializeAsString() == entity.SerializeAsString());
  }
}

TEST_CASE("kinds without a row") {
  v1::Entity empty;
  CHECK(KindOf(empty) == v1::ENTITY_KIND_UNSPECIFIED);
  CHECK(KeyOf(empty).empty());
  CHECK(Payload(empty) == nullptr);
  CHECK(MutablePayload(v1::ENTITY_KIND_UNSPECIFIED, &empty) == nullptr);
  CHECK(KindName(v1::ENTITY_KIND_UNSPECIFIED) == "unknown");
  CHECK_FALSE(KindFromName("entity").ok());
}

}  // namespace
}  // namespace provisor
