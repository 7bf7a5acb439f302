// Fuzzes the filename-token decoder the slave runs on every request: any
// name (IPv4 and IPv6 shapes) is refused with a reason or accepted, never a
// crash, and never accepted for both an IPv4 and an IPv6 client; base32
// decoding is the inverse of encoding.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "common/token/base32.h"
#include "common/token/token.h"

using namespace provisor;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string name(reinterpret_cast<const char*>(data), size);
  static const KeyRing* ring = [] {
    auto* r = new KeyRing(std::chrono::minutes(30));
    TokenKey key;
    key.epoch = 1'000'000;
    for (size_t i = 0; i < key.key.size(); ++i) key.key[i] = static_cast<uint8_t>(i);
    r->Put(key);
    return r;
  }();
  WallTime now(std::chrono::seconds(1'000'000ull * 1800 + 60));
  TokenCheck check = VerifyToken(*ring, TokenPolicy{}, name, ClientIp::V4(0x0a010203), now);
  if (check.ok() && check.epoch != 1'000'000) abort();
  static const ClientIp v6 = *ClientIp::Parse("2001:db8::10");
  TokenCheck check6 = VerifyToken(*ring, TokenPolicy{}, name, v6, now);
  if (check.ok() && check6.ok()) abort();  // no token is valid for both families
  if (check6.ok() && check6.suffix.size() > kMaxTokenSuffix) abort();
  if (auto decoded = Base32Decode(name)) {
    std::string again = Base32Encode(*decoded);
    for (size_t i = 0; i < name.size(); ++i) {
      if (std::tolower(static_cast<unsigned char>(name[i])) != again[i]) abort();
    }
  }
  return 0;
}
