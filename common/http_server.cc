#include "common/http_server.h"

#include <uv.h>

#include <algorithm>
#include <exception>
#include <optional>
#include <thread>
#include <unordered_map>
#include <unordered_set>

#include "common/tls_stream.h"
#include "common/uv_handle.h"

namespace provisor {

namespace {

constexpr size_t kReadBufferBytes = 64 * 1024;
constexpr int kBacklog = 128;

void Add(std::atomic<uint64_t>& counter) { counter.fetch_add(1, std::memory_order_relaxed); }

}  // namespace

class HttpServer::Impl {
 public:
  Impl(HttpHandler handler, HttpServerOptions options)
      : handler_(std::move(handler)),
        options_(std::move(options)),
        clock_(options_.clock != nullptr ? options_.clock : &system_clock_) {}

  ~Impl() {
    Stop();
    CloseLoop();
  }

  StatusOr<SocketAddress> Listen(const std::string& address);
  void Stop();
  bool tls() const { return tls_ != nullptr; }
  const HttpServerCounters& counters() const { return counters_; }

 private:
  // One accepted connection. Heap-owned by itself: freed in the close
  // callback of its TCP handle, after libuv has cancelled its writes.
  struct Conn {
    Conn(Impl* server, MonoTime now) : server(server), http(&server->options_.limits, now) {}
    Impl* server;
    uv_tcp_t tcp{};
    UvHandle<uv_timer_t> timer;
    std::string ip;
    bool registered = false;  // counted in open_ and per_ip_
    HttpConnection http;
    std::unique_ptr<TlsStream> tls;
    bool reading = false;
    size_t in_flight = 0;       // bytes handed to uv_write, not yet written
    MonoTime write_progress{};  // last time a write finished (or began from idle)
    bool closing_counted = false;
    bool shutdown_started = false;
    bool lingering = false;
    bool end_received = false;
    MonoTime linger_deadline{};
    size_t lingered = 0;
    bool closed = false;  // uv_close called
  };
  struct WriteReq {
    uv_write_t req{};
    std::string data;
    Conn* conn = nullptr;
  };

  static void OnConnection(uv_stream_t* listener, int status);
  static void OnAlloc(uv_handle_t* handle, size_t suggested, uv_buf_t* buf);
  static void OnRead(uv_stream_t* stream, ssize_t nread, const uv_buf_t* buf);
  static void OnWrite(uv_write_t* req, int status);
  static void OnShutdown(uv_shutdown_t* req, int status);
  static void OnTimer(uv_timer_t* timer);
  static void OnClosed(uv_handle_t* handle);
  static void OnStop(uv_async_t* async);

  void Accept();
  void Received(Conn* c, std::string_view bytes);
  // Answers what is ready, sends, starts closing, and sets reading and the
  // timer to match the connection's state.
  void Pump(Conn* c);
  HttpResponse Call(const HttpRequest& request);
  void Send(Conn* c, std::string bytes);
  void StartShutdown(Conn* c);
  // Sends what the connection (and TLS) has to send.
  void Flush(Conn* c);
  void CountClosing(Conn* c);
  void SetReading(Conn* c, bool on);
  void ArmTimer(Conn* c);
  void CloseConn(Conn* c);
  void CloseLoop();

  HttpHandler handler_;
  HttpServerOptions options_;
  SystemClock system_clock_;
  const Clock* clock_;
  HttpServerCounters counters_;
  std::shared_ptr<const TlsServerContext> tls_;

  // The loop and everything below are used only on the loop thread once
  // thread_ runs (before that and after it joined, on the caller's).
  uv_loop_t loop_{};
  bool loop_initialized_ = false;
  std::optional<UvHandle<uv_tcp_t>> listener_;
  std::optional<UvHandle<uv_async_t>> stop_;
  std::thread thread_;
  std::unordered_set<Conn*> conns_;
  std::unordered_map<std::string, int> per_ip_;
  int open_ = 0;
  char read_buffer_[kReadBufferBytes];  // each read is consumed before the next
};

StatusOr<SocketAddress> HttpServer::Impl::Listen(const std::string& address) {
  if (thread_.joinable()) return FailedPreconditionError("already listening");
  StatusOr<SocketAddress> parsed = SocketAddress::Parse(address);
  if (!parsed.ok()) return parsed.status();
  if (options_.tls_cert_pem.empty() != options_.tls_key_pem.empty()) {
    return InvalidArgumentError("TLS needs both a certificate and a key");
  }
  if (options_.tls_cert_pem.empty() && !options_.tls_client_ca_pem.empty()) {
    return InvalidArgumentError("a client CA needs TLS (a certificate and a key)");
  }
  if (!options_.tls_cert_pem.empty() && tls_ == nullptr) {
    StatusOr<std::shared_ptr<const TlsServerContext>> context = TlsServerContext::Create(
        options_.tls_cert_pem, options_.tls_key_pem, options_.tls_client_ca_pem);
    if (!context.ok()) return context.status();
    tls_ = *context;
  }
  if (!loop_initialized_) {
    if (uv_loop_init(&loop_) != 0) return InternalError("cannot create an event loop");
    loop_initialized_ = true;
  }
  listener_.emplace();
  int rc = listener_->Init([this](uv_tcp_t* h) { return uv_tcp_init(&loop_, h); });
  if (rc == 0) {
    listener_->get()->data = this;
    // libuv sets SO_REUSEADDR only: a port another listener holds fails.
    rc = uv_tcp_bind(listener_->get(), parsed->sockaddr_ptr(), 0);
  }
  if (rc == 0) {
    rc = uv_listen(reinterpret_cast<uv_stream_t*>(listener_->get()), kBacklog, &OnConnection);
  }
  SocketAddress bound = *parsed;
  if (rc == 0) {
    sockaddr_storage name{};
    int length = sizeof(name);
    rc = uv_tcp_getsockname(listener_->get(), reinterpret_cast<sockaddr*>(&name), &length);
    if (rc == 0) bound = SocketAddress(reinterpret_cast<sockaddr*>(&name), length);
  }
  if (rc == 0) {
    stop_.emplace();
    rc = stop_->Init([this](uv_async_t* h) { return uv_async_init(&loop_, h, &OnStop); });
    if (rc == 0) stop_->get()->data = this;
  }
  if (rc != 0) {
    listener_.reset();  // closes
    stop_.reset();
    uv_run(&loop_, UV_RUN_NOWAIT);  // runs the close callbacks
    return UnavailableError("cannot listen on " + address + ": " + uv_strerror(rc));
  }
  thread_ = std::thread([this] { uv_run(&loop_, UV_RUN_DEFAULT); });
  return bound;
}

void HttpServer::Impl::Stop() {
  if (!thread_.joinable()) return;
  uv_async_send(stop_->get());
  thread_.join();
}

void HttpServer::Impl::CloseLoop() {
  if (!loop_initialized_) return;
  listener_.reset();  // closes
  stop_.reset();
  uv_run(&loop_, UV_RUN_DEFAULT);
  uv_loop_close(&loop_);
  loop_initialized_ = false;
}

void HttpServer::Impl::OnStop(uv_async_t* async) {
  Impl* self = static_cast<Impl*>(async->data);
  self->listener_.reset();  // closes
  std::vector<Conn*> open(self->conns_.begin(), self->conns_.end());
  for (Conn* c : open) self->CloseConn(c);
  self->stop_.reset();  // the loop ends once the close callbacks ran
}

void HttpServer::Impl::OnConnection(uv_stream_t* listener, int status) {
  if (status < 0) return;
  static_cast<Impl*>(listener->data)->Accept();
}

void HttpServer::Impl::Accept() {
  const MonoTime now = clock_->Now();
  Conn* c = new Conn(this, now);
  c->tcp.data = c;
  if (uv_tcp_init(&loop_, &c->tcp) != 0) {
    delete c;
    return;
  }
  conns_.insert(c);
  if (uv_accept(reinterpret_cast<uv_stream_t*>(listener_->get()),
                reinterpret_cast<uv_stream_t*>(&c->tcp)) != 0) {
    CloseConn(c);
    return;
  }
  sockaddr_storage peer{};
  int length = sizeof(peer);
  if (uv_tcp_getpeername(&c->tcp, reinterpret_cast<sockaddr*>(&peer), &length) == 0) {
    c->ip = SocketAddress(reinterpret_cast<sockaddr*>(&peer), length).HostString();
  }
  if (open_ >= options_.max_connections) {
    Add(counters_.connections_over_limit);
    CloseConn(c);
    return;
  }
  if (per_ip_[c->ip] >= options_.max_connections_per_ip) {
    Add(counters_.connections_over_ip_limit);
    CloseConn(c);
    return;
  }
  c->registered = true;
  ++open_;
  ++per_ip_[c->ip];
  Add(counters_.connections_accepted);
  counters_.connections_open.store(static_cast<uint64_t>(open_), std::memory_order_relaxed);
  uv_tcp_nodelay(&c->tcp, 1);
  if (tls_ != nullptr) {
    c->tls = tls_->NewStream();
    if (c->tls == nullptr) {
      CloseConn(c);
      return;
    }
  }
  if (c->timer.Init([this](uv_timer_t* t) { return uv_timer_init(&loop_, t); }) != 0) {
    CloseConn(c);
    return;
  }
  c->timer.get()->data = c;
  Pump(c);
}

void HttpServer::Impl::OnAlloc(uv_handle_t* handle, size_t, uv_buf_t* buf) {
  Conn* c = static_cast<Conn*>(handle->data);
  buf->base = c->server->read_buffer_;
  buf->len = sizeof(c->server->read_buffer_);
}

void HttpServer::Impl::OnRead(uv_stream_t* stream, ssize_t nread, const uv_buf_t* buf) {
  Conn* c = static_cast<Conn*>(stream->data);
  Impl* self = c->server;
  if (c->closed || nread == 0) return;
  if (nread < 0) {
    if (nread != UV_EOF || c->lingering) {
      self->CloseConn(c);
      return;
    }
    c->end_received = true;
    self->SetReading(c, false);
    if (c->shutdown_started) {  // our FIN is queued; nothing else to do
      self->CloseConn(c);
      return;
    }
    if (c->tls != nullptr && !c->tls->handshake_done()) Add(self->counters_.tls_handshake_failures);
    c->http.ReceiveEnd(self->clock_->Now());
    self->Pump(c);
    return;
  }
  if (c->lingering || c->shutdown_started) {
    c->lingered += static_cast<size_t>(nread);
    if (c->lingered > self->options_.linger_bytes) self->CloseConn(c);
    return;
  }
  self->Received(c, std::string_view(buf->base, static_cast<size_t>(nread)));
}

void HttpServer::Impl::Received(Conn* c, std::string_view bytes) {
  const MonoTime now = clock_->Now();
  if (c->tls == nullptr) {
    c->http.Receive(bytes, now);
    Pump(c);
    return;
  }
  std::string plain;
  const bool had_handshake = c->tls->handshake_done();
  Status status = c->tls->Receive(bytes, &plain);
  if (!status.ok()) {
    if (!had_handshake && !c->tls->handshake_done()) Add(counters_.tls_handshake_failures);
    std::string alert = c->tls->TakeOutput();
    if (!alert.empty()) Send(c, std::move(alert));
    c->tls.reset();  // nothing more is sent through it
    SetReading(c, false);
    StartShutdown(c);
    return;
  }
  c->http.Receive(plain, now);
  if (c->tls->peer_closed()) {
    c->end_received = true;
    c->http.ReceiveEnd(now);
  }
  Pump(c);
}

HttpResponse HttpServer::Impl::Call(const HttpRequest& request) {
  Add(counters_.requests);
  try {
    return handler_(request);
  } catch (...) {
    // Handlers return errors as responses; this keeps a bug from taking
    // the loop down, and says nothing about it to the client.
    Add(counters_.handler_errors);
    return HttpResponse::Text(500, "internal error\n");
  }
}

void HttpServer::Impl::Pump(Conn* c) {
  if (c->closed) return;
  const MonoTime now = clock_->Now();
  const bool tls_ready = c->tls == nullptr || c->tls->handshake_done();
  // Each answer is handed to libuv before the next request is taken, so
  // in_flight holds back a peer that pipelines without reading.
  while (tls_ready && c->in_flight < options_.write_high_water && !c->closed) {
    std::optional<HttpRequest> request = c->http.TakeRequest();
    if (!request) break;
    request->remote = c->ip;
    request->tls = c->tls != nullptr;
    if (c->tls != nullptr) request->peer_certificate_pem = c->tls->peer_certificate_pem();
    c->http.Respond(Call(*request), now);
    Flush(c);
  }
  Flush(c);
  if (c->closed) return;
  if (c->http.closing() && !c->shutdown_started) {
    if (c->http.closed_between_requests() && c->in_flight == 0) {
      CloseConn(c);  // nothing was asked, nothing is owed
      return;
    }
    if (c->tls != nullptr) {
      c->tls->Shutdown();
      std::string notify = c->tls->TakeOutput();
      if (!notify.empty()) Send(c, std::move(notify));
    }
    StartShutdown(c);
    return;
  }
  SetReading(c, !c->shutdown_started && c->http.wants_input() &&
                    c->in_flight < options_.write_high_water);
  ArmTimer(c);
}

void HttpServer::Impl::Flush(Conn* c) {
  if (c->closed) return;
  // Counted before the refusal is sent, so whoever reads it sees the count.
  if (c->http.closing()) CountClosing(c);
  std::string out = c->http.TakeOutput();
  if (c->tls != nullptr) {
    if (!out.empty() && c->tls->handshake_done() && !c->tls->Send(out).ok()) {
      CloseConn(c);
      return;
    }
    out = c->tls->TakeOutput();
  }
  if (!out.empty()) Send(c, std::move(out));
}

void HttpServer::Impl::CountClosing(Conn* c) {
  if (c->closing_counted) return;
  c->closing_counted = true;
  if (c->http.refusal() != HttpRefusal::kNone) {
    Add(counters_.refused[static_cast<int>(c->http.refusal())]);
  }
  if (c->http.idle_timed_out()) {
    Add(counters_.idle_closed);
    if (c->tls != nullptr && !c->tls->handshake_done() && !c->end_received) {
      Add(counters_.tls_handshake_failures);
    }
  }
}

void HttpServer::Impl::Send(Conn* c, std::string bytes) {
  if (c->closed || bytes.empty()) return;
  auto* w = new WriteReq;
  w->data = std::move(bytes);
  w->conn = c;
  w->req.data = w;
  uv_buf_t buf = uv_buf_init(w->data.data(), static_cast<unsigned int>(w->data.size()));
  if (c->in_flight == 0) c->write_progress = clock_->Now();
  const int rc = uv_write(&w->req, reinterpret_cast<uv_stream_t*>(&c->tcp), &buf, 1, &OnWrite);
  if (rc != 0) {
    delete w;
    CloseConn(c);
    return;
  }
  c->in_flight += w->data.size();
}

void HttpServer::Impl::OnWrite(uv_write_t* req, int status) {
  WriteReq* w = static_cast<WriteReq*>(req->data);
  Conn* c = w->conn;
  c->in_flight -= w->data.size();
  delete w;
  if (c->closed) return;  // cancelled by CloseConn
  Impl* self = c->server;
  if (status < 0) {
    self->CloseConn(c);
    return;
  }
  c->write_progress = self->clock_->Now();
  if (!c->shutdown_started) self->Pump(c);
}

void HttpServer::Impl::StartShutdown(Conn* c) {
  if (c->shutdown_started || c->closed) return;
  c->shutdown_started = true;
  // Sends FIN after the queued writes, then lingers reading (and
  // discarding) so unread input does not turn into a reset that would
  // destroy the response before the peer reads it.
  auto* req = new uv_shutdown_t;
  req->data = c;
  if (uv_shutdown(req, reinterpret_cast<uv_stream_t*>(&c->tcp), &OnShutdown) != 0) {
    delete req;
    CloseConn(c);
    return;
  }
  c->linger_deadline = clock_->Now() + options_.write_timeout + options_.linger_timeout;
  SetReading(c, !c->end_received);
  ArmTimer(c);
}

void HttpServer::Impl::OnShutdown(uv_shutdown_t* req, int status) {
  Conn* c = static_cast<Conn*>(req->data);
  delete req;
  if (c->closed) return;
  Impl* self = c->server;
  if (status < 0 || c->end_received) {
    self->CloseConn(c);
    return;
  }
  c->lingering = true;
  c->linger_deadline = self->clock_->Now() + self->options_.linger_timeout;
  self->SetReading(c, true);
  self->ArmTimer(c);
}

void HttpServer::Impl::SetReading(Conn* c, bool on) {
  if (c->closed || on == c->reading) return;
  uv_stream_t* stream = reinterpret_cast<uv_stream_t*>(&c->tcp);
  if (on) {
    if (uv_read_start(stream, &OnAlloc, &OnRead) == 0) c->reading = true;
  } else {
    uv_read_stop(stream);
    c->reading = false;
  }
}

void HttpServer::Impl::ArmTimer(Conn* c) {
  if (c->closed || !c->timer.initialized()) return;
  std::optional<MonoTime> deadline;
  auto consider = [&deadline](MonoTime t) {
    if (!deadline || t < *deadline) deadline = t;
  };
  if (c->shutdown_started) {
    consider(c->linger_deadline);
  } else if (std::optional<MonoTime> next = c->http.NextDeadline()) {
    consider(*next);
  }
  if (c->in_flight > 0) consider(c->write_progress + options_.write_timeout);
  if (!deadline) {
    uv_timer_stop(c->timer.get());
    return;
  }
  const Duration wait = *deadline - clock_->Now();
  const auto ms = std::chrono::ceil<std::chrono::milliseconds>(std::max(wait, Duration(0)));
  uv_timer_start(c->timer.get(), &OnTimer, static_cast<uint64_t>(ms.count()), 0);
}

void HttpServer::Impl::OnTimer(uv_timer_t* timer) {
  Conn* c = static_cast<Conn*>(timer->data);
  Impl* self = c->server;
  if (c->closed) return;
  const MonoTime now = self->clock_->Now();
  if (c->in_flight > 0 && now >= c->write_progress + self->options_.write_timeout) {
    Add(self->counters_.write_timeouts);
    self->CloseConn(c);
    return;
  }
  if (c->shutdown_started) {
    if (now >= c->linger_deadline) {
      self->CloseConn(c);
    } else {
      self->ArmTimer(c);
    }
    return;
  }
  c->http.Tick(now);
  self->Pump(c);
}

void HttpServer::Impl::CloseConn(Conn* c) {
  if (c->closed) return;
  c->closed = true;
  c->timer.Close();
  uv_close(reinterpret_cast<uv_handle_t*>(&c->tcp), &OnClosed);
}

void HttpServer::Impl::OnClosed(uv_handle_t* handle) {
  Conn* c = static_cast<Conn*>(handle->data);
  Impl* self = c->server;
  self->conns_.erase(c);
  if (c->registered) {
    --self->open_;
    auto it = self->per_ip_.find(c->ip);
    if (it != self->per_ip_.end() && --it->second <= 0) self->per_ip_.erase(it);
    self->counters_.connections_open.store(static_cast<uint64_t>(self->open_),
                                           std::memory_order_relaxed);
  }
  delete c;
}

HttpServer::HttpServer(HttpHandler handler, HttpServerOptions options)
    : impl_(std::make_unique<Impl>(std::move(handler), std::move(options))) {}
HttpServer::~HttpServer() = default;
StatusOr<SocketAddress> HttpServer::Listen(const std::string& address) {
  return impl_->Listen(address);
}
void HttpServer::Stop() { impl_->Stop(); }
bool HttpServer::tls() const { return impl_->tls(); }
const HttpServerCounters& HttpServer::counters() const { return impl_->counters(); }

}  // namespace provisor
