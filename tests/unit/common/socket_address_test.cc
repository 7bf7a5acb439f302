#include "common/socket_address.h"

#include <catch2/catch.hpp>

namespace provisor {
namespace {

TEST_CASE("SocketAddress parses and prints IPv4 and IPv6") {
  auto v4 = SocketAddress::Parse("127.0.0.1:69");
  REQUIRE(v4.ok());
  CHECK(v4->family() == AF_INET);
  CHECK(v4->port() == 69);
  CHECK(v4->ToString() == "127.0.0.1:69");
  auto v6 = SocketAddress::Parse("[::1]:6969");
  REQUIRE(v6.ok());
  CHECK(v6->family() == AF_INET6);
  CHECK(v6->ToString() == "[::1]:6969");
  auto any = SocketAddress::Parse(":0");
  REQUIRE(any.ok());
  CHECK(any->is_any());
  CHECK(any->ToString() == "0.0.0.0:0");
}

TEST_CASE("SocketAddress rejects malformed text") {
  for (const char* bad : {"", "127.0.0.1", "127.0.0.1:", "127.0.0.1:65536", "1.2.3:69",
                          "::1:69", "[::1]", "[::1:69", "host.example:69", "1.2.3.4:6x"}) {
    INFO(bad);
    CHECK_FALSE(SocketAddress::Parse(bad).ok());
  }
}

TEST_CASE("SocketAddress equality and host comparison") {
  SocketAddress a = *SocketAddress::Parse("10.0.0.1:1000");
  SocketAddress b = *SocketAddress::Parse("10.0.0.1:2000");
  CHECK(a.SameHost(b));
  CHECK_FALSE(a == b);
  CHECK(a.HostHash() == b.HostHash());
  b.set_port(1000);
  CHECK(a == b);
  CHECK_FALSE(a.SameHost(*SocketAddress::Parse("[::1]:1000")));
}

}  // namespace
}  // namespace provisor
