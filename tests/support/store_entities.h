// Small entity builders the store and slave tests share: a template, a model
// on a template, a device of a model (optionally a subscriber's, of a client
// class), and a change that puts an entity. Header-only.
#ifndef PROVISOR_TESTS_SUPPORT_STORE_ENTITIES_H_
#define PROVISOR_TESTS_SUPPORT_STORE_ENTITIES_H_

#include <cstdint>
#include <string>

#include "provisor/v1/model.pb.h"

namespace provisor::testing {

inline v1::Entity Template(const std::string& id, const std::string& body = "x") {
  v1::Entity e;
  e.mutable_template_()->set_id(id);
  e.mutable_template_()->set_body(body);
  return e;
}

inline v1::Entity Model(const std::string& id, const std::string& tpl) {
  v1::Entity e;
  e.mutable_model()->set_id(id);
  e.mutable_model()->set_template_id(tpl);
  return e;
}

inline v1::Entity Device(const std::string& mac, const std::string& model,
                         const std::string& sub = "", const std::string& cls = "") {
  v1::Entity e;
  e.mutable_device()->set_mac(mac);
  e.mutable_device()->set_model(model);
  e.mutable_device()->set_subscriber_id(sub);
  e.mutable_device()->set_client_class(cls);
  return e;
}

// A change of `revision` that puts `e` (kind `kind`, key `key`).
inline v1::Change PutChange(uint64_t revision, v1::EntityKind kind, const std::string& key,
                            v1::Entity e) {
  v1::Change c;
  c.set_revision(revision);
  c.set_kind(kind);
  c.set_key(key);
  *c.mutable_entity() = std::move(e);
  return c;
}

}  // namespace provisor::testing

#endif  // PROVISOR_TESTS_SUPPORT_STORE_ENTITIES_H_
