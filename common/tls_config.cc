#include "common/tls_config.h"

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <memory>
#include <sstream>

namespace provisor {
namespace {

struct BioDeleter {
  void operator()(BIO* bio) const { BIO_free(bio); }
};
struct X509Deleter {
  void operator()(X509* x509) const { X509_free(x509); }
};
struct PkeyDeleter {
  void operator()(EVP_PKEY* pkey) const { EVP_PKEY_free(pkey); }
};
using Bio = std::unique_ptr<BIO, BioDeleter>;
using X509Ptr = std::unique_ptr<X509, X509Deleter>;
using Pkey = std::unique_ptr<EVP_PKEY, PkeyDeleter>;

Bio MemoryBio(const std::string& text) {
  return Bio(BIO_new_mem_buf(text.data(), static_cast<int>(text.size())));
}

// Never prompts for a passphrase: an encrypted key simply fails to load.
int NoPassphrase(char*, int, int, void*) { return -1; }

StatusOr<std::string> ReadWholeFile(const std::string& path, const char* what) {
  errno = 0;
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    const int error = errno;
    return NotFoundError(std::string("cannot read ") + what + " " + path +
                         (error != 0 ? std::string(": ") + std::strerror(error) : ""));
  }
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) return NotFoundError(std::string("cannot read ") + what + " " + path);
  return text.str();
}

// The first certificate of a PEM bundle and how many it holds.
X509Ptr FirstCertificate(const std::string& pem, int* count) {
  *count = 0;
  X509Ptr first;
  Bio bio = MemoryBio(pem);
  if (!bio) return first;
  while (X509* cert = PEM_read_bio_X509(bio.get(), nullptr, NoPassphrase, nullptr)) {
    ++*count;
    if (!first) {
      first.reset(cert);
    } else {
      X509_free(cert);
    }
  }
  return first;
}

}  // namespace

Status LoadTlsTable(ConfigReader& parent, TlsFiles* out) {
  StatusOr<std::unique_ptr<ConfigReader>> table = parent.Table("tls");
  if (!table.ok()) return table.status();
  TlsFiles files;
  PROVISOR_RETURN_IF_ERROR((*table)->GetString("cert", &files.cert));
  PROVISOR_RETURN_IF_ERROR((*table)->GetString("key", &files.key));
  PROVISOR_RETURN_IF_ERROR((*table)->GetString("ca", &files.ca));
  PROVISOR_RETURN_IF_ERROR((*table)->Finish());
  const bool any = !files.cert.empty() || !files.key.empty() || !files.ca.empty();
  if (any) {
    const char* missing = files.cert.empty() ? "cert" : files.key.empty() ? "key"
                          : files.ca.empty()  ? "ca"
                                              : nullptr;
    if (missing != nullptr) {
      return InvalidArgumentError(std::string("tls.") + missing +
                                  " is not set: [tls] needs cert, key and ca together "
                                  "(or none of them for plaintext gRPC)");
    }
  }
  *out = std::move(files);
  return Status::Ok();
}

StatusOr<TlsMaterial> ReadTlsMaterial(const TlsFiles& files) {
  if (!files.enabled()) {
    return InvalidArgumentError("TLS needs a certificate, a key and a CA file");
  }
  TlsMaterial material;
  StatusOr<std::string> cert = ReadWholeFile(files.cert, "TLS certificate");
  if (!cert.ok()) return cert.status();
  StatusOr<std::string> key = ReadWholeFile(files.key, "TLS key");
  if (!key.ok()) return key.status();
  StatusOr<std::string> ca = ReadWholeFile(files.ca, "TLS CA");
  if (!ca.ok()) return ca.status();

  // OpenSSL leaves parse errors on this thread's error queue; they must not
  // leak into whatever uses OpenSSL next on it.
  struct ClearErrors {
    ~ClearErrors() { ERR_clear_error(); }
  } clear_errors;

  int count = 0;
  X509Ptr leaf = FirstCertificate(*cert, &count);
  if (!leaf) {
    return InvalidArgumentError("TLS certificate " + files.cert +
                                " holds no PEM certificate (-----BEGIN CERTIFICATE-----)");
  }
  FirstCertificate(*ca, &count);
  if (count == 0) {
    return InvalidArgumentError("TLS CA " + files.ca +
                                " holds no PEM certificate (-----BEGIN CERTIFICATE-----)");
  }
  Bio key_bio = MemoryBio(*key);
  Pkey pkey(key_bio ? PEM_read_bio_PrivateKey(key_bio.get(), nullptr, NoPassphrase, nullptr)
                    : nullptr);
  if (!pkey) {
    return InvalidArgumentError("TLS key " + files.key +
                                " holds no unencrypted PEM private key");
  }
  if (X509_check_private_key(leaf.get(), pkey.get()) != 1) {
    return InvalidArgumentError("TLS key " + files.key + " does not belong to certificate " +
                                files.cert);
  }
  material.cert_pem = std::move(*cert);
  material.key_pem = std::move(*key);
  material.ca_pem = std::move(*ca);
  return material;
}

StatusOr<std::shared_ptr<const TlsMaterial>> LoadTls(const TlsFiles& files) {
  if (!files.enabled()) return std::shared_ptr<const TlsMaterial>();
  StatusOr<TlsMaterial> material = ReadTlsMaterial(files);
  if (!material.ok()) return material.status();
  return std::make_shared<const TlsMaterial>(std::move(*material));
}

}  // namespace provisor
