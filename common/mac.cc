#include "common/mac.h"

#include "common/utf8.h"

namespace provisor {
namespace {

// The lower-case value of a hex digit, or 0 when `c` is not one.
char LowerHex(char c) {
  if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')) return c;
  if (c >= 'A' && c <= 'F') return static_cast<char>(c - 'A' + 'a');
  return 0;
}

// Copies the twelve hex digits of `text` into `digits`, treating every
// position in `separator_at` (a bit mask over positions) as `separator`.
bool Extract(std::string_view text, unsigned separator_at, char separator, char* digits) {
  int count = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    if (separator_at & (1u << i)) {
      if (text[i] != separator) return false;
      continue;
    }
    const char digit = LowerHex(text[i]);
    if (digit == 0 || count == 12) return false;
    digits[count++] = digit;
  }
  return count == 12;
}

}  // namespace

StatusOr<std::string> CanonicalMac(std::string_view text) {
  // Separator positions of the three separated forms.
  constexpr unsigned kPairs = 1u << 2 | 1u << 5 | 1u << 8 | 1u << 11 | 1u << 14;
  constexpr unsigned kCisco = 1u << 4 | 1u << 9;
  char digits[12];
  bool ok = false;
  switch (text.size()) {
    case 12:
      ok = Extract(text, 0, 0, digits);
      break;
    case 14:
      ok = Extract(text, kCisco, '.', digits);
      break;
    case 17:
      ok = (text[2] == ':' || text[2] == '-') && Extract(text, kPairs, text[2], digits);
      break;
    default:
      break;
  }
  if (!ok) {
    return InvalidArgumentError(QuoteForMessage(text) +
                                " is not a MAC address (use aa:bb:cc:dd:ee:ff, AA-BB-CC-DD-EE-FF, "
                                "aabb.ccdd.eeff or 12 hex digits)");
  }
  std::string canonical;
  canonical.reserve(17);
  for (int i = 0; i < 12; ++i) {
    if (i > 0 && i % 2 == 0) canonical += ':';
    canonical += digits[i];
  }
  return canonical;
}

std::string MacHex(std::string_view canonical) {
  std::string hex;
  hex.reserve(12);
  for (char c : canonical) {
    if (c != ':') hex += c;
  }
  return hex;
}

}  // namespace provisor
