#include "master/validate.h"

#include <catch2/catch.hpp>
#include <functional>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "common/entity_kinds.h"

namespace provisor {
namespace {

const std::string kIdRule = " has characters outside A-Z a-z 0-9 . _ : @ + -";
const std::string kBadUtf8 = "caf\xE9";
const std::string kTooLong(257, 'x');
const std::string kLongest(256, 'x');

// The message of a rejected entity (asserting INVALID_ARGUMENT), or "ok".
template <typename T>
std::string Check(Status (*validate)(T*), T entity) {
  Status status = validate(&entity);
  if (status.ok()) return "ok";
  CHECK(status.code() == StatusCode::kInvalidArgument);
  return status.message();
}

// A text field of one entity type: its name and how to set it.
template <typename T>
using TextSetter = std::pair<std::string, std::function<void(T*, const std::string&)>>;

// Every text field: 256 bytes pass, 257 bytes and invalid UTF-8 fail.
template <typename T>
void CheckTextFields(Status (*validate)(T*), const T& valid, const std::string& prefix,
                     const std::vector<TextSetter<T>>& fields) {
  for (const auto& [name, set] : fields) {
    INFO(name);
    T entity = valid;
    set(&entity, kLongest);
    CHECK(Check(validate, entity) == "ok");
    set(&entity, "caf\xC3\xA9");
    CHECK(Check(validate, entity) == "ok");
    set(&entity, kTooLong);
    CHECK(Check(validate, entity) == prefix + name + " is 257 bytes, the limit is 256");
    set(&entity, kBadUtf8);
    CHECK(Check(validate, entity) == prefix + name + " is not valid UTF-8");
  }
}

// An optional id field: empty passes, a bad id fails.
template <typename T>
void CheckOptionalIds(Status (*validate)(T*), const T& valid, const std::string& prefix,
                      const std::vector<TextSetter<T>>& fields) {
  for (const auto& [name, set] : fields) {
    INFO(name);
    T entity = valid;
    set(&entity, "");
    CHECK(Check(validate, entity) == "ok");
    set(&entity, "ok-id_1");
    CHECK(Check(validate, entity) == "ok");
    set(&entity, "bad id");
    CHECK(Check(validate, entity) == prefix + name + " 'bad id'" + kIdRule);
    set(&entity, std::string(129, 'a'));
    CHECK(Check(validate, entity) == prefix + name + " is 129 bytes, the limit is 128");
  }
}

// The id (key) field of an entity whose messages start with `kind`.
template <typename T>
void CheckKeyId(Status (*validate)(T*), const T& valid, const std::string& kind,
                const std::type_identity_t<std::function<void(T*, const std::string&)>>& set_id) {
  T entity = valid;
  const auto set = [&](const std::string& id) { set_id(&entity, id); };
  set("");
  CHECK(Check(validate, entity) == kind + ": id is required");
  set("a b");
  CHECK(Check(validate, entity) == kind + ": id 'a b'" + kIdRule);
  set("a\nb");
  CHECK(Check(validate, entity) == kind + ": id 'a\\x0Ab'" + kIdRule);
  set("caf\xC3\xA9");
  CHECK(Check(validate, entity) == kind + ": id 'caf\xC3\xA9'" + kIdRule);
  set(std::string(129, 'a'));
  CHECK(Check(validate, entity) == kind + ": id is 129 bytes, the limit is 128");
  set(std::string(128, 'a'));
  CHECK(Check(validate, entity) == "ok");
  set("AZaz09._:@+-");
  CHECK(Check(validate, entity) == "ok");
}

// A string map with at most 64 entries, non-empty keys, text keys and values.
template <typename T>
void CheckTextMap(Status (*validate)(T*), const T& valid, const std::string& prefix,
                  const std::string& name,
                  google::protobuf::Map<std::string, std::string>* (T::*map)()) {
  T entity = valid;
  for (int i = 0; i < 64; ++i) ((entity.*map)())->insert({"k" + std::to_string(i), "v"});
  CHECK(Check(validate, entity) == "ok");
  ((entity.*map)())->insert({"k64", "v"});
  CHECK(Check(validate, entity) == prefix + name + " has 65 entries, the limit is 64");

  entity = valid;
  (*(entity.*map)())[""] = "v";
  CHECK(Check(validate, entity) == prefix + name + " has an empty key");
  entity = valid;
  (*(entity.*map)())[kLongest] = kLongest;
  CHECK(Check(validate, entity) == "ok");
  entity = valid;
  (*(entity.*map)())[kTooLong] = "v";
  CHECK(Check(validate, entity) ==
        prefix + name + " key '" + std::string(64, 'x') + "'... is 257 bytes, the limit is 256");
  entity = valid;
  (*(entity.*map)())[kBadUtf8] = "v";
  CHECK(Check(validate, entity) == prefix + name + " key 'caf\\xE9' is not valid UTF-8");
  entity = valid;
  (*(entity.*map)())["codec"] = kTooLong;
  CHECK(Check(validate, entity) == prefix + name + "['codec'] is 257 bytes, the limit is 256");
  entity = valid;
  (*(entity.*map)())["codec"] = kBadUtf8;
  CHECK(Check(validate, entity) == prefix + name + "['codec'] is not valid UTF-8");
  // The first bad key in sorted order is reported, whatever the hash order.
  entity = valid;
  (*(entity.*map)())["b"] = kBadUtf8;
  (*(entity.*map)())["a"] = kBadUtf8;
  CHECK(Check(validate, entity) == prefix + name + "['a'] is not valid UTF-8");
}

v1::Subscriber ValidSubscriber() {
  v1::Subscriber s;
  s.set_id("sub-1");
  v1::Line* line = s.add_lines();
  line->set_index(1);
  line->set_directory_number("+15551234567");
  return s;
}

v1::Device ValidDevice() {
  v1::Device d;
  d.set_mac("aa:bb:cc:dd:ee:ff");
  d.set_model("t46u");
  return d;
}

v1::DeviceModel ValidModel() {
  v1::DeviceModel m;
  m.set_id("yealink-t46u");
  m.set_template_id("yealink");
  return m;
}

TEST_CASE("IsValidId and IsE164") {
  CHECK(IsValidId("a"));
  CHECK(IsValidId("user@example.com+1:2_3-4"));
  CHECK(IsValidId(std::string(128, 'z')));
  CHECK_FALSE(IsValidId(""));
  CHECK_FALSE(IsValidId(std::string(129, 'z')));
  CHECK_FALSE(IsValidId("a/b"));
  CHECK_FALSE(IsValidId("a b"));

  for (const char* good :
       {"12", "+12", "15551234567", "+15551234567", "123456789012345", "+123456789012345"}) {
    INFO(good);
    CHECK(IsE164(good));
  }
  for (const char* bad : {"", "+", "1", "+1", "0123", "+0123", "1234567890123456",
                          "+1234567890123456", "12ab", "++12", " 123", "123 ", "12-34", "1+2"}) {
    INFO(bad);
    CHECK_FALSE(IsE164(bad));
  }
}

TEST_CASE("ValidateSubscriber accepts a subscriber and defaults its status") {
  v1::Subscriber s = ValidSubscriber();
  s.set_name("Jos\xC3\xA9");
  s.mutable_qos()->set_sip_dscp(63);
  s.mutable_qos()->set_rtp_dscp(0);
  s.set_service_package("gold");
  (*s.mutable_attributes())["color"] = "blue";
  REQUIRE(ValidateSubscriber(&s).ok());
  CHECK(s.status() == v1::SUBSCRIBER_STATUS_ACTIVE);
  CHECK(s.name() == "Jos\xC3\xA9");

  s.set_status(v1::SUBSCRIBER_STATUS_SUSPENDED);
  REQUIRE(ValidateSubscriber(&s).ok());
  CHECK(s.status() == v1::SUBSCRIBER_STATUS_SUSPENDED);

  v1::Subscriber no_lines;
  no_lines.set_id("sub-2");
  CHECK(Check(ValidateSubscriber, no_lines) == "ok");
}

TEST_CASE("ValidateSubscriber rejects bad fields") {
  const v1::Subscriber valid = ValidSubscriber();
  const std::string prefix = "subscriber sub-1: ";
  CheckKeyId(ValidateSubscriber, valid, "subscriber",
             [](v1::Subscriber* e, const std::string& v) { e->set_id(v); });
  CheckTextFields<v1::Subscriber>(
      ValidateSubscriber, valid, prefix,
      {{"account", [](auto* s, const std::string& v) { s->set_account(v); }},
       {"name", [](auto* s, const std::string& v) { s->set_name(v); }},
       {"sip_domain", [](auto* s, const std::string& v) { s->set_sip_domain(v); }},
       {"registrar", [](auto* s, const std::string& v) { s->set_registrar(v); }},
       {"proxy", [](auto* s, const std::string& v) { s->set_proxy(v); }},
       {"outbound_proxy", [](auto* s, const std::string& v) { s->set_outbound_proxy(v); }},
       {"ring_tone", [](auto* s, const std::string& v) { s->set_ring_tone(v); }},
       {"class_of_service", [](auto* s, const std::string& v) { s->set_class_of_service(v); }},
       {"lines[0].sip_user",
        [](auto* s, const std::string& v) { s->mutable_lines(0)->set_sip_user(v); }},
       {"lines[0].auth_user",
        [](auto* s, const std::string& v) { s->mutable_lines(0)->set_auth_user(v); }},
       {"lines[0].password",
        [](auto* s, const std::string& v) { s->mutable_lines(0)->set_password(v); }},
       {"lines[0].display_name",
        [](auto* s, const std::string& v) { s->mutable_lines(0)->set_display_name(v); }}});
  CheckOptionalIds<v1::Subscriber>(
      ValidateSubscriber, valid, prefix,
      {{"service_package", [](auto* s, const std::string& v) { s->set_service_package(v); }}});
  CheckTextMap(ValidateSubscriber, valid, prefix, "attributes",
               &v1::Subscriber::mutable_attributes);

  v1::Subscriber s = valid;
  s.set_status(static_cast<v1::SubscriberStatus>(7));
  CHECK(Check(ValidateSubscriber, s) == prefix + "status 7 is not a known status");

  s = valid;
  s.mutable_qos()->set_sip_dscp(64);
  CHECK(Check(ValidateSubscriber, s) == prefix + "qos.sip_dscp 64 is more than the limit 63");
  s = valid;
  s.mutable_qos()->set_rtp_dscp(100);
  CHECK(Check(ValidateSubscriber, s) == prefix + "qos.rtp_dscp 100 is more than the limit 63");
}

TEST_CASE("ValidateSubscriber checks lines") {
  const std::string prefix = "subscriber sub-1: ";
  v1::Subscriber s = ValidSubscriber();
  s.clear_lines();
  for (int i = 1; i <= 64; ++i) {
    v1::Line* line = s.add_lines();
    line->set_index(i);
    line->set_directory_number("+1555000" + std::to_string(1000 + i));
  }
  CHECK(Check(ValidateSubscriber, s) == "ok");
  s.add_lines()->set_index(65);
  CHECK(Check(ValidateSubscriber, s) == prefix + "lines has 65 entries, the limit is 64");

  s = ValidSubscriber();
  s.mutable_lines(0)->set_index(0);
  CHECK(Check(ValidateSubscriber, s) == prefix + "lines[0].index must be at least 1");

  s = ValidSubscriber();
  v1::Line* second = s.add_lines();
  second->set_index(2);
  second->set_directory_number("15551230000");
  v1::Line* third = s.add_lines();
  third->set_index(1);
  third->set_directory_number("15551230001");
  CHECK(Check(ValidateSubscriber, s) == prefix + "lines[2].index 1 repeats lines[0].index");
  third->set_index(3);
  CHECK(Check(ValidateSubscriber, s) == "ok");

  third->set_directory_number("12ab");
  CHECK(Check(ValidateSubscriber, s) ==
        prefix + "lines[2].directory_number '12ab' is not an E.164 number");
  third->set_directory_number("0123456");
  CHECK(Check(ValidateSubscriber, s) ==
        prefix + "lines[2].directory_number '0123456' is not an E.164 number");
  third->set_directory_number("1234567890123456");
  CHECK(Check(ValidateSubscriber, s) ==
        prefix + "lines[2].directory_number '1234567890123456' is not an E.164 number");
  third->set_directory_number("");
  CHECK(Check(ValidateSubscriber, s) == prefix + "lines[2].directory_number is required");
}

TEST_CASE("ValidateDevice canonicalises the MAC and defaults the state") {
  v1::Device d = ValidDevice();
  d.set_mac("AABB.CCDD.EEFF");
  REQUIRE(ValidateDevice(&d).ok());
  CHECK(d.mac() == "aa:bb:cc:dd:ee:ff");
  CHECK(d.state() == v1::DEVICE_STATE_PREPROVISIONED);

  d = ValidDevice();
  d.set_mac("00-11-22-33-44-55");
  d.set_subscriber_id("sub-1");
  REQUIRE(ValidateDevice(&d).ok());
  CHECK(d.mac() == "00:11:22:33:44:55");
  CHECK(d.state() == v1::DEVICE_STATE_ACTIVE);

  d = ValidDevice();
  d.set_state(v1::DEVICE_STATE_SUSPENDED);
  d.set_subscriber_id("sub-1");
  REQUIRE(ValidateDevice(&d).ok());
  CHECK(d.state() == v1::DEVICE_STATE_SUSPENDED);

  d = ValidDevice();
  d.set_state(v1::DEVICE_STATE_UNBOUND);
  REQUIRE(ValidateDevice(&d).ok());
  CHECK(d.state() == v1::DEVICE_STATE_UNBOUND);
}

TEST_CASE("ValidateDevice rejects bad fields") {
  const v1::Device valid = ValidDevice();
  const std::string prefix = "device aa:bb:cc:dd:ee:ff: ";
  v1::Device d = valid;
  d.set_mac("");
  CHECK(Check(ValidateDevice, d) == "device: mac is required");
  d.set_mac("aa:bb:cc");
  CHECK(Check(ValidateDevice, d) ==
        "device: mac 'aa:bb:cc' is not a MAC address (use aa:bb:cc:dd:ee:ff, "
        "AA-BB-CC-DD-EE-FF, aabb.ccdd.eeff or 12 hex digits)");

  d = valid;
  d.set_model("");
  CHECK(Check(ValidateDevice, d) == prefix + "model is required");
  d.set_model("t46 u");
  CHECK(Check(ValidateDevice, d) == prefix + "model 't46 u'" + kIdRule);
  // The message names the device by its canonical MAC.
  d.set_mac("AABBCCDDEEFF");
  d.set_model("");
  CHECK(Check(ValidateDevice, d) == prefix + "model is required");

  CheckTextFields<v1::Device>(ValidateDevice, valid, prefix,
                              {{"serial", [](auto* d, const std::string& v) { d->set_serial(v); }},
                               {"last_binding.ip", [](auto* d, const std::string& v) {
                                  d->mutable_last_binding()->set_ip(v);
                                }}});
  CheckOptionalIds<v1::Device>(
      ValidateDevice, valid, prefix,
      {{"subscriber_id", [](auto* d, const std::string& v) { d->set_subscriber_id(v); }},
       {"client_class", [](auto* d, const std::string& v) { d->set_client_class(v); }}});

  d = valid;
  d.set_state(static_cast<v1::DeviceState>(9));
  CHECK(Check(ValidateDevice, d) == prefix + "state 9 is not a known state");

  d = valid;
  d.set_secret(std::string(64, '\xFF'));  // bytes, not text
  CHECK(Check(ValidateDevice, d) == "ok");
  d.set_secret(std::string(65, 's'));
  CHECK(Check(ValidateDevice, d) == prefix + "secret is 65 bytes, the limit is 64");
}

TEST_CASE("ValidateDevice checks the line map") {
  const std::string prefix = "device aa:bb:cc:dd:ee:ff: ";
  v1::Device d = ValidDevice();
  for (uint32_t port = 1; port <= 64; ++port) {
    v1::LineMapping* m = d.add_line_map();
    m->set_port(port);
    m->set_subscriber_line(1);
  }
  CHECK(Check(ValidateDevice, d) == "ok");
  d.add_line_map()->set_port(65);
  CHECK(Check(ValidateDevice, d) == prefix + "line_map has 65 entries, the limit is 64");

  d = ValidDevice();
  v1::LineMapping* first = d.add_line_map();
  first->set_port(0);
  first->set_subscriber_line(1);
  CHECK(Check(ValidateDevice, d) == prefix + "line_map[0].port must be at least 1");
  first->set_port(2);
  v1::LineMapping* second = d.add_line_map();
  second->set_port(2);
  second->set_subscriber_line(2);
  CHECK(Check(ValidateDevice, d) == prefix + "line_map[1].port 2 repeats line_map[0].port");
  second->set_port(1);
  CHECK(Check(ValidateDevice, d) == "ok");
  second->set_subscriber_line(0);
  CHECK(Check(ValidateDevice, d) == prefix + "line_map[1].subscriber_line must be at least 1");
}

TEST_CASE("ValidateDeviceModel") {
  const v1::DeviceModel valid = ValidModel();
  const std::string prefix = "device model yealink-t46u: ";
  CHECK(Check(ValidateDeviceModel, valid) == "ok");
  CheckKeyId(ValidateDeviceModel, valid, "device model",
             [](v1::DeviceModel* e, const std::string& v) { e->set_id(v); });

  v1::DeviceModel m = valid;
  m.set_template_id("");
  CHECK(Check(ValidateDeviceModel, m) == prefix + "template_id is required");
  m.set_template_id("a/b");
  CHECK(Check(ValidateDeviceModel, m) == prefix + "template_id 'a/b'" + kIdRule);

  CheckTextFields<v1::DeviceModel>(
      ValidateDeviceModel, valid, prefix,
      {{"vendor", [](auto* m, const std::string& v) { m->set_vendor(v); }},
       {"model", [](auto* m, const std::string& v) { m->set_model(v); }},
       {"file_names[0]",
        [](auto* m, const std::string& v) {
          m->clear_file_names();
          m->add_file_names(v);
        }},
       {"refused_options[1]", [](auto* m, const std::string& v) {
          m->clear_refused_options();
          m->add_refused_options("tsize");
          m->add_refused_options(v);
        }}});

  m = valid;
  m.add_file_names("SEP{MAC}.cnf.xml");
  m.add_file_names("");
  CHECK(Check(ValidateDeviceModel, m) == prefix + "file_names[1] is empty");
  m = valid;
  for (int i = 0; i < 64; ++i) m.add_file_names("f" + std::to_string(i));
  CHECK(Check(ValidateDeviceModel, m) == "ok");
  m.add_file_names("f64");
  CHECK(Check(ValidateDeviceModel, m) == prefix + "file_names has 65 entries, the limit is 64");
  m = valid;
  m.add_refused_options("");
  CHECK(Check(ValidateDeviceModel, m) == prefix + "refused_options[0] is empty");
  m = valid;
  for (int i = 0; i < 65; ++i) m.add_refused_options("o");
  CHECK(Check(ValidateDeviceModel, m) ==
        prefix + "refused_options has 65 entries, the limit is 64");

  m = valid;
  for (uint32_t ok : {0u, 8u, 512u, 1428u, 65464u}) {
    m.set_max_blksize(ok);
    CHECK(Check(ValidateDeviceModel, m) == "ok");
  }
  m.set_max_blksize(7);
  CHECK(Check(ValidateDeviceModel, m) ==
        prefix + "max_blksize 7 is outside 8..65464 (0 means the slave's limit)");
  m.set_max_blksize(65465);
  CHECK(Check(ValidateDeviceModel, m) ==
        prefix + "max_blksize 65465 is outside 8..65464 (0 means the slave's limit)");

  // Every render of its devices would fail on a cipher nobody knows.
  m = valid;
  for (const char* known : {"", "none", "cisco-aes256-cbc", "yealink-aes", "gigaset-aes128"}) {
    m.set_encryption(known);
    CHECK(Check(ValidateDeviceModel, m) == "ok");
  }
  m.set_encryption("rot13");
  CHECK(Check(ValidateDeviceModel, m) ==
        prefix + "encryption: unknown vendor cipher 'rot13' (use cisco-aes256-cbc, yealink-aes, "
                 "gigaset-aes128 or none)");
  m.set_encryption(kTooLong);
  CHECK(Check(ValidateDeviceModel, m) == prefix + "encryption is 257 bytes, the limit is 256");
  m.set_encryption(kBadUtf8);
  CHECK(Check(ValidateDeviceModel, m) == prefix + "encryption is not valid UTF-8");
}

TEST_CASE("ValidateDeviceForModel: a model that encrypts needs a per-device key that fits") {
  v1::DeviceModel model = ValidModel();
  v1::Device device;
  device.set_mac("00:15:65:aa:bb:cc");
  device.set_model(model.id());
  auto check = [&]() {
    Status s = ValidateDeviceForModel(device, model);
    return s.ok() ? std::string("ok") : std::string(StatusCodeName(s.code())) + ": " + s.message();
  };
  CHECK(check() == "ok");  // no encryption, no key needed
  model.set_encryption("yealink-aes");
  CHECK(check() == "FAILED_PRECONDITION: device 00:15:65:aa:bb:cc: secret is required: "
                   "model yealink-t46u encrypts with yealink-aes");
  device.set_secret("short");
  CHECK(check() == "FAILED_PRECONDITION: device 00:15:65:aa:bb:cc: secret does not fit model "
                   "yealink-t46u's encryption: yealink-aes key must be exactly 16 characters "
                   "(got 5)");
  device.set_secret("0123456789abcdef");
  CHECK(check() == "ok");
  model.set_encryption("cisco-aes256-cbc");
  device.set_secret("");
  CHECK(check() == "FAILED_PRECONDITION: device 00:15:65:aa:bb:cc: secret is required: "
                   "model yealink-t46u encrypts with cisco-aes256-cbc");
  model.set_encryption("gigaset-aes128");
  device.set_secret(std::string(16, '\0'));
  CHECK(check() == "ok");
  model.set_encryption("none");
  device.set_secret("");
  CHECK(check() == "ok");
}

TEST_CASE("ValidateTemplate") {
  v1::Template valid;
  valid.set_id("t1");
  valid.set_body("<xml>{{mac}}</xml>");
  valid.set_version(7);
  const std::string prefix = "template t1: ";
  v1::Template t = valid;
  REQUIRE(ValidateTemplate(&t).ok());
  CHECK(t.version() == 7);
  CHECK(t.body() == "<xml>{{mac}}</xml>");
  CheckKeyId(ValidateTemplate, valid, "template",
             [](v1::Template* e, const std::string& v) { e->set_id(v); });

  t = valid;
  t.set_body(std::string(1048576, 'b'));
  CHECK(Check(ValidateTemplate, t) == "ok");
  t.set_body(std::string(1048577, 'b'));
  CHECK(Check(ValidateTemplate, t) == prefix + "body is 1048577 bytes, the limit is 1 MiB");
  t.set_body("ok\xC3\xA9" + kBadUtf8);
  CHECK(Check(ValidateTemplate, t) == prefix + "body is not valid UTF-8");
  t.set_body("");
  CHECK(Check(ValidateTemplate, t) == "ok");
  // The compile's limits, at upload (imports validate the same way).
  t.set_body("{{" + std::string(40'000, 'a') + "}}");
  CHECK(Check(ValidateTemplate, t) ==
        prefix + "line 1, column 1: tag name longer than 128 bytes");
  std::string nested;
  for (int i = 0; i < 8'000; ++i) nested += "{{#s}}\n";
  t.set_body(nested);
  CHECK(Check(ValidateTemplate, t) ==
        prefix + "line 65, column 1: sections nested deeper than 64");

  CheckTextFields<v1::Template>(
      ValidateTemplate, valid, prefix,
      {{"content_type", [](auto* t, const std::string& v) { t->set_content_type(v); }}});
}

TEST_CASE("ValidateServicePackage") {
  v1::ServicePackage valid;
  valid.set_id("gold");
  const std::string prefix = "service package gold: ";
  CHECK(Check(ValidateServicePackage, valid) == "ok");
  CheckKeyId(ValidateServicePackage, valid, "service package",
             [](v1::ServicePackage* e, const std::string& v) { e->set_id(v); });
  CheckTextFields<v1::ServicePackage>(
      ValidateServicePackage, valid, prefix,
      {{"description", [](auto* p, const std::string& v) { p->set_description(v); }}});
  CheckOptionalIds<v1::ServicePackage>(
      ValidateServicePackage, valid, prefix,
      {{"template_id", [](auto* p, const std::string& v) { p->set_template_id(v); }}});
  CheckTextMap(ValidateServicePackage, valid, prefix, "parameters",
               &v1::ServicePackage::mutable_parameters);
}

TEST_CASE("ValidateClientClass") {
  v1::ClientClass valid;
  valid.set_id("lab");
  const std::string prefix = "client class lab: ";
  CHECK(Check(ValidateClientClass, valid) == "ok");
  CheckKeyId(ValidateClientClass, valid, "client class",
             [](v1::ClientClass* e, const std::string& v) { e->set_id(v); });
  CheckTextFields<v1::ClientClass>(
      ValidateClientClass, valid, prefix,
      {{"description", [](auto* c, const std::string& v) { c->set_description(v); }}});
  CheckOptionalIds<v1::ClientClass>(
      ValidateClientClass, valid, prefix,
      {{"template_id", [](auto* c, const std::string& v) { c->set_template_id(v); }},
       {"service_package", [](auto* c, const std::string& v) { c->set_service_package(v); }}});
}

TEST_CASE("ValidateSlave") {
  v1::Slave valid;
  valid.set_id("s1");
  valid.set_address("192.0.2.10:69");
  const std::string prefix = "slave s1: ";
  CHECK(Check(ValidateSlave, valid) == "ok");
  CheckKeyId(ValidateSlave, valid, "slave",
             [](v1::Slave* e, const std::string& v) { e->set_id(v); });

  v1::Slave s = valid;
  s.set_address("");
  CHECK(Check(ValidateSlave, s) == prefix + "address is required");
  CheckTextFields<v1::Slave>(
      ValidateSlave, valid, prefix,
      {{"address", [](auto* s, const std::string& v) { s->set_address(v); }}});

  s = valid;
  s.set_weight(1000000);
  CHECK(Check(ValidateSlave, s) == "ok");
  s.set_weight(1000001);
  CHECK(Check(ValidateSlave, s) == prefix + "weight 1000001 is more than the limit 1000000");
}

TEST_CASE("ValidateKeyEpoch") {
  v1::KeyEpoch k;
  k.set_epoch(3);
  CHECK(Check(ValidateKeyEpoch, k) == "key epoch 3: key is required");
  k.set_key(std::string(32, '\0'));
  CHECK(Check(ValidateKeyEpoch, k) == "ok");
}

TEST_CASE("ValidateEntity validates every kind of the table of kinds") {
  for (const EntityKindInfo& row : EntityKinds()) {
    INFO(row.name);
    v1::Entity e;
    row.mutable_message(&e);
    const Status status = ValidateEntity(&e);
    // An empty message of any kind is refused by that kind's own checks.
    CHECK(status.code() == StatusCode::kInvalidArgument);
    CHECK(status.message().find("no kind is set") == std::string::npos);
  }
}

TEST_CASE("ValidateEntity dispatches on the kind") {
  v1::Entity e;
  CHECK(Check(ValidateEntity, e) == "entity: no kind is set (subscriber, device, model, ...)");

  *e.mutable_device() = ValidDevice();
  e.mutable_device()->set_mac("AA-BB-CC-DD-EE-FF");
  REQUIRE(ValidateEntity(&e).ok());
  CHECK(e.device().mac() == "aa:bb:cc:dd:ee:ff");
  CHECK(e.device().state() == v1::DEVICE_STATE_PREPROVISIONED);

  *e.mutable_subscriber() = ValidSubscriber();
  REQUIRE(ValidateEntity(&e).ok());
  CHECK(e.subscriber().status() == v1::SUBSCRIBER_STATUS_ACTIVE);
  e.mutable_subscriber()->set_id("");
  CHECK(Check(ValidateEntity, e) == "subscriber: id is required");

  *e.mutable_model() = ValidModel();
  CHECK(Check(ValidateEntity, e) == "ok");
  e.mutable_model()->clear_template_id();
  CHECK(Check(ValidateEntity, e) == "device model yealink-t46u: template_id is required");

  e.mutable_template_()->set_id("t1");
  e.mutable_template_()->set_body(kBadUtf8);
  CHECK(Check(ValidateEntity, e) == "template t1: body is not valid UTF-8");

  e.mutable_package()->set_id("");
  CHECK(Check(ValidateEntity, e) == "service package: id is required");
  e.mutable_client_class()->set_id("");
  CHECK(Check(ValidateEntity, e) == "client class: id is required");
  e.mutable_slave()->set_id("s1");
  CHECK(Check(ValidateEntity, e) == "slave s1: address is required");
  e.mutable_key_epoch()->set_epoch(1);
  CHECK(Check(ValidateEntity, e) == "key epoch 1: key is required");
}

}  // namespace
}  // namespace provisor
