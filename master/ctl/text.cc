#include "master/ctl/text.h"

#include <algorithm>
#include <cctype>
#include <charconv>

#include "common/hex.h"

namespace provisor::ctl {

std::string_view Trim(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) {
    text.remove_prefix(1);
  }
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) {
    text.remove_suffix(1);
  }
  return text;
}

std::string Lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return std::tolower(c); });
  return out;
}

bool StartsWith(std::string_view text, std::string_view prefix) {
  return text.substr(0, prefix.size()) == prefix;
}

StatusOr<uint32_t> ParseUint32(std::string_view text, uint32_t max) {
  std::string_view trimmed = Trim(text);
  if (trimmed.empty()) return 0u;
  uint64_t value = 0;
  const char* end = trimmed.data() + trimmed.size();
  auto [ptr, ec] = std::from_chars(trimmed.data(), end, value);
  if (ec == std::errc::result_out_of_range ||
      (ec == std::errc() && ptr == end && value > max)) {
    return InvalidArgumentError("'" + std::string(trimmed) + "' is out of range (0.." +
                                std::to_string(max) + ")");
  }
  if (ec != std::errc() || ptr != end) {
    return InvalidArgumentError("'" + std::string(trimmed) + "' is not a number");
  }
  return static_cast<uint32_t>(value);
}

StatusOr<std::string> HexDecode(std::string_view text) {
  std::string_view trimmed = Trim(text);
  if (StartsWith(trimmed, "0x") || StartsWith(trimmed, "0X")) trimmed.remove_prefix(2);
  std::string digits;
  digits.reserve(trimmed.size());
  for (char c : trimmed) {
    if (c == ':' || c == '-') continue;
    if (!std::isxdigit(static_cast<unsigned char>(c))) {
      return InvalidArgumentError("'" + std::string(text) + "' is not hexadecimal");
    }
    digits.push_back(c);
  }
  if (digits.size() % 2 != 0) {
    return InvalidArgumentError("'" + std::string(text) + "' has an odd number of hex digits");
  }
  auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    return std::tolower(static_cast<unsigned char>(c)) - 'a' + 10;
  };
  std::string bytes;
  bytes.reserve(digits.size() / 2);
  for (size_t i = 0; i < digits.size(); i += 2) {
    bytes.push_back(static_cast<char>(nibble(digits[i]) * 16 + nibble(digits[i + 1])));
  }
  return bytes;
}

std::string HexEncode(std::string_view bytes) { return provisor::HexEncode(bytes); }

std::string OneLine(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  bool space = false;
  for (char c : Trim(text)) {
    if (c == '\n' || c == '\r' || c == '\t') {
      space = true;
      continue;
    }
    if (space && !out.empty() && out.back() != ' ') out.push_back(' ');
    space = false;
    out.push_back(c);
  }
  return out;
}

}  // namespace provisor::ctl
