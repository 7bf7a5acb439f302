// Encoded filenames ("tokens"): what the DHCP front end hands a device and
// the slave decodes. A token authenticates and encrypts, with AES-256-GCM
// under the key of its epoch, the device's MAC, the client IP it was issued
// for, the issue time and which suffix the name ends with; the format byte
// and the epoch travel in clear as associated data so the slave can pick the
// key. Layout before encoding (format 2 is IPv4, format 3 is IPv6):
//
//   format(1) | epoch(4, BE) | nonce(12) | AES-GCM(mac(6) ip(4|16) issued(4) suffix(1)) | tag(16)
//
// 48 bytes (IPv4) or 60 bytes (IPv6), encoded as 77 or 96 characters of
// lower-case base32, plus the suffix (".cfg", ".xml"): an IPv4 name is 81
// characters at most, well inside the 128-byte DHCP `file` field (option 67
// text is as tight); an IPv6 name (DHCPv6 bootfile URLs have no such limit)
// is 100. Decoding is case-insensitive and ignores a leading '/'.
//
// The suffix is one byte of the sealed claims (an index into
// kTokenSuffixes), not associated data over the suffix text: that costs no
// characters either, and it lets the slave tell a genuine token requested
// with another suffix (refused as kWrongSuffix, counted apart) from a forged
// one (kBadTag). Format 1 tokens (no suffix, IPv6 clients bound as 0.0.0.0)
// are refused as malformed; they lived at most one ttl.
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
#include "common/token/client_ip.h"
#include "common/token/key_ring.h"

namespace provisor {

inline constexpr size_t kTokenChars = 77;    // an IPv4 token, without its suffix
inline constexpr size_t kTokenCharsV6 = 96;  // an IPv6 token, without its suffix
inline constexpr size_t kMaxTokenSuffix = 8;
// The suffixes a token can carry; the sealed claims hold the index. New
// suffixes go at the end (an index never changes meaning).
inline constexpr std::string_view kTokenSuffixes[] = {"", ".cfg", ".xml", ".bin", ".txt"};

struct TokenClaims {
  std::array<uint8_t, 6> mac{};
  ClientIp client_ip;        // IPv4 or IPv6
  uint32_t issued_unix = 0;  // seconds

  bool operator==(const TokenClaims&) const = default;
};

// Claims for the device with canonical MAC `mac` ("aa:bb:cc:dd:ee:ff"),
// bound to `client_ip` and issued at `now`.
TokenClaims ClaimsFor(std::string_view mac, const ClientIp& client_ip, WallTime now);
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
  kMalformed,      // not a token: wrong length, alphabet, format or suffix syntax
  kBadTag,         // authentication failed: forged, corrupted, or wrong key
  kUnknownEpoch,   // an epoch this slave has no key for
  kExpiredEpoch,   // older than the previous epoch
  kTooOld,         // issued longer ago than ttl
  kFromFuture,     // issued after now + max_clock_skew
  kWrongClientIp,  // bind_client_ip and the request came from another address
  kWrongSuffix,    // a genuine token requested with another suffix than minted
  kCount,
};
std::string_view TokenRefusalName(TokenRefusal r);

// Mints a filename for `claims` with the key of `epoch` (which must be in
// `ring`). `suffix` is one of kTokenSuffixes; INVALID_ARGUMENT otherwise.
StatusOr<std::string> MintToken(const KeyRing& ring, uint32_t epoch, const TokenClaims& claims,
                                std::string_view suffix = "");

struct TokenCheck {
  TokenRefusal refusal = TokenRefusal::kMalformed;
  TokenClaims claims;  // valid when refusal == kNone
  uint32_t epoch = 0;
  std::string_view suffix;  // the suffix sealed in the token, when authenticated
  bool ok() const { return refusal == TokenRefusal::kNone; }
};

// Decodes and verifies a requested filename, requested from `client_ip`.
TokenCheck VerifyToken(const KeyRing& ring, const TokenPolicy& policy, std::string_view filename,
                       const ClientIp& client_ip, WallTime now);

}  // namespace provisor

#endif  // PROVISOR_COMMON_TOKEN_TOKEN_H_
