// HttpConnection: one HTTP/1.1 server connection as pure logic (llhttp
// underneath, kept out of this header). Bytes and the time go in; complete
// requests, refusals and the bytes to send come out; no sockets, no clock of
// its own, so every limit is tested with made-up times.
//
// Requests are taken one at a time: bytes after a complete request wait
// (pipelining) until it is answered, and wants_input() turns false so the
// I/O layer stops reading meanwhile. Limits (HttpLimits): request line plus
// headers, header count and URL length; the body is cut at max_body_bytes as
// it streams in (chunked too), a larger Content-Length is refused at once;
// duplicate Content-Length, Content-Length with Transfer-Encoding and any
// other framing doubt are 400; a deadline from the first byte of a request
// to the end of its headers, another for its body, an idle limit between
// requests, and a number of requests per connection. A Host that is not an
// IP literal, "localhost" or one of allowed_hosts is 421; a missing Host
// in HTTP/1.1 is 400. A refusal queues its error response (with
// "Connection: close") and the connection becomes closing(); the I/O layer
// sends TakeOutput() and closes.
//
// Thread-safety: not thread-safe; one owner (a connection's loop).
#ifndef PROVISOR_COMMON_HTTP_CONNECTION_H_
#define PROVISOR_COMMON_HTTP_CONNECTION_H_

#include <chrono>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.h"
#include "common/http_message.h"

namespace provisor {

struct HttpLimits {
  size_t max_header_bytes = 16 * 1024;  // request line + headers
  size_t max_url_bytes = 8 * 1024;
  size_t max_header_count = 100;
  size_t max_body_bytes = 64 * 1024;
  Duration header_timeout = std::chrono::seconds(5);  // first byte -> end of headers
  Duration body_timeout = std::chrono::seconds(10);   // end of headers -> end of body
  // From the connection's start or the last response to the next request's
  // first byte.
  Duration idle_timeout = std::chrono::seconds(5);
  int max_requests_per_connection = 100;
  // Host names accepted besides IP literals and "localhost" (any port).
  std::vector<std::string> allowed_hosts;
};

// Why a connection refused a request; every reason is counted apart.
enum class HttpRefusal {
  kNone,
  kBadRequest,       // 400: malformed request line, header or chunk
  kBadFraming,       // 400: duplicate/invalid Content-Length, with Transfer-Encoding
  kMissingHost,      // 400: HTTP/1.1 without Host, or several Host headers
  kHostNotAllowed,   // 421
  kHeaderTimeout,    // 408: headers not complete within header_timeout
  kBodyTimeout,      // 408: body not complete within body_timeout
  kBodyTooLarge,     // 413
  kUriTooLong,       // 414
  kHeadersTooLarge,  // 431: too many header bytes or headers
};
inline constexpr int kHttpRefusalCount = 10;

// "bad_request", "host_not_allowed", ... (metric labels).
std::string_view HttpRefusalName(HttpRefusal refusal);

// True when `host` (a Host header or an absolute URI's authority, port
// optional) names an IPv4 literal, a bracketed IPv6 literal, "localhost" or
// one of `allowed` (case-insensitive, a trailing dot ignored).
bool HostAllowed(std::string_view host, const std::vector<std::string>& allowed);

class HttpConnection {
 public:
  // REQUIRES: `limits` outlives the connection.
  HttpConnection(const HttpLimits* limits, MonoTime now);
  ~HttpConnection();
  HttpConnection(const HttpConnection&) = delete;
  HttpConnection& operator=(const HttpConnection&) = delete;

  // Bytes from the peer. Ignored once closing().
  void Receive(std::string_view bytes, MonoTime now);
  // The peer will send nothing more (EOF). A complete request already
  // received is still answered.
  void ReceiveEnd(MonoTime now);
  // Applies the deadlines: a late request is refused (408), an idle
  // connection becomes closing() without a response.
  void Tick(MonoTime now);

  // The next complete request, once; nullopt when none is ready.
  std::optional<HttpRequest> TakeRequest();
  // Answers the request TakeRequest() returned, then parses what waited
  // behind it. REQUIRES: awaiting_response().
  void Respond(const HttpResponse& response, MonoTime now);

  // Bytes to send (responses, "100 Continue", an error), in order.
  std::string TakeOutput();
  bool has_output() const { return !output_.empty(); }

  // When Tick() must run next; nullopt: no deadline (a request is being
  // answered, or the connection is closing).
  std::optional<MonoTime> NextDeadline() const;

  bool wants_input() const;  // reading more could make progress
  bool awaiting_response() const { return state_ == State::kAwaitingResponse; }
  // Send the output, then close; no more requests.
  bool closing() const { return state_ == State::kClosing; }
  HttpRefusal refusal() const { return refusal_; }
  // Closed for idleness (not a refusal).
  bool idle_timed_out() const { return idle_timed_out_; }
  // No byte of a request had arrived when it closed (idle or EOF between
  // requests).
  bool closed_between_requests() const { return closed_between_requests_; }
  int requests_taken() const { return requests_taken_; }

 private:
  enum class State { kIdle, kHeaders, kBody, kReady, kAwaitingResponse, kClosing };
  struct Parser;  // llhttp state and callbacks
  friend struct Parser;

  void Parse(std::string_view bytes, MonoTime now);
  void Fail(HttpRefusal refusal);
  void Close(bool between_requests);
  // on_headers_complete: fills in method, path and query, and checks the
  // version, Host and length; the refusal, or kNone.
  HttpRefusal HeadersComplete();
  void ResetMessage();

  const HttpLimits* limits_;
  std::unique_ptr<Parser> parser_;
  State state_ = State::kIdle;
  MonoTime idle_since_;
  MonoTime request_start_;
  MonoTime headers_done_;
  MonoTime now_;  // of the bytes being parsed
  std::string stash_;   // bytes behind a complete request
  std::string output_;
  bool end_received_ = false;
  bool keep_alive_ = true;
  bool close_after_response_ = false;
  bool head_ = false;
  bool idle_timed_out_ = false;
  bool closed_between_requests_ = false;
  int requests_taken_ = 0;
  HttpRefusal refusal_ = HttpRefusal::kNone;

  // The message being parsed.
  HttpRequest request_;
  std::string url_;
  std::string field_;
  std::string value_;
  size_t header_bytes_ = 0;      // request line and headers as the callbacks see them
  size_t raw_header_bytes_ = 0;  // whole pieces that ended inside the headers
  size_t header_count_ = 0;
  int host_headers_ = 0;
  HttpRefusal callback_refusal_ = HttpRefusal::kNone;
  std::optional<HttpRequest> ready_;
};

}  // namespace provisor

#endif  // PROVISOR_COMMON_HTTP_CONNECTION_H_
