#include "common/http_server.h"

#include <httplib.h>

#include <cctype>
#include <thread>

namespace provisor {

std::string HttpRequest::Header(const std::string& name) const {
  auto it = headers.find(name);
  return it == headers.end() ? std::string() : it->second;
}

HttpResponse HttpResponse::Text(int status, std::string body) {
  HttpResponse r;
  r.status = status;
  r.body = std::move(body);
  return r;
}

class HttpServer::Impl {
 public:
  Impl(HttpHandler handler, HttpServerOptions options)
      : handler_(std::move(handler)), options_(options) {
    const int threads = options_.threads < 1 ? 1 : options_.threads;
    server_.new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
    server_.set_payload_max_length(options_.max_body_bytes);
    server_.set_read_timeout(5, 0);
    server_.set_write_timeout(5, 0);
    server_.set_keep_alive_max_count(100);
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
    HttpResponse response = handler_(request);
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
