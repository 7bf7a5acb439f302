#include "master/ctl/entity_kind.h"

#include "master/ctl/text.h"

namespace provisor::ctl {

std::optional<v1::EntityKind> ParseKind(std::string_view name) {
  const std::string lower = Lower(name);
  if (lower == "subscriber" || lower == "subscribers") return v1::ENTITY_KIND_SUBSCRIBER;
  if (lower == "device" || lower == "devices") return v1::ENTITY_KIND_DEVICE;
  if (lower == "model" || lower == "models") return v1::ENTITY_KIND_MODEL;
  if (lower == "template" || lower == "templates") return v1::ENTITY_KIND_TEMPLATE;
  if (lower == "package" || lower == "packages") return v1::ENTITY_KIND_PACKAGE;
  if (lower == "class" || lower == "classes" || lower == "client_class" ||
      lower == "client_classes") {
    return v1::ENTITY_KIND_CLIENT_CLASS;
  }
  return std::nullopt;
}

std::string_view KindName(v1::EntityKind kind) {
  switch (kind) {
    case v1::ENTITY_KIND_SUBSCRIBER: return "subscriber";
    case v1::ENTITY_KIND_DEVICE: return "device";
    case v1::ENTITY_KIND_MODEL: return "model";
    case v1::ENTITY_KIND_TEMPLATE: return "template";
    case v1::ENTITY_KIND_PACKAGE: return "package";
    case v1::ENTITY_KIND_CLIENT_CLASS: return "class";
    case v1::ENTITY_KIND_SLAVE: return "slave";
    case v1::ENTITY_KIND_KEY_EPOCH: return "key epoch";
    default: return "entity";
  }
}

std::string_view KindPlural(v1::EntityKind kind) {
  switch (kind) {
    case v1::ENTITY_KIND_SUBSCRIBER: return "subscribers";
    case v1::ENTITY_KIND_DEVICE: return "devices";
    case v1::ENTITY_KIND_MODEL: return "models";
    case v1::ENTITY_KIND_TEMPLATE: return "templates";
    case v1::ENTITY_KIND_PACKAGE: return "packages";
    case v1::ENTITY_KIND_CLIENT_CLASS: return "classes";
    case v1::ENTITY_KIND_SLAVE: return "slaves";
    case v1::ENTITY_KIND_KEY_EPOCH: return "key epochs";
    default: return "entities";
  }
}

v1::EntityKind KindOf(const v1::Entity& entity) {
  switch (entity.kind_case()) {
    case v1::Entity::kSubscriber: return v1::ENTITY_KIND_SUBSCRIBER;
    case v1::Entity::kDevice: return v1::ENTITY_KIND_DEVICE;
    case v1::Entity::kModel: return v1::ENTITY_KIND_MODEL;
    case v1::Entity::kTemplate: return v1::ENTITY_KIND_TEMPLATE;
    case v1::Entity::kPackage: return v1::ENTITY_KIND_PACKAGE;
    case v1::Entity::kClientClass: return v1::ENTITY_KIND_CLIENT_CLASS;
    case v1::Entity::kSlave: return v1::ENTITY_KIND_SLAVE;
    case v1::Entity::kKeyEpoch: return v1::ENTITY_KIND_KEY_EPOCH;
    default: return v1::ENTITY_KIND_UNSPECIFIED;
  }
}

const google::protobuf::Message* Payload(const v1::Entity& entity) {
  switch (entity.kind_case()) {
    case v1::Entity::kSubscriber: return &entity.subscriber();
    case v1::Entity::kDevice: return &entity.device();
    case v1::Entity::kModel: return &entity.model();
    case v1::Entity::kTemplate: return &entity.template_();
    case v1::Entity::kPackage: return &entity.package();
    case v1::Entity::kClientClass: return &entity.client_class();
    case v1::Entity::kSlave: return &entity.slave();
    case v1::Entity::kKeyEpoch: return &entity.key_epoch();
    default: return nullptr;
  }
}

google::protobuf::Message* MutablePayload(v1::EntityKind kind, v1::Entity* entity) {
  switch (kind) {
    case v1::ENTITY_KIND_SUBSCRIBER: return entity->mutable_subscriber();
    case v1::ENTITY_KIND_DEVICE: return entity->mutable_device();
    case v1::ENTITY_KIND_MODEL: return entity->mutable_model();
    case v1::ENTITY_KIND_TEMPLATE: return entity->mutable_template_();
    case v1::ENTITY_KIND_PACKAGE: return entity->mutable_package();
    case v1::ENTITY_KIND_CLIENT_CLASS: return entity->mutable_client_class();
    case v1::ENTITY_KIND_SLAVE: return entity->mutable_slave();
    case v1::ENTITY_KIND_KEY_EPOCH: return entity->mutable_key_epoch();
    default: return nullptr;
  }
}

std::string EntityKey(const v1::Entity& entity) {
  switch (entity.kind_case()) {
    case v1::Entity::kSubscriber: return entity.subscriber().id();
    case v1::Entity::kDevice: return entity.device().mac();
    case v1::Entity::kModel: return entity.model().id();
    case v1::Entity::kTemplate: return entity.template_().id();
    case v1::Entity::kPackage: return entity.package().id();
    case v1::Entity::kClientClass: return entity.client_class().id();
    case v1::Entity::kSlave: return entity.slave().id();
    case v1::Entity::kKeyEpoch: return std::to_string(entity.key_epoch().epoch());
    default: return "";
  }
}

void SetEntityKey(v1::EntityKind kind, std::string key, v1::Entity* entity) {
  switch (kind) {
    case v1::ENTITY_KIND_SUBSCRIBER: entity->mutable_subscriber()->set_id(std::move(key)); break;
    case v1::ENTITY_KIND_DEVICE: entity->mutable_device()->set_mac(std::move(key)); break;
    case v1::ENTITY_KIND_MODEL: entity->mutable_model()->set_id(std::move(key)); break;
    case v1::ENTITY_KIND_TEMPLATE: entity->mutable_template_()->set_id(std::move(key)); break;
    case v1::ENTITY_KIND_PACKAGE: entity->mutable_package()->set_id(std::move(key)); break;
    case v1::ENTITY_KIND_CLIENT_CLASS:
      entity->mutable_client_class()->set_id(std::move(key));
      break;
    case v1::ENTITY_KIND_SLAVE: entity->mutable_slave()->set_id(std::move(key)); break;
    default: break;
  }
}

std::string_view KeyFieldName(v1::EntityKind kind) {
  return kind == v1::ENTITY_KIND_DEVICE ? "mac" : "id";
}

}  // namespace provisor::ctl
