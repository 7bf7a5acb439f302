#include "common/token/token.h"

#include <arpa/inet.h>

#include <catch2/catch.hpp>
#include <random>

#include "common/token/base32.h"

namespace provisor {
namespace {

using std::chrono::minutes;
using std::chrono::seconds;

uint32_t Ip(const char* text) {
  in_addr a;
  inet_pton(AF_INET, text, &a);
  return ntohl(a.s_addr);
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
    size_t len = (i % 2 == 0) ? kTokenChars : rng() % 120;
    for (size_t k = 0; k < len; ++k) name.push_back(alphabet[rng() % alphabet.size()]);
    if (i % 3 == 0) name += ".cfg";
    TokenCheck check = f.Verify(name);
    REQUIRE_FALSE(check.ok());
  }
}

}  // namespace
}  // namespace provisor
