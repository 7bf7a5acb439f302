#include "master/keys/key_sealer.h"

#include <catch2/catch.hpp>
#include <string>

namespace provisor {
namespace {

MasterKey Filled(uint8_t fill) {
  MasterKey k;
  k.fill(fill);
  return k;
}

const std::string kTokenKey(32, '\x5a');

TEST_CASE("key sealer: a sealed key opens to the same bytes, and holds no plaintext") {
  KeySealer sealer(Filled(1), "store-a");
  StatusOr<std::string> sealed = sealer.Seal(1000, kTokenKey);
  REQUIRE(sealed.ok());
  CHECK(sealed->size() == kSealedKeyBytes);
  CHECK(sealed->substr(0, 4) == "PVK1");
  CHECK(KeySealer::IsSealed(*sealed));
  CHECK_FALSE(KeySealer::IsPlain(*sealed));
  CHECK(sealed->find(kTokenKey) == std::string::npos);
  CHECK(sealed->find(kTokenKey.substr(0, 8)) == std::string::npos);
  StatusOr<std::string> opened = sealer.Open(1000, *sealed);
  REQUIRE(opened.ok());
  CHECK(*opened == kTokenKey);
  // A fresh nonce every time.
  StatusOr<std::string> again = sealer.Seal(1000, kTokenKey);
  REQUIRE(again.ok());
  CHECK(*again != *sealed);
  CHECK(sealer.Open(1000, *again).value() == kTokenKey);
}

TEST_CASE("key sealer: another master key does not open it") {
  KeySealer sealer(Filled(1), "store-a");
  KeySealer other(Filled(2), "store-a");
  std::string sealed = sealer.Seal(7, kTokenKey).value();
  StatusOr<std::string> opened = other.Open(7, sealed);
  REQUIRE_FALSE(opened.ok());
  CHECK(opened.status().code() == StatusCode::kDataLoss);
  CHECK(opened.status().message() == "the stored key of epoch 7 does not open with this master key");
}

TEST_CASE("key sealer: a sealed key moved to another epoch or store does not open") {
  KeySealer sealer(Filled(1), "store-a");
  std::string sealed = sealer.Seal(7, kTokenKey).value();
  CHECK_FALSE(sealer.Open(8, sealed).ok());
  CHECK_FALSE(sealer.Open(7 + (1ull << 32), sealed).ok());
  KeySealer elsewhere(Filled(1), "store-b");
  CHECK_FALSE(elsewhere.Open(7, sealed).ok());
  CHECK(sealer.Open(7, sealed).ok());
}

TEST_CASE("key sealer: any changed byte of nonce, ciphertext or tag is refused") {
  KeySealer sealer(Filled(1), "store-a");
  const std::string sealed = sealer.Seal(42, kTokenKey).value();
  for (size_t i = 4; i < sealed.size(); ++i) {
    std::string tampered = sealed;
    tampered[i] = static_cast<char>(tampered[i] ^ 0x01);
    INFO("byte " << i);
    StatusOr<std::string> opened = sealer.Open(42, tampered);
    CHECK_FALSE(opened.ok());
  }
  std::string bad_magic = sealed;
  bad_magic[0] = 'X';
  CHECK(sealer.Open(42, bad_magic).status().message() ==
        "the stored key of epoch 42 is not sealed");
  CHECK_FALSE(sealer.Open(42, sealed.substr(0, 63)).ok());
  CHECK_FALSE(sealer.Open(42, kTokenKey).ok());  // plaintext is not sealed
}

TEST_CASE("key sealer: only 32-byte keys are sealed") {
  KeySealer sealer(Filled(1), "store-a");
  StatusOr<std::string> sealed = sealer.Seal(1, std::string(31, 'k'));
  REQUIRE_FALSE(sealed.ok());
  CHECK(sealed.status().code() == StatusCode::kInvalidArgument);
  CHECK(KeySealer::IsPlain(kTokenKey));
  CHECK_FALSE(KeySealer::IsSealed(kTokenKey));
}

}  // namespace
}  // namespace provisor
