#include "slave/generation/provider.h"

#include <catch2/catch.hpp>

#include "common/clock.h"
#include "tests/support/store_entities.h"

namespace provisor {
namespace {

using std::chrono::minutes;

ClientIp Ip(const char* text) { return *ClientIp::Parse(text); }

using testing::PutChange;

TEST_CASE("every token refusal is counted under its own fetch refusal") {
  const std::pair<TokenRefusal, std::string_view> expected[] = {
      {TokenRefusal::kMalformed, "token_malformed"},
      {TokenRefusal::kBadTag, "token_bad_tag"},
      {TokenRefusal::kUnknownEpoch, "token_unknown_epoch"},
      {TokenRefusal::kExpiredEpoch, "token_expired_epoch"},
      {TokenRefusal::kTooOld, "token_too_old"},
      {TokenRefusal::kFromFuture, "token_from_future"},
      {TokenRefusal::kWrongClientIp, "token_wrong_client_ip"},
      {TokenRefusal::kWrongSuffix, "token_wrong_suffix"},
  };
  // The table above covers every refusal the token codec has.
  REQUIRE(std::size(expected) + 1 == static_cast<size_t>(TokenRefusal::kCount));
  for (const auto& [token_refusal, name] : expected) {
    INFO(TokenRefusalName(token_refusal));
    CHECK(DeliveryRefusalName(DeliveryRefusalFor(token_refusal)) == name);
    CHECK(name == "token_" + std::string(TokenRefusalName(token_refusal)));
  }
  CHECK(DeliveryRefusalFor(TokenRefusal::kNone) == DeliveryRefusal::kCount);
  CHECK(DeliveryRefusalFor(TokenRefusal::kCount) == DeliveryRefusal::kCount);
}

struct Fixture {
  Fixture() {
    clock.SetWall(WallTime(std::chrono::seconds(1'800'000'000)));
    auto snap = std::make_shared<GenerationSnapshot>(minutes(30));
    epoch = snap->keys.EpochAt(clock.WallNow());
    key = *KeyRing::Generate(epoch);
    v1::Entity k;
    k.mutable_key_epoch()->set_epoch(epoch);
    k.mutable_key_epoch()->set_key(std::string(key.key.begin(), key.key.end()));
    snap->Apply(PutChange(1, v1::ENTITY_KIND_KEY_EPOCH, "k", k));
    v1::Entity t;
    t.mutable_template_()->set_id("tpl");
    t.mutable_template_()->set_version(1);
    t.mutable_template_()->set_body("mac={{device.mac_hex}} resync={{cluster.resync_url}}\n");
    snap->Apply(PutChange(2, v1::ENTITY_KIND_TEMPLATE, "tpl", t));
    v1::Entity m;
    m.mutable_model()->set_id("m1");
    m.mutable_model()->set_template_id("tpl");
    m.mutable_model()->add_file_names("{MAC}.cfg");
    snap->Apply(PutChange(3, v1::ENTITY_KIND_MODEL, "m1", m));
    for (const char* mac : {"00:15:65:aa:bb:cc", "00:15:65:00:00:02"}) {
      v1::Entity d;
      d.mutable_device()->set_mac(mac);
      d.mutable_device()->set_model("m1");
      d.mutable_device()->mutable_last_binding()->set_ip("10.1.2.3");
      if (std::string(mac) == "00:15:65:00:00:02") {
        d.mutable_device()->set_state(v1::DEVICE_STATE_SUSPENDED);
      }
      snap->Apply(PutChange(4, v1::ENTITY_KIND_DEVICE, mac, d));
    }
    holder.Set(snap);
    options.cluster.server = "10.0.0.5";
  }
  std::string Token(std::array<uint8_t, 6> mac, const char* ip = "10.1.2.3",
                    std::string_view suffix = ".cfg") {
    KeyRing ring(minutes(30));
    ring.Put(key);
    TokenClaims claims;
    claims.mac = mac;
    claims.client_ip = Ip(ip);
    claims.issued_unix = 1'800'000'000;
    return *MintToken(ring, epoch, claims, suffix);
  }
  DeliveryResult Fetch(GenerationProvider& p, const std::string& name,
                       const char* from = "10.1.2.3:5000") {
    DeliveryRequest request;
    request.name = name;
    request.client = *SocketAddress::Parse(from);
    return p.Deliver(request);
  }
  FakeClock clock;
  SnapshotHolder holder;
  ProviderOptions options;
  uint32_t epoch = 0;
  TokenKey key;
};

TEST_CASE("a valid token renders the device's configuration with a fresh resync token") {
  Fixture f;
  GenerationProvider p(&f.holder, f.options, &f.clock);
  DeliveryResult r = f.Fetch(p, f.Token({0x00, 0x15, 0x65, 0xaa, 0xbb, 0xcc}));
  REQUIRE(r.ok());
  std::string bytes = ReadAll(*r.content);
  CHECK(bytes.rfind("mac=001565aabbcc resync=tftp://10.0.0.5/", 0) == 0);
  // The resync name is itself a valid token for the same device and client.
  std::string resync = bytes.substr(bytes.rfind('/') + 1);
  resync.pop_back();  // newline
  CHECK(f.Fetch(p, resync).ok());
  // Tokens are not single-use: a client that sends its RRQ twice (PXE, or
  // one that rejected an option) gets the file again from the same IP.
  CHECK(f.Fetch(p, f.Token({0x00, 0x15, 0x65, 0xaa, 0xbb, 0xcc})).ok());
  CHECK(f.Fetch(p, f.Token({0x00, 0x15, 0x65, 0xaa, 0xbb, 0xcc})).ok());
  CHECK(p.served() == 4);
}

TEST_CASE("every refusal is counted under its reason") {
  Fixture f;
  GenerationProvider p(&f.holder, f.options, &f.clock);
  auto refused = [&](const std::string& name, DeliveryRefusal want,
                     const char* from = "10.1.2.3:5000") {
    DeliveryResult r = f.Fetch(p, name, from);
    CHECK_FALSE(r.ok());
    CHECK(r.refusal == want);
    CHECK(p.refusals(want) >= 1);
  };
  refused("001565aabbcc.cfg", DeliveryRefusal::kTokenMalformed);  // native names are off
  refused(f.Token({0x00, 0x15, 0x65, 0x00, 0x00, 0x99}), DeliveryRefusal::kDeviceUnknown);
  refused(f.Token({0x00, 0x15, 0x65, 0x00, 0x00, 0x02}), DeliveryRefusal::kDeviceSuspended);
  refused(f.Token({0x00, 0x15, 0x65, 0xaa, 0xbb, 0xcc}), DeliveryRefusal::kTokenWrongClientIp,
          "10.9.9.9:5000");
  // IPv6 clients are not "0.0.0.0": a token minted for 0.0.0.0 serves none.
  refused(f.Token({0x00, 0x15, 0x65, 0xaa, 0xbb, 0xcc}, "0.0.0.0"),
          DeliveryRefusal::kTokenWrongClientIp, "[2001:db8::10]:5000");
  refused(f.Token({0x00, 0x15, 0x65, 0xaa, 0xbb, 0xcc}), DeliveryRefusal::kTokenWrongClientIp,
          "[2001:db8::10]:5000");
  refused(f.Token({0x00, 0x15, 0x65, 0xaa, 0xbb, 0xcc}, "2001:db8::10"),
          DeliveryRefusal::kTokenWrongClientIp);
  // A genuine token asked for with another suffix than it was minted with.
  const std::string cfg = f.Token({0x00, 0x15, 0x65, 0xaa, 0xbb, 0xcc});
  refused(cfg.substr(0, kTokenChars) + ".xml", DeliveryRefusal::kTokenWrongSuffix);
  refused(cfg.substr(0, kTokenChars), DeliveryRefusal::kTokenWrongSuffix);
  CHECK(p.refusals(DeliveryRefusal::kTokenWrongSuffix) == 2);
  std::string forged = f.Token({0x00, 0x15, 0x65, 0xaa, 0xbb, 0xcc});
  forged[40] = forged[40] == 'a' ? 'b' : 'a';
  DeliveryResult r = f.Fetch(p, forged);
  CHECK_FALSE(r.ok());
  f.clock.Advance(std::chrono::hours(2));
  refused(f.Token({0x00, 0x15, 0x65, 0xaa, 0xbb, 0xcc}), DeliveryRefusal::kTokenExpiredEpoch);

  SnapshotHolder empty;
  GenerationProvider none(&empty, f.options, &f.clock);
  DeliveryRequest anything;
  anything.name = "x";
  CHECK(none.Deliver(anything).refusal == DeliveryRefusal::kNoData);
}

TEST_CASE("IPv6 and v4-mapped clients: the token binds the full address") {
  Fixture f;
  GenerationProvider p(&f.holder, f.options, &f.clock);
  const std::array<uint8_t, 6> mac = {0x00, 0x15, 0x65, 0xaa, 0xbb, 0xcc};
  DeliveryResult v6 = f.Fetch(p, f.Token(mac, "2001:db8::10"), "[2001:db8::10]:5000");
  REQUIRE(v6.ok());
  // Its resync token is bound to the same IPv6 address (96 characters).
  std::string bytes = ReadAll(*v6.content);
  std::string resync = bytes.substr(bytes.rfind('/') + 1);
  resync.pop_back();
  CHECK(resync.size() == kTokenCharsV6 + 4);
  CHECK(f.Fetch(p, resync, "[2001:db8::10]:6000").ok());
  CHECK(f.Fetch(p, resync, "[2001:db8::11]:6000").refusal ==
        DeliveryRefusal::kTokenWrongClientIp);
  // A dual-stack listener reports an IPv4 client as ::ffff:a.b.c.d.
  CHECK(f.Fetch(p, f.Token(mac), "[::ffff:10.1.2.3]:5000").ok());
  CHECK(f.Fetch(p, f.Token(mac), "[::ffff:10.1.2.4]:5000").refusal ==
        DeliveryRefusal::kTokenWrongClientIp);
  // Native names compare the binding the same way.
  f.options.native_names = true;
  GenerationProvider native(&f.holder, f.options, &f.clock);
  CHECK(f.Fetch(native, "001565aabbcc.cfg", "[::ffff:10.1.2.3]:5000").ok());
  CHECK(f.Fetch(native, "001565aabbcc.cfg", "[2001:db8::10]:5000").refusal ==
        DeliveryRefusal::kNativeNameRefused);
}

TEST_CASE("vendor-native names: off by default, then only the model's names from the bound IP") {
  Fixture f;
  f.options.native_names = true;
  GenerationProvider p(&f.holder, f.options, &f.clock);
  CHECK(f.Fetch(p, "001565AABBCC.cfg").ok());
  CHECK(f.Fetch(p, "001565aabbcc.cfg").ok());
  constexpr DeliveryRefusal kRefused = DeliveryRefusal::kNativeNameRefused;
  CHECK(f.Fetch(p, "001565aabbcc.cfg", "10.1.2.4:5000").refusal == kRefused);
  CHECK(f.Fetch(p, "SEP001565AABBCC.cnf.xml").refusal == kRefused);  // not m1's
  CHECK(f.Fetch(p, "001565000099.cfg").refusal == kRefused);         // no device
}

TEST_CASE("a device fetched twice renders the same and a subscriber change shows at once") {
  Fixture f;
  // The device gets a subscriber; the template shows its name.
  auto next = std::make_shared<GenerationSnapshot>(*f.holder.Get());
  v1::Entity t;
  t.mutable_template_()->set_id("tpl");
  t.mutable_template_()->set_version(2);
  t.mutable_template_()->set_body(
      "mac={{device.mac_hex}} name={{subscriber.name}} resync={{cluster.resync_url}}\n");
  next->Apply(PutChange(5, v1::ENTITY_KIND_TEMPLATE, "tpl", t));
  v1::Entity s;
  s.mutable_subscriber()->set_id("s1");
  s.mutable_subscriber()->set_name("Alice");
  next->Apply(PutChange(5, v1::ENTITY_KIND_SUBSCRIBER, "s1", s));
  v1::Entity d;
  d.mutable_device()->set_mac("00:15:65:aa:bb:cc");
  d.mutable_device()->set_model("m1");
  d.mutable_device()->set_subscriber_id("s1");
  d.mutable_device()->mutable_last_binding()->set_ip("10.1.2.3");
  next->Apply(PutChange(5, v1::ENTITY_KIND_DEVICE, "00:15:65:aa:bb:cc", d));
  f.holder.Set(next);

  GenerationProvider p(&f.holder, f.options, &f.clock);
  const std::string token = f.Token({0x00, 0x15, 0x65, 0xaa, 0xbb, 0xcc});
  // Everything before the resync token's name.
  auto body = [](const std::string& bytes) { return bytes.substr(0, bytes.rfind('/') + 1); };
  DeliveryResult first = f.Fetch(p, token);
  REQUIRE(first.ok());
  const std::string a = ReadAll(*first.content);
  f.clock.Advance(std::chrono::seconds(1));
  DeliveryResult second = f.Fetch(p, token);
  REQUIRE(second.ok());
  const std::string b = ReadAll(*second.content);
  CHECK(body(a) == "mac=001565aabbcc name=Alice resync=tftp://10.0.0.5/");
  CHECK(body(b) == body(a));
  CHECK(a.size() == b.size());
  CHECK(a.back() == '\n');
  CHECK(b.back() == '\n');
  CHECK(p.prepared().misses() == 1);
  CHECK(p.prepared().hits() == 1);  // the second fetch was only rendered

  // The subscriber's name changes in the next version.
  auto renamed = std::make_shared<GenerationSnapshot>(*f.holder.Get());
  s.mutable_subscriber()->set_name("Bob");
  renamed->Apply(PutChange(6, v1::ENTITY_KIND_SUBSCRIBER, "s1", s));
  f.holder.Set(renamed);
  DeliveryResult third = f.Fetch(p, token);
  REQUIRE(third.ok());
  CHECK(body(ReadAll(*third.content)) ==
        "mac=001565aabbcc name=Bob resync=tftp://10.0.0.5/");
  CHECK(p.prepared().misses() == 2);
  CHECK(p.served() == 3);
}

}  // namespace
}  // namespace provisor
