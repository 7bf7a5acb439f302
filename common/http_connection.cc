#include "common/http_connection.h"

#include <arpa/inet.h>
#include <llhttp.h>

#include <algorithm>
#include <cctype>

namespace provisor {

namespace {

// Counted per header on top of its name and value (": ", CRLF).
constexpr size_t kHeaderOverhead = 4;

std::string Lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool StartsWithIgnoreCase(std::string_view text, std::string_view prefix) {
  return text.size() >= prefix.size() && Lower(text.substr(0, prefix.size())) == prefix;
}

std::string_view TrimTrailingSpace(std::string_view text) {
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

// RFC 9110 token characters (a header name).
bool IsToken(std::string_view text) {
  if (text.empty()) return false;
  for (char c : text) {
    const unsigned char u = static_cast<unsigned char>(c);
    if (std::isalnum(u) != 0) continue;
    if (std::string_view("!#$%&'*+-.^_`|~").find(c) == std::string_view::npos) return false;
  }
  return true;
}

bool AllDigits(std::string_view text) {
  return !text.empty() && text.size() <= 5 &&
         std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

int StatusOf(HttpRefusal refusal) {
  switch (refusal) {
    case HttpRefusal::kNone: return 200;
    case HttpRefusal::kBadRequest:
    case HttpRefusal::kBadFraming:
    case HttpRefusal::kMissingHost: return 400;
    case HttpRefusal::kHostNotAllowed: return 421;
    case HttpRefusal::kHeaderTimeout:
    case HttpRefusal::kBodyTimeout: return 408;
    case HttpRefusal::kBodyTooLarge: return 413;
    case HttpRefusal::kUriTooLong: return 414;
    case HttpRefusal::kHeadersTooLarge: return 431;
  }
  return 400;
}

// What the client is told: the reason phrase only, nothing of the request.
std::string BodyOf(HttpRefusal refusal) {
  switch (refusal) {
    case HttpRefusal::kBadFraming: return "bad request: conflicting message length\n";
    case HttpRefusal::kMissingHost: return "bad request: exactly one Host header is needed\n";
    case HttpRefusal::kHostNotAllowed: return "misdirected request: unknown host\n";
    default: return Lower(HttpReasonPhrase(StatusOf(refusal))) + "\n";
  }
}

}  // namespace

std::string_view HttpRefusalName(HttpRefusal refusal) {
  switch (refusal) {
    case HttpRefusal::kNone: return "none";
    case HttpRefusal::kBadRequest: return "bad_request";
    case HttpRefusal::kBadFraming: return "bad_framing";
    case HttpRefusal::kMissingHost: return "missing_host";
    case HttpRefusal::kHostNotAllowed: return "host_not_allowed";
    case HttpRefusal::kHeaderTimeout: return "header_timeout";
    case HttpRefusal::kBodyTimeout: return "body_timeout";
    case HttpRefusal::kBodyTooLarge: return "body_too_large";
    case HttpRefusal::kUriTooLong: return "uri_too_long";
    case HttpRefusal::kHeadersTooLarge: return "headers_too_large";
  }
  return "unknown";
}

bool HostAllowed(std::string_view host, const std::vector<std::string>& allowed) {
  std::string name;
  if (!host.empty() && host.front() == '[') {
    const size_t close = host.find(']');
    if (close == std::string_view::npos) return false;
    std::string_view rest = host.substr(close + 1);
    if (!rest.empty() && (rest.front() != ':' || !AllDigits(rest.substr(1)))) return false;
    const std::string literal(host.substr(1, close - 1));
    in6_addr v6;
    return inet_pton(AF_INET6, literal.c_str(), &v6) == 1;
  }
  const size_t colon = host.find(':');
  if (colon != std::string_view::npos) {
    if (!AllDigits(host.substr(colon + 1))) return false;
    host = host.substr(0, colon);
  }
  if (host.empty()) return false;
  name = Lower(host);
  in_addr v4;
  if (inet_pton(AF_INET, name.c_str(), &v4) == 1) return true;
  if (name.back() == '.') name.pop_back();
  if (name == "localhost") return true;
  for (const std::string& entry : allowed) {
    std::string candidate = Lower(entry);
    if (!candidate.empty() && candidate.back() == '.') candidate.pop_back();
    if (!candidate.empty() && candidate == name) return true;
  }
  return false;
}

struct HttpConnection::Parser {
  llhttp_t parser;
  llhttp_settings_t settings;

  static HttpConnection* Of(llhttp_t* p) { return static_cast<HttpConnection*>(p->data); }

  // Counts header bytes; false (and the refusal recorded) over the limit.
  static bool Count(HttpConnection* c, size_t n) {
    c->header_bytes_ += n;
    if (c->header_bytes_ > c->limits_->max_header_bytes) {
      c->callback_refusal_ = HttpRefusal::kHeadersTooLarge;
      return false;
    }
    return true;
  }

  static int OnMessageBegin(llhttp_t* p) {
    Of(p)->ResetMessage();
    return HPE_OK;
  }
  static int OnUrl(llhttp_t* p, const char* at, size_t n) {
    HttpConnection* c = Of(p);
    if (c->url_.size() + n > c->limits_->max_url_bytes) {
      c->callback_refusal_ = HttpRefusal::kUriTooLong;
      return HPE_USER;
    }
    if (!Count(c, n)) return HPE_USER;
    c->url_.append(at, n);
    return HPE_OK;
  }
  static int OnHeaderField(llhttp_t* p, const char* at, size_t n) {
    HttpConnection* c = Of(p);
    if (!Count(c, n)) return HPE_USER;
    c->field_.append(at, n);
    return HPE_OK;
  }
  static int OnHeaderValue(llhttp_t* p, const char* at, size_t n) {
    HttpConnection* c = Of(p);
    if (!Count(c, n)) return HPE_USER;
    c->value_.append(at, n);
    return HPE_OK;
  }
  static int OnHeaderValueComplete(llhttp_t* p) {
    HttpConnection* c = Of(p);
    if (++c->header_count_ > c->limits_->max_header_count ||
        !Count(c, kHeaderOverhead)) {
      c->callback_refusal_ = HttpRefusal::kHeadersTooLarge;
      return HPE_USER;
    }
    if (!IsToken(c->field_)) {  // llhttp lets "Bad Name" through
      c->callback_refusal_ = HttpRefusal::kBadRequest;
      return HPE_USER;
    }
    std::string name = Lower(c->field_);
    std::string value(TrimTrailingSpace(c->value_));
    if (name == "host") ++c->host_headers_;
    auto [it, inserted] = c->request_.headers.emplace(std::move(name), value);
    if (!inserted) it->second += ", " + value;
    c->field_.clear();
    c->value_.clear();
    return HPE_OK;
  }
  static int OnHeadersComplete(llhttp_t* p) {
    HttpConnection* c = Of(p);
    const HttpRefusal refusal = c->HeadersComplete();
    if (refusal != HttpRefusal::kNone) {
      c->callback_refusal_ = refusal;
      return -1;  // HPE_CB_HEADERS_COMPLETE
    }
    return 0;
  }
  static int OnBody(llhttp_t* p, const char* at, size_t n) {
    HttpConnection* c = Of(p);
    if (c->request_.body.size() + n > c->limits_->max_body_bytes) {
      c->callback_refusal_ = HttpRefusal::kBodyTooLarge;
      return HPE_USER;
    }
    c->request_.body.append(at, n);
    return HPE_OK;
  }
  static int OnMessageComplete(llhttp_t* p) {
    HttpConnection* c = Of(p);
    c->state_ = State::kReady;
    c->ready_ = std::move(c->request_);
    return HPE_PAUSED;  // one request at a time
  }
};

HttpConnection::HttpConnection(const HttpLimits* limits, MonoTime now)
    : limits_(limits), parser_(std::make_unique<Parser>()), idle_since_(now) {
  llhttp_settings_init(&parser_->settings);
  parser_->settings.on_message_begin = &Parser::OnMessageBegin;
  parser_->settings.on_url = &Parser::OnUrl;
  parser_->settings.on_header_field = &Parser::OnHeaderField;
  parser_->settings.on_header_value = &Parser::OnHeaderValue;
  parser_->settings.on_header_value_complete = &Parser::OnHeaderValueComplete;
  parser_->settings.on_headers_complete = &Parser::OnHeadersComplete;
  parser_->settings.on_body = &Parser::OnBody;
  parser_->settings.on_message_complete = &Parser::OnMessageComplete;
  llhttp_init(&parser_->parser, HTTP_REQUEST, &parser_->settings);
  parser_->parser.data = this;
}

HttpConnection::~HttpConnection() = default;

void HttpConnection::ResetMessage() {
  request_ = HttpRequest();
  url_.clear();
  field_.clear();
  value_.clear();
  header_bytes_ = 0;
  raw_header_bytes_ = 0;
  header_count_ = 0;
  host_headers_ = 0;
  head_ = false;
}

void HttpConnection::Receive(std::string_view bytes, MonoTime now) {
  if (bytes.empty()) return;
  switch (state_) {
    case State::kClosing:
      return;
    case State::kReady:
    case State::kAwaitingResponse:
      stash_.append(bytes);
      return;
    default:
      Parse(bytes, now);
  }
}

void HttpConnection::Parse(std::string_view bytes, MonoTime now) {
  if (state_ == State::kIdle) {
    state_ = State::kHeaders;
    request_start_ = now;
  }
  now_ = now;
  callback_refusal_ = HttpRefusal::kNone;
  const State before = state_;
  const llhttp_errno_t rc = llhttp_execute(&parser_->parser, bytes.data(), bytes.size());
  if (rc == HPE_PAUSED) {
    // A request is complete; what follows it waits for the response.
    const char* end = llhttp_get_error_pos(&parser_->parser);
    const char* begin = bytes.data();
    if (end != nullptr && end >= begin && end <= begin + bytes.size()) {
      stash_.assign(end, begin + bytes.size() - end);
    }
    llhttp_resume(&parser_->parser);
    return;
  }
  if (rc != HPE_OK) {
    if (callback_refusal_ != HttpRefusal::kNone) {
      Fail(callback_refusal_);
    } else if (rc == HPE_UNEXPECTED_CONTENT_LENGTH || rc == HPE_INVALID_CONTENT_LENGTH ||
               rc == HPE_INVALID_TRANSFER_ENCODING) {
      Fail(HttpRefusal::kBadFraming);
    } else {
      Fail(HttpRefusal::kBadRequest);
    }
    return;
  }
  // Every byte of this piece belonged to the headers (padding that no
  // callback sees included): count it against the same limit.
  if (before == State::kHeaders && state_ == State::kHeaders) {
    raw_header_bytes_ += bytes.size();
    if (raw_header_bytes_ > 2 * limits_->max_header_bytes) Fail(HttpRefusal::kHeadersTooLarge);
  }
}

HttpRefusal HttpConnection::HeadersComplete() {
  llhttp_t* p = &parser_->parser;
  state_ = State::kBody;
  headers_done_ = now_;
  request_.method = llhttp_method_name(static_cast<llhttp_method_t>(p->method));
  head_ = request_.method == "HEAD";
  // absolute-form ("GET http://host/x"): the URI's authority is the host.
  std::string_view target = url_;
  std::string authority;
  bool absolute = false;
  for (std::string_view scheme : {"http://", "https://"}) {
    if (StartsWithIgnoreCase(target, scheme)) {
      target.remove_prefix(scheme.size());
      const size_t end = target.find_first_of("/?");
      authority = std::string(target.substr(0, end));
      target = end == std::string_view::npos ? std::string_view() : target.substr(end);
      absolute = true;
      break;
    }
  }
  if (absolute && (authority.empty() || authority.find('@') != std::string::npos)) {
    return HttpRefusal::kBadRequest;
  }
  std::string path_part(target);
  if (absolute && (path_part.empty() || path_part.front() == '?')) path_part.insert(0, "/");
  if (path_part.empty() || (path_part.front() != '/' && path_part != "*")) {
    return HttpRefusal::kBadRequest;
  }
  const size_t question = path_part.find('?');
  request_.path = PercentDecode(std::string_view(path_part).substr(0, question), false);
  if (question != std::string::npos) {
    request_.query = ParseQueryString(std::string_view(path_part).substr(question + 1));
  }
  if (p->http_major != 1) return HttpRefusal::kBadRequest;  // HTTP/0.9 or a typo
  const bool http11 = p->http_minor >= 1;
  if (host_headers_ > 1) return HttpRefusal::kMissingHost;
  if (!absolute) {
    if (host_headers_ == 0) {
      if (http11) return HttpRefusal::kMissingHost;
    } else {
      authority = request_.Header("host");
    }
  }
  if ((absolute || host_headers_ == 1) && !HostAllowed(authority, limits_->allowed_hosts)) {
    return HttpRefusal::kHostNotAllowed;
  }
  // llhttp refuses a second Content-Length and Content-Length with
  // Transfer-Encoding; this is the same rule, kept here in case a lenient
  // flag is ever turned on.
  if (request_.headers.count("content-length") && request_.headers.count("transfer-encoding")) {
    return HttpRefusal::kBadFraming;
  }
  const bool chunked = (p->flags & F_CHUNKED) != 0;
  if ((p->flags & F_CONTENT_LENGTH) && p->content_length > limits_->max_body_bytes) {
    return HttpRefusal::kBodyTooLarge;
  }
  keep_alive_ = llhttp_should_keep_alive(p) != 0;
  if (p->upgrade) close_after_response_ = true;  // no protocol switch here
  const bool has_body = chunked || ((p->flags & F_CONTENT_LENGTH) && p->content_length > 0);
  if (has_body && http11 && Lower(request_.Header("expect")) == "100-continue") {
    output_ += "HTTP/1.1 100 Continue\r\n\r\n";
  }
  return HttpRefusal::kNone;
}

void HttpConnection::ReceiveEnd(MonoTime now) {
  end_received_ = true;
  switch (state_) {
    case State::kIdle:
      Close(true);
      return;
    case State::kHeaders:
    case State::kBody:
      // The peer gave up half-way: nothing to answer.
      Close(false);
      return;
    default:
      return;  // a request waits for its response; closes after it
  }
}

void HttpConnection::Tick(MonoTime now) {
  switch (state_) {
    case State::kIdle:
      if (now >= idle_since_ + limits_->idle_timeout) {
        idle_timed_out_ = true;
        Close(true);
      }
      return;
    case State::kHeaders:
      if (now >= request_start_ + limits_->header_timeout) Fail(HttpRefusal::kHeaderTimeout);
      return;
    case State::kBody:
      if (now >= headers_done_ + limits_->body_timeout) Fail(HttpRefusal::kBodyTimeout);
      return;
    default:
      return;
  }
}

std::optional<HttpRequest> HttpConnection::TakeRequest() {
  if (state_ != State::kReady || !ready_) return std::nullopt;
  state_ = State::kAwaitingResponse;
  ++requests_taken_;
  std::optional<HttpRequest> out = std::move(ready_);
  ready_.reset();
  return out;
}

void HttpConnection::Respond(const HttpResponse& response, MonoTime now) {
  if (state_ != State::kAwaitingResponse) return;
  const bool close = !keep_alive_ || close_after_response_ ||
                     requests_taken_ >= limits_->max_requests_per_connection;
  output_ += SerializeHttpResponse(response, close, head_);
  if (close) {
    Close(false);
    return;
  }
  state_ = State::kIdle;
  idle_since_ = now;
  std::string waiting = std::move(stash_);
  stash_.clear();
  if (!waiting.empty()) Parse(waiting, now);
  if (end_received_ && (state_ == State::kIdle || state_ == State::kHeaders ||
                        state_ == State::kBody)) {
    Close(state_ == State::kIdle);
  }
}

std::string HttpConnection::TakeOutput() {
  std::string out = std::move(output_);
  output_.clear();
  return out;
}

std::optional<MonoTime> HttpConnection::NextDeadline() const {
  switch (state_) {
    case State::kIdle: return idle_since_ + limits_->idle_timeout;
    case State::kHeaders: return request_start_ + limits_->header_timeout;
    case State::kBody: return headers_done_ + limits_->body_timeout;
    default: return std::nullopt;
  }
}

bool HttpConnection::wants_input() const {
  return !end_received_ &&
         (state_ == State::kIdle || state_ == State::kHeaders || state_ == State::kBody);
}

void HttpConnection::Fail(HttpRefusal refusal) {
  if (state_ == State::kClosing) return;
  refusal_ = refusal;
  output_ += SerializeHttpResponse(HttpResponse::Text(StatusOf(refusal), BodyOf(refusal)),
                                   /*close=*/true, /*head_only=*/false);
  Close(false);
}

void HttpConnection::Close(bool between_requests) {
  state_ = State::kClosing;
  closed_between_requests_ = between_requests;
  stash_.clear();
  ready_.reset();
}

}  // namespace provisor
