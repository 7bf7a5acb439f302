// TlsServerContext and TlsStream: server-side TLS over OpenSSL memory BIOs,
// so a libuv connection can run TLS on its own loop without handing the
// socket to OpenSSL. The stream takes ciphertext from the socket and gives
// plaintext, takes plaintext and gives ciphertext; it never blocks and never
// touches a file descriptor.
//
// TLS 1.2 and 1.3 only, renegotiation off. With a client CA bundle the
// server asks for a client certificate; one that is presented must verify
// against the bundle or the handshake fails, and none at all is accepted
// (the application decides what an anonymous client may do).
//
// Thread-safety: a TlsServerContext is immutable once created and may be
// shared by streams on any thread; a TlsStream has one owner.
#ifndef PROVISOR_COMMON_TLS_STREAM_H_
#define PROVISOR_COMMON_TLS_STREAM_H_

#include <memory>
#include <string>
#include <string_view>

#include "common/status.h"

namespace provisor {

class TlsStream;

class TlsServerContext {
 public:
  // `cert_chain_pem`: the server certificate first, then any intermediates;
  // `key_pem`: its unencrypted private key; `client_ca_pem`: empty, or the
  // CA certificates client certificates must chain to. INVALID_ARGUMENT
  // naming the part that is wrong.
  static StatusOr<std::shared_ptr<const TlsServerContext>> Create(
      const std::string& cert_chain_pem, const std::string& key_pem,
      const std::string& client_ca_pem);
  ~TlsServerContext();
  TlsServerContext(const TlsServerContext&) = delete;
  TlsServerContext& operator=(const TlsServerContext&) = delete;

  std::unique_ptr<TlsStream> NewStream() const;
  bool requests_client_certificate() const;

 private:
  struct Impl;
  explicit TlsServerContext(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

class TlsStream {
 public:
  ~TlsStream();
  TlsStream(const TlsStream&) = delete;
  TlsStream& operator=(const TlsStream&) = delete;

  // Ciphertext from the peer. Decrypted bytes are appended to *plain.
  // An error means the handshake failed or the peer broke the protocol; an
  // alert for the peer may wait in TakeOutput(), and the stream is done.
  Status Receive(std::string_view ciphertext, std::string* plain);
  // Encrypts application bytes. REQUIRES: handshake_done().
  Status Send(std::string_view plain);
  // Queues a close_notify alert.
  void Shutdown();
  // Ciphertext to send (handshake records, data, alerts).
  std::string TakeOutput();

  bool handshake_done() const { return handshake_done_; }
  bool peer_closed() const { return peer_closed_; }  // close_notify received
  // The client's certificate (PEM) when one was presented and verified.
  const std::string& peer_certificate_pem() const { return peer_certificate_pem_; }

 private:
  friend class TlsServerContext;
  struct Impl;
  explicit TlsStream(std::unique_ptr<Impl> impl);
  Status FinishHandshake();

  std::unique_ptr<Impl> impl_;
  bool handshake_done_ = false;
  bool peer_closed_ = false;
  bool failed_ = false;
  std::string peer_certificate_pem_;
};

}  // namespace provisor

#endif  // PROVISOR_COMMON_TLS_STREAM_H_
