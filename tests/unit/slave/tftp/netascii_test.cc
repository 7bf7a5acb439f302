#include "slave/tftp/netascii.h"

#include <catch2/catch.hpp>

namespace provisor::tftp {
namespace {

// The bytes of a string literal, embedded NULs included.
template <size_t N>
std::string S(const char (&s)[N]) {
  return std::string(s, N - 1);
}

TEST_CASE("netascii maps LF and CR") {
  CHECK(ToNetascii("") == "");
  CHECK(ToNetascii("abc") == "abc");
  CHECK(ToNetascii("a\nb\n") == "a\r\nb\r\n");
  CHECK(ToNetascii("a\rb") == S("a\r\0b"));
  CHECK(ToNetascii("a\r\nb") == S("a\r\0\r\nb"));
  CHECK(ToNetascii(S("\0")) == S("\0"));
}

}  // namespace
}  // namespace provisor::tftp
