// Encoded filenames ("tokens"): what the DHCP front end hands a device and
// the slave decodes. A token authenticates and encrypts, with AES-256-GCM
// under the key of its epoch, the device's MAC, the client IP it was issued
// for and the issue time; the epoch travels in clear as associated data so
// the slave can pick the key. Layout before encoding (48 bytes):
//
//   version(1) | epoch(4, BE) | nonce(12) | AES-GCM(mac(6) ip(4) issued(4) flags(1)) | tag(16)
//
// encoded as 77 characters of lower-case base32, plus an optional vendor
// suffix (".cfg", ".xml"): 81 characters at most, well inside the 128-byte
// DHCP `file` field. Decoding is case-insensitive and ignores a leading '/'.
//
// Thread-safety: stateless functions; the KeyRing is read-only here.
#ifndef PROVISOR_COMMON_TOKEN_TOKEN_H_
#define PROVISOR_COMMON_TOKEN_TOKEN_H_

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/clock.h"
#include "common/status.h"
#include "common/token/key_ring.h"

namespace provisor {

inline constexpr size_t kTokenChars = 77;
inline constexpr size_t kMaxTokenSuffix = 8;

struct TokenClaims {
  std::array<uint8_t, 6> mac{};
  uint32_t client_ip = 0;    // IPv4, host byte order
  uint32_t issued_unix = 0;  // seconds
  uint8_t flags = 0;         // reserved, 0

  bool operator==(const TokenClaims&) const = default;
};

// Claims for the device with canonical MAC `mac` ("aa:bb:cc:dd:ee:ff"),
// bound to `client_ip` and issued at `now`.
TokenClaims ClaimsFor(std::string_view mac, uint32_t client_ip, WallTime now);
// The claims' MAC in canonical form.
std::string ClaimsMac(const TokenClaims& claims);

struct TokenPolicy {
  Duration ttl = std::chrono::hours(1);        // tokens older than this are refused
  bool bind_client_ip = true;                  // the request must come from client_ip
  Duration max_clock_skew = std::chrono::minutes(2);  // master ahead of slave
};

// Why a name was refused. Each is counted; the client only ever sees ERROR 1.
enum class TokenRefusal {
  kNone = 0,
  kMalformed,      // not a token: wrong length, alphabet, version or suffix
  kBadTag,         // authentication failed: forged, corrupted, or wrong key
  kUnknownEpoch,   // an epoch this slave has no key for
  kExpiredEpoch,   // older than the previous epoch
  kTooOld,         // issued longer ago than ttl
  kFromFuture,     // issued after now + max_clock_skew
  kWrongClientIp,  // bind_client_ip and the request came from another address
  kCount,
};
std::string_view TokenRefusalName(TokenRefusal r);

// Mints a filename for `claims` with the key of `epoch` (which must be in
// `ring`). `suffix` is "" or a short extension such as ".cfg".
StatusOr<std::string> MintToken(const KeyRing& ring, uint32_t epoch, const TokenClaims& claims,
                                std::string_view suffix = "");

struct TokenCheck {
  TokenRefusal refusal = TokenRefusal::kMalformed;
  TokenClaims claims;  // valid when refusal == kNone
  uint32_t epoch = 0;
  bool ok() const { return refusal == TokenRefusal::kNone; }
};

// Decodes and verifies a requested filename.
TokenCheck VerifyToken(const KeyRing& ring, const TokenPolicy& policy, std::string_view filename,
                       uint32_t client_ip, WallTime now);

}  // namespace provisor

#endif  // PROVISOR_COMMON_TOKEN_TOKEN_H_
