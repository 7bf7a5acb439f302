#include "master/ctl/table.h"

#include <catch2/catch.hpp>

#include "master/ctl/entity_format.h"
#include "master/ctl/info_command.h"

namespace provisor::ctl {
namespace {

TEST_CASE("tables align columns without trailing spaces") {
  Table table({"ID", "NAME", "STATUS"});
  table.AddRow({"S1", "Ann", "active"});
  table.AddRow({"S10", "Günter Wolf", ""});
  CHECK(table.Render() ==
        "ID   NAME         STATUS\n"
        "S1   Ann          active\n"
        "S10  Günter Wolf\n");
  CHECK(table.Render(/*with_header=*/false) ==
        "S1   Ann          active\n"
        "S10  Günter Wolf\n");
}

TEST_CASE("later pages keep the widths of earlier ones") {
  Table first({"ID", "NAME"});
  first.AddRow({"subscriber-1", "A"});
  Table second({"ID", "NAME"});
  second.AddRow({"s2", "B"});
  second.SetMinWidths(first.Widths());
  CHECK(second.Render(false) == "s2            B\n");
}

TEST_CASE("field/value pairs align and indent multi-line values") {
  CHECK(RenderPairs({{"id", "T1"}, {"content_type", "text/plain"}, {"body", "a\nb\n"}}) ==
        "id            T1\n"
        "content_type  text/plain\n"
        "body          a\n"
        "              b\n");
}

TEST_CASE("entities become list rows and flattened fields") {
  v1::Entity entity;
  v1::Subscriber* s = entity.mutable_subscriber();
  s->set_id("S1");
  s->set_name("Ann");
  s->set_status(v1::SUBSCRIBER_STATUS_ACTIVE);
  s->mutable_qos()->set_rtp_dscp(46);
  v1::Line* line = s->add_lines();
  line->set_index(1);
  line->set_directory_number("+15551230001");
  (*s->mutable_attributes())["b"] = "2";
  (*s->mutable_attributes())["a"] = "1";
  Table table = MakeListTable(v1::ENTITY_KIND_SUBSCRIBER);
  table.AddRow(ListRow(entity));
  CHECK(table.Render() ==
        "ID  ACCOUNT  NAME  STATUS  SIP DOMAIN  LINES         PACKAGE\n"
        "S1           Ann   active              +15551230001\n");
  std::vector<std::pair<std::string, std::string>> pairs = FieldPairs(*s);
  std::vector<std::pair<std::string, std::string>> expected = {
      {"id", "S1"},
      {"name", "Ann"},
      {"status", "active"},
      {"lines[0].index", "1"},
      {"lines[0].directory_number", "+15551230001"},
      {"qos.rtp_dscp", "46"},
      {"attributes.a", "1"},
      {"attributes.b", "2"},
  };
  CHECK(pairs == expected);

  v1::Entity device;
  device.mutable_device()->set_mac("aa:bb:cc:dd:ee:ff");
  device.mutable_device()->set_secret(std::string("\x01\xab", 2));
  device.mutable_device()->set_state(v1::DEVICE_STATE_PREPROVISIONED);
  CHECK(ListRow(device) ==
        std::vector<std::string>{"aa:bb:cc:dd:ee:ff", "", "", "preprovisioned", "", ""});
  CHECK(FieldPairs(device.device())[1] == std::make_pair(std::string("state"),
                                                         std::string("preprovisioned")));
  CHECK(FieldPairs(device.device())[2] == std::make_pair(std::string("secret"),
                                                         std::string("01ab")));
}

TEST_CASE("JSON output keeps proto field names") {
  v1::Entity entity;
  entity.mutable_device()->set_subscriber_id("S1");
  StatusOr<std::string> json = ToJson(entity, /*multiline=*/false);
  REQUIRE(json.ok());
  CHECK(*json == R"({"device":{"subscriber_id":"S1"}})");
}

TEST_CASE("info prints counts in import order") {
  v1::InfoResponse info;
  info.set_revision(42);
  info.set_oldest_revision(1);
  (*info.mutable_counts())["device"] = 10;
  (*info.mutable_counts())["template"] = 7;
  (*info.mutable_counts())["slave"] = 2;
  CHECK(FormatInfo(info) ==
        "revision         42\n"
        "oldest revision  1\n"
        "read only        no\n"
        "templates        7\n"
        "devices          10\n"
        "slaves           2\n");
}

}  // namespace
}  // namespace provisor::ctl
