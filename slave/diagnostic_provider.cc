#include "slave/diagnostic_provider.h"

#include <algorithm>
#include <charconv>
#include <cstring>

namespace provisor {
namespace {

constexpr std::string_view kPrefix = "provisor diagnostic line ";
// Lines 0..999999 have 6 digits; line n >= 10^k has k+1 digits.
constexpr uint64_t kSixDigitLines = 1'000'000;
constexpr uint64_t kSixDigitLineLen = kPrefix.size() + 6 + 1;  // 32

// Line number containing byte `offset`, and that line's first byte.
void LocateLine(uint64_t offset, uint64_t* line, uint64_t* line_start) {
  uint64_t start = 0;
  uint64_t first = 0;
  uint64_t count = kSixDigitLines;
  uint64_t len = kSixDigitLineLen;
  while (true) {
    uint64_t span = count * len;
    if (offset < start + span) {
      uint64_t k = (offset - start) / len;
      *line = first + k;
      *line_start = start + k * len;
      return;
    }
    start += span;
    first += count;
    count *= 10;
    len += 1;
  }
}

size_t FormatLine(uint64_t line, char* buf) {
  // The same text as printf("%06llu\n"), without printf's cost per line.
  char digits[24];
  size_t n = 0;
  do {
    digits[n++] = static_cast<char>('0' + line % 10);
    line /= 10;
  } while (line != 0);
  while (n < 6) digits[n++] = '0';
  std::memcpy(buf, kPrefix.data(), kPrefix.size());
  size_t pos = kPrefix.size();
  while (n > 0) buf[pos++] = digits[--n];
  buf[pos++] = '\n';
  return pos;
}

}  // namespace

void DiagnosticContent::Read(uint64_t offset, std::span<uint8_t> out) const {
  if (offset >= size_) return;
  uint64_t remaining = std::min<uint64_t>(out.size(), size_ - offset);
  uint64_t line = 0;
  uint64_t line_start = 0;
  LocateLine(offset, &line, &line_start);
  size_t skip = static_cast<size_t>(offset - line_start);
  uint8_t* dst = out.data();
  char buf[64];
  while (remaining > 0) {
    size_t len = FormatLine(line, buf);
    size_t n = std::min<uint64_t>(len - skip, remaining);
    std::memcpy(dst, buf + skip, n);
    dst += n;
    remaining -= n;
    skip = 0;
    ++line;
  }
}

tftp::FetchResult DiagnosticProvider::Fetch(std::string_view name, const SocketAddress&) {
  constexpr std::string_view kDiag = "diag/";
  auto not_found = [] {
    return tftp::FetchResult::Error(tftp::ErrorCode::kFileNotFound, "File not found",
                                    "not_found");
  };
  if (name.substr(0, kDiag.size()) != kDiag) return not_found();
  std::string_view rest = name.substr(kDiag.size());
  size_t slash = rest.find('/');
  if (slash == std::string_view::npos || slash == 0 || slash > 9) return not_found();
  uint64_t size = 0;
  auto [ptr, ec] = std::from_chars(rest.data(), rest.data() + slash, size);
  if (ec != std::errc() || ptr != rest.data() + slash || size > kMaxDiagnosticSize) {
    return not_found();
  }
  return tftp::FetchResult::Ok(std::make_shared<DiagnosticContent>(size));
}

}  // namespace provisor
