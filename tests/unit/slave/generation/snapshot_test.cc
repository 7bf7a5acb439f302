// Templates on a slave are compiled when they arrive in the snapshot or a
// delta, and requests only look them up.
#include "slave/generation/snapshot.h"

#include <spdlog/sinks/ostream_sink.h>

#include <catch2/catch.hpp>
#include <sstream>

#include "common/clock.h"
#include "common/token/client_ip.h"
#include "slave/generation/provider.h"
#include "slave/generation/snapshot_sink.h"
#include "tests/support/store_entities.h"

namespace provisor {
namespace {

using std::chrono::minutes;

constexpr const char* kMac = "00:15:65:aa:bb:cc";

using testing::PutChange;

v1::Entity Template(const std::string& id, uint64_t version, const std::string& body) {
  v1::Entity t;
  t.mutable_template_()->set_id(id);
  t.mutable_template_()->set_version(version);
  t.mutable_template_()->set_body(body);
  return t;
}

size_t Count(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

TEST_CASE("a template is compiled once, when it arrives, and looked up after") {
  GenerationSnapshot snap(minutes(30));
  snap.Apply(PutChange(1, v1::ENTITY_KIND_TEMPLATE, "tpl", Template("tpl", 1, "a={{a}}")));
  const std::shared_ptr<const ArrivedTemplate>* arrived = snap.compiled.Find("tpl");
  REQUIRE(arrived != nullptr);
  REQUIRE((*arrived)->compiled != nullptr);
  CHECK((*arrived)->version == 1);

  SnapshotTemplates templates(snap);
  auto found = templates.Get("tpl", 1, "the text is not looked at");
  REQUIRE(found.ok());
  CHECK(found->get() == (*arrived)->compiled.get());
  CHECK(templates.Get("tpl", 1, "")->get() == (*arrived)->compiled.get());

  // Another version, even of valid text, is not compiled on a request.
  auto other = templates.Get("tpl", 2, "a={{a}}");
  REQUIRE_FALSE(other.ok());
  CHECK(other.status().code() == StatusCode::kFailedPrecondition);
  CHECK(other.status().message() == "template tpl version 2 was not compiled on arrival");
  CHECK(SnapshotTemplates(snap).Get("absent", 1, "x").status().message() ==
        "template absent version 1 was not compiled on arrival");

  // A copy (the next version of the snapshot) shares the compiled template.
  GenerationSnapshot next(snap);
  CHECK(SnapshotTemplates(next).Get("tpl", 1, "")->get() == (*arrived)->compiled.get());
  v1::Change gone;
  gone.set_revision(2);
  gone.set_kind(v1::ENTITY_KIND_TEMPLATE);
  gone.set_key("tpl");
  gone.set_deleted(true);
  next.Apply(gone);
  CHECK(next.compiled.Find("tpl") == nullptr);
  CHECK(snap.compiled.Find("tpl") != nullptr);
}

TEST_CASE("a template that does not compile is counted and logged once per arrival") {
  std::ostringstream log;
  auto logger = std::make_shared<spdlog::logger>(
      "t", std::make_shared<spdlog::sinks::ostream_sink_mt>(log));
  SnapshotHolder holder;
  SnapshotSink sink(&holder, logger);

  v1::SyncStart start;
  start.set_mode(v1::SyncStart::MODE_SNAPSHOT);
  start.set_store_id("s");
  start.set_revision(5);
  start.set_rotate_every_s(1800);
  REQUIRE(sink.Start(start).ok());
  v1::SnapshotChunk chunk;
  *chunk.add_entities() = Template("bad", 1, "\n{{#x}}");
  *chunk.add_entities() = Template("good", 1, "{{x}}");
  REQUIRE(sink.SnapshotEntities(chunk).ok());
  v1::SnapshotEnd end;
  end.set_revision(5);
  end.set_entities(2);
  REQUIRE(sink.EndSnapshot(end).ok());
  CHECK(sink.template_failures() == 1);
  CHECK(Count(log.str(), "TEMPLATE_COMPILE_FAILED template bad: line 2, column 1: "
                         "Unclosed section \"x\"; devices using it are refused") == 1);

  // Every lookup answers the error found on arrival; nothing compiles again.
  SnapshotTemplates templates(*holder.Get());
  for (int i = 0; i < 3; ++i) {
    auto bad = templates.Get("bad", 1, "\n{{#x}}");
    REQUIRE_FALSE(bad.ok());
    CHECK(bad.status().message() == "template bad: line 2, column 1: Unclosed section \"x\"");
  }
  CHECK(sink.template_failures() == 1);
  CHECK(Count(log.str(), "TEMPLATE_COMPILE_FAILED") == 1);

  // A delta brings a hostile version: refused on arrival, once.
  v1::ChangeBatch batch;
  *batch.add_changes() = PutChange(6, v1::ENTITY_KIND_TEMPLATE, "good",
                             Template("good", 2, "{{" + std::string(40'000, 'a') + "}}"));
  REQUIRE(sink.ApplyChanges(batch).ok());
  CHECK(sink.template_failures() == 2);
  CHECK(Count(log.str(), "TEMPLATE_COMPILE_FAILED template good: line 1, column 1: tag name "
                         "longer than 128 bytes") == 1);
  CHECK(SnapshotTemplates(*holder.Get()).Get("good", 2, "").status().message() ==
        "template good: line 1, column 1: tag name longer than 128 bytes");
}

ClientIp Ip(const char* text) { return *ClientIp::Parse(text); }

// A device whose template is `body`, served through the real provider.
struct Served {
  explicit Served(const std::string& body) {
    clock.SetWall(WallTime(std::chrono::seconds(1'800'000'000)));
    snap = std::make_shared<GenerationSnapshot>(minutes(30));
    epoch = snap->keys.EpochAt(clock.WallNow());
    key = *KeyRing::Generate(epoch);
    v1::Entity k;
    k.mutable_key_epoch()->set_epoch(epoch);
    k.mutable_key_epoch()->set_key(std::string(key.key.begin(), key.key.end()));
    snap->Apply(PutChange(1, v1::ENTITY_KIND_KEY_EPOCH, "k", k));
    snap->Apply(PutChange(2, v1::ENTITY_KIND_TEMPLATE, "tpl", Template("tpl", 1, body)));
    v1::Entity m;
    m.mutable_model()->set_id("m1");
    m.mutable_model()->set_template_id("tpl");
    snap->Apply(PutChange(3, v1::ENTITY_KIND_MODEL, "m1", m));
    v1::Entity d;
    d.mutable_device()->set_mac(kMac);
    d.mutable_device()->set_model("m1");
    snap->Apply(PutChange(4, v1::ENTITY_KIND_DEVICE, kMac, d));
  }
  DeliveryResult Fetch() {
    holder.Set(snap);
    GenerationProvider provider(&holder, ProviderOptions{}, &clock);
    KeyRing ring(minutes(30));
    ring.Put(key);
    TokenClaims claims;
    claims.mac = {0x00, 0x15, 0x65, 0xaa, 0xbb, 0xcc};
    claims.client_ip = Ip("10.1.2.3");
    claims.issued_unix = 1'800'000'000;
    const std::string name = *MintToken(ring, epoch, claims, ".cfg");
    DeliveryRequest request;
    request.name = name;
    request.client = *SocketAddress::Parse("10.1.2.3:69");
    DeliveryResult r = provider.Deliver(request);
    render_failed = provider.refusals(DeliveryRefusal::kRenderFailed);
    return r;
  }
  FakeClock clock;
  SnapshotHolder holder;
  std::shared_ptr<GenerationSnapshot> snap;
  uint32_t epoch = 0;
  TokenKey key;
  uint64_t render_failed = 0;
};

TEST_CASE("a request renders with the template compiled on arrival and never compiles") {
  Served ok("mac={{device.mac_hex}}\n");
  CHECK(ok.Fetch().ok());
  CHECK(ok.render_failed == 0);

  // The template's text is valid, but without its compiled form the request
  // is refused rather than compiling it.
  Served uncompiled("mac={{device.mac_hex}}\n");
  uncompiled.snap->compiled.Erase("tpl");
  CHECK_FALSE(uncompiled.Fetch().ok());
  CHECK(uncompiled.render_failed == 1);

  // A template that failed on arrival refuses its devices.
  Served broken("{{#unclosed}}\n");
  CHECK_FALSE(broken.Fetch().ok());
  CHECK(broken.render_failed == 1);
}

}  // namespace
}  // namespace provisor
