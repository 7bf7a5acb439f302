// HttpServer on 127.0.0.1 with cpp-httplib's client: requests reach the
// handler with their parts, a throwing handler is a 500, a large body a
// 413, Stop right after Listen returns, and a scrape is answered at once
// while browsers hold keep-alive connections.
#include "common/http_server.h"

#include <httplib.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace provisor {
namespace {

using Clock = std::chrono::steady_clock;

TEST_CASE("http server: the handler sees method, path, query, headers and body") {
  HttpServer server([](const HttpRequest& r) {
    if (r.path == "/boom") throw std::runtime_error("a bug");
    HttpResponse out;
    out.status = 201;
    out.content_type = "application/json";
    out.headers.emplace_back("X-Seen", r.Header("x-custom"));
    out.body = r.method + " " + r.path + " " + (r.query.count("a") ? r.query.at("a") : "-") +
               " " + r.body;
    return out;
  });
  StatusOr<SocketAddress> bound = server.Listen("127.0.0.1:0");
  REQUIRE(bound.ok());
  REQUIRE(bound->port() != 0);
  httplib::Client client("127.0.0.1", bound->port());
  httplib::Result get = client.Get("/x/y?a=b%20c", {{"X-Custom", "v1"}});
  REQUIRE(get);
  CHECK(get->status == 201);
  CHECK(get->body == "GET /x/y b c ");
  CHECK(get->get_header_value("X-Seen") == "v1");
  CHECK(get->get_header_value("Content-Type") == "application/json");
  httplib::Result post = client.Post("/p", "hello", "text/plain");
  REQUIRE(post);
  CHECK(post->body == "POST /p - hello");

  httplib::Result boom = client.Get("/boom");
  REQUIRE(boom);
  CHECK(boom->status == 500);
  CHECK(boom->body == "internal error\n");
  CHECK(boom->get_header_value("EXCEPTION_WHAT").empty());  // nothing of the bug leaks

  httplib::Result big = client.Post("/p", std::string(65 * 1024, 'x'), "text/plain");
  REQUIRE(big);
  CHECK(big->status == 413);
  server.Stop();
  CHECK_FALSE(httplib::Client("127.0.0.1", bound->port()).Get("/x"));
}

TEST_CASE("http server: Stop right after Listen returns, and a taken port is an error") {
  for (int i = 0; i < 20; ++i) {
    HttpServer server([](const HttpRequest&) { return HttpResponse::Text(200, "ok"); });
    StatusOr<SocketAddress> bound = server.Listen("127.0.0.1:0");
    REQUIRE(bound.ok());
    server.Stop();
  }
  HttpServer first([](const HttpRequest&) { return HttpResponse::Text(200, "ok"); });
  StatusOr<SocketAddress> bound = first.Listen("127.0.0.1:0");
  REQUIRE(bound.ok());
  HttpServer second([](const HttpRequest&) { return HttpResponse::Text(200, "ok"); });
  StatusOr<SocketAddress> taken = second.Listen(bound->ToString());
  CHECK(taken.status().code() == StatusCode::kUnavailable);
  CHECK(second.Listen("nowhere").status().code() == StatusCode::kInvalidArgument);
}

TEST_CASE("http server: open keep-alive connections do not starve a scrape") {
  HttpServer server([](const HttpRequest& r) { return HttpResponse::Text(200, r.path); });
  StatusOr<SocketAddress> bound = server.Listen("127.0.0.1:0");
  REQUIRE(bound.ok());
  // Ten "browsers", each polling on its own keep-alive connection.
  std::atomic<bool> stop{false};
  std::atomic<int> polls{0};
  std::vector<std::thread> browsers;
  for (int i = 0; i < 10; ++i) {
    browsers.emplace_back([&] {
      httplib::Client c("127.0.0.1", bound->port());
      c.set_keep_alive(true);
      while (!stop.load()) {
        if (c.Get("/api/v1/cluster")) polls.fetch_add(1);
        std::this_thread::sleep_for(std::chrono::milliseconds(200));  // the page's pace
      }
    });
  }
  while (polls.load() < 20) std::this_thread::yield();
  httplib::Client scraper("127.0.0.1", bound->port());
  scraper.set_read_timeout(10, 0);
  const Clock::time_point start = Clock::now();
  httplib::Result scrape = scraper.Get("/metrics");
  const auto took = Clock::now() - start;
  stop = true;
  for (std::thread& t : browsers) t.join();
  REQUIRE(scrape);
  CHECK(scrape->body == "/metrics");
  // Prometheus gives up after its scrape_timeout (10 s in the shipped
  // config); a waiting request is served once a connection goes idle (1 s).
  CHECK(took < std::chrono::seconds(3));
}

}  // namespace
}  // namespace provisor
