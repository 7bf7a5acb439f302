#include "tests/bench/tftp_client_wire.h"

#include <algorithm>
#include <cstring>
#include <limits>

namespace provisor::bench {
namespace {

void AppendOption(std::string_view key, std::string_view value,
                  std::string* out) {
  out->append(key);
  out->push_back('\0');
  out->append(value);
  out->push_back('\0');
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char x = a[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (x != b[i]) return false;
  }
  return true;
}

// Reads a NUL-terminated string starting at *pos; false if unterminated.
bool ReadString(std::span<const uint8_t> body, size_t* pos,
                std::string_view* out) {
  const uint8_t* begin = body.data() + *pos;
  const void* nul = std::memchr(begin, 0, body.size() - *pos);
  if (nul == nullptr) return false;
  size_t length = static_cast<size_t>(static_cast<const uint8_t*>(nul) - begin);
  *out = std::string_view(reinterpret_cast<const char*>(begin), length);
  *pos += length + 1;
  return true;
}

bool ParseDecimal(std::string_view text, uint64_t* out) {
  if (text.empty() || text.size() > 19) return false;
  uint64_t value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return false;
    value = value * 10 + static_cast<uint64_t>(c - '0');
  }
  *out = value;
  return true;
}

// Printable copy of wire text for failure reasons.
std::string Sanitize(std::string_view text) {
  std::string out;
  for (char c : text.substr(0, 120)) {
    out.push_back(c >= 0x20 && c < 0x7f ? c : '?');
  }
  return out;
}

}  // namespace

std::string BuildReadRequest(std::string_view name,
                             const RequestedOptions& options) {
  std::string packet;
  packet.push_back(0);
  packet.push_back(static_cast<char>(kOpRrq));
  packet.append(name);
  packet.push_back('\0');
  packet.append("octet");
  packet.push_back('\0');
  if (options.blksize != 0) {
    AppendOption("blksize", std::to_string(options.blksize), &packet);
  }
  if (options.windowsize != 0) {
    AppendOption("windowsize", std::to_string(options.windowsize), &packet);
  }
  if (options.tsize) AppendOption("tsize", "0", &packet);
  return packet;
}

void BuildAck(uint16_t block, uint8_t* out) {
  out[0] = 0;
  out[1] = kOpAck;
  out[2] = static_cast<uint8_t>(block >> 8);
  out[3] = static_cast<uint8_t>(block & 0xff);
}

size_t BuildError(uint16_t code, std::string_view message, uint8_t* out,
                  size_t capacity) {
  out[0] = 0;
  out[1] = kOpError;
  out[2] = static_cast<uint8_t>(code >> 8);
  out[3] = static_cast<uint8_t>(code & 0xff);
  size_t length = std::min(message.size(), capacity - 5);
  std::memcpy(out + 4, message.data(), length);
  out[4 + length] = 0;
  return 5 + length;
}

bool ParseOack(std::span<const uint8_t> body, const RequestedOptions& requested,
               NegotiatedOptions* out, std::string* error) {
  *out = NegotiatedOptions();
  bool seen_blksize = false;
  bool seen_windowsize = false;
  bool seen_tsize = false;
  size_t pos = 0;
  if (body.empty()) {
    *error = "bad oack: no options";
    return false;
  }
  while (pos < body.size()) {
    std::string_view key;
    std::string_view text;
    if (!ReadString(body, &pos, &key) || !ReadString(body, &pos, &text)) {
      *error = "bad oack: unterminated option";
      return false;
    }
    uint64_t value = 0;
    if (!ParseDecimal(text, &value)) {
      *error = "bad oack: non-numeric value for " + Sanitize(key);
      return false;
    }
    if (EqualsIgnoreCase(key, "blksize") && requested.blksize != 0) {
      if (seen_blksize) {
        *error = "bad oack: duplicate blksize";
        return false;
      }
      if (value < kMinBlockSize || value > requested.blksize) {
        *error = "bad oack: blksize " + std::to_string(value) + " outside 8.." +
                 std::to_string(requested.blksize);
        return false;
      }
      seen_blksize = true;
      out->blksize = static_cast<uint32_t>(value);
    } else if (EqualsIgnoreCase(key, "windowsize") &&
               requested.windowsize != 0) {
      if (seen_windowsize) {
        *error = "bad oack: duplicate windowsize";
        return false;
      }
      if (value < 1 || value > requested.windowsize) {
        *error = "bad oack: windowsize " + std::to_string(value) +
                 " outside 1.." + std::to_string(requested.windowsize);
        return false;
      }
      seen_windowsize = true;
      out->windowsize = static_cast<uint32_t>(value);
    } else if (EqualsIgnoreCase(key, "tsize") && requested.tsize) {
      if (seen_tsize) {
        *error = "bad oack: duplicate tsize";
        return false;
      }
      if (value > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
        *error = "bad oack: tsize out of range";
        return false;
      }
      seen_tsize = true;
      out->tsize = static_cast<int64_t>(value);
    } else {
      *error = "bad oack: unrequested option " + Sanitize(key);
      return false;
    }
  }
  return true;
}

std::string DescribeError(std::span<const uint8_t> packet) {
  uint16_t code = ReadU16(packet.data() + 2);
  std::string_view message(reinterpret_cast<const char*>(packet.data() + 4),
                           packet.size() - 4);
  size_t nul = message.find('\0');
  if (nul != std::string_view::npos) message = message.substr(0, nul);
  return "error " + std::to_string(code) + ": " + Sanitize(message);
}

}  // namespace provisor::bench
