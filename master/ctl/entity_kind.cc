#include "master/ctl/entity_kind.h"

#include "common/entity.h"
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

std::string_view KindName(v1::EntityKind kind) { return ::provisor::KindName(kind); }

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

v1::EntityKind KindOf(const v1::Entity& entity) { return ::provisor::KindOf(entity); }

const google::protobuf::Message* Payload(const v1::Entity& entity) {
  return ::provisor::Payload(entity);
}

google::protobuf::Message* MutablePayload(v1::EntityKind kind, v1::Entity* entity) {
  return ::provisor::MutablePayload(kind, entity);
}

std::string EntityKey(const v1::Entity& entity) { return ::provisor::KeyOf(entity); }

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
