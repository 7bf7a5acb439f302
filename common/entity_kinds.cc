#include "common/entity_kinds.h"

#include <cstdio>
#include <utility>

namespace provisor {
namespace {

using google::protobuf::Message;
using v1::Entity;

constexpr KindReference kSubscriberRefs[] = {
    {v1::ENTITY_KIND_PACKAGE, "service_package",
     [](const Entity& e) -> const std::string& { return e.subscriber().service_package(); }},
};
constexpr KindReference kDeviceRefs[] = {
    {v1::ENTITY_KIND_MODEL, "model",
     [](const Entity& e) -> const std::string& { return e.device().model(); }},
    {v1::ENTITY_KIND_SUBSCRIBER, "subscriber_id",
     [](const Entity& e) -> const std::string& { return e.device().subscriber_id(); }},
    {v1::ENTITY_KIND_CLIENT_CLASS, "client_class",
     [](const Entity& e) -> const std::string& { return e.device().client_class(); }},
};
constexpr KindReference kModelRefs[] = {
    {v1::ENTITY_KIND_TEMPLATE, "template_id",
     [](const Entity& e) -> const std::string& { return e.model().template_id(); }},
};
constexpr KindReference kPackageRefs[] = {
    {v1::ENTITY_KIND_TEMPLATE, "template_id",
     [](const Entity& e) -> const std::string& { return e.package().template_id(); }},
};
constexpr KindReference kClassRefs[] = {
    {v1::ENTITY_KIND_TEMPLATE, "template_id",
     [](const Entity& e) -> const std::string& { return e.client_class().template_id(); }},
    {v1::ENTITY_KIND_PACKAGE, "service_package",
     [](const Entity& e) -> const std::string& { return e.client_class().service_package(); }},
};

// Zero-padded decimal: sorts in epoch order and is valid UTF-8, as the
// string fields a key travels in require.
std::string EpochKey(const Entity& e) {
  char key[24];
  std::snprintf(key, sizeof(key), "%020llu",
                static_cast<unsigned long long>(e.key_epoch().epoch()));
  return key;
}

// One row per kind, in EntityKind order. The db_name column is on disk.
constexpr EntityKindInfo kKinds[] = {
    {v1::ENTITY_KIND_SUBSCRIBER, Entity::kSubscriber, "subscriber", "subscribers", "", "",
     "subscriber", "id",
     [](const Entity& e) -> const Message& { return e.subscriber(); },
     [](Entity* e) -> Message* { return e->mutable_subscriber(); },
     [](const Entity& e) { return e.subscriber().id(); },
     [](std::string key, Entity* e) { e->mutable_subscriber()->set_id(std::move(key)); },
     kSubscriberRefs},
    {v1::ENTITY_KIND_DEVICE, Entity::kDevice, "device", "devices", "", "",
     "device", "mac",
     [](const Entity& e) -> const Message& { return e.device(); },
     [](Entity* e) -> Message* { return e->mutable_device(); },
     [](const Entity& e) { return e.device().mac(); },
     [](std::string key, Entity* e) { e->mutable_device()->set_mac(std::move(key)); },
     kDeviceRefs},
    {v1::ENTITY_KIND_MODEL, Entity::kModel, "model", "models", "", "",
     "model", "id",
     [](const Entity& e) -> const Message& { return e.model(); },
     [](Entity* e) -> Message* { return e->mutable_model(); },
     [](const Entity& e) { return e.model().id(); },
     [](std::string key, Entity* e) { e->mutable_model()->set_id(std::move(key)); },
     kModelRefs},
    {v1::ENTITY_KIND_TEMPLATE, Entity::kTemplate, "template", "templates", "", "",
     "template", "id",
     [](const Entity& e) -> const Message& { return e.template_(); },
     [](Entity* e) -> Message* { return e->mutable_template_(); },
     [](const Entity& e) { return e.template_().id(); },
     [](std::string key, Entity* e) { e->mutable_template_()->set_id(std::move(key)); },
     {}},
    {v1::ENTITY_KIND_PACKAGE, Entity::kPackage, "package", "packages", "", "",
     "package", "id",
     [](const Entity& e) -> const Message& { return e.package(); },
     [](Entity* e) -> Message* { return e->mutable_package(); },
     [](const Entity& e) { return e.package().id(); },
     [](std::string key, Entity* e) { e->mutable_package()->set_id(std::move(key)); },
     kPackageRefs},
    {v1::ENTITY_KIND_CLIENT_CLASS, Entity::kClientClass, "class", "classes", "client_class",
     "client_classes", "class", "id",
     [](const Entity& e) -> const Message& { return e.client_class(); },
     [](Entity* e) -> Message* { return e->mutable_client_class(); },
     [](const Entity& e) { return e.client_class().id(); },
     [](std::string key, Entity* e) { e->mutable_client_class()->set_id(std::move(key)); },
     kClassRefs},
    {v1::ENTITY_KIND_SLAVE, Entity::kSlave, "slave", "slaves", "", "",
     "slave", "id",
     [](const Entity& e) -> const Message& { return e.slave(); },
     [](Entity* e) -> Message* { return e->mutable_slave(); },
     [](const Entity& e) { return e.slave().id(); },
     [](std::string key, Entity* e) { e->mutable_slave()->set_id(std::move(key)); },
     {}},
    {v1::ENTITY_KIND_KEY_EPOCH, Entity::kKeyEpoch, "key", "key epochs", "", "",
     "key", "epoch",
     [](const Entity& e) -> const Message& { return e.key_epoch(); },
     [](Entity* e) -> Message* { return e->mutable_key_epoch(); },
     EpochKey,
     nullptr,
     {}},
};

}  // namespace

std::span<const EntityKindInfo> EntityKinds() { return kKinds; }

const EntityKindInfo* FindKind(v1::EntityKind kind) {
  for (const EntityKindInfo& row : kKinds) {
    if (row.kind == kind) return &row;
  }
  return nullptr;
}

const EntityKindInfo* FindKind(const v1::Entity& entity) {
  const Entity::KindCase held = entity.kind_case();
  if (held == Entity::KIND_NOT_SET) return nullptr;
  for (const EntityKindInfo& row : kKinds) {
    if (row.oneof_case == held) return &row;
  }
  return nullptr;
}

}  // namespace provisor
