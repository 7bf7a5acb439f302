// Small entity builders the store tests share: a template, a model on a
// template, and a device of a model (optionally a subscriber's, of a client
// class). Header-only.
#ifndef PROVISOR_TESTS_SUPPORT_STORE_ENTITIES_H_
#define PROVISOR_TESTS_SUPPORT_STORE_ENTITIES_H_

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

}  // namespace provisor::testing

#endif  // PROVISOR_TESTS_SUPPORT_STORE_ENTITIES_H_
