#include "master/store/entity.h"

namespace provisor {

std::vector<Reference> ReferencesOf(const v1::Entity& e) {
  std::vector<Reference> refs;
  auto add = [&](v1::EntityKind kind, const std::string& key, std::string_view field) {
    if (!key.empty()) refs.push_back(Reference{kind, key, field});
  };
  switch (e.kind_case()) {
    case v1::Entity::kSubscriber:
      add(v1::ENTITY_KIND_PACKAGE, e.subscriber().service_package(), "service_package");
      break;
    case v1::Entity::kDevice:
      add(v1::ENTITY_KIND_MODEL, e.device().model(), "model");
      add(v1::ENTITY_KIND_SUBSCRIBER, e.device().subscriber_id(), "subscriber_id");
      add(v1::ENTITY_KIND_CLIENT_CLASS, e.device().client_class(), "client_class");
      break;
    case v1::Entity::kModel:
      add(v1::ENTITY_KIND_TEMPLATE, e.model().template_id(), "template_id");
      break;
    case v1::Entity::kPackage:
      add(v1::ENTITY_KIND_TEMPLATE, e.package().template_id(), "template_id");
      break;
    case v1::Entity::kClientClass:
      add(v1::ENTITY_KIND_TEMPLATE, e.client_class().template_id(), "template_id");
      add(v1::ENTITY_KIND_PACKAGE, e.client_class().service_package(), "service_package");
      break;
    default:
      break;
  }
  return refs;
}

}  // namespace provisor
