#include "master/auth/identity.h"

#include <openssl/bio.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <algorithm>
#include <memory>

#include "common/hex.h"

namespace provisor {
namespace {

struct BioFree {
  void operator()(BIO* b) const { BIO_free(b); }
};
struct X509Free {
  void operator()(X509* x) const { X509_free(x); }
};

// The UTF-8 text of subject entry `index`; nullopt when it cannot be read.
std::optional<std::string> EntryText(X509_NAME* subject, int index) {
  X509_NAME_ENTRY* entry = X509_NAME_get_entry(subject, index);
  if (entry == nullptr) return std::nullopt;
  unsigned char* utf8 = nullptr;
  const int length = ASN1_STRING_to_UTF8(&utf8, X509_NAME_ENTRY_get_data(entry));
  if (length < 0) return std::nullopt;
  std::string text(reinterpret_cast<const char*>(utf8), static_cast<size_t>(length));
  OPENSSL_free(utf8);
  return text;
}

}  // namespace

std::string Identity::Describe() const {
  switch (source) {
    case Source::kNone: return "anonymous";
    case Source::kCertificate: return "certificate " + name + " (" + roles.ToString() + ")";
    case Source::kToken: return "token " + name + " (" + roles.ToString() + ")";
    case Source::kTrustedPlaintext: return "local plaintext caller";
  }
  return "anonymous";
}

StatusOr<Identity> IdentityFromCertificate(std::string_view pem) {
  std::unique_ptr<BIO, BioFree> bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  if (bio == nullptr) return InternalError("cannot read a certificate: out of memory");
  std::unique_ptr<X509, X509Free> cert(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
  if (cert == nullptr) return InvalidArgumentError("the client certificate is not PEM");
  X509_NAME* subject = X509_get_subject_name(cert.get());
  Identity identity;
  identity.source = Identity::Source::kCertificate;
  for (int i = -1; (i = X509_NAME_get_index_by_NID(subject, NID_commonName, i)) >= 0;) {
    if (std::optional<std::string> cn = EntryText(subject, i)) identity.name = *cn;
  }
  if (identity.name.empty()) {
    return InvalidArgumentError("the client certificate has no subject CommonName");
  }
  for (int i = -1; (i = X509_NAME_get_index_by_NID(subject, NID_organizationName, i)) >= 0;) {
    std::optional<std::string> o = EntryText(subject, i);
    if (!o) continue;
    if (std::optional<Role> role = ParseRole(*o)) identity.roles = identity.roles.With(*role);
  }
  return identity;
}

Sha256Digest Sha256(std::string_view bytes) {
  Sha256Digest digest{};
  unsigned int length = 0;
  EVP_Digest(bytes.data(), bytes.size(), digest.data(), &length, EVP_sha256(), nullptr);
  return digest;
}

StatusOr<Sha256Digest> ParseSha256Hex(std::string_view hex) {
  Sha256Digest digest{};
  if (hex.size() != 2 * digest.size()) {
    return InvalidArgumentError("a SHA-256 is 64 hex digits, not " + std::to_string(hex.size()) +
                                " characters");
  }
  std::optional<std::string> bytes = HexDecode(hex);
  if (!bytes) return InvalidArgumentError("a SHA-256 is 64 hex digits");
  std::copy(bytes->begin(), bytes->end(), digest.begin());
  return digest;
}

std::optional<Identity> ApiTokens::Find(std::string_view presented) const {
  const Sha256Digest digest = Sha256(presented);
  std::optional<Identity> found;
  for (const ApiToken& token : tokens_) {
    if (CRYPTO_memcmp(digest.data(), token.sha256.data(), digest.size()) == 0 && !found) {
      found = Identity{token.name, RoleSet::Of(token.role), Identity::Source::kToken};
    }
  }
  return found;
}

}  // namespace provisor
