#include "master/ctl/json_input.h"

#include <catch2/catch.hpp>

namespace provisor::ctl {
namespace {

TEST_CASE("a JSON line is an Entity") {
  StatusOr<v1::Entity> device = ParseEntityJsonLine(
      R"({"device": {"mac": "aa:bb:cc:dd:ee:ff", "model": "m1", "state": "DEVICE_STATE_ACTIVE",
          "secret": "AP8=", "line_map": [{"port": 1, "subscriberLine": 2}]}})",
      std::nullopt);
  INFO(device.status().message());
  REQUIRE(device.ok());
  CHECK(device->device().mac() == "aa:bb:cc:dd:ee:ff");
  CHECK(device->device().state() == v1::DEVICE_STATE_ACTIVE);
  CHECK(device->device().secret() == std::string("\x00\xff", 2));
  CHECK(device->device().line_map(0).subscriber_line() == 2);

  StatusOr<v1::Entity> klass =
      ParseEntityJsonLine(R"({"client_class": {"id": "office"}})", std::nullopt);
  REQUIRE(klass.ok());
  CHECK(klass->client_class().id() == "office");
}

TEST_CASE("with a kind, a JSON line may be the bare message") {
  StatusOr<v1::Entity> bare =
      ParseEntityJsonLine(R"({"id": "m1", "model": "T46U", "template_id": "t"})",
                          v1::ENTITY_KIND_MODEL);
  REQUIRE(bare.ok());
  CHECK(bare->model().model() == "T46U");
  // "model" is also a field of DeviceModel: the wrapped form still works.
  StatusOr<v1::Entity> wrapped =
      ParseEntityJsonLine(R"({"model": {"id": "m2"}})", v1::ENTITY_KIND_MODEL);
  REQUIRE(wrapped.ok());
  CHECK(wrapped->model().id() == "m2");
  StatusOr<v1::Entity> other =
      ParseEntityJsonLine(R"({"device": {"mac": "x"}})", v1::ENTITY_KIND_MODEL);
  REQUIRE_FALSE(other.ok());
}

TEST_CASE("bad JSON lines are errors that say why") {
  StatusOr<v1::Entity> empty = ParseEntityJsonLine("{}", std::nullopt);
  REQUIRE_FALSE(empty.ok());
  CHECK(empty.status().message().find("no entity kind") == 0);
  StatusOr<v1::Entity> unknown = ParseEntityJsonLine(R"({"phone": {}})", std::nullopt);
  REQUIRE_FALSE(unknown.ok());
  CHECK(unknown.status().message().find("not a valid Entity in JSON") == 0);
  CHECK_FALSE(ParseEntityJsonLine("{\"device\": ", std::nullopt).ok());
  StatusOr<v1::Entity> bad_field = ParseMessageJson(R"({"id": "S1", "bogus": 1})",
                                                    v1::ENTITY_KIND_SUBSCRIBER);
  REQUIRE_FALSE(bad_field.ok());
  CHECK(bad_field.status().message().find("not a valid Subscriber in JSON") == 0);
  CHECK(bad_field.status().message().find("bogus") != std::string::npos);
}

}  // namespace
}  // namespace provisor::ctl
