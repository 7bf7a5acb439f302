#include "common/render/template.h"

#include <catch2/catch.hpp>

#include "common/render/context.h"

namespace provisor {
namespace {

TEST_CASE("templates compile once and render; syntax errors name line and column") {
  auto ok = CompiledTemplate::Compile("t1", 3, "Hello {{name}}!\n{{#items}}[{{.}}]{{/items}}\n");
  REQUIRE(ok.ok());
  RenderData data{RenderData::type::object};
  data.set("name", "Ann & <Bob>");
  RenderData items{RenderData::type::list};
  items.push_back("a");
  items.push_back("b");
  data.set("items", items);
  RenderStats stats;
  CHECK((*ok)->Render(data, &stats) == "Hello Ann &amp; &lt;Bob&gt;!\n[a][b]\n");
  CHECK(stats.missing_names == 0);

  auto unclosed = CompiledTemplate::Compile("t2", 1, "line one\n  {{#section}}\nno end\n");
  REQUIRE_FALSE(unclosed.ok());
  CHECK(unclosed.status().message() == "template t2: line 2, column 3: Unclosed section \"section\"");
  auto tag = CompiledTemplate::Compile("t3", 1, "a\nb {{oops\n");
  REQUIRE_FALSE(tag.ok());
  CHECK(tag.status().message() == "template t3: line 2, column 3: Unclosed tag");
}

TEST_CASE("a missing field renders empty and is counted") {
  auto t = CompiledTemplate::Compile("t", 1, "a={{present}} b={{absent}} c={{deep.missing}}");
  REQUIRE(t.ok());
  RenderData data{RenderData::type::object};
  data.set("present", "1");
  RenderStats stats;
  CHECK((*t)->Render(data, &stats) == "a=1 b= c=");
  CHECK(stats.missing_names == 2);
  CHECK(stats.missing == std::vector<std::string>{"absent", "deep.missing"});
}

TEST_CASE("the cache compiles each template version once") {
  TemplateCache cache;
  auto a = cache.Get("t", 1, "v1 {{x}}");
  auto b = cache.Get("t", 1, "ignored: same version");
  REQUIRE(a.ok());
  CHECK(a->get() == b->get());
  auto c = cache.Get("t", 2, "v2 {{x}}");
  CHECK(c->get() != a->get());
  CHECK(cache.size() == 1);
  CHECK_FALSE(cache.Get("bad", 1, "{{#x}}").ok());
}

TEST_CASE("render context from stored entities") {
  v1::Device device;
  device.set_mac("00:15:65:aa:bb:cc");
  device.set_model("yealink-t46u");
  device.set_serial("SN1");
  device.set_state(v1::DEVICE_STATE_ACTIVE);
  auto* p1 = device.add_line_map();
  p1->set_port(1);
  p1->set_subscriber_line(2);
  auto* p2 = device.add_line_map();
  p2->set_port(2);
  p2->set_subscriber_line(1);
  v1::DeviceModel model;
  model.set_id("yealink-t46u");
  model.set_vendor("Yealink");
  model.set_model("T46U");
  v1::Subscriber sub;
  sub.set_id("s1");
  sub.set_name("Ann Smith");
  sub.set_sip_domain("voip.example.net");
  for (int i = 1; i <= 2; ++i) {
    auto* line = sub.add_lines();
    line->set_index(i);
    line->set_directory_number("+1555000000" + std::to_string(i));
    line->set_sip_user("u" + std::to_string(i));
    line->set_password("pw" + std::to_string(i));
  }
  (*sub.mutable_attributes())["timezone"] = "America/New_York";
  v1::ServicePackage pkg;
  pkg.set_id("res");
  (*pkg.mutable_parameters())["codecs"] = "G722, PCMU,PCMA";
  (*pkg.mutable_parameters())["timezone"] = "UTC";
  (*pkg.mutable_parameters())["admin_password"] = "s3cret";
  RenderInput in;
  in.device = &device;
  in.model = &model;
  in.subscriber = &sub;
  in.package = &pkg;
  in.cluster.server = "10.0.0.5";
  in.cluster.resync_name = "tokentoken.cfg";
  in.now = WallTime(std::chrono::seconds(1'800'000'000));
  RenderData ctx = BuildRenderContext(in);
  auto t = CompiledTemplate::Compile(
      "all", 1,
      "{{device.mac_upper}} {{device.vendor}} {{subscriber.registrar}}\n"
      "{{#lines}}{{port}}:{{index}}:{{sip_user}}:{{auth_user}}:{{display_name}}{{^last}},{{/last}}{{/lines}}\n"
      "{{#package.codecs}}{{priority}}={{name}}{{^last}} {{/last}}{{/package.codecs}}\n"
      "{{qos.sip_dscp}}/{{qos.rtp_tos}} {{time.timezone}} {{time.now_iso}} {{admin.password}}\n"
      "{{cluster.resync_url}}\n");
  REQUIRE(t.ok());
  RenderStats stats;
  CHECK((*t)->Render(ctx, &stats) ==
        "001565AABBCC Yealink voip.example.net\n"
        "1:2:u2:u2:Ann Smith,2:1:u1:u1:Ann Smith\n"
        "1=G722 2=PCMU 3=PCMA\n"
        "24/184 America/New_York 2027-01-15T08:00:00Z s3cret\n"
        "tftp://10.0.0.5/tokentoken.cfg\n");
  CHECK(stats.missing_names == 0);
}

}  // namespace
}  // namespace provisor

namespace provisor {
namespace {

TEST_CASE("a per-request cluster layer overrides the cached context") {
  v1::Device device;
  device.set_mac("00:15:65:aa:bb:cc");
  device.set_model("m");
  v1::DeviceModel model;
  model.set_id("m");
  RenderInput in;
  in.device = &device;
  in.model = &model;
  in.cluster.server = "10.0.0.5";
  in.cluster.resync_name = "old.cfg";
  RenderData cached = BuildRenderContext(in);
  ClusterInfo fresh = in.cluster;
  fresh.resync_name = "new.cfg";
  auto t = CompiledTemplate::Compile("t", 1, "{{device.mac_hex}} {{cluster.resync_url}}");
  REQUIRE(t.ok());
  CHECK((*t)->Render(cached, BuildClusterLayer(fresh)) == "001565aabbcc tftp://10.0.0.5/new.cfg");
  CHECK((*t)->Render(cached) == "001565aabbcc tftp://10.0.0.5/old.cfg");
}

TEST_CASE("POSIX TZ rules and zoneinfo footers") {
  auto ny = ParsePosixTz("EST5EDT,M3.2.0,M11.1.0");
  REQUIRE(ny.ok());
  CHECK(ny->std_offset_s == -18000);
  REQUIRE(ny->has_dst);
  CHECK(ny->dst_save_s == 3600);
  CHECK(ny->start.month == 3);
  CHECK(ny->start.week == 2);
  CHECK(ny->start.weekday == 0);
  CHECK(ny->start.hour == 2);
  CHECK(ny->end.month == 11);
  auto berlin = ParsePosixTz("CET-1CEST,M3.5.0,M10.5.0/3");
  REQUIRE(berlin.ok());
  CHECK(berlin->std_offset_s == 3600);
  CHECK(berlin->end.week == 5);
  CHECK(berlin->end.hour == 3);
  auto dubai = ParsePosixTz("<+04>-4");
  REQUIRE(dubai.ok());
  CHECK(dubai->std_offset_s == 14400);
  CHECK_FALSE(dubai->has_dst);
  auto india = ParsePosixTz("IST-5:30");
  REQUIRE(india.ok());
  CHECK(india->std_offset_s == 19800);
  CHECK_FALSE(ParsePosixTz("nonsense").ok());
  CHECK_FALSE(ParsePosixTz("EST").ok());

  auto loaded = LoadZoneRule("America/New_York");
  REQUIRE(loaded.ok());
  CHECK(loaded->posix == "EST5EDT,M3.2.0,M11.1.0");
  CHECK(LoadZoneRule("../../etc/passwd").status().code() == StatusCode::kInvalidArgument);
  CHECK(LoadZoneRule("Nowhere/Atlantis").status().code() == StatusCode::kNotFound);
  ZoneCache cache;
  auto a = cache.Get("Europe/Berlin");
  REQUIRE(a != nullptr);
  CHECK(a.get() == cache.Get("Europe/Berlin").get());
  CHECK(cache.Get("Nowhere/Atlantis") == nullptr);
}

TEST_CASE("the context leaves out empty values and removes control characters") {
  v1::Device device;
  device.set_mac("00:15:65:aa:bb:cc");
  device.set_model("m");
  v1::DeviceModel model;
  model.set_id("m");
  v1::Subscriber sub;
  sub.set_id("s1");
  sub.set_name("Evil\r\nstatic.security.user_password = admin:x");
  RenderInput in;
  in.device = &device;
  in.model = &model;
  in.subscriber = &sub;
  in.cluster.server = "10.0.0.5";
  in.now = WallTime(std::chrono::seconds(1'800'000'000));
  auto t = CompiledTemplate::Compile(
      "t", 1, "name={{{subscriber.name}}}\n{{#subscriber.outbound_proxy}}obp{{/subscriber.outbound_proxy}}"
              "{{^package}}nopkg{{/package}}\n");
  REQUIRE(t.ok());
  CHECK((*t)->Render(BuildRenderContext(in)) ==
        "name=Evil  static.security.user_password = admin:x\nnopkg\n");
}

}  // namespace
}  // namespace provisor
