// TlsStream without sockets: an OpenSSL client on memory BIOs talks to the
// server stream, bytes shuttled by hand. Certificates are made here (EC
// P-256, signed by a throw-away CA).
#include "common/tls_stream.h"

#include <openssl/bio.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <catch2/catch.hpp>
#include <deque>
#include <memory>
#include <string>

namespace provisor {
namespace {

struct Issued {
  std::string cert_pem;
  std::string key_pem;
  EVP_PKEY* key = nullptr;  // owned by the test's lifetime (freed in ~Pki)
  X509* cert = nullptr;
};

std::string ToPem(X509* cert) {
  BIO* bio = BIO_new(BIO_s_mem());
  PEM_write_bio_X509(bio, cert);
  char* data = nullptr;
  const long n = BIO_get_mem_data(bio, &data);
  std::string out(data, static_cast<size_t>(n));
  BIO_free(bio);
  return out;
}

std::string ToPem(EVP_PKEY* key) {
  BIO* bio = BIO_new(BIO_s_mem());
  PEM_write_bio_PrivateKey(bio, key, nullptr, nullptr, 0, nullptr, nullptr);
  char* data = nullptr;
  const long n = BIO_get_mem_data(bio, &data);
  std::string out(data, static_cast<size_t>(n));
  BIO_free(bio);
  return out;
}

// A CA and leaves it signs; everything is freed with it.
class Pki {
 public:
  Pki() { ca_ = Issue("test CA", nullptr); }
  ~Pki() {
    for (Issued& i : issued_) {
      X509_free(i.cert);
      EVP_PKEY_free(i.key);
    }
  }
  const Issued& ca() const { return issued_[ca_]; }
  const Issued& Leaf(const std::string& name) { return issued_[Issue(name, &issued_[ca_])]; }

 private:
  size_t Issue(const std::string& name, const Issued* issuer) {
    Issued out;
    out.key = EVP_EC_gen("P-256");
    out.cert = X509_new();
    X509_set_version(out.cert, 2);
    ASN1_INTEGER_set(X509_get_serialNumber(out.cert), static_cast<long>(issued_.size() + 1));
    X509_gmtime_adj(X509_getm_notBefore(out.cert), -60);
    X509_gmtime_adj(X509_getm_notAfter(out.cert), 3600);
    X509_set_pubkey(out.cert, out.key);
    X509_NAME* subject = X509_get_subject_name(out.cert);
    X509_NAME_add_entry_by_txt(subject, "CN", MBSTRING_ASC,
                               reinterpret_cast<const unsigned char*>(name.c_str()), -1, -1, 0);
    X509_set_issuer_name(out.cert, issuer ? X509_get_subject_name(issuer->cert) : subject);
    X509V3_CTX ctx;
    X509V3_set_ctx_nodb(&ctx);
    X509V3_set_ctx(&ctx, issuer ? issuer->cert : out.cert, out.cert, nullptr, nullptr, 0);
    X509_EXTENSION* ext = X509V3_EXT_conf_nid(
        nullptr, &ctx, NID_basic_constraints,
        issuer ? const_cast<char*>("critical,CA:FALSE") : const_cast<char*>("critical,CA:TRUE"));
    X509_add_ext(out.cert, ext, -1);
    X509_EXTENSION_free(ext);
    X509_sign(out.cert, issuer ? issuer->key : out.key, EVP_sha256());
    out.cert_pem = ToPem(out.cert);
    out.key_pem = ToPem(out.key);
    issued_.push_back(out);
    return issued_.size() - 1;
  }
  std::deque<Issued> issued_;  // references stay valid as it grows
  size_t ca_ = 0;
};

// An OpenSSL client on memory BIOs.
class Client {
 public:
  explicit Client(const Pki& pki, const Issued* identity = nullptr, int max_version = 0) {
    ctx_ = SSL_CTX_new(TLS_client_method());
    SSL_CTX_set_security_level(ctx_, 0);
    if (max_version != 0) {
      SSL_CTX_set_min_proto_version(ctx_, TLS1_VERSION);
      SSL_CTX_set_max_proto_version(ctx_, max_version);
    }
    X509_STORE_add_cert(SSL_CTX_get_cert_store(ctx_), pki.ca().cert);
    SSL_CTX_set_verify(ctx_, SSL_VERIFY_PEER, nullptr);
    if (identity != nullptr) {
      SSL_CTX_use_certificate(ctx_, identity->cert);
      SSL_CTX_use_PrivateKey(ctx_, identity->key);
    }
    ssl_ = SSL_new(ctx_);
    in_ = BIO_new(BIO_s_mem());
    out_ = BIO_new(BIO_s_mem());
    BIO_set_mem_eof_return(in_, -1);
    SSL_set_bio(ssl_, in_, out_);
    SSL_set_connect_state(ssl_);
  }
  ~Client() {
    SSL_free(ssl_);
    SSL_CTX_free(ctx_);
  }
  // Runs the handshake against `server` for a few rounds; true when done
  // on both sides. Application bytes the server decrypts go to *plain.
  bool Handshake(TlsStream& server, std::string* plain, Status* server_status) {
    for (int round = 0; round < 10; ++round) {
      const int rc = SSL_do_handshake(ssl_);
      std::string flight = Drain();
      if (!flight.empty()) {
        *server_status = server.Receive(flight, plain);
        if (!server_status->ok()) return false;
      }
      Feed(server.TakeOutput());
      if (rc == 1 && server.handshake_done()) return true;
    }
    return false;
  }
  void Write(const std::string& text) { SSL_write(ssl_, text.data(), static_cast<int>(text.size())); }
  std::string Read() {
    std::string out;
    char buffer[4096];
    int n;
    while ((n = SSL_read(ssl_, buffer, sizeof(buffer))) > 0) out.append(buffer, static_cast<size_t>(n));
    return out;
  }
  std::string Drain() {
    std::string out(BIO_ctrl_pending(out_), '\0');
    if (!out.empty()) BIO_read(out_, out.data(), static_cast<int>(out.size()));
    return out;
  }
  void Feed(const std::string& bytes) {
    if (!bytes.empty()) BIO_write(in_, bytes.data(), static_cast<int>(bytes.size()));
  }

 private:
  SSL_CTX* ctx_ = nullptr;
  SSL* ssl_ = nullptr;
  BIO* in_ = nullptr;
  BIO* out_ = nullptr;
};

TEST_CASE("tls stream: a handshake, then application bytes both ways") {
  Pki pki;
  const Issued& server_id = pki.Leaf("server");
  StatusOr<std::shared_ptr<const TlsServerContext>> context =
      TlsServerContext::Create(server_id.cert_pem, server_id.key_pem, "");
  REQUIRE(context.ok());
  CHECK_FALSE((*context)->requests_client_certificate());
  std::unique_ptr<TlsStream> server = (*context)->NewStream();
  Client client(pki);
  std::string plain;
  Status status;
  REQUIRE(client.Handshake(*server, &plain, &status));
  CHECK(server->peer_certificate_pem().empty());

  client.Write("GET / HTTP/1.1\r\n\r\n");
  REQUIRE(server->Receive(client.Drain(), &plain).ok());
  CHECK(plain == "GET / HTTP/1.1\r\n\r\n");
  REQUIRE(server->Send("HTTP/1.1 200 OK\r\n\r\n").ok());
  client.Feed(server->TakeOutput());
  CHECK(client.Read() == "HTTP/1.1 200 OK\r\n\r\n");
}

TEST_CASE("tls stream: a client CA asks for a certificate and verifies the one presented") {
  Pki pki;
  Pki other;
  const Issued& server_id = pki.Leaf("server");
  StatusOr<std::shared_ptr<const TlsServerContext>> context =
      TlsServerContext::Create(server_id.cert_pem, server_id.key_pem, pki.ca().cert_pem);
  REQUIRE(context.ok());
  CHECK((*context)->requests_client_certificate());
  std::string plain;
  Status status;

  const Issued& person = pki.Leaf("operator alice");
  std::unique_ptr<TlsStream> verified = (*context)->NewStream();
  Client with_cert(pki, &person);
  REQUIRE(with_cert.Handshake(*verified, &plain, &status));
  CHECK(verified->peer_certificate_pem() == person.cert_pem);

  std::unique_ptr<TlsStream> anonymous = (*context)->NewStream();
  Client without(pki);
  REQUIRE(without.Handshake(*anonymous, &plain, &status));
  CHECK(anonymous->peer_certificate_pem().empty());

  const Issued& stranger = other.Leaf("mallory");
  std::unique_ptr<TlsStream> refused = (*context)->NewStream();
  Client foreign(pki, &stranger);
  CHECK_FALSE(foreign.Handshake(*refused, &plain, &status));
  CHECK(status.code() == StatusCode::kUnavailable);
  CHECK(status.message().find("handshake") != std::string::npos);
  CHECK_FALSE(refused->handshake_done());
  CHECK_FALSE(refused->TakeOutput().empty());  // the alert for the client
}

TEST_CASE("tls stream: TLS 1.1 and garbage fail the handshake") {
  Pki pki;
  const Issued& server_id = pki.Leaf("server");
  auto context = TlsServerContext::Create(server_id.cert_pem, server_id.key_pem, "");
  REQUIRE(context.ok());
  std::string plain;
  Status status;
  std::unique_ptr<TlsStream> old = (*context)->NewStream();
  Client tls11(pki, nullptr, TLS1_1_VERSION);
  CHECK_FALSE(tls11.Handshake(*old, &plain, &status));
  CHECK_FALSE(status.ok());

  std::unique_ptr<TlsStream> plain_http = (*context)->NewStream();
  CHECK_FALSE(plain_http->Receive("GET / HTTP/1.1\r\nHost: x\r\n\r\n", &plain).ok());
  CHECK_FALSE(plain_http->Receive("more", &plain).ok());  // stays failed
  CHECK(plain.empty());
}

TEST_CASE("tls stream: bad material is refused when the context is made") {
  Pki pki;
  const Issued& a = pki.Leaf("a");
  const Issued& b = pki.Leaf("b");
  CHECK(TlsServerContext::Create("", a.key_pem, "").status().code() ==
        StatusCode::kInvalidArgument);
  CHECK(TlsServerContext::Create(a.cert_pem, "", "").status().code() ==
        StatusCode::kInvalidArgument);
  CHECK(TlsServerContext::Create(a.cert_pem, b.key_pem, "").status().message().find(
            "does not match") != std::string::npos);
  CHECK(TlsServerContext::Create(a.cert_pem, a.key_pem, "not a pem").status().code() ==
        StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace provisor
