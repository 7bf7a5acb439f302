#include "common/token/token.h"

#include <openssl/evp.h>
#include <openssl/rand.h>

#include <memory>

#include "common/token/base32.h"

namespace provisor {
namespace {

constexpr uint8_t kVersion = 1;
constexpr size_t kHeader = 1 + 4;  // version, epoch: associated data
constexpr size_t kNonce = 12;
constexpr size_t kPlain = 6 + 4 + 4 + 1;
constexpr size_t kTag = 16;
constexpr size_t kTokenBytes = kHeader + kNonce + kPlain + kTag;  // 48
static_assert((kTokenBytes * 8 + 4) / 5 == kTokenChars);

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

bool ValidSuffix(std::string_view suffix) {
  if (suffix.empty()) return true;
  if (suffix.size() > kMaxTokenSuffix || suffix[0] != '.') return false;
  for (char c : suffix.substr(1)) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))) return false;
  }
  return suffix.size() > 1;
}

}  // namespace

TokenClaims ClaimsFor(std::string_view mac, uint32_t client_ip, WallTime now) {
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
    case TokenRefusal::kCount: break;
  }
  return "unknown";
}

StatusOr<std::string> MintToken(const KeyRing& ring, uint32_t epoch, const TokenClaims& claims,
                                std::string_view suffix) {
  if (!ValidSuffix(suffix)) {
    return InvalidArgumentError("token suffix '" + std::string(suffix) +
                                "' must be '.' and up to 7 lower-case letters or digits");
  }
  const TokenKey* key = ring.Find(epoch);
  if (key == nullptr) {
    return FailedPreconditionError("no token key for epoch " + std::to_string(epoch));
  }
  uint8_t out[kTokenBytes];
  out[0] = kVersion;
  PutU32(out + 1, epoch);
  uint8_t* nonce = out + kHeader;
  if (RAND_bytes(nonce, kNonce) != 1) return InternalError("RAND_bytes failed");
  uint8_t plain[kPlain];
  std::copy(claims.mac.begin(), claims.mac.end(), plain);
  PutU32(plain + 6, claims.client_ip);
  PutU32(plain + 10, claims.issued_unix);
  plain[14] = claims.flags;

  CipherCtx ctx(EVP_CIPHER_CTX_new());
  int len = 0;
  uint8_t* cipher = out + kHeader + kNonce;
  if (!ctx ||
      EVP_EncryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, key->key.data(), nonce) != 1 ||
      EVP_EncryptUpdate(ctx.get(), nullptr, &len, out, kHeader) != 1 ||
      EVP_EncryptUpdate(ctx.get(), cipher, &len, plain, kPlain) != 1 ||
      EVP_EncryptFinal_ex(ctx.get(), cipher + len, &len) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, kTag, cipher + kPlain) != 1) {
    return InternalError("AES-GCM encryption failed");
  }
  return Base32Encode(std::string_view(reinterpret_cast<char*>(out), kTokenBytes)) +
         std::string(suffix);
}

TokenCheck VerifyToken(const KeyRing& ring, const TokenPolicy& policy, std::string_view filename,
                       uint32_t client_ip, WallTime now) {
  TokenCheck check;
  if (!filename.empty() && filename.front() == '/') filename.remove_prefix(1);
  size_t dot = filename.find('.');
  std::string_view body = filename.substr(0, dot);
  if (dot != std::string_view::npos) {
    std::string suffix(filename.substr(dot));
    for (char& c : suffix) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (!ValidSuffix(suffix)) return check;
  }
  if (body.size() != kTokenChars) return check;
  std::optional<std::string> decoded = Base32Decode(body);
  if (!decoded || decoded->size() != kTokenBytes) return check;
  const auto* in = reinterpret_cast<const uint8_t*>(decoded->data());
  if (in[0] != kVersion) return check;
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

  uint8_t plain[kPlain];
  uint8_t tag[kTag];
  std::copy(in + kHeader + kNonce + kPlain, in + kTokenBytes, tag);
  CipherCtx ctx(EVP_CIPHER_CTX_new());
  int len = 0;
  // EVP_DecryptFinal_ex compares the tag in constant time (CRYPTO_memcmp).
  if (!ctx ||
      EVP_DecryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, key->key.data(),
                         in + kHeader) != 1 ||
      EVP_DecryptUpdate(ctx.get(), nullptr, &len, in, kHeader) != 1 ||
      EVP_DecryptUpdate(ctx.get(), plain, &len, in + kHeader + kNonce, kPlain) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, kTag, tag) != 1 ||
      EVP_DecryptFinal_ex(ctx.get(), plain + len, &len) != 1) {
    check.refusal = TokenRefusal::kBadTag;
    return check;
  }
  std::copy(plain, plain + 6, check.claims.mac.begin());
  check.claims.client_ip = GetU32(plain + 6);
  check.claims.issued_unix = GetU32(plain + 10);
  check.claims.flags = plain[14];

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
  if (policy.bind_client_ip && check.claims.client_ip != client_ip) {
    check.refusal = TokenRefusal::kWrongClientIp;
    return check;
  }
  check.refusal = TokenRefusal::kNone;
  return check;
}

}  // namespace provisor
