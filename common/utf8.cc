#include "common/utf8.h"

#include <cstdint>
#include <cstring>

namespace provisor {
namespace {

// Length of the well-formed sequence starting at text[i] (i < size), or 0.
size_t SequenceLength(std::string_view text, size_t i) {
  const auto byte = [&](size_t k) { return static_cast<unsigned char>(text[k]); };
  const unsigned char c = byte(i);
  const size_t left = text.size() - i;
  if (c < 0x80) return 1;
  if (c < 0xC2) return 0;  // a continuation byte, or an overlong 2-byte form
  const auto cont = [&](size_t k, unsigned char lo, unsigned char hi) {
    return byte(i + k) >= lo && byte(i + k) <= hi;
  };
  if (c < 0xE0) return left >= 2 && cont(1, 0x80, 0xBF) ? 2 : 0;
  if (c < 0xF0) {
    if (left < 3) return 0;
    const unsigned char lo = c == 0xE0 ? 0xA0 : 0x80;  // E0: no overlongs
    const unsigned char hi = c == 0xED ? 0x9F : 0xBF;  // ED: no surrogates
    return cont(1, lo, hi) && cont(2, 0x80, 0xBF) ? 3 : 0;
  }
  if (c < 0xF5) {
    if (left < 4) return 0;
    const unsigned char lo = c == 0xF0 ? 0x90 : 0x80;  // F0: no overlongs
    const unsigned char hi = c == 0xF4 ? 0x8F : 0xBF;  // F4: max U+10FFFF
    return cont(1, lo, hi) && cont(2, 0x80, 0xBF) && cont(3, 0x80, 0xBF) ? 4 : 0;
  }
  return 0;
}

}  // namespace

bool IsValidUtf8(std::string_view text) {
  const char* data = text.data();
  const size_t size = text.size();
  size_t i = 0;
  while (i < size) {
    // ASCII runs, eight bytes at a time.
    while (i + 8 <= size) {
      uint64_t word;
      std::memcpy(&word, data + i, 8);
      if (word & 0x8080808080808080ull) break;
      i += 8;
    }
    if (i >= size) break;
    const size_t length = SequenceLength(text, i);
    if (length == 0) return false;
    i += length;
  }
  return true;
}

bool IsPrintableToken(std::string_view text, size_t max_bytes) {
  if (text.empty() || text.size() > max_bytes) return false;
  for (char c : text) {
    if (c <= ' ' || c >= 0x7f) return false;
  }
  return true;
}

std::string QuoteForMessage(std::string_view text, size_t max_bytes) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out = "'";
  size_t i = 0;
  while (i < text.size()) {
    size_t length = SequenceLength(text, i);
    if (i + (length ? length : 1) > max_bytes) break;
    const unsigned char c = static_cast<unsigned char>(text[i]);
    if (length == 0 || (length == 1 && (c < 0x20 || c == 0x7F))) {
      out += "\\x";
      out += kHex[c >> 4];
      out += kHex[c & 0xF];
      length = 1;
    } else {
      out.append(text.substr(i, length));
    }
    i += length;
  }
  out += '\'';
  if (i < text.size()) out += "...";
  return out;
}

}  // namespace provisor
