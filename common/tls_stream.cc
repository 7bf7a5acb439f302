#include "common/tls_stream.h"

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <algorithm>
#include <vector>

namespace provisor {

namespace {

struct SslCtxFree {
  void operator()(SSL_CTX* p) const { SSL_CTX_free(p); }
};
struct SslFree {
  void operator()(SSL* p) const { SSL_free(p); }
};
struct BioFree {
  void operator()(BIO* p) const { BIO_free(p); }
};
struct X509Free {
  void operator()(X509* p) const { X509_free(p); }
};
struct PkeyFree {
  void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
};
using BioPtr = std::unique_ptr<BIO, BioFree>;
using X509Ptr = std::unique_ptr<X509, X509Free>;

// The oldest queued OpenSSL error as text (and the queue cleared).
std::string OpenSslError() {
  const unsigned long code = ERR_peek_last_error();
  std::string out = "unknown error";
  if (code != 0) {
    char buffer[256];
    ERR_error_string_n(code, buffer, sizeof(buffer));
    out = buffer;
  }
  ERR_clear_error();
  return out;
}

BioPtr MemoryBio(const std::string& text) {
  return BioPtr(BIO_new_mem_buf(text.data(), static_cast<int>(text.size())));
}

// Every PEM certificate in `pem`, in order.
std::vector<X509Ptr> ReadCertificates(const std::string& pem) {
  std::vector<X509Ptr> out;
  BioPtr bio = MemoryBio(pem);
  if (bio == nullptr) return out;
  while (X509* cert = PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr)) {
    out.emplace_back(cert);
  }
  ERR_clear_error();  // the end of the input reads as an error
  return out;
}

}  // namespace

struct TlsServerContext::Impl {
  std::unique_ptr<SSL_CTX, SslCtxFree> ctx;
  bool client_ca = false;
};

struct TlsStream::Impl {
  std::unique_ptr<SSL, SslFree> ssl;
  BIO* in = nullptr;   // owned by ssl
  BIO* out = nullptr;  // owned by ssl
};

TlsServerContext::TlsServerContext(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
TlsServerContext::~TlsServerContext() = default;

StatusOr<std::shared_ptr<const TlsServerContext>> TlsServerContext::Create(
    const std::string& cert_chain_pem, const std::string& key_pem,
    const std::string& client_ca_pem) {
  ERR_clear_error();
  auto impl = std::make_unique<Impl>();
  impl->ctx.reset(SSL_CTX_new(TLS_server_method()));
  SSL_CTX* ctx = impl->ctx.get();
  if (ctx == nullptr) return InternalError("TLS context: " + OpenSslError());
  SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
  SSL_CTX_set_options(ctx, SSL_OP_NO_RENEGOTIATION | SSL_OP_CIPHER_SERVER_PREFERENCE |
                               SSL_OP_NO_COMPRESSION);
  SSL_CTX_set_mode(ctx, SSL_MODE_RELEASE_BUFFERS);
  static const unsigned char kSessionContext[] = "provisor-http";
  SSL_CTX_set_session_id_context(ctx, kSessionContext, sizeof(kSessionContext) - 1);

  std::vector<X509Ptr> chain = ReadCertificates(cert_chain_pem);
  if (chain.empty()) return InvalidArgumentError("TLS certificate: no PEM certificate found");
  if (SSL_CTX_use_certificate(ctx, chain.front().get()) != 1) {
    return InvalidArgumentError("TLS certificate: " + OpenSslError());
  }
  for (size_t i = 1; i < chain.size(); ++i) {
    if (SSL_CTX_add1_chain_cert(ctx, chain[i].get()) != 1) {
      return InvalidArgumentError("TLS certificate chain: " + OpenSslError());
    }
  }
  BioPtr key_bio = MemoryBio(key_pem);
  std::unique_ptr<EVP_PKEY, PkeyFree> key(
      key_bio ? PEM_read_bio_PrivateKey(key_bio.get(), nullptr, nullptr, nullptr) : nullptr);
  if (key == nullptr) return InvalidArgumentError("TLS key: no unencrypted PEM private key found");
  if (SSL_CTX_use_PrivateKey(ctx, key.get()) != 1 || SSL_CTX_check_private_key(ctx) != 1) {
    return InvalidArgumentError("TLS key does not match the certificate: " + OpenSslError());
  }

  if (!client_ca_pem.empty()) {
    std::vector<X509Ptr> cas = ReadCertificates(client_ca_pem);
    if (cas.empty()) return InvalidArgumentError("TLS client CA: no PEM certificate found");
    X509_STORE* store = SSL_CTX_get_cert_store(ctx);
    for (const X509Ptr& ca : cas) {
      if (X509_STORE_add_cert(store, ca.get()) != 1 || SSL_CTX_add_client_CA(ctx, ca.get()) != 1) {
        return InvalidArgumentError("TLS client CA: " + OpenSslError());
      }
    }
    // Asked for; verified when presented; not required.
    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, nullptr);
    SSL_CTX_set_verify_depth(ctx, 4);
    impl->client_ca = true;
  } else {
    SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, nullptr);
  }
  return std::shared_ptr<const TlsServerContext>(new TlsServerContext(std::move(impl)));
}

bool TlsServerContext::requests_client_certificate() const { return impl_->client_ca; }

std::unique_ptr<TlsStream> TlsServerContext::NewStream() const {
  auto impl = std::make_unique<TlsStream::Impl>();
  impl->ssl.reset(SSL_new(impl_->ctx.get()));
  if (impl->ssl == nullptr) return nullptr;
  impl->in = BIO_new(BIO_s_mem());
  impl->out = BIO_new(BIO_s_mem());
  if (impl->in == nullptr || impl->out == nullptr) {
    BIO_free(impl->in);
    BIO_free(impl->out);
    return nullptr;
  }
  // An empty input BIO means "wait for more", not end of stream.
  BIO_set_mem_eof_return(impl->in, -1);
  BIO_set_mem_eof_return(impl->out, -1);
  SSL_set_bio(impl->ssl.get(), impl->in, impl->out);
  SSL_set_accept_state(impl->ssl.get());
  return std::unique_ptr<TlsStream>(new TlsStream(std::move(impl)));
}

TlsStream::TlsStream(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
TlsStream::~TlsStream() = default;

Status TlsStream::Receive(std::string_view ciphertext, std::string* plain) {
  if (failed_) return FailedPreconditionError("TLS stream failed earlier");
  ERR_clear_error();
  SSL* ssl = impl_->ssl.get();
  while (!ciphertext.empty()) {
    const int chunk = static_cast<int>(std::min<size_t>(ciphertext.size(), 1 << 20));
    if (BIO_write(impl_->in, ciphertext.data(), chunk) != chunk) {
      failed_ = true;
      return InternalError("TLS input: " + OpenSslError());
    }
    ciphertext.remove_prefix(static_cast<size_t>(chunk));
  }
  if (!handshake_done_) {
    const int rc = SSL_do_handshake(ssl);
    if (rc != 1) {
      const int error = SSL_get_error(ssl, rc);
      if (error == SSL_ERROR_WANT_READ || error == SSL_ERROR_WANT_WRITE) return Status::Ok();
      failed_ = true;
      return UnavailableError("TLS handshake failed: " + OpenSslError());
    }
    PROVISOR_RETURN_IF_ERROR(FinishHandshake());
  }
  char buffer[16 * 1024];
  for (;;) {
    const int n = SSL_read(ssl, buffer, sizeof(buffer));
    if (n > 0) {
      plain->append(buffer, static_cast<size_t>(n));
      continue;
    }
    const int error = SSL_get_error(ssl, n);
    if (error == SSL_ERROR_WANT_READ || error == SSL_ERROR_WANT_WRITE) return Status::Ok();
    if (error == SSL_ERROR_ZERO_RETURN) {
      peer_closed_ = true;
      return Status::Ok();
    }
    failed_ = true;
    return UnavailableError("TLS read: " + OpenSslError());
  }
}

Status TlsStream::FinishHandshake() {
  handshake_done_ = true;
  SSL* ssl = impl_->ssl.get();
  X509* peer = SSL_get0_peer_certificate(ssl);
  if (peer == nullptr || SSL_get_verify_result(ssl) != X509_V_OK) return Status::Ok();
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (bio == nullptr || PEM_write_bio_X509(bio.get(), peer) != 1) {
    return InternalError("TLS peer certificate: " + OpenSslError());
  }
  char* data = nullptr;
  const long size = BIO_get_mem_data(bio.get(), &data);
  if (size > 0 && data != nullptr) peer_certificate_pem_.assign(data, static_cast<size_t>(size));
  return Status::Ok();
}

Status TlsStream::Send(std::string_view plain) {
  if (failed_ || !handshake_done_) return FailedPreconditionError("TLS stream is not open");
  ERR_clear_error();
  while (!plain.empty()) {
    const int chunk = static_cast<int>(std::min<size_t>(plain.size(), 1 << 20));
    const int n = SSL_write(impl_->ssl.get(), plain.data(), chunk);
    if (n <= 0) {
      failed_ = true;
      return UnavailableError("TLS write: " + OpenSslError());
    }
    plain.remove_prefix(static_cast<size_t>(n));
  }
  return Status::Ok();
}

void TlsStream::Shutdown() {
  if (failed_ || !handshake_done_) return;
  ERR_clear_error();
  SSL_shutdown(impl_->ssl.get());
  ERR_clear_error();
}

std::string TlsStream::TakeOutput() {
  std::string out;
  const size_t pending = BIO_ctrl_pending(impl_->out);
  if (pending == 0) return out;
  out.resize(pending);
  const int n = BIO_read(impl_->out, out.data(), static_cast<int>(pending));
  out.resize(n > 0 ? static_cast<size_t>(n) : 0);
  return out;
}

}  // namespace provisor
