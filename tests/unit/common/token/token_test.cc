#include "common/token/token.h"

#include <arpa/inet.h>

#include <catch2/catch.hpp>
#include <random>

#include "common/token/base32.h"

namespace provisor {
namespace {

using std::chrono::minutes;
using std::chrono::seconds;

ClientIp Ip(const char* text) {
  StatusOr<ClientIp> ip = ClientIp::Parse(text);
  REQUIRE(ip.ok());
  return *ip;
}

struct Fixture {
  Fixture() : ring(minutes(30)) {
    clock.SetWall(WallTime(std::chrono::seconds(1'800'000'000)));
    AddKey(ring.EpochAt(clock.WallNow()));
    claims.mac = {0x00, 0x15, 0x65, 0xaa, 0xbb, 0xcc};
    claims.client_ip = Ip("10.1.2.3");
    claims.issued_unix = Now();
  }
  void AddKey(uint32_t epoch) {
    auto key = KeyRing::Generate(epoch);
    REQUIRE(key.ok());
    ring.Put(*key);
  }
  uint32_t Now() const {
    return static_cast<uint32_t>(
        std::chrono::duration_cast<seconds>(clock.WallNow().time_since_epoch()).count());
  }
  std::string Mint(std::string_view suffix = "") {
    auto t = MintToken(ring, ring.EpochAt(clock.WallNow()), claims, suffix);
    REQUIRE(t.ok());
    return *t;
  }
  TokenCheck Verify(std::string_view name, const char* ip = "10.1.2.3") {
    return VerifyToken(ring, policy, name, Ip(ip), clock.WallNow());
  }
  FakeClock clock;
  KeyRing ring;
  TokenPolicy policy;
  TokenClaims claims;
};

TEST_CASE("base32 round trips and rejects what is not base32") {
  std::mt19937 rng(7);
  for (size_t n = 0; n < 64; ++n) {
    std::string bytes(n, '\0');
    for (char& c : bytes) c = static_cast<char>(rng());
    std::string text = Base32Encode(bytes);
    CHECK(text.size() == (n * 8 + 4) / 5);
    CHECK(Base32Decode(text) == bytes);
    std::string upper = text;
    for (char& c : upper) c = static_cast<char>(std::toupper(c));
    CHECK(Base32Decode(upper) == bytes);
  }
  CHECK(Base32Encode("foobar") == "mzxw6ytboi");
  CHECK_FALSE(Base32Decode("mzxw6ytbo1").has_value());  // '1' is not in the alphabet
  CHECK_FALSE(Base32Decode("mzxw6ytbop").has_value());  // non-zero padding bits
}

TEST_CASE("token round trip: fits the DHCP file field, printable, case-insensitive") {
  Fixture f;
  std::string name = f.Mint(".cfg");
  CHECK(name.size() == kTokenChars + 4);
  CHECK(name.size() <= 100);
  CHECK(name.find_first_not_of("abcdefghijklmnopqrstuvwxyz234567.cfg") == std::string::npos);
  TokenCheck check = f.Verify(name);
  REQUIRE(check.ok());
  CHECK(check.claims == f.claims);
  std::string upper = name;
  for (char& c : upper) c = static_cast<char>(std::toupper(c));
  CHECK(f.Verify(upper).ok());
  CHECK(f.Verify("/" + name).ok());
  CHECK(f.Verify(f.Mint()).ok());
  CHECK(f.Mint() != f.Mint());  // a fresh nonce every time
  CHECK_FALSE(MintToken(f.ring, 1, f.claims, ".cfg").ok());      // no key for epoch 1
  CHECK_FALSE(MintToken(f.ring, f.ring.EpochAt(f.clock.WallNow()), f.claims, "cfg").ok());
  CHECK_FALSE(MintToken(f.ring, f.ring.EpochAt(f.clock.WallNow()), f.claims, ".exe").ok());
}

TEST_CASE("an IPv4 token stays 77 characters; an IPv6 one is 96") {
  Fixture f;
  for (const char* ip : {"10.1.2.3", "0.0.0.1", "255.255.255.254"}) {
    f.claims.client_ip = Ip(ip);
    std::string name = f.Mint(".cfg");
    CHECK(name.size() == kTokenChars + 4);
    TokenCheck check = f.Verify(name, ip);
    REQUIRE(check.ok());
    CHECK(check.claims == f.claims);
    CHECK_FALSE(check.claims.client_ip.is_v6());
    CHECK(check.suffix == ".cfg");
  }
  for (const char* ip :
       {"2001:db8::10", "fe80::1", "::1", "2001:db8:ffff:ffff:ffff:ffff:ffff:ff"}) {
    f.claims.client_ip = Ip(ip);
    std::string name = f.Mint(".xml");
    CHECK(name.size() == kTokenCharsV6 + 4);
    CHECK(name.find_first_not_of("abcdefghijklmnopqrstuvwxyz234567.xml") == std::string::npos);
    TokenCheck check = f.Verify(name, ip);
    REQUIRE(check.ok());
    CHECK(check.claims == f.claims);
    CHECK(check.claims.client_ip.ToString() == ClientIp::Parse(ip)->ToString());
    CHECK(check.suffix == ".xml");
    std::string upper = name;
    for (char& c : upper) c = static_cast<char>(std::toupper(c));
    CHECK(f.Verify("/" + upper, ip).ok());
  }
}

TEST_CASE("a v4-mapped IPv6 address is the IPv4 address, at minting and at checking") {
  Fixture f;
  f.claims.client_ip = Ip("::ffff:10.1.2.3");
  CHECK_FALSE(f.claims.client_ip.is_v6());
  CHECK(f.claims.client_ip == Ip("10.1.2.3"));
  std::string name = f.Mint(".cfg");
  CHECK(name.size() == kTokenChars + 4);  // an IPv4 token
  CHECK(f.Verify(name, "10.1.2.3").ok());
  CHECK(f.Verify(name, "::ffff:10.1.2.3").ok());  // a dual-stack listener's view
  // From a socket address too.
  sockaddr_in6 sa{};
  sa.sin6_family = AF_INET6;
  inet_pton(AF_INET6, "::ffff:10.1.2.3", &sa.sin6_addr);
  SocketAddress peer(reinterpret_cast<sockaddr*>(&sa), sizeof(sa));
  CHECK(ClientIp::FromSocketAddress(peer) == Ip("10.1.2.3"));
  CHECK(ClientIp::FromSocketAddress(*SocketAddress::Parse("[2001:db8::10]:69")) ==
        Ip("2001:db8::10"));
  CHECK(ClientIp::FromSocketAddress(*SocketAddress::Parse("10.1.2.3:69")) == Ip("10.1.2.3"));
  // IPv4-compatible (::a.b.c.d, deprecated) is not IPv4.
  CHECK(Ip("::10.1.2.3").is_v6());
  CHECK_FALSE(Ip("::10.1.2.3") == Ip("10.1.2.3"));
}

TEST_CASE("an IPv4 token is refused for an IPv6 client and the other way round") {
  Fixture f;
  std::string v4 = f.Mint(".cfg");  // 10.1.2.3
  CHECK(f.Verify(v4, "::ffff:10.1.2.3").ok());
  CHECK(f.Verify(v4, "::10.1.2.3").refusal == TokenRefusal::kWrongClientIp);
  CHECK(f.Verify(v4, "2001:db8::10").refusal == TokenRefusal::kWrongClientIp);
  CHECK(f.Verify(v4, "::").refusal == TokenRefusal::kWrongClientIp);
  f.claims.client_ip = Ip("2001:db8::10");
  std::string v6 = f.Mint(".cfg");
  CHECK(f.Verify(v6, "2001:db8::10").ok());
  CHECK(f.Verify(v6, "2001:db8::11").refusal == TokenRefusal::kWrongClientIp);
  CHECK(f.Verify(v6, "10.1.2.3").refusal == TokenRefusal::kWrongClientIp);
  CHECK(f.Verify(v6, "0.0.0.0").refusal == TokenRefusal::kWrongClientIp);
  // The old bug: IPv6 clients were all 0.0.0.0, so a token for 0.0.0.0
  // served any of them. Now 0.0.0.0 is only ever 0.0.0.0.
  f.claims.client_ip = ClientIp();
  std::string zero = f.Mint(".cfg");
  CHECK(f.Verify(zero, "2001:db8::10").refusal == TokenRefusal::kWrongClientIp);
  CHECK(f.Verify(zero, "::").refusal == TokenRefusal::kWrongClientIp);
  // A v6-shaped body carrying a v4 format byte (or the reverse) is not a token.
  std::string body = v6.substr(0, kTokenCharsV6);
  auto bytes = *Base32Decode(body);
  bytes[0] = 2;
  CHECK(f.Verify(Base32Encode(bytes) + ".cfg", "2001:db8::10").refusal ==
        TokenRefusal::kMalformed);
}

TEST_CASE("the suffix is sealed in the token: another suffix is refused as wrong_suffix") {
  Fixture f;
  std::string cfg = f.Mint(".cfg");
  std::string body = cfg.substr(0, kTokenChars);
  CHECK(f.Verify(body + ".cfg").ok());
  CHECK(f.Verify(body + ".CFG").ok());  // names are case-insensitive
  CHECK(f.Verify(body + ".xml").refusal == TokenRefusal::kWrongSuffix);
  CHECK(f.Verify(body + ".bin").refusal == TokenRefusal::kWrongSuffix);
  CHECK(f.Verify(body + ".exe").refusal == TokenRefusal::kWrongSuffix);
  CHECK(f.Verify(body).refusal == TokenRefusal::kWrongSuffix);
  CHECK(f.Verify(body + ".cfg.xml").refusal == TokenRefusal::kMalformed);  // not a suffix
  std::string bare = f.Mint("");
  CHECK(f.Verify(bare).ok());
  CHECK(f.Verify(bare + ".cfg").refusal == TokenRefusal::kWrongSuffix);
  // Checked after the address: a stolen token from elsewhere is wrong_client_ip.
  CHECK(f.Verify(body + ".xml", "10.9.9.9").refusal == TokenRefusal::kWrongClientIp);
  // IPv6 tokens seal it too.
  f.claims.client_ip = Ip("2001:db8::10");
  std::string v6 = f.Mint(".xml");
  CHECK(f.Verify(v6, "2001:db8::10").ok());
  CHECK(f.Verify(v6.substr(0, kTokenCharsV6) + ".cfg", "2001:db8::10").refusal ==
        TokenRefusal::kWrongSuffix);
}

TEST_CASE("known answers: tokens minted independently (Python's AESGCM) verify") {
  // The fuzz corpus seeds tests/fuzz/corpus/token_fuzzer/valid_v4 and
  // valid_v6: key bytes 0..31, epoch 1,000,000, MAC 00:15:65:aa:bb:cc.
  KeyRing ring(minutes(30));
  TokenKey key;
  key.epoch = 1'000'000;
  for (size_t i = 0; i < key.key.size(); ++i) key.key[i] = static_cast<uint8_t>(i);
  ring.Put(key);
  const WallTime now(seconds(1'000'000ull * 1800 + 60));
  const std::string v4 =
      "aiaa6qsaaaaqeayeaudaocajbifuof5twf7ctsa2r5bpzqtd2v47aubk6ojgz54pt547csnipf5vw.cfg";
  const std::string v6 =
      "amaa6qsaaebagbafaydqqcikbmgal7z7p5lvruehienggryqcpvcqqsd4h7jo7j3rrzwh64imboasiu652qmvf44ukkp"
      "c57y.xml";
  TokenCheck a = VerifyToken(ring, TokenPolicy{}, v4, Ip("10.1.2.3"), now);
  REQUIRE(a.ok());
  CHECK(ClaimsMac(a.claims) == "00:15:65:aa:bb:cc");
  CHECK(a.claims.issued_unix == 1'000'000u * 1800 + 60);
  CHECK(a.suffix == ".cfg");
  TokenCheck b = VerifyToken(ring, TokenPolicy{}, v6, Ip("2001:db8::10"), now);
  REQUIRE(b.ok());
  CHECK(b.claims.client_ip == Ip("2001:db8::10"));
  CHECK(b.suffix == ".xml");
  CHECK(VerifyToken(ring, TokenPolicy{}, v6, Ip("10.1.2.3"), now).refusal ==
        TokenRefusal::kWrongClientIp);
}

TEST_CASE("client addresses: parsing and the addresses no token may be bound to") {
  CHECK(ClientIp::Parse("10.1.2.3")->ToString() == "10.1.2.3");
  CHECK(ClientIp::Parse("2001:DB8:0:0::1")->ToString() == "2001:db8::1");
  CHECK(ClientIp::Parse("::ffff:192.0.2.1")->ToString() == "192.0.2.1");
  CHECK(ClientIp::Parse("10.1.2.3")->v4() == 0x0a010203);
  for (const char* bad : {"", "10.0.0", "10.0.0.256", "1.2.3.4:69", "[::1]", "fe80::1%eth0",
                          "example.com", " 10.1.2.3", "2001:db8::1::2",
                          "0123456789012345678901234567890123456789012345678"}) {
    INFO(bad);
    CHECK(ClientIp::Parse(bad).status().code() == StatusCode::kInvalidArgument);
    CHECK(ParseBindableClientIp(bad).status().message() ==
          "client_ip '" + std::string(bad) + "' is not an IPv4 or IPv6 address");
  }
  for (const char* refused : {"0.0.0.0", "0.1.2.3", "255.255.255.255", "224.0.0.1",
                              "239.255.255.250", "::", "::ffff:0.0.0.0", "ff02::1", "ff05::1:3",
                              "::ffff:224.0.0.1"}) {
    INFO(refused);
    StatusOr<ClientIp> ip = ParseBindableClientIp(refused);
    REQUIRE_FALSE(ip.ok());
    CHECK(ip.status().code() == StatusCode::kInvalidArgument);
    CHECK(ip.status().message().rfind("client_ip '" + std::string(refused) + "' refused: ", 0) ==
          0);
  }
  CHECK(ParseBindableClientIp("0.0.0.0").status().message() ==
        "client_ip '0.0.0.0' refused: 0.0.0.0 is unspecified (0.0.0.0/8), not a device "
        "address a filename can be bound to");
  CHECK(ParseBindableClientIp("ff02::1").status().message() ==
        "client_ip 'ff02::1' refused: ff02::1 is multicast (ff00::/8), not a device address a "
        "filename can be bound to");
  for (const char* fine : {"10.1.2.3", "1.0.0.0", "223.255.255.255", "240.0.0.1",
                           "255.255.255.254", "127.0.0.1", "::1", "2001:db8::10", "fe80::1",
                           "::ffff:10.1.2.3"}) {
    INFO(fine);
    CHECK(ParseBindableClientIp(fine).ok());
  }
}

TEST_CASE("every refusal reason") {
  Fixture f;
  std::string name = f.Mint(".xml");
  SECTION("malformed") {
    CHECK(f.Verify("SEP001565AABBCC.cnf.xml").refusal == TokenRefusal::kMalformed);
    CHECK(f.Verify(name.substr(1)).refusal == TokenRefusal::kMalformed);
    CHECK(f.Verify(name + "!").refusal == TokenRefusal::kMalformed);  // not a suffix character
    CHECK(f.Verify(name.substr(0, kTokenChars) + ".toolongsuffix").refusal ==
          TokenRefusal::kMalformed);
    CHECK(f.Verify("").refusal == TokenRefusal::kMalformed);
  }
  SECTION("bad tag: any flipped character") {
    for (size_t i = 8; i < kTokenChars; i += 7) {
      std::string forged = name;
      forged[i] = forged[i] == 'a' ? 'b' : 'a';
      TokenRefusal r = f.Verify(forged).refusal;
      INFO("position " << i);
      CHECK((r == TokenRefusal::kBadTag || r == TokenRefusal::kMalformed));
    }
  }
  SECTION("unknown epoch: a key this slave does not have") {
    KeyRing other(minutes(30));
    auto key = KeyRing::Generate(f.ring.EpochAt(f.clock.WallNow()) + 1);
    other.Put(*key);
    auto t = MintToken(other, key->epoch, f.claims, "");
    CHECK(f.Verify(*t).refusal == TokenRefusal::kUnknownEpoch);
  }
  SECTION("wrong client IP, unless binding is off") {
    CHECK(f.Verify(name, "10.1.2.4").refusal == TokenRefusal::kWrongClientIp);
    f.policy.bind_client_ip = false;
    CHECK(f.Verify(name, "10.1.2.4").ok());
  }
  SECTION("too old and from the future") {
    f.clock.Advance(std::chrono::hours(1) + seconds(1));
    f.AddKey(f.ring.EpochAt(f.clock.WallNow()));
    f.AddKey(f.ring.EpochAt(f.clock.WallNow()) - 1);
    CHECK(f.Verify(name).refusal == TokenRefusal::kExpiredEpoch);
    f.claims.issued_unix = f.Now() - 3601;  // ttl is 1 h
    CHECK(f.Verify(f.Mint()).refusal == TokenRefusal::kTooOld);
    f.claims.issued_unix = f.Now() + 600;
    CHECK(f.Verify(f.Mint()).refusal == TokenRefusal::kFromFuture);
  }
  for (int r = 0; r < static_cast<int>(TokenRefusal::kCount); ++r) {
    CHECK(TokenRefusalName(static_cast<TokenRefusal>(r)) != "unknown");
  }
}

TEST_CASE("rotation: the current and the previous epoch are accepted, older are not") {
  Fixture f;
  f.policy.ttl = std::chrono::hours(24);
  std::string first = f.Mint();
  f.clock.Advance(minutes(30));  // next epoch
  f.AddKey(f.ring.EpochAt(f.clock.WallNow()));
  f.claims.issued_unix = f.Now();
  std::string second = f.Mint();
  CHECK(f.Verify(first).ok());   // previous epoch: grace
  CHECK(f.Verify(second).ok());
  f.clock.Advance(minutes(30));  // two epochs on
  f.AddKey(f.ring.EpochAt(f.clock.WallNow()));
  CHECK(f.Verify(first).refusal == TokenRefusal::kExpiredEpoch);
  CHECK(f.Verify(second).ok());
  // A master a little ahead mints with the next epoch's key: accepted
  // within the clock-skew allowance.
  uint32_t next = f.ring.EpochAt(f.clock.WallNow()) + 1;
  f.AddKey(next);
  auto early = MintToken(f.ring, next, f.claims, "");
  CHECK(f.Verify(*early).refusal == TokenRefusal::kUnknownEpoch);  // 30 min early
  f.clock.Advance(minutes(29));
  CHECK(f.Verify(*early).ok());  // within 2 min of the boundary
  f.ring.Prune(next);
  CHECK(f.ring.size() == 1);
}

TEST_CASE("10,000 random names are all refused") {
  Fixture f;
  std::mt19937 rng(12345);
  const std::string alphabet = "abcdefghijklmnopqrstuvwxyz234567";
  for (int i = 0; i < 10'000; ++i) {
    std::string name;
    size_t len = (i % 4 == 0) ? kTokenChars : (i % 4 == 1) ? kTokenCharsV6 : rng() % 120;
    for (size_t k = 0; k < len; ++k) name.push_back(alphabet[rng() % alphabet.size()]);
    if (i % 3 == 0) name += ".cfg";
    TokenCheck check = f.Verify(name);
    REQUIRE_FALSE(check.ok());
  }
}

}  // namespace
}  // namespace provisor
