#include "common/http_server.h"

#include <httplib.h>
#include <sys/socket.h>

#include <atomic>
#include <cctype>
#include <chrono>
#include <exception>
#include <thread>

namespace provisor {

class HttpServer::Impl {
 public:
  Impl(HttpHandler handler, HttpServerOptions options)
      : handler_(std::move(handler)), options_(options) {
    const int threads = options_.threads < 1 ? 1 : options_.threads;
    server_.new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
    server_.set_payload_max_length(options_.max_body_bytes);
    // A connection holds a worker thread while it lives. Short keep-alives
    // (a dashboard polls every 2 s, so its connection closes in between)
    // and short timeouts keep a few open browsers or idle sockets from
    // starving a Prometheus scrape.
    server_.set_read_timeout(2, 0);
    server_.set_write_timeout(5, 0);
    server_.set_keep_alive_timeout(1);
    server_.set_keep_alive_max_count(5);
    // SO_REUSEADDR only: httplib's default adds SO_REUSEPORT, which would
    // let a second daemon bind the same port and split the requests.
    server_.set_socket_options([](int sock) {
      int yes = 1;
      setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof(yes));
    });
    auto dispatch = [this](const httplib::Request& in, httplib::Response& out) {
      Dispatch(in, out);
    };
    server_.Get(".*", dispatch);
    server_.Post(".*", dispatch);
    server_.Put(".*", dispatch);
    server_.Delete(".*", dispatch);
  }

  ~Impl() { Stop(); }

  StatusOr<SocketAddress> Listen(const std::string& address) {
    StatusOr<SocketAddress> parsed = SocketAddress::Parse(address);
    if (!parsed.ok()) return parsed.status();
    SocketAddress bound = *parsed;
    const std::string host = parsed->HostString();
    if (parsed->port() == 0) {
      const int port = server_.bind_to_any_port(host);
      if (port <= 0) return UnavailableError("cannot listen on " + address);
      bound.set_port(static_cast<uint16_t>(port));
    } else if (!server_.bind_to_port(host, parsed->port())) {
      return UnavailableError("cannot listen on " + address);
    }
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    // stop() is ignored until the listener runs: wait for it, so that a
    // Stop() right after Listen() cannot hang.
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while (!server_.is_running() && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::yield();
    }
    if (!server_.is_running()) {
      // It never started (the socket failed): the thread has returned or
      // will, on its own.
      thread_.join();
      return UnavailableError("cannot serve on " + address);
    }
    return bound;
  }

  void Stop() {
    if (!thread_.joinable()) return;
    server_.stop();
    thread_.join();
  }

 private:
  void Dispatch(const httplib::Request& in, httplib::Response& out) {
    HttpRequest request;
    request.method = in.method;
    request.path = in.path;
    for (const auto& [name, value] : in.params) request.query.emplace(name, value);
    for (const auto& [name, value] : in.headers) {
      std::string lower = name;
      for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      request.headers.emplace(std::move(lower), value);
    }
    request.body = in.body;
    request.remote = in.remote_addr;
    HttpResponse response;
    try {
      response = handler_(request);
    } catch (const std::exception&) {
      // Handlers return errors as responses; this only keeps a bug from
      // reaching httplib, which would echo the exception's text.
      response = HttpResponse::Text(500, "internal error\n");
    }
    out.status = response.status;
    for (const auto& [name, value] : response.headers) out.set_header(name, value);
    out.set_content(response.body, response.content_type);
  }

  HttpHandler handler_;
  HttpServerOptions options_;
  httplib::Server server_;
  std::thread thread_;
};

HttpServer::HttpServer(HttpHandler handler, HttpServerOptions options)
    : impl_(std::make_unique<Impl>(std::move(handler), options)) {}
HttpServer::~HttpServer() = default;
StatusOr<SocketAddress> HttpServer::Listen(const std::string& address) {
  return impl_->Listen(address);
}
void HttpServer::Stop() { impl_->Stop(); }

}  // namespace provisor
