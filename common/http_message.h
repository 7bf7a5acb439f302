// HttpRequest and HttpResponse: the plain values an HttpServer hands to its
// handler and takes back (see http_server.h), plus the wire form of a
// response. Kept apart from the server so the request parser
// (http_connection.h) and the routing code build without sockets.
//
// Thread-safety: value types.
#ifndef PROVISOR_COMMON_HTTP_MESSAGE_H_
#define PROVISOR_COMMON_HTTP_MESSAGE_H_

#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace provisor {

struct HttpRequest {
  std::string method;  // "GET", "POST", ...
  std::string path;    // percent-decoded, without the query
  std::map<std::string, std::string> query;    // decoded; the first of repeated keys
  std::map<std::string, std::string> headers;  // names in lower case; repeats joined by ", "
  std::string body;
  std::string remote;  // the peer's IP address (logs)
  bool tls = false;    // arrived over TLS
  // The client certificate (PEM) when one was presented and verified
  // against HttpServerOptions::tls_client_ca_pem; empty otherwise.
  std::string peer_certificate_pem;

  // The header's value, or "" (name in lower case).
  std::string Header(const std::string& name) const;
};

struct HttpResponse {
  int status = 200;
  std::string content_type = "text/plain; charset=utf-8";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;

  static HttpResponse Text(int status, std::string body);
};

// The standard reason phrase of `status` ("Not Found"), "Unknown" if none.
std::string_view HttpReasonPhrase(int status);

// The HTTP/1.1 wire form of `response`: status line, Content-Type,
// Content-Length, "Connection: close" when `close`, the response's own
// headers (names and values with CR, LF or NUL, and the ones the server
// sets itself, are dropped), then the body unless `head_only`.
std::string SerializeHttpResponse(const HttpResponse& response, bool close, bool head_only);

// "%41+b" -> "A b" when `plus_is_space`; a malformed escape stays as written.
std::string PercentDecode(std::string_view text, bool plus_is_space);

// "a=1&b=x%20y" -> {a: "1", b: "x y"}; the first of repeated keys wins.
std::map<std::string, std::string> ParseQueryString(std::string_view text);

}  // namespace provisor

#endif  // PROVISOR_COMMON_HTTP_MESSAGE_H_
