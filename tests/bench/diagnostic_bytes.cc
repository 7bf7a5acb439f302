#include "tests/bench/diagnostic_bytes.h"

#include <cstdio>
#include <limits>

namespace provisor::bench {

std::string DiagnosticBytes(uint64_t size) {
  std::string out;
  out.reserve(size + 64);
  char line[64];
  for (unsigned long long number = 0; out.size() < size; ++number) {
    int length = std::snprintf(line, sizeof(line),
                               "provisor diagnostic line %06llu\n", number);
    out.append(line, static_cast<size_t>(length));
  }
  out.resize(size);
  return out;
}

std::optional<uint64_t> DiagnosticSizeFromName(std::string_view name) {
  if (!name.empty() && name.front() == '/') name.remove_prefix(1);
  constexpr std::string_view kPrefix = "diag/";
  if (name.substr(0, kPrefix.size()) != kPrefix) return std::nullopt;
  name.remove_prefix(kPrefix.size());
  size_t slash = name.find('/');
  if (slash == 0 || slash == std::string_view::npos ||
      slash + 1 == name.size()) {
    return std::nullopt;
  }
  uint64_t size = 0;
  for (char c : name.substr(0, slash)) {
    if (c < '0' || c > '9') return std::nullopt;
    uint64_t digit = static_cast<uint64_t>(c - '0');
    if (size > (std::numeric_limits<uint64_t>::max() - digit) / 10) {
      return std::nullopt;
    }
    size = size * 10 + digit;
  }
  return size;
}

}  // namespace provisor::bench
