#include "common/vendor_crypto.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <algorithm>
#include <cstdint>
#include <memory>

#include "common/hex.h"
#include "common/utf8.h"

namespace provisor {
namespace {

constexpr size_t kAesBlock = 16;
constexpr size_t kCiscoSaltSize = 8;
constexpr size_t kCiscoMaxKey = 256;
constexpr std::string_view kSaltedMagic = "Salted__";
constexpr size_t kYealinkKeySize = 16;
constexpr size_t kGigasetKeySize = 16;
// EVP_EncryptUpdate takes an int length; feed it at most this much at once.
constexpr size_t kChunk = 1 << 20;

struct CipherCtxDeleter {
  void operator()(EVP_CIPHER_CTX* ctx) const { EVP_CIPHER_CTX_free(ctx); }
};
using CipherCtx = std::unique_ptr<EVP_CIPHER_CTX, CipherCtxDeleter>;

// Key material on the stack, wiped when it goes out of scope.
template <size_t N>
struct SecretBytes {
  unsigned char bytes[N] = {};
  SecretBytes() = default;
  SecretBytes(const SecretBytes&) = delete;
  SecretBytes& operator=(const SecretBytes&) = delete;
  ~SecretBytes() { OPENSSL_cleanse(bytes, N); }
};

// Appends to `out` the encryption of `plain` with `cipher` (PKCS#7 padding)
// under `key`/`iv` (`iv` may be null for ECB).
Status EvpEncrypt(const EVP_CIPHER* cipher, const unsigned char* key, const unsigned char* iv,
                  std::string_view plain, std::string* out) {
  CipherCtx ctx(EVP_CIPHER_CTX_new());
  if (!ctx) return InternalError("EVP_CIPHER_CTX_new failed");
  if (EVP_EncryptInit_ex(ctx.get(), cipher, nullptr, key, iv) != 1) {
    return InternalError("EVP_EncryptInit_ex failed");
  }
  const size_t start = out->size();
  out->resize(start + plain.size() + kAesBlock);
  auto* dst = reinterpret_cast<unsigned char*>(out->data() + start);
  size_t written = 0;
  for (size_t pos = 0; pos < plain.size(); pos += kChunk) {
    const size_t n = std::min(kChunk, plain.size() - pos);
    int len = 0;
    if (EVP_EncryptUpdate(ctx.get(), dst + written, &len,
                          reinterpret_cast<const unsigned char*>(plain.data() + pos),
                          static_cast<int>(n)) != 1) {
      return InternalError("EVP_EncryptUpdate failed");
    }
    written += static_cast<size_t>(len);
  }
  int len = 0;
  if (EVP_EncryptFinal_ex(ctx.get(), dst + written, &len) != 1) {
    return InternalError("EVP_EncryptFinal_ex failed");
  }
  written += static_cast<size_t>(len);
  out->resize(start + written);
  return Status::Ok();
}

Status RandomBytes(unsigned char* buf, size_t n) {
  if (RAND_bytes(buf, static_cast<int>(n)) != 1) return InternalError("RAND_bytes failed");
  return Status::Ok();
}

// "Salted__" + salt + AES-256-CBC, key/IV = EVP_BytesToKey(MD5, count 1):
// the `openssl enc -e -aes-256-cbc -k KEY` output of OpenSSL 0.9.7..1.0.2.
StatusOr<std::string> EncryptCisco(std::string_view key, std::string_view plain) {
  unsigned char salt[kCiscoSaltSize];
  PROVISOR_RETURN_IF_ERROR(RandomBytes(salt, sizeof(salt)));
  const EVP_CIPHER* cipher = EVP_aes_256_cbc();
  SecretBytes<EVP_MAX_KEY_LENGTH> derived_key;
  SecretBytes<EVP_MAX_IV_LENGTH> derived_iv;
  if (EVP_BytesToKey(cipher, EVP_md5(), salt, reinterpret_cast<const unsigned char*>(key.data()),
                     static_cast<int>(key.size()), 1, derived_key.bytes,
                     derived_iv.bytes) != EVP_CIPHER_get_key_length(cipher)) {
    return InternalError("EVP_BytesToKey failed");
  }
  std::string out;
  out.reserve(kSaltedMagic.size() + sizeof(salt) + plain.size() + kAesBlock);
  out.append(kSaltedMagic);
  out.append(reinterpret_cast<const char*>(salt), sizeof(salt));
  PROVISOR_RETURN_IF_ERROR(EvpEncrypt(cipher, derived_key.bytes, derived_iv.bytes, plain, &out));
  return out;
}

StatusOr<std::string> EncryptYealink(std::string_view key, std::string_view plain) {
  std::string out;
  PROVISOR_RETURN_IF_ERROR(EvpEncrypt(EVP_aes_128_ecb(),
                                      reinterpret_cast<const unsigned char*>(key.data()), nullptr,
                                      plain, &out));
  return out;
}

// IV (16 random bytes) + AES-128-CBC under the raw 16-byte key.
StatusOr<std::string> EncryptGigaset(std::string_view key, std::string_view plain) {
  unsigned char iv[kAesBlock];
  PROVISOR_RETURN_IF_ERROR(RandomBytes(iv, sizeof(iv)));
  std::string out;
  out.reserve(sizeof(iv) + plain.size() + kAesBlock);
  out.append(reinterpret_cast<const char*>(iv), sizeof(iv));
  PROVISOR_RETURN_IF_ERROR(EvpEncrypt(EVP_aes_128_cbc(),
                                      reinterpret_cast<const unsigned char*>(key.data()), iv,
                                      plain, &out));
  return out;
}

bool IsCiscoKeyChar(char c) { return c > ' ' && c <= '~' && c != '"' && c != '$'; }

bool IsYealinkKeyChar(char c) {
  if ((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z')) return true;
  return std::string_view("#$%*+,-.:=?@[]^_{}~").find(c) != std::string_view::npos;
}

std::string Hex(std::string_view bytes) { return HexEncode(bytes); }

// `arg` as one POSIX sh word: as is when it holds only characters that are
// never special, else in single quotes (each ' written as '\'').
std::string ShellQuote(std::string_view arg) {
  const bool plain = !arg.empty() && std::all_of(arg.begin(), arg.end(), [](char c) {
    return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
           std::string_view("_./:@%+=,-").find(c) != std::string_view::npos;
  });
  if (plain) return std::string(arg);
  std::string quoted = "'";
  for (char c : arg) {
    if (c == '\'') {
      quoted += "'\\''";
    } else {
      quoted += c;
    }
  }
  quoted += '\'';
  return quoted;
}

}  // namespace

StatusOr<VendorCipher> ParseVendorCipher(std::string_view name) {
  if (name.empty() || name == "none") return VendorCipher::kNone;
  if (name == "cisco-aes256-cbc") return VendorCipher::kCiscoAes256Cbc;
  if (name == "yealink-aes") return VendorCipher::kYealinkAes128Ecb;
  if (name == "gigaset-aes128") return VendorCipher::kGigasetAes128Cbc;
  return InvalidArgumentError("unknown vendor cipher " + QuoteForMessage(name) +
                              " (use cisco-aes256-cbc, yealink-aes, gigaset-aes128 or none)");
}

std::string_view VendorCipherName(VendorCipher cipher) {
  switch (cipher) {
    case VendorCipher::kNone:
      return "none";
    case VendorCipher::kCiscoAes256Cbc:
      return "cisco-aes256-cbc";
    case VendorCipher::kYealinkAes128Ecb:
      return "yealink-aes";
    case VendorCipher::kGigasetAes128Cbc:
      return "gigaset-aes128";
  }
  return "none";
}

Status ValidateVendorKey(VendorCipher cipher, std::string_view key) {
  switch (cipher) {
    case VendorCipher::kNone:
      return Status::Ok();
    case VendorCipher::kCiscoAes256Cbc:
      if (key.empty()) return InvalidArgumentError("cisco-aes256-cbc key must not be empty");
      if (key.size() > kCiscoMaxKey) {
        return InvalidArgumentError("cisco-aes256-cbc key must be at most 256 characters (got " +
                                    std::to_string(key.size()) + ")");
      }
      if (!std::all_of(key.begin(), key.end(), IsCiscoKeyChar)) {
        return InvalidArgumentError(
            "cisco-aes256-cbc key may contain only printable ASCII other than space, '\"' and "
            "'$'");
      }
      return Status::Ok();
    case VendorCipher::kYealinkAes128Ecb:
      if (key.size() != kYealinkKeySize) {
        return InvalidArgumentError("yealink-aes key must be exactly 16 characters (got " +
                                    std::to_string(key.size()) + ")");
      }
      if (!std::all_of(key.begin(), key.end(), IsYealinkKeyChar)) {
        return InvalidArgumentError(
            "yealink-aes key may contain only 0-9, A-Z, a-z and # $ % * + , - . : = ? @ [ ] ^ _ "
            "{ } ~");
      }
      return Status::Ok();
    case VendorCipher::kGigasetAes128Cbc:
      if (key.size() != kGigasetKeySize) {
        return InvalidArgumentError("gigaset-aes128 key must be exactly 16 bytes (got " +
                                    std::to_string(key.size()) + ")");
      }
      return Status::Ok();
  }
  return InvalidArgumentError("unknown vendor cipher");
}

StatusOr<std::string> VendorEncrypt(VendorCipher cipher, std::string_view key,
                                    std::string_view plain) {
  PROVISOR_RETURN_IF_ERROR(ValidateVendorKey(cipher, key));
  switch (cipher) {
    case VendorCipher::kNone:
      return std::string(plain);
    case VendorCipher::kCiscoAes256Cbc:
      return EncryptCisco(key, plain);
    case VendorCipher::kYealinkAes128Ecb:
      return EncryptYealink(key, plain);
    case VendorCipher::kGigasetAes128Cbc:
      return EncryptGigaset(key, plain);
  }
  return InvalidArgumentError("unknown vendor cipher");
}

std::string OpenSslDecryptCommand(VendorCipher cipher, std::string_view key,
                                  std::string_view in_path, std::string_view out_path) {
  const std::string in = ShellQuote(in_path);
  const std::string out = ShellQuote(out_path);
  switch (cipher) {
    case VendorCipher::kNone:
      return "";
    case VendorCipher::kCiscoAes256Cbc:
      return "openssl enc -d -aes-256-cbc -md md5 -k " + ShellQuote(key) + " -in " + in +
             " -out " + out;
    case VendorCipher::kYealinkAes128Ecb:
      return "openssl enc -d -aes-128-ecb -K " + Hex(key) + " -in " + in + " -out " + out;
    case VendorCipher::kGigasetAes128Cbc:
      return "tail -c +17 " + in + " | openssl enc -d -aes-128-cbc -K " + Hex(key) +
             " -iv \"$(head -c 16 " + in + " | od -An -tx1 -v | tr -d ' \\n')\" -out " + out;
  }
  return "";
}

}  // namespace provisor
