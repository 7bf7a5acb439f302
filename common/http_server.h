// HttpServer: the HTTP/1.1 (and HTTPS) listener of the NOC surfaces: the
// master's dashboard, JSON API and /metrics, a slave's /metrics. Every
// request goes to one handler, a plain function of HttpRequest ->
// HttpResponse, so routing is pure logic tested without sockets.
//
// One libuv loop on the server's own thread accepts, reads, parses
// (HttpConnection: llhttp with limits and deadlines), calls the handler and
// writes; handlers must therefore be fast (JSON of in-memory state,
// Prometheus text). Connections over max_connections in all or
// max_connections_per_ip from one address are closed at once; a peer that
// stops reading its responses is cut off after write_timeout, and nothing
// more is read or answered while write_high_water bytes wait to be sent.
// With tls_cert_pem/tls_key_pem the listener speaks only TLS (1.2+, OpenSSL
// memory BIOs on the same loop); with tls_client_ca_pem a client
// certificate is asked for, verified when presented, and handed to the
// handler. A port another process holds is an error (no SO_REUSEPORT); a
// handler that throws yields 500. Every refusal is counted (counters()).
//
// Thread-safety: Listen/Stop from one thread; the handler runs on the
// server's loop thread; counters() may be read from any thread.
#ifndef PROVISOR_COMMON_HTTP_SERVER_H_
#define PROVISOR_COMMON_HTTP_SERVER_H_

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "common/clock.h"
#include "common/http_connection.h"
#include "common/http_message.h"
#include "common/socket_address.h"
#include "common/status.h"

namespace provisor {

using HttpHandler = std::function<HttpResponse(const HttpRequest&)>;

struct HttpServerOptions {
  // Per-request limits and deadlines, and the Host names accepted besides
  // IP literals and localhost (limits.allowed_hosts).
  HttpLimits limits;
  int max_connections = 512;
  int max_connections_per_ip = 64;
  // A peer that takes longer than this to accept a queued response is
  // dropped.
  Duration write_timeout = std::chrono::seconds(10);
  // After a refusal or "Connection: close", input is read and discarded for
  // up to this long (or linger_bytes) so the peer sees the response instead
  // of a reset.
  Duration linger_timeout = std::chrono::seconds(2);
  size_t linger_bytes = 4 << 20;
  size_t write_high_water = 256 * 1024;
  // TLS: a PEM certificate chain (leaf first) and its key; both empty:
  // plain HTTP. tls_client_ca_pem (optional): CA certificates for client
  // certificates.
  std::string tls_cert_pem;
  std::string tls_key_pem;
  std::string tls_client_ca_pem;
  const Clock* clock = nullptr;  // null: the system clock
};

// Relaxed counters, written on the loop thread.
struct HttpServerCounters {
  std::atomic<uint64_t> connections_accepted{0};  // within the caps
  std::atomic<uint64_t> connections_open{0};      // gauge
  std::atomic<uint64_t> connections_over_limit{0};     // max_connections
  std::atomic<uint64_t> connections_over_ip_limit{0};  // max_connections_per_ip
  std::atomic<uint64_t> tls_handshake_failures{0};     // refused or not finished in time
  std::atomic<uint64_t> requests{0};                   // handed to the handler
  std::atomic<uint64_t> handler_errors{0};             // the handler threw (500)
  std::atomic<uint64_t> idle_closed{0};
  std::atomic<uint64_t> write_timeouts{0};
  std::atomic<uint64_t> refused[kHttpRefusalCount]{};  // indexed by HttpRefusal

  uint64_t Refused(HttpRefusal refusal) const {
    return refused[static_cast<int>(refusal)].load(std::memory_order_relaxed);
  }
};

class HttpServer {
 public:
  HttpServer(HttpHandler handler, HttpServerOptions options = {});
  ~HttpServer();  // stops
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Binds `address` ("127.0.0.1:0" picks a port) and serves on a thread.
  // Returns the bound address. INVALID_ARGUMENT for a bad address or TLS
  // material, UNAVAILABLE when it cannot bind, FAILED_PRECONDITION when
  // already listening.
  StatusOr<SocketAddress> Listen(const std::string& address);
  // Closes the listener and every connection; returns once the loop ended.
  void Stop();

  bool tls() const;
  const HttpServerCounters& counters() const;

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace provisor

#endif  // PROVISOR_COMMON_HTTP_SERVER_H_
