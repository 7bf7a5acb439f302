#include "common/entity.h"

#include <cstdio>
#include <string>

namespace provisor {

std::string_view KindName(v1::EntityKind kind) {
  switch (kind) {
    case v1::ENTITY_KIND_SUBSCRIBER: return "subscriber";
    case v1::ENTITY_KIND_DEVICE: return "device";
    case v1::ENTITY_KIND_MODEL: return "model";
    case v1::ENTITY_KIND_TEMPLATE: return "template";
    case v1::ENTITY_KIND_PACKAGE: return "package";
    case v1::ENTITY_KIND_CLIENT_CLASS: return "class";
    case v1::ENTITY_KIND_SLAVE: return "slave";
    case v1::ENTITY_KIND_KEY_EPOCH: return "key";
    default: return "unknown";
  }
}

StatusOr<v1::EntityKind> KindFromName(std::string_view name) {
  for (int k = v1::ENTITY_KIND_SUBSCRIBER; k <= v1::ENTITY_KIND_KEY_EPOCH; ++k) {
    auto kind = static_cast<v1::EntityKind>(k);
    if (KindName(kind) == name) return kind;
  }
  return InvalidArgumentError("unknown entity kind '" + std::string(name) + "'");
}

v1::EntityKind KindOf(const v1::Entity& e) {
  switch (e.kind_case()) {
    case v1::Entity::kSubscriber: return v1::ENTITY_KIND_SUBSCRIBER;
    case v1::Entity::kDevice: return v1::ENTITY_KIND_DEVICE;
    case v1::Entity::kModel: return v1::ENTITY_KIND_MODEL;
    case v1::Entity::kTemplate: return v1::ENTITY_KIND_TEMPLATE;
    case v1::Entity::kPackage: return v1::ENTITY_KIND_PACKAGE;
    case v1::Entity::kClientClass: return v1::ENTITY_KIND_CLIENT_CLASS;
    case v1::Entity::kSlave: return v1::ENTITY_KIND_SLAVE;
    case v1::Entity::kKeyEpoch: return v1::ENTITY_KIND_KEY_EPOCH;
    case v1::Entity::KIND_NOT_SET: break;
  }
  return v1::ENTITY_KIND_UNSPECIFIED;
}

std::string KeyOf(const v1::Entity& e) {
  switch (e.kind_case()) {
    case v1::Entity::kSubscriber: return e.subscriber().id();
    case v1::Entity::kDevice: return e.device().mac();
    case v1::Entity::kModel: return e.model().id();
    case v1::Entity::kTemplate: return e.template_().id();
    case v1::Entity::kPackage: return e.package().id();
    case v1::Entity::kClientClass: return e.client_class().id();
    case v1::Entity::kSlave: return e.slave().id();
    case v1::Entity::kKeyEpoch: {
      // Zero-padded decimal: sorts in epoch order and is valid UTF-8, as
      // the string fields it travels in require.
      char key[24];
      std::snprintf(key, sizeof(key), "%020llu",
                    static_cast<unsigned long long>(e.key_epoch().epoch()));
      return key;
    }
    case v1::Entity::KIND_NOT_SET: break;
  }
  return "";
}

const google::protobuf::Message* Payload(const v1::Entity& e) {
  switch (e.kind_case()) {
    case v1::Entity::kSubscriber: return &e.subscriber();
    case v1::Entity::kDevice: return &e.device();
    case v1::Entity::kModel: return &e.model();
    case v1::Entity::kTemplate: return &e.template_();
    case v1::Entity::kPackage: return &e.package();
    case v1::Entity::kClientClass: return &e.client_class();
    case v1::Entity::kSlave: return &e.slave();
    case v1::Entity::kKeyEpoch: return &e.key_epoch();
    case v1::Entity::KIND_NOT_SET: break;
  }
  return nullptr;
}

google::protobuf::Message* MutablePayload(v1::EntityKind kind, v1::Entity* e) {
  switch (kind) {
    case v1::ENTITY_KIND_SUBSCRIBER: return e->mutable_subscriber();
    case v1::ENTITY_KIND_DEVICE: return e->mutable_device();
    case v1::ENTITY_KIND_MODEL: return e->mutable_model();
    case v1::ENTITY_KIND_TEMPLATE: return e->mutable_template_();
    case v1::ENTITY_KIND_PACKAGE: return e->mutable_package();
    case v1::ENTITY_KIND_CLIENT_CLASS: return e->mutable_client_class();
    case v1::ENTITY_KIND_SLAVE: return e->mutable_slave();
    case v1::ENTITY_KIND_KEY_EPOCH: return e->mutable_key_epoch();
    default: return nullptr;
  }
}

std::string SerializeBody(const v1::Entity& e) {
  const google::protobuf::Message* body = Payload(e);
  return body == nullptr ? std::string() : body->SerializeAsString();
}

Status ParseBody(v1::EntityKind kind, std::string_view bytes, v1::Entity* out) {
  out->Clear();
  google::protobuf::Message* body = MutablePayload(kind, out);
  if (body == nullptr) return InvalidArgumentError("unknown entity kind");
  if (!body->ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
    return Status(StatusCode::kDataLoss,
                  "stored " + std::string(KindName(kind)) + " does not parse");
  }
  return Status::Ok();
}

}  // namespace provisor
