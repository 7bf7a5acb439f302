#include "master/keys/key_sealer.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <memory>

namespace provisor {
namespace {

constexpr std::string_view kMagic = "PVK1";
constexpr size_t kNonce = 12;
constexpr size_t kTag = 16;
static_assert(kMagic.size() + kNonce + kTokenKeyBytes + kTag == kSealedKeyBytes);

struct CipherCtxFree {
  void operator()(EVP_CIPHER_CTX* c) const { EVP_CIPHER_CTX_free(c); }
};
using CipherCtx = std::unique_ptr<EVP_CIPHER_CTX, CipherCtxFree>;

const unsigned char* Bytes(std::string_view s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}

}  // namespace

KeySealer::KeySealer(const MasterKey& master_key, std::string binding_id)
    : master_key_(master_key), binding_id_(std::move(binding_id)) {}

KeySealer::~KeySealer() { OPENSSL_cleanse(master_key_.data(), master_key_.size()); }

bool KeySealer::IsSealed(std::string_view stored) {
  return stored.size() == kSealedKeyBytes && stored.substr(0, kMagic.size()) == kMagic;
}

std::string KeySealer::AssociatedData(uint64_t epoch) const {
  std::string aad = "provisor token key v1";
  aad.push_back('\0');
  aad += binding_id_;
  aad.push_back('\0');
  for (int shift = 56; shift >= 0; shift -= 8) aad.push_back(static_cast<char>(epoch >> shift));
  return aad;
}

StatusOr<std::string> KeySealer::Seal(uint64_t epoch, std::string_view key) const {
  if (key.size() != kTokenKeyBytes) {
    return InvalidArgumentError("a token key is " + std::to_string(kTokenKeyBytes) +
                                " bytes, not " + std::to_string(key.size()));
  }
  std::string out(kSealedKeyBytes, '\0');
  auto* o = reinterpret_cast<unsigned char*>(out.data());
  std::copy(kMagic.begin(), kMagic.end(), out.begin());
  unsigned char* nonce = o + kMagic.size();
  unsigned char* cipher = nonce + kNonce;
  unsigned char* tag = cipher + kTokenKeyBytes;
  if (RAND_bytes(nonce, static_cast<int>(kNonce)) != 1) {
    return InternalError("no random bytes for sealing a token key");
  }
  const std::string aad = AssociatedData(epoch);
  CipherCtx ctx(EVP_CIPHER_CTX_new());
  int len = 0;
  if (!ctx ||
      EVP_EncryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, master_key_.data(), nonce) != 1 ||
      EVP_EncryptUpdate(ctx.get(), nullptr, &len, Bytes(aad), static_cast<int>(aad.size())) != 1 ||
      EVP_EncryptUpdate(ctx.get(), cipher, &len, Bytes(key), static_cast<int>(key.size())) != 1 ||
      EVP_EncryptFinal_ex(ctx.get(), cipher + len, &len) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, static_cast<int>(kTag), tag) != 1) {
    return InternalError("sealing a token key failed (OpenSSL)");
  }
  return out;
}

StatusOr<std::string> KeySealer::Open(uint64_t epoch, std::string_view sealed) const {
  if (!IsSealed(sealed)) {
    return DataLossError("the stored key of epoch " + std::to_string(epoch) + " is not sealed");
  }
  const unsigned char* nonce = Bytes(sealed) + kMagic.size();
  const unsigned char* cipher = nonce + kNonce;
  unsigned char tag[kTag];
  std::copy(cipher + kTokenKeyBytes, cipher + kTokenKeyBytes + kTag, tag);
  const std::string aad = AssociatedData(epoch);
  std::string plain(kTokenKeyBytes, '\0');
  auto* p = reinterpret_cast<unsigned char*>(plain.data());
  CipherCtx ctx(EVP_CIPHER_CTX_new());
  int len = 0;
  // EVP_DecryptFinal_ex checks the tag in constant time (CRYPTO_memcmp).
  const bool ok =
      ctx &&
      EVP_DecryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, master_key_.data(), nonce) == 1 &&
      EVP_DecryptUpdate(ctx.get(), nullptr, &len, Bytes(aad), static_cast<int>(aad.size())) == 1 &&
      EVP_DecryptUpdate(ctx.get(), p, &len, cipher, static_cast<int>(kTokenKeyBytes)) == 1 &&
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, static_cast<int>(kTag), tag) == 1 &&
      EVP_DecryptFinal_ex(ctx.get(), p + len, &len) == 1;
  if (!ok) {
    OPENSSL_cleanse(plain.data(), plain.size());
    return DataLossError("the stored key of epoch " + std::to_string(epoch) +
                         " does not open with this master key");
  }
  return plain;
}

}  // namespace provisor
