#include "common/mac.h"

#include <catch2/catch.hpp>
#include <string>

namespace provisor {
namespace {

std::string Canonical(std::string_view text) {
  StatusOr<std::string> mac = CanonicalMac(text);
  REQUIRE(mac.ok());
  return *mac;
}

std::string Rejection(std::string_view text) {
  StatusOr<std::string> mac = CanonicalMac(text);
  REQUIRE_FALSE(mac.ok());
  CHECK(mac.status().code() == StatusCode::kInvalidArgument);
  return mac.status().message();
}

constexpr const char* kUse =
    " is not a MAC address (use aa:bb:cc:dd:ee:ff, AA-BB-CC-DD-EE-FF, aabb.ccdd.eeff or 12 "
    "hex digits)";

TEST_CASE("CanonicalMac accepts the four spellings in any case") {
  CHECK(Canonical("aa:bb:cc:dd:ee:ff") == "aa:bb:cc:dd:ee:ff");
  CHECK(Canonical("AA:BB:CC:DD:EE:FF") == "aa:bb:cc:dd:ee:ff");
  CHECK(Canonical("AA-BB-CC-DD-EE-FF") == "aa:bb:cc:dd:ee:ff");
  CHECK(Canonical("00-1a-2B-3c-4D-5e") == "00:1a:2b:3c:4d:5e");
  CHECK(Canonical("aabb.ccdd.eeff") == "aa:bb:cc:dd:ee:ff");
  CHECK(Canonical("0011.2233.44AA") == "00:11:22:33:44:aa");
  CHECK(Canonical("aabbccddeeff") == "aa:bb:cc:dd:ee:ff");
  CHECK(Canonical("001A2b3C4d5E") == "00:1a:2b:3c:4d:5e");
  CHECK(Canonical("0123456789ab") == "01:23:45:67:89:ab");
}

TEST_CASE("CanonicalMac rejects everything else with a readable message") {
  CHECK(Rejection("aa:bb:cc") == std::string("'aa:bb:cc'") + kUse);
  CHECK(Rejection("") == std::string("''") + kUse);
  // Wrong length.
  CHECK(Rejection("aa:bb:cc:dd:ee:ff:00") == std::string("'aa:bb:cc:dd:ee:ff:00'") + kUse);
  CHECK(Rejection("aabbccddeef") == std::string("'aabbccddeef'") + kUse);
  CHECK(Rejection("aabbccddeeff0") == std::string("'aabbccddeeff0'") + kUse);
  // Mixed or misplaced separators.
  CHECK(Rejection("aa:bb-cc:dd:ee:ff") == std::string("'aa:bb-cc:dd:ee:ff'") + kUse);
  CHECK(Rejection("aa-bb-cc-dd-ee:ff") == std::string("'aa-bb-cc-dd-ee:ff'") + kUse);
  CHECK(Rejection("aab:bcc:dde:eff") == std::string("'aab:bcc:dde:eff'") + kUse);
  CHECK(Rejection("aa.bb.cc.dd.ee.ff") == std::string("'aa.bb.cc.dd.ee.ff'") + kUse);
  CHECK(Rejection("aabb:ccdd:eeff") == std::string("'aabb:ccdd:eeff'") + kUse);
  CHECK(Rejection("aabb.ccdd-eeff") == std::string("'aabb.ccdd-eeff'") + kUse);
  CHECK(Rejection("aa bb cc dd ee ff") == std::string("'aa bb cc dd ee ff'") + kUse);
  // Not hex.
  CHECK(Rejection("gg:bb:cc:dd:ee:ff") == std::string("'gg:bb:cc:dd:ee:ff'") + kUse);
  CHECK(Rejection("aabbccddeefg") == std::string("'aabbccddeefg'") + kUse);
  CHECK(Rejection("aabb.ccdd.eefz") == std::string("'aabb.ccdd.eefz'") + kUse);
  CHECK(Rejection("+a:bb:cc:dd:ee:ff") == std::string("'+a:bb:cc:dd:ee:ff'") + kUse);
  // Surrounding spaces.
  CHECK(Rejection(" aa:bb:cc:dd:ee:ff") == std::string("' aa:bb:cc:dd:ee:ff'") + kUse);
  CHECK(Rejection("aa:bb:cc:dd:ee:ff ") == std::string("'aa:bb:cc:dd:ee:ff '") + kUse);
  CHECK(Rejection(" aabbccddeeff") == std::string("' aabbccddeeff'") + kUse);
  // Control bytes are shown escaped, so the message stays one line.
  CHECK(Rejection("aabbccddeef\n") == std::string("'aabbccddeef\\x0A'") + kUse);
}

TEST_CASE("MacHex drops the colons") {
  CHECK(MacHex("aa:bb:cc:dd:ee:ff") == "aabbccddeeff");
  CHECK(MacHex(Canonical("0011.2233.4455")) == "001122334455");
}

}  // namespace
}  // namespace provisor
