// HttpServer: a small HTTP/1.1 listener (cpp-httplib underneath, kept out of
// this header) for the NOC surfaces: the master's dashboard, JSON API and
// /metrics, a slave's /metrics. Every request goes to one handler, a plain
// function of HttpRequest -> HttpResponse, so routing is pure logic tested
// without sockets. Requests run on the server's own thread pool (8); a
// connection is closed after 1 s idle or 5 requests, so open dashboards
// cannot starve a scrape; a port another process holds is an error (no
// SO_REUSEPORT); bodies over 64 KiB are refused (413) before the
// handler sees them; a handler that throws yields 500.
//
// Thread-safety: Listen/Stop from one thread; the handler is called from
// the server's threads and must be thread-safe.
#ifndef PROVISOR_COMMON_HTTP_SERVER_H_
#define PROVISOR_COMMON_HTTP_SERVER_H_

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "common/http_message.h"
#include "common/socket_address.h"
#include "common/status.h"

namespace provisor {

using HttpHandler = std::function<HttpResponse(const HttpRequest&)>;

struct HttpServerOptions {
  int threads = 8;
  size_t max_body_bytes = 64 * 1024;
};

class HttpServer {
 public:
  HttpServer(HttpHandler handler, HttpServerOptions options = {});
  ~HttpServer();  // stops
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Binds `address` ("127.0.0.1:0" picks a port) and serves on a thread.
  // Returns the bound address. UNAVAILABLE when it cannot bind.
  StatusOr<SocketAddress> Listen(const std::string& address);
  void Stop();

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace provisor

#endif  // PROVISOR_COMMON_HTTP_SERVER_H_
