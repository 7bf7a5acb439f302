#include "slave/diagnostic_provider.h"

#include <catch2/catch.hpp>
#include <cstdio>

namespace provisor {
namespace {

// Reference: the text built line by line.
std::string Expected(uint64_t size) {
  std::string out;
  char line[64];
  for (uint64_t n = 0; out.size() < size; ++n) {
    std::snprintf(line, sizeof(line), "provisor diagnostic line %06llu\n",
                  static_cast<unsigned long long>(n));
    out += line;
  }
  out.resize(size);
  return out;
}

tftp::FetchResult Fetch(std::string_view name) {
  DiagnosticProvider provider;
  return provider.Fetch(name, SocketAddress());
}

TEST_CASE("diag/<size>/x yields exactly the documented text") {
  for (uint64_t size : {0ull, 1ull, 31ull, 32ull, 33ull, 3000ull, 100'000ull}) {
    tftp::FetchResult r = Fetch("diag/" + std::to_string(size) + "/anything");
    REQUIRE(r.ok());
    CHECK(r.content->size() == size);
    CHECK(tftp::ReadAll(*r.content) == Expected(size));
  }
  CHECK(tftp::ReadAll(*Fetch("diag/40/x").content) ==
        "provisor diagnostic line 000000\nprovisor");
}

TEST_CASE("random access reads agree with the reference, across the 7-digit boundary") {
  const uint64_t size = 32'000'000 + 33 * 10 + 5;
  DiagnosticContent content(size);
  std::string tail = Expected(size).substr(32'000'000 - 40);
  std::string got(tail.size(), '\0');
  content.Read(32'000'000 - 40, std::span<uint8_t>(reinterpret_cast<uint8_t*>(got.data()),
                                                    got.size()));
  CHECK(got == tail);
  CHECK(got.find("provisor diagnostic line 1000000\n") != std::string::npos);
}

TEST_CASE("the largest allowed size is 64 MiB and other names are not found") {
  tftp::FetchResult max = Fetch("diag/67108864/x");
  REQUIRE(max.ok());
  CHECK(max.content->size() == 67108864);
  for (const char* name : {"diag/67108865/x", "diag/10", "diag//x", "diag/-1/x", "diag/1e3/x",
                           "diag/ 10/x", "DIAG/10/x", "other/10/x", "diag/99999999999/x", ""}) {
    INFO(name);
    tftp::FetchResult r = Fetch(name);
    CHECK_FALSE(r.ok());
    CHECK(r.error == tftp::ErrorCode::kFileNotFound);
  }
}

}  // namespace
}  // namespace provisor
