#include "common/token/token.h"

#include <openssl/evp.h>
#include <openssl/rand.h>

#include <memory>

#include "common/token/base32.h"

namespace provisor {
namespace {

// The first byte of every token. Format 1 (no suffix in the claims, IPv4
// only) is no longer accepted.
constexpr uint8_t kFormatV4 = 2;
constexpr uint8_t kFormatV6 = 3;
constexpr size_t kHeader = 1 + 4;  // format, epoch: associated data
constexpr size_t kNonce = 12;
constexpr size_t kTag = 16;
constexpr size_t kMaxPlain = 6 + 16 + 4 + 1;
constexpr size_t PlainSize(size_t ip_bytes) { return 6 + ip_bytes + 4 + 1; }
constexpr size_t TokenBytes(size_t ip_bytes) {
  return kHeader + kNonce + PlainSize(ip_bytes) + kTag;
}
static_assert(TokenBytes(4) == 48 && (TokenBytes(4) * 8 + 4) / 5 == kTokenChars);
static_assert(TokenBytes(16) == 60 && (TokenBytes(16) * 8 + 4) / 5 == kTokenCharsV6);

struct CtxFree {
  void operator()(EVP_CIPHER_CTX* c) const { EVP_CIPHER_CTX_free(c); }
};
using CipherCtx = std::unique_ptr<EVP_CIPHER_CTX, CtxFree>;

void PutU32(uint8_t* p, uint32_t v) {
  p[0] = static_cast<uint8_t>(v >> 24);
  p[1] = static_cast<uint8_t>(v >> 16);
  p[2] = static_cast<uint8_t>(v >> 8);
  p[3] = static_cast<uint8_t>(v);
}
uint32_t GetU32(const uint8_t* p) {
  return (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | p[3];
}

// The shape of a suffix in a requested name (lower-cased): "" or '.' and
// 1..7 letters or digits. Whether it is the token's own is checked after
// the token is authenticated.
bool ValidSuffix(std::string_view suffix) {
  if (suffix.empty()) return true;
  if (suffix.size() > kMaxTokenSuffix || suffix[0] != '.') return false;
  for (char c : suffix.substr(1)) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))) return false;
  }
  return suffix.size() > 1;
}

constexpr size_t kSuffixCount = sizeof(kTokenSuffixes) / sizeof(kTokenSuffixes[0]);

int SuffixIndex(std::string_view suffix) {
  for (size_t i = 0; i < kSuffixCount; ++i) {
    if (kTokenSuffixes[i] == suffix) return static_cast<int>(i);
  }
  return -1;
}

}  // namespace

TokenClaims ClaimsFor(std::string_view mac, const ClientIp& client_ip, WallTime now) {
  TokenClaims claims;
  auto nibble = [](char c) {
    return static_cast<uint8_t>(c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10);
  };
  for (size_t i = 0; i < 6 && i * 3 + 1 < mac.size(); ++i) {
    claims.mac[i] = static_cast<uint8_t>(nibble(mac[i * 3]) << 4 | nibble(mac[i * 3 + 1]));
  }
  claims.client_ip = client_ip;
  claims.issued_unix = static_cast<uint32_t>(
      std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count());
  return claims;
}

std::string ClaimsMac(const TokenClaims& claims) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (size_t i = 0; i < 6; ++i) {
    if (i > 0) out.push_back(':');
    out.push_back(kHex[claims.mac[i] >> 4]);
    out.push_back(kHex[claims.mac[i] & 15]);
  }
  return out;
}

std::string_view TokenRefusalName(TokenRefusal r) {
  switch (r) {
    case TokenRefusal::kNone: return "none";
    case TokenRefusal::kMalformed: return "malformed";
    case TokenRefusal::kBadTag: return "bad_tag";
    case TokenRefusal::kUnknownEpoch: return "unknown_epoch";
    case TokenRefusal::kExpiredEpoch: return "expired_epoch";
    case TokenRefusal::kTooOld: return "too_old";
    case TokenRefusal::kFromFuture: return "from_future";
    case TokenRefusal::kWrongClientIp: return "wrong_client_ip";
    case TokenRefusal::kWrongSuffix: return "wrong_suffix";
    case TokenRefusal::kCount: break;
  }
  return "unknown";
}

StatusOr<std::string> MintToken(const KeyRing& ring, uint32_t epoch, const TokenClaims& claims,
                                std::string_view suffix) {
  const int suffix_index = SuffixIndex(suffix);
  if (suffix_index < 0) {
    std::string known;
    for (size_t i = 1; i < kSuffixCount; ++i) known += " " + std::string(kTokenSuffixes[i]);
    return InvalidArgumentError("token suffix '" + std::string(suffix) +
                                "' is not one of: (none)" + known);
  }
  const TokenKey* key = ring.Find(epoch);
  if (key == nullptr) {
    return FailedPreconditionError("no token key for epoch " + std::to_string(epoch));
  }
  const bool v6 = claims.client_ip.is_v6();
  const size_t ip_bytes = v6 ? 16 : 4;
  const size_t plain_size = PlainSize(ip_bytes);
  const size_t token_bytes = TokenBytes(ip_bytes);
  uint8_t out[TokenBytes(16)];
  out[0] = v6 ? kFormatV6 : kFormatV4;
  PutU32(out + 1, epoch);
  uint8_t* nonce = out + kHeader;
  if (RAND_bytes(nonce, kNonce) != 1) return InternalError("RAND_bytes failed");
  uint8_t plain[kMaxPlain];
  std::copy(claims.mac.begin(), claims.mac.end(), plain);
  const std::array<uint8_t, 16>& ip = claims.client_ip.bytes();
  std::copy(ip.end() - ip_bytes, ip.end(), plain + 6);
  PutU32(plain + 6 + ip_bytes, claims.issued_unix);
  plain[10 + ip_bytes] = static_cast<uint8_t>(suffix_index);

  CipherCtx ctx(EVP_CIPHER_CTX_new());
  int len = 0;
  uint8_t* cipher = out + kHeader + kNonce;
  if (!ctx ||
      EVP_EncryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, key->key.data(), nonce) != 1 ||
      EVP_EncryptUpdate(ctx.get(), nullptr, &len, out, kHeader) != 1 ||
      EVP_EncryptUpdate(ctx.get(), cipher, &len, plain, static_cast<int>(plain_size)) != 1 ||
      EVP_EncryptFinal_ex(ctx.get(), cipher + len, &len) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, kTag, cipher + plain_size) != 1) {
    return InternalError("AES-GCM encryption failed");
  }
  return Base32Encode(std::string_view(reinterpret_cast<char*>(out), token_bytes)) +
         std::string(suffix);
}

TokenCheck VerifyToken(const KeyRing& ring, const TokenPolicy& policy, std::string_view filename,
                       const ClientIp& client_ip, WallTime now) {
  TokenCheck check;
  if (!filename.empty() && filename.front() == '/') filename.remove_prefix(1);
  size_t dot = filename.find('.');
  std::string_view body = filename.substr(0, dot);
  std::string suffix;
  if (dot != std::string_view::npos) {
    suffix = filename.substr(dot);
    for (char& c : suffix) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (!ValidSuffix(suffix)) return check;
  }
  if (body.size() != kTokenChars && body.size() != kTokenCharsV6) return check;
  std::optional<std::string> decoded = Base32Decode(body);
  if (!decoded) return check;
  const auto* in = reinterpret_cast<const uint8_t*>(decoded->data());
  const size_t ip_bytes = in[0] == kFormatV4 ? 4 : in[0] == kFormatV6 ? 16 : 0;
  if (ip_bytes == 0 || decoded->size() != TokenBytes(ip_bytes)) return check;
  const size_t plain_size = PlainSize(ip_bytes);
  const uint32_t epoch = GetU32(in + 1);
  check.epoch = epoch;

  const uint32_t current = ring.EpochAt(now);
  const uint32_t newest = ring.EpochAt(now + policy.max_clock_skew);
  if (epoch + 1 < current) {
    check.refusal = TokenRefusal::kExpiredEpoch;
    return check;
  }
  const TokenKey* key = ring.Find(epoch);
  if (epoch > newest || key == nullptr) {
    check.refusal = TokenRefusal::kUnknownEpoch;
    return check;
  }

  uint8_t plain[kMaxPlain];
  uint8_t tag[kTag];
  const uint8_t* cipher = in + kHeader + kNonce;
  std::copy(cipher + plain_size, cipher + plain_size + kTag, tag);
  CipherCtx ctx(EVP_CIPHER_CTX_new());
  int len = 0;
  // EVP_DecryptFinal_ex compares the tag in constant time (CRYPTO_memcmp).
  if (!ctx ||
      EVP_DecryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, key->key.data(),
                         in + kHeader) != 1 ||
      EVP_DecryptUpdate(ctx.get(), nullptr, &len, in, kHeader) != 1 ||
      EVP_DecryptUpdate(ctx.get(), plain, &len, cipher, static_cast<int>(plain_size)) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, kTag, tag) != 1 ||
      EVP_DecryptFinal_ex(ctx.get(), plain + len, &len) != 1) {
    check.refusal = TokenRefusal::kBadTag;
    return check;
  }
  std::copy(plain, plain + 6, check.claims.mac.begin());
  if (ip_bytes == 4) {
    check.claims.client_ip = ClientIp::V4(GetU32(plain + 6));
  } else {
    std::array<uint8_t, 16> ip;
    std::copy(plain + 6, plain + 22, ip.begin());
    check.claims.client_ip = ClientIp::V6(ip);
  }
  check.claims.issued_unix = GetU32(plain + 6 + ip_bytes);
  const uint8_t suffix_index = plain[10 + ip_bytes];
  if (suffix_index < kSuffixCount) check.suffix = kTokenSuffixes[suffix_index];

  const int64_t now_s =
      std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count();
  const int64_t age = now_s - static_cast<int64_t>(check.claims.issued_unix);
  if (age < -std::chrono::duration_cast<std::chrono::seconds>(policy.max_clock_skew).count()) {
    check.refusal = TokenRefusal::kFromFuture;
    return check;
  }
  if (age > std::chrono::duration_cast<std::chrono::seconds>(policy.ttl).count()) {
    check.refusal = TokenRefusal::kTooOld;
    return check;
  }
  if (policy.bind_client_ip && !(check.claims.client_ip == client_ip)) {
    check.refusal = TokenRefusal::kWrongClientIp;
    return check;
  }
  // An index this slave does not know (a newer master's) matches nothing.
  if (suffix_index >= kSuffixCount || check.suffix != suffix) {
    check.refusal = TokenRefusal::kWrongSuffix;
    return check;
  }
  check.refusal = TokenRefusal::kNone;
  return check;
}

}  // namespace provisor
