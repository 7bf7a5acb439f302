#include "master/ctl/row_mapper.h"

#include <catch2/catch.hpp>

#include "tests/support/temp_dir.h"

namespace provisor::ctl {
namespace {

using Row = std::vector<std::string>;

v1::Entity MapOne(const Row& header, const Row& row,
                  std::optional<v1::EntityKind> kind, const std::string& base_dir = "") {
  StatusOr<RowMapper> mapper = RowMapper::Create(header, kind, base_dir);
  REQUIRE(mapper.ok());
  StatusOr<v1::Entity> entity = mapper->Map(row);
  INFO(entity.status().message());
  REQUIRE(entity.ok());
  return *entity;
}

TEST_CASE("CSV subscriber rows map every column") {
  const Row header = {"id", "account", "name", "status", "sip_domain", "registrar", "proxy",
                      "outbound_proxy", "ring_tone", "class_of_service", "sip_dscp", "rtp_dscp",
                      "service_package", "line2_number", "line2_user", "line1_number",
                      "line1_user", "line1_auth_user", "line1_password", "line1_display_name",
                      "attr.Floor", "attr.language"};
  const Row row = {"S1", "A1", "Ann", "suspended", "voip.example.net", "reg.example.net",
                   "proxy.example.net", "sbc.example.net:5060", "classic", "business", "24",
                   "46", "pkg-1", "+15551230002", "ann2", "+15551230001", "ann", "ann-auth",
                   "secret", "Ann Smith", "3", ""};
  v1::Entity entity = MapOne(header, row, v1::ENTITY_KIND_SUBSCRIBER);
  REQUIRE(entity.has_subscriber());
  const v1::Subscriber& s = entity.subscriber();
  CHECK(s.id() == "S1");
  CHECK(s.account() == "A1");
  CHECK(s.name() == "Ann");
  CHECK(s.status() == v1::SUBSCRIBER_STATUS_SUSPENDED);
  CHECK(s.sip_domain() == "voip.example.net");
  CHECK(s.registrar() == "reg.example.net");
  CHECK(s.proxy() == "proxy.example.net");
  CHECK(s.outbound_proxy() == "sbc.example.net:5060");
  CHECK(s.ring_tone() == "classic");
  CHECK(s.class_of_service() == "business");
  CHECK(s.qos().sip_dscp() == 24);
  CHECK(s.qos().rtp_dscp() == 46);
  CHECK(s.service_package() == "pkg-1");
  REQUIRE(s.lines_size() == 2);  // sorted by index whatever the column order
  CHECK(s.lines(0).index() == 1);
  CHECK(s.lines(0).directory_number() == "+15551230001");
  CHECK(s.lines(0).sip_user() == "ann");
  CHECK(s.lines(0).auth_user() == "ann-auth");
  CHECK(s.lines(0).password() == "secret");
  CHECK(s.lines(0).display_name() == "Ann Smith");
  CHECK(s.lines(1).index() == 2);
  CHECK(s.lines(1).directory_number() == "+15551230002");
  CHECK(s.lines(1).sip_user() == "ann2");
  // Attribute names keep their case; empty cells set nothing.
  CHECK(s.attributes().size() == 1);
  CHECK(s.attributes().at("Floor") == "3");
}

TEST_CASE("CSV device rows map every column") {
  const Row header = {"mac", "model", "serial", "subscriber_id", "client_class", "state", "secret",
                      "port2_line", "port1_line"};
  const Row row = {"AA-BB-CC-DD-EE-FF", "yealink-t46u", "SN1", "S1", "office", "Active",
                   "00ff10", "2", "1"};
  v1::Entity entity = MapOne(header, row, v1::ENTITY_KIND_DEVICE);
  REQUIRE(entity.has_device());
  const v1::Device& d = entity.device();
  CHECK(d.mac() == "AA-BB-CC-DD-EE-FF");  // the master canonicalises
  CHECK(d.model() == "yealink-t46u");
  CHECK(d.serial() == "SN1");
  CHECK(d.subscriber_id() == "S1");
  CHECK(d.client_class() == "office");
  CHECK(d.state() == v1::DEVICE_STATE_ACTIVE);
  CHECK(d.secret() == std::string("\x00\xff\x10", 3));
  REQUIRE(d.line_map_size() == 2);
  CHECK(d.line_map(0).port() == 1);
  CHECK(d.line_map(0).subscriber_line() == 1);
  CHECK(d.line_map(1).port() == 2);
  CHECK(d.line_map(1).subscriber_line() == 2);
}

TEST_CASE("CSV model, package and class rows map every column") {
  v1::Entity model = MapOne(
      {"id", "vendor", "model", "template_id", "encryption", "max_blksize", "file_names",
       "refused_options"},
      {"yealink-t46u", "Yealink", "T46U", "tpl-yealink", "yealink-aes", "1428",
       "{MAC}.cfg; y000000000028.cfg", "tsize"},
      v1::ENTITY_KIND_MODEL);
  REQUIRE(model.has_model());
  CHECK(model.model().id() == "yealink-t46u");
  CHECK(model.model().vendor() == "Yealink");
  CHECK(model.model().model() == "T46U");
  CHECK(model.model().template_id() == "tpl-yealink");
  CHECK(model.model().encryption() == "yealink-aes");
  CHECK(model.model().max_blksize() == 1428);
  REQUIRE(model.model().file_names_size() == 2);
  CHECK(model.model().file_names(1) == "y000000000028.cfg");
  CHECK(model.model().refused_options(0) == "tsize");

  v1::Entity package = MapOne({"id", "description", "template_id", "param.codecs", "param.vm"},
                              {"pkg-1", "Residential", "tpl-1", "G722,PCMU", "*98"},
                              v1::ENTITY_KIND_PACKAGE);
  REQUIRE(package.has_package());
  CHECK(package.package().id() == "pkg-1");
  CHECK(package.package().description() == "Residential");
  CHECK(package.package().template_id() == "tpl-1");
  CHECK(package.package().parameters().at("codecs") == "G722,PCMU");
  CHECK(package.package().parameters().at("vm") == "*98");

  v1::Entity klass = MapOne({"id", "description", "template_id", "service_package"},
                            {"office", "Office phones", "tpl-2", "pkg-1"},
                            v1::ENTITY_KIND_CLIENT_CLASS);
  REQUIRE(klass.has_client_class());
  CHECK(klass.client_class().id() == "office");
  CHECK(klass.client_class().description() == "Office phones");
  CHECK(klass.client_class().template_id() == "tpl-2");
  CHECK(klass.client_class().service_package() == "pkg-1");
}

TEST_CASE("CSV template rows take the body inline or from a file next to the CSV") {
  v1::Entity inline_body = MapOne({"id", "content_type", "body"},
                                  {"T1", "text/plain", "hello {{name}}"}, v1::ENTITY_KIND_TEMPLATE);
  REQUIRE(inline_body.has_template_());
  CHECK(inline_body.template_().id() == "T1");
  CHECK(inline_body.template_().content_type() == "text/plain");
  CHECK(inline_body.template_().body() == "hello {{name}}");

  testing::TempDir dir;
  dir.WriteFile("bodies/t2.xml", "<x>{{mac}}</x>\n");
  v1::Entity from_file = MapOne({"id", "body_file"}, {"T2", "bodies/t2.xml"},
                                v1::ENTITY_KIND_TEMPLATE, dir.path());
  CHECK(from_file.template_().body() == "<x>{{mac}}</x>\n");

  StatusOr<RowMapper> mapper =
      RowMapper::Create({"id", "body_file"}, v1::ENTITY_KIND_TEMPLATE, dir.path());
  REQUIRE(mapper.ok());
  StatusOr<v1::Entity> missing = mapper->Map({"T3", "nope.xml"});
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.status().message().find("body_file: cannot read") == 0);
}

TEST_CASE("an unknown column fails before any row") {
  StatusOr<RowMapper> mapper =
      RowMapper::Create({"mac", "model", "foo"}, v1::ENTITY_KIND_DEVICE, "");
  REQUIRE_FALSE(mapper.ok());
  CHECK(mapper.status().message() == "unknown column 'foo' for devices");

  // Columns of another kind are unknown too, and so are out-of-range indexes.
  CHECK(RowMapper::Create({"id", "sip_domain"}, v1::ENTITY_KIND_MODEL, "").status().message() ==
        "unknown column 'sip_domain' for models");
  CHECK(RowMapper::Create({"id", "line9_number"}, v1::ENTITY_KIND_SUBSCRIBER, "")
            .status()
            .message() == "unknown column 'line9_number' for subscribers");
  CHECK(RowMapper::Create({"id", "line1_foo"}, v1::ENTITY_KIND_SUBSCRIBER, "").status().message() ==
        "unknown column 'line1_foo' for subscribers");
  CHECK_FALSE(RowMapper::Create({"mac", "port0_line"}, v1::ENTITY_KIND_DEVICE, "").ok());
  CHECK_FALSE(RowMapper::Create({"id", "param."}, v1::ENTITY_KIND_PACKAGE, "").ok());
  // Two spellings of one field.
  CHECK(RowMapper::Create({"id", "ID"}, v1::ENTITY_KIND_PACKAGE, "").status().message() ==
        "columns 'id' and 'ID' set the same field");
  // No kind at all.
  CHECK(RowMapper::Create({"id"}, std::nullopt, "").status().message().find(
            "the header has no 'kind' column") == 0);
}

TEST_CASE("a kind column lets one CSV hold several kinds") {
  StatusOr<RowMapper> mapper = RowMapper::Create(
      {"kind", "id", "mac", "model", "template_id", "vendor"}, std::nullopt, "");
  REQUIRE(mapper.ok());
  StatusOr<v1::Entity> model = mapper->Map({"model", "m1", "", "", "t1", "Snom"});
  REQUIRE(model.ok());
  CHECK(model->model().id() == "m1");
  CHECK(model->model().vendor() == "Snom");
  StatusOr<v1::Entity> device = mapper->Map({"devices", "", "00:11:22:33:44:55", "m1", "", ""});
  REQUIRE(device.ok());
  CHECK(device->device().mac() == "00:11:22:33:44:55");
  CHECK(device->device().model() == "m1");
  // A cell of a column the row's kind lacks is an error.
  StatusOr<v1::Entity> wrong = mapper->Map({"device", "", "00:11:22:33:44:55", "m1", "", "Snom"});
  REQUIRE_FALSE(wrong.ok());
  CHECK(wrong.status().message() == "column 'vendor' does not apply to devices");
  CHECK(mapper->Map({"phone", "", "", "", "", ""}).status().message() ==
        "kind: 'phone' is not one of template|model|package|class|subscriber|device");
  CHECK(mapper->Map({"", "x", "", "", "", ""}).status().message() == "kind is empty");
  CHECK(RowMapper::Create({"kind", "id", "foo"}, std::nullopt, "").status().message() ==
        "unknown column 'foo' (not a field of any kind)");
}

TEST_CASE("bad values are row errors that name the column") {
  StatusOr<RowMapper> mapper = RowMapper::Create(
      {"id", "status", "sip_dscp", "line1_number"}, v1::ENTITY_KIND_SUBSCRIBER, "");
  REQUIRE(mapper.ok());
  CHECK(mapper->Map({"S1", "actve", "", ""}).status().message() ==
        "status: 'actve' is not one of active, suspended");
  CHECK(mapper->Map({"S1", "", "64", ""}).status().message() ==
        "sip_dscp: '64' is out of range (0..63)");
  CHECK(mapper->Map({"S1", "", "x1", ""}).status().message() == "sip_dscp: 'x1' is not a number");
  CHECK(mapper->Map({"S1", ""}).status().message() == "2 fields, the header has 4");
  StatusOr<RowMapper> devices = RowMapper::Create({"mac", "secret"}, v1::ENTITY_KIND_DEVICE, "");
  REQUIRE(devices.ok());
  CHECK(devices->Map({"m", "abc"}).status().message() ==
        "secret: 'abc' has an odd number of hex digits");
  CHECK(devices->Map({"m", "zz"}).status().message() == "secret: 'zz' is not hexadecimal");
}

}  // namespace
}  // namespace provisor::ctl
