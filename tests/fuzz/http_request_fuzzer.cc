// libFuzzer target for HttpConnection (the HTTP/1.1 request parser and
// connection state machine of the NOC listener). Input: byte 0 sets the
// size of the pieces the rest arrives in (1..256 bytes), byte 1 the seconds
// the fake clock moves after each piece (low nibble) and whether the peer
// ends its input (bit 4); the rest is what a client sends. Every complete
// request is answered, and the limits are checked on what comes out.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "common/clock.h"
#include "common/http_connection.h"

namespace {

void Check(bool condition) {
  if (!condition) __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using provisor::HttpConnection;
  using provisor::HttpLimits;
  using provisor::HttpRequest;
  using provisor::HttpResponse;
  if (size < 2) return 0;
  const size_t piece = static_cast<size_t>(data[0]) + 1;
  const int step_seconds = data[1] & 0x0f;
  const bool end_input = (data[1] & 0x10) != 0;
  std::string_view input(reinterpret_cast<const char*>(data) + 2, size - 2);

  HttpLimits limits;
  limits.max_header_bytes = 2048;
  limits.max_url_bytes = 512;
  limits.max_header_count = 16;
  limits.max_body_bytes = 4096;
  limits.max_requests_per_connection = 8;
  limits.allowed_hosts = {"noc.example.net"};
  provisor::FakeClock clock;
  HttpConnection conn(&limits, clock.Now());
  size_t output = 0;
  int answered = 0;

  auto serve = [&] {
    while (std::optional<HttpRequest> request = conn.TakeRequest()) {
      Check(request->body.size() <= limits.max_body_bytes);
      Check(request->headers.size() <= limits.max_header_count);
      Check(request->path.size() <= limits.max_url_bytes);
      Check(!request->method.empty());
      HttpResponse response = HttpResponse::Text(200 + (answered % 3) * 100, request->path);
      response.headers.emplace_back("X-Echo", request->Header("x-echo"));
      conn.Respond(response, clock.Now());
      ++answered;
    }
    output += conn.TakeOutput().size();
  };

  while (!input.empty() && !conn.closing()) {
    const std::string_view chunk = input.substr(0, piece);
    input.remove_prefix(chunk.size());
    conn.Receive(chunk, clock.Now());
    serve();
    if (step_seconds > 0) {
      clock.Advance(std::chrono::seconds(step_seconds));
      conn.Tick(clock.Now());
      serve();
    }
    if (const std::optional<provisor::MonoTime> next = conn.NextDeadline()) {
      Check(*next > clock.Now() || conn.closing());
    }
  }
  if (end_input) {
    conn.ReceiveEnd(clock.Now());
    serve();
  }
  // Deadlines always end a connection that makes no progress.
  for (int i = 0; i < 4 && !conn.closing(); ++i) {
    clock.Advance(std::chrono::seconds(30));
    conn.Tick(clock.Now());
    serve();
  }
  Check(!conn.awaiting_response());
  Check(answered <= limits.max_requests_per_connection);
  (void)output;
  return 0;
}
