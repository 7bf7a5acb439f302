#include "master/auth/redact.h"

namespace provisor {

void RedactSecrets(v1::Entity* entity) {
  switch (entity->kind_case()) {
    case v1::Entity::kSubscriber:
      for (v1::Line& line : *entity->mutable_subscriber()->mutable_lines()) line.clear_password();
      break;
    case v1::Entity::kDevice:
      entity->mutable_device()->clear_secret();
      break;
    case v1::Entity::kKeyEpoch:
      entity->mutable_key_epoch()->clear_key();
      break;
    default:
      break;
  }
}

}  // namespace provisor
