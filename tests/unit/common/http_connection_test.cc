// HttpConnection without sockets: bytes and made-up times in, requests,
// refusals and bytes out. Every limit and deadline of the NOC listener,
// and the attacks they answer (huge chunked bodies, slowloris, DNS
// rebinding, request smuggling through Content-Length).
#include "common/http_connection.h"

#include <catch2/catch.hpp>
#include <string>

namespace provisor {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

struct Harness {
  explicit Harness(HttpLimits l = {}) : limits(std::move(l)), conn(&limits, clock.Now()) {}
  void Send(std::string_view bytes) { conn.Receive(bytes, clock.Now()); }
  void Advance(Duration d) {
    clock.Advance(d);
    conn.Tick(clock.Now());
  }
  // Takes the next request and answers it with its path.
  std::optional<HttpRequest> Serve() {
    std::optional<HttpRequest> r = conn.TakeRequest();
    if (r) conn.Respond(HttpResponse::Text(200, r->path), clock.Now());
    return r;
  }
  HttpLimits limits;
  FakeClock clock;
  HttpConnection conn;
};

std::string StatusLine(const std::string& output) { return output.substr(0, output.find("\r\n")); }

TEST_CASE("http connection: a GET with query and headers, answered with keep-alive") {
  Harness h;
  h.Send("GET /api/v1/x%20y?a=b%20c&d=1+2&a=ignored HTTP/1.1\r\nHost: 127.0.0.1:7480\r\n"
         "X-Custom:  v1 \r\nX-Custom: v2\r\n\r\n");
  std::optional<HttpRequest> r = h.conn.TakeRequest();
  REQUIRE(r);
  CHECK(r->method == "GET");
  CHECK(r->path == "/api/v1/x y");
  CHECK(r->query.at("a") == "b c");
  CHECK(r->query.at("d") == "1 2");
  CHECK(r->Header("x-custom") == "v1, v2");
  CHECK(r->Header("host") == "127.0.0.1:7480");
  CHECK_FALSE(h.conn.TakeRequest());  // once
  CHECK_FALSE(h.conn.wants_input());  // nothing is read while it is answered
  HttpResponse response = HttpResponse::Text(201, "made");
  response.headers.emplace_back("X-Ok", "yes");
  response.headers.emplace_back("X-Bad", "a\r\nSet-Cookie: injected");
  h.conn.Respond(response, h.clock.Now());
  const std::string out = h.conn.TakeOutput();
  CHECK(out == "HTTP/1.1 201 Created\r\nContent-Type: text/plain; charset=utf-8\r\n"
               "Content-Length: 4\r\nX-Ok: yes\r\n\r\nmade");
  CHECK_FALSE(h.conn.closing());
  CHECK(h.conn.wants_input());
}

TEST_CASE("http connection: pipelined requests are answered one at a time, in order") {
  Harness h;
  h.Send("GET /a HTTP/1.1\r\nHost: localhost\r\n\r\nPOST /b HTTP/1.1\r\nHost: localhost\r\n"
         "Content-Length: 5\r\n\r\nhelloGET /c HTTP/1.1\r\nHost: loc");
  std::optional<HttpRequest> a = h.Serve();
  REQUIRE(a);
  CHECK(a->path == "/a");
  std::optional<HttpRequest> b = h.conn.TakeRequest();
  REQUIRE(b);
  CHECK(b->method == "POST");
  CHECK(b->body == "hello");
  h.conn.Respond(HttpResponse::Text(200, "B"), h.clock.Now());
  CHECK_FALSE(h.conn.TakeRequest());  // /c is not complete yet
  CHECK(h.conn.wants_input());
  h.Send("alhost\r\n\r\n");
  std::optional<HttpRequest> c = h.Serve();
  REQUIRE(c);
  CHECK(c->path == "/c");
  const std::string out = h.conn.TakeOutput();
  const size_t first = out.find("\r\n\r\n/a");
  const size_t second = out.find("\r\n\r\nB");
  const size_t third = out.find("\r\n\r\n/c");
  CHECK(first < second);
  CHECK(second < third);
  CHECK(third != std::string::npos);
}

TEST_CASE("http connection: a chunked body is cut at the cap as it streams in") {
  HttpLimits limits;
  limits.max_body_bytes = 1000;
  Harness h(limits);
  h.Send("POST /p HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\n\r\n");
  CHECK(h.conn.wants_input());
  const std::string chunk = "100\r\n" + std::string(256, 'x') + "\r\n";
  for (int i = 0; i < 3; ++i) h.Send(chunk);
  CHECK_FALSE(h.conn.closing());  // 768 bytes: still under
  h.Send(chunk);
  REQUIRE(h.conn.closing());
  CHECK(h.conn.refusal() == HttpRefusal::kBodyTooLarge);
  CHECK(StatusLine(h.conn.TakeOutput()) == "HTTP/1.1 413 Content Too Large");
  h.Send(chunk);  // ignored from now on
  CHECK_FALSE(h.conn.has_output());
  CHECK_FALSE(h.conn.TakeRequest());
}

TEST_CASE("http connection: a Content-Length over the cap is refused before the body") {
  HttpLimits limits;
  limits.max_body_bytes = 1000;
  Harness h(limits);
  h.Send("POST /p HTTP/1.1\r\nHost: localhost\r\nContent-Length: 314572800\r\n"
         "Expect: 100-continue\r\n\r\n");
  CHECK(h.conn.refusal() == HttpRefusal::kBodyTooLarge);
  const std::string out = h.conn.TakeOutput();
  CHECK(StatusLine(out) == "HTTP/1.1 413 Content Too Large");
  CHECK(out.find("Connection: close") != std::string::npos);
  CHECK(out.find("100 Continue") == std::string::npos);
}

TEST_CASE("http connection: Expect 100-continue is answered before the body") {
  Harness h;
  h.Send("POST /p HTTP/1.1\r\nHost: localhost\r\nContent-Length: 3\r\nExpect: 100-continue\r\n\r\n");
  CHECK(h.conn.TakeOutput() == "HTTP/1.1 100 Continue\r\n\r\n");
  h.Send("abc");
  std::optional<HttpRequest> r = h.conn.TakeRequest();
  REQUIRE(r);
  CHECK(r->body == "abc");
}

TEST_CASE("http connection: conflicting message lengths are 400") {
  const char* cases[] = {
      "POST /p HTTP/1.1\r\nHost: localhost\r\nContent-Length: 5\r\nContent-Length: 5\r\n\r\nhello",
      "POST /p HTTP/1.1\r\nHost: localhost\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello!",
      "POST /p HTTP/1.1\r\nHost: localhost\r\nContent-Length: 5, 5\r\n\r\nhello",
      "POST /p HTTP/1.1\r\nHost: localhost\r\nContent-Length: 5\r\n"
      "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
      "POST /p HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\n"
      "Content-Length: 5\r\n\r\n0\r\n\r\n",
      "POST /p HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: gzip\r\n\r\nhello",
      "POST /p HTTP/1.1\r\nHost: localhost\r\nContent-Length: -1\r\n\r\n",
  };
  for (const char* request : cases) {
    CAPTURE(request);
    Harness h;
    h.Send(request);
    CHECK_FALSE(h.conn.TakeRequest());
    CHECK(h.conn.closing());
    CHECK(h.conn.refusal() == HttpRefusal::kBadFraming);
    CHECK(StatusLine(h.conn.TakeOutput()) == "HTTP/1.1 400 Bad Request");
  }
}

TEST_CASE("http connection: malformed requests are 400") {
  const char* cases[] = {
      "GET /\r\n\r\n",
      "GET / HTTP/1.1\r\nHost: localhost\r\nBad Header: x\r\n\r\n",
      "\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03",  // a TLS hello on plain HTTP
      "GET relative HTTP/1.1\r\nHost: localhost\r\n\r\n",
      "GET / HTTP/2.0\r\nHost: localhost\r\n\r\n",
      "GET http://user@localhost/ HTTP/1.1\r\nHost: localhost\r\n\r\n",
  };
  for (const char* request : cases) {
    CAPTURE(request);
    Harness h;
    h.Send(request);
    CHECK(h.conn.refusal() == HttpRefusal::kBadRequest);
    CHECK(StatusLine(h.conn.TakeOutput()) == "HTTP/1.1 400 Bad Request");
  }
  // obs-fold joins the next line to Host, which then names no host.
  Harness folded;
  folded.Send("GET / HTTP/1.1\r\nHost: localhost\r\n Folded: x\r\n\r\n");
  CHECK_FALSE(folded.conn.TakeRequest());
  CHECK(folded.conn.closing());
}

TEST_CASE("http connection: Host must be an IP literal, localhost or an allowed name") {
  HttpLimits limits;
  limits.allowed_hosts = {"noc.example.net", "Dash.Example.Org."};
  const char* allowed[] = {"127.0.0.1", "127.0.0.1:7480", "10.1.2.3:1", "[::1]", "[::1]:7480",
                           "[2001:db8::5]:443", "localhost", "LOCALHOST:80", "localhost.",
                           "noc.example.net:8443", "dash.example.org"};
  for (const char* host : allowed) {
    CAPTURE(host);
    Harness h(limits);
    h.Send(std::string("GET / HTTP/1.1\r\nHost: ") + host + "\r\n\r\n");
    CHECK(h.conn.TakeRequest());
  }
  const char* refused[] = {"evil.example.com", "evil.example.com:7480", "127.0.0.1.evil.com",
                           "localhost.evil.com", "[::1", "[nothex]:80", "127.0.0.1:http",
                           "noc.example.net.evil", "1.2.3.4:99999999"};
  for (const char* host : refused) {
    CAPTURE(host);
    Harness h(limits);
    h.Send(std::string("GET / HTTP/1.1\r\nHost: ") + host + "\r\n\r\n");
    CHECK_FALSE(h.conn.TakeRequest());
    CHECK(h.conn.refusal() == HttpRefusal::kHostNotAllowed);
    CHECK(StatusLine(h.conn.TakeOutput()) == "HTTP/1.1 421 Misdirected Request");
  }
  // An absolute URI's authority is the host that counts.
  Harness absolute(limits);
  absolute.Send("GET http://evil.example.com/api HTTP/1.1\r\nHost: localhost\r\n\r\n");
  CHECK(absolute.conn.refusal() == HttpRefusal::kHostNotAllowed);
  Harness absolute_ok(limits);
  absolute_ok.Send("GET http://127.0.0.1:7480/api?x=1 HTTP/1.1\r\nHost: evil\r\n\r\n");
  std::optional<HttpRequest> r = absolute_ok.conn.TakeRequest();
  REQUIRE(r);
  CHECK(r->path == "/api");
  CHECK(r->query.at("x") == "1");
}

TEST_CASE("http connection: HTTP/1.1 needs exactly one Host, HTTP/1.0 may omit it") {
  Harness missing;
  missing.Send("GET / HTTP/1.1\r\n\r\n");
  CHECK(missing.conn.refusal() == HttpRefusal::kMissingHost);
  CHECK(StatusLine(missing.conn.TakeOutput()) == "HTTP/1.1 400 Bad Request");
  Harness twice;
  twice.Send("GET / HTTP/1.1\r\nHost: localhost\r\nHost: evil.example.com\r\n\r\n");
  CHECK(twice.conn.refusal() == HttpRefusal::kMissingHost);
  Harness old;
  old.Send("GET /old HTTP/1.0\r\n\r\n");
  REQUIRE(old.Serve());
  // HTTP/1.0 without keep-alive: the answer closes.
  CHECK(old.conn.closing());
  CHECK(old.conn.TakeOutput().find("Connection: close") != std::string::npos);
}

TEST_CASE("http connection: request line and header limits") {
  HttpLimits limits;
  limits.max_url_bytes = 100;
  limits.max_header_bytes = 1000;
  limits.max_header_count = 10;
  {
    Harness h(limits);
    h.Send("GET /" + std::string(200, 'a') + " HTTP/1.1\r\n");
    CHECK(h.conn.refusal() == HttpRefusal::kUriTooLong);
    CHECK(StatusLine(h.conn.TakeOutput()) == "HTTP/1.1 414 URI Too Long");
  }
  {
    Harness h(limits);
    h.Send("GET / HTTP/1.1\r\nHost: localhost\r\n");
    for (int i = 0; i < 10 && !h.conn.closing(); ++i) {
      h.Send("X-Filler: " + std::string(150, 'v') + "\r\n");  // one byte at a time works too
    }
    CHECK(h.conn.refusal() == HttpRefusal::kHeadersTooLarge);
    CHECK(StatusLine(h.conn.TakeOutput()) == "HTTP/1.1 431 Request Header Fields Too Large");
  }
  {
    Harness h(limits);
    h.Send("GET / HTTP/1.1\r\nHost: localhost\r\n");
    for (int i = 0; i < 11; ++i) h.Send("X-" + std::to_string(i) + ": 1\r\n");
    CHECK(h.conn.refusal() == HttpRefusal::kHeadersTooLarge);
  }
  {
    // Padding no callback sees (spaces in a value) counts too.
    Harness h(limits);
    h.Send("GET / HTTP/1.1\r\nHost: localhost\r\nX-Pad:");
    for (int i = 0; i < 30 && !h.conn.closing(); ++i) h.Send(std::string(100, ' '));
    CHECK(h.conn.refusal() == HttpRefusal::kHeadersTooLarge);
  }
}

TEST_CASE("http connection: slowloris is cut at the header deadline from the first byte") {
  Harness h;  // header_timeout 5 s
  h.Advance(seconds(3));  // idle before the first byte does not count against the headers
  const std::string request = "GET / HTTP/1.1\r\nHost: localhost\r\nX-Slow: aaaaaaaaaaaa";
  size_t sent = 0;
  for (; sent < request.size() && !h.conn.closing(); ++sent) {
    h.Send(request.substr(sent, 1));
    REQUIRE(h.conn.NextDeadline());
    h.Advance(seconds(1));
  }
  CHECK(sent == 5);  // bytes at t = 0..4 s; refused at 5 s
  CHECK(h.conn.refusal() == HttpRefusal::kHeaderTimeout);
  CHECK(StatusLine(h.conn.TakeOutput()) == "HTTP/1.1 408 Request Timeout");
  CHECK_FALSE(h.conn.NextDeadline());
}

TEST_CASE("http connection: a body that trickles past its deadline is 408") {
  HttpLimits limits;
  limits.body_timeout = seconds(10);
  Harness h(limits);
  h.Send("POST /p HTTP/1.1\r\nHost: localhost\r\nContent-Length: 100\r\n\r\n");
  REQUIRE(h.conn.NextDeadline());
  CHECK(*h.conn.NextDeadline() == h.clock.Now() + seconds(10));
  for (int i = 0; i < 9; ++i) {
    h.Send("x");
    h.Advance(seconds(1));
  }
  CHECK_FALSE(h.conn.closing());
  h.Advance(seconds(1));
  CHECK(h.conn.refusal() == HttpRefusal::kBodyTimeout);
  CHECK(StatusLine(h.conn.TakeOutput()) == "HTTP/1.1 408 Request Timeout");
}

TEST_CASE("http connection: idle connections close quietly") {
  HttpLimits limits;
  limits.idle_timeout = seconds(5);
  Harness h(limits);
  h.Advance(milliseconds(4999));
  CHECK_FALSE(h.conn.closing());
  h.Advance(milliseconds(1));
  CHECK(h.conn.closing());
  CHECK(h.conn.idle_timed_out());
  CHECK(h.conn.refusal() == HttpRefusal::kNone);
  CHECK_FALSE(h.conn.has_output());

  // Between requests the idle time starts at the last response.
  Harness k(limits);
  k.Advance(seconds(4));
  k.Send("GET / HTTP/1.1\r\nHost: localhost\r\n\r\n");
  k.Advance(seconds(4));
  REQUIRE(k.Serve());
  k.Advance(seconds(4));
  CHECK_FALSE(k.conn.closing());
  k.Advance(seconds(1));
  CHECK(k.conn.idle_timed_out());
}

TEST_CASE("http connection: the last request a connection may carry closes it") {
  HttpLimits limits;
  limits.max_requests_per_connection = 3;
  Harness h(limits);
  for (int i = 0; i < 3; ++i) {
    h.Send("GET / HTTP/1.1\r\nHost: localhost\r\n\r\n");
    REQUIRE(h.Serve());
  }
  CHECK(h.conn.closing());
  const std::string out = h.conn.TakeOutput();
  // Only the third response says so.
  CHECK(out.find("Connection: close") == out.rfind("Connection: close"));
  CHECK(out.rfind("Connection: close") > out.rfind("HTTP/1.1 200"));
}

TEST_CASE("http connection: Connection: close, HEAD and end of input") {
  Harness h;
  h.Send("HEAD /x HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\nGET /y HTTP/1.1\r\n");
  std::optional<HttpRequest> r = h.conn.TakeRequest();
  REQUIRE(r);
  CHECK(r->method == "HEAD");
  h.conn.Respond(HttpResponse::Text(200, "body"), h.clock.Now());
  CHECK(h.conn.closing());
  CHECK_FALSE(h.conn.TakeRequest());  // nothing after Connection: close
  const std::string out = h.conn.TakeOutput();
  CHECK(out.find("Content-Length: 4\r\n") != std::string::npos);
  CHECK(out.substr(out.size() - 4) == "\r\n\r\n");  // no body for HEAD

  // A complete request followed by EOF is still answered.
  Harness e;
  e.Send("GET /last HTTP/1.1\r\nHost: localhost\r\n\r\n");
  e.conn.ReceiveEnd(e.clock.Now());
  REQUIRE(e.Serve());
  CHECK(e.conn.closing());
  CHECK(StatusLine(e.conn.TakeOutput()) == "HTTP/1.1 200 OK");
  // EOF half-way through a request: nothing to answer.
  Harness half;
  half.Send("GET /half HTTP/1.1\r\nHo");
  half.conn.ReceiveEnd(half.clock.Now());
  CHECK(half.conn.closing());
  CHECK_FALSE(half.conn.has_output());
}

TEST_CASE("http connection: an upgrade request is answered, then the connection closes") {
  Harness h;
  h.Send("GET /ws HTTP/1.1\r\nHost: localhost\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n");
  REQUIRE(h.Serve());
  CHECK(h.conn.closing());
}

TEST_CASE("http connection: host matching") {
  CHECK(HostAllowed("127.0.0.1", {}));
  CHECK(HostAllowed("[::ffff:127.0.0.1]:80", {}));
  CHECK_FALSE(HostAllowed("", {}));
  CHECK_FALSE(HostAllowed(":80", {}));
  CHECK_FALSE(HostAllowed("example.com", {}));
  CHECK(HostAllowed("Example.COM:1", {"example.com"}));
  CHECK(HttpRefusalName(HttpRefusal::kHostNotAllowed) == "host_not_allowed");
}

}  // namespace
}  // namespace provisor
