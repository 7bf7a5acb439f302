#include "master/ctl/entity_flags.h"

#include <catch2/catch.hpp>

namespace provisor::ctl {
namespace {

FlagSpec Spec(v1::EntityKind kind, const std::string& names) {
  for (const FlagSpec& spec : EntityFlagSpecs(kind)) {
    if (std::string(spec.names) == names) return spec;
  }
  FAIL("no flag " << names);
  return {};
}

TEST_CASE("subscriber flags build the entity") {
  const v1::EntityKind kind = v1::ENTITY_KIND_SUBSCRIBER;
  std::vector<GivenFlag> flags = {
      {Spec(kind, "--id"), {"S1"}},
      {Spec(kind, "--sip-domain"), {"voip.example.net"}},
      {Spec(kind, "--line"),
       {"+15551230001,ann,ann,secret,Smith, Ann", "+15551230002,ann2"}},
      {Spec(kind, "--attr"), {"floor=3", "desk = 12=b"}},
      {Spec(kind, "--package,--service-package"), {"pkg-1"}},
  };
  v1::Entity entity;
  Status status = ApplyFlags(kind, flags, &entity);
  INFO(status.message());
  REQUIRE(status.ok());
  const v1::Subscriber& s = entity.subscriber();
  CHECK(s.id() == "S1");
  CHECK(s.sip_domain() == "voip.example.net");
  CHECK(s.service_package() == "pkg-1");
  REQUIRE(s.lines_size() == 2);
  CHECK(s.lines(0).index() == 1);
  CHECK(s.lines(0).password() == "secret");
  CHECK(s.lines(0).display_name() == "Smith, Ann");  // the last part keeps commas
  CHECK(s.lines(1).index() == 2);
  CHECK(s.lines(1).sip_user() == "ann2");
  CHECK(s.lines(1).auth_user().empty());
  CHECK(s.attributes().at("floor") == "3");
  CHECK(s.attributes().at("desk") == " 12=b");
}

TEST_CASE("flags change only what they name, lists are replaced") {
  v1::Entity entity;
  v1::Device* d = entity.mutable_device();
  d->set_mac("aa:bb:cc:dd:ee:ff");
  d->set_model("m1");
  d->add_line_map()->set_port(3);
  const v1::EntityKind kind = v1::ENTITY_KIND_DEVICE;
  REQUIRE(ApplyFlags(kind,
                     {{Spec(kind, "--state"), {"suspended"}},
                      {Spec(kind, "--port"), {"2=1", "1=2"}}},
                     &entity)
              .ok());
  CHECK(d->model() == "m1");
  CHECK(d->state() == v1::DEVICE_STATE_SUSPENDED);
  REQUIRE(d->line_map_size() == 2);
  CHECK(d->line_map(0).port() == 1);
  CHECK(d->line_map(0).subscriber_line() == 2);
}

TEST_CASE("bad flag values name the flag") {
  v1::Entity entity;
  const v1::EntityKind kind = v1::ENTITY_KIND_SUBSCRIBER;
  CHECK(ApplyFlags(kind, {{Spec(kind, "--sip-dscp"), {"99"}}}, &entity).message() ==
        "--sip-dscp: '99' is out of range (0..63)");
  CHECK(ApplyFlags(kind, {{Spec(kind, "--attr"), {"novalue"}}}, &entity).message() ==
        "--attr: 'novalue' is not NAME=VALUE");
  CHECK(ApplyFlags(kind, {{Spec(kind, "--line"), {""}}}, &entity).message() ==
        "--line: line 1 is empty");
  const v1::EntityKind device = v1::ENTITY_KIND_DEVICE;
  CHECK(ApplyFlags(device, {{Spec(device, "--port"), {"x"}}}, &entity).message() ==
        "--port: 'x' is not PORT=LINE with PORT 1..64");
}

}  // namespace
}  // namespace provisor::ctl
