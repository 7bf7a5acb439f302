#include "slave/tftp/packet.h"

#include <cstring>

namespace provisor::tftp {
namespace {

uint16_t ReadU16(const uint8_t* p) { return static_cast<uint16_t>((p[0] << 8) | p[1]); }

void AppendU16(uint16_t v, std::vector<uint8_t>& out) {
  out.push_back(static_cast<uint8_t>(v >> 8));
  out.push_back(static_cast<uint8_t>(v & 0xff));
}

void AppendCString(std::string_view s, std::vector<uint8_t>& out) {
  out.insert(out.end(), s.begin(), s.end());
  out.push_back(0);
}

// Reads a NUL-terminated string starting at `pos`; on success advances `pos`
// past the NUL.
bool ReadCString(std::span<const uint8_t> bytes, size_t& pos, std::string_view& out) {
  const uint8_t* begin = bytes.data() + pos;
  const void* nul = std::memchr(begin, 0, bytes.size() - pos);
  if (nul == nullptr) return false;
  size_t len = static_cast<const uint8_t*>(nul) - begin;
  out = std::string_view(reinterpret_cast<const char*>(begin), len);
  pos += len + 1;
  return true;
}

// Option list shared by RRQ/WRQ and OACK: pairs of NUL-terminated strings.
// Empty names (padding some boot ROMs send) are skipped; options beyond the
// array are ignored.
ParseError ReadOptions(std::span<const uint8_t> bytes, size_t pos,
                       std::array<Option, kMaxOptions>& options, size_t& count) {
  count = 0;
  while (pos < bytes.size()) {
    std::string_view name, value;
    if (!ReadCString(bytes, pos, name)) return ParseError::kUnterminatedOption;
    if (name.empty()) continue;
    if (pos >= bytes.size() || !ReadCString(bytes, pos, value)) {
      return ParseError::kUnterminatedOption;
    }
    if (count < kMaxOptions) options[count++] = Option{name, value};
  }
  return ParseError::kNone;
}

}  // namespace

std::string_view ParseErrorName(ParseError e) {
  switch (e) {
    case ParseError::kNone: return "none";
    case ParseError::kTooShort: return "too_short";
    case ParseError::kTooLong: return "too_long";
    case ParseError::kUnknownOpcode: return "unknown_opcode";
    case ParseError::kUnterminatedFilename: return "unterminated_filename";
    case ParseError::kEmptyFilename: return "empty_filename";
    case ParseError::kUnterminatedMode: return "unterminated_mode";
    case ParseError::kUnknownMode: return "unknown_mode";
    case ParseError::kUnterminatedOption: return "unterminated_option";
    case ParseError::kBadAckLength: return "bad_ack_length";
    case ParseError::kUnterminatedError: return "unterminated_error";
    case ParseError::kCount: break;
  }
  return "unknown";
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    unsigned char x = static_cast<unsigned char>(a[i]);
    unsigned char y = static_cast<unsigned char>(b[i]);
    if (x >= 'A' && x <= 'Z') x = static_cast<unsigned char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<unsigned char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

ParseResult Parse(std::span<const uint8_t> bytes) {
  ParseResult result;
  if (bytes.size() < 2) {
    result.error = ParseError::kTooShort;
    return result;
  }
  uint16_t opcode = ReadU16(bytes.data());
  if (opcode < 1 || opcode > 6) {
    result.error = ParseError::kUnknownOpcode;
    return result;
  }
  ParsedPacket& p = result.packet;
  p.opcode = static_cast<Opcode>(opcode);
  switch (p.opcode) {
    case Opcode::kRrq:
    case Opcode::kWrq: {
      if (bytes.size() > kMaxRequestSize) {
        result.error = ParseError::kTooLong;
        return result;
      }
      size_t pos = 2;
      if (!ReadCString(bytes, pos, p.request.filename)) {
        result.error = ParseError::kUnterminatedFilename;
        return result;
      }
      if (p.request.filename.empty()) {
        result.error = ParseError::kEmptyFilename;
        return result;
      }
      std::string_view mode;
      if (pos >= bytes.size() || !ReadCString(bytes, pos, mode)) {
        result.error = ParseError::kUnterminatedMode;
        return result;
      }
      if (EqualsIgnoreCase(mode, "octet")) {
        p.request.mode = TransferMode::kOctet;
      } else if (EqualsIgnoreCase(mode, "netascii")) {
        p.request.mode = TransferMode::kNetascii;
      } else {
        result.error = ParseError::kUnknownMode;
        return result;
      }
      result.error = ReadOptions(bytes, pos, p.request.options, p.request.option_count);
      return result;
    }
    case Opcode::kData: {
      if (bytes.size() < 4) {
        result.error = ParseError::kTooShort;
        return result;
      }
      if (bytes.size() > 4 + kMaxBlockSize) {
        result.error = ParseError::kTooLong;
        return result;
      }
      p.block = ReadU16(bytes.data() + 2);
      p.data = bytes.subspan(4);
      return result;
    }
    case Opcode::kAck: {
      if (bytes.size() != 4) {
        result.error = ParseError::kBadAckLength;
        return result;
      }
      p.block = ReadU16(bytes.data() + 2);
      return result;
    }
    case Opcode::kError: {
      if (bytes.size() < 4) {
        result.error = ParseError::kTooShort;
        return result;
      }
      p.error_code = static_cast<ErrorCode>(ReadU16(bytes.data() + 2));
      size_t pos = 4;
      if (pos >= bytes.size() || !ReadCString(bytes, pos, p.error_message)) {
        // Some clients omit the message and its NUL; the code is what matters.
        if (bytes.size() == 4) return result;
        result.error = ParseError::kUnterminatedError;
      }
      return result;
    }
    case Opcode::kOack: {
      if (bytes.size() > kMaxRequestSize) {
        result.error = ParseError::kTooLong;
        return result;
      }
      result.error = ReadOptions(bytes, 2, p.oack_options, p.oack_option_count);
      return result;
    }
  }
  result.error = ParseError::kUnknownOpcode;
  return result;
}

void AppendRequest(Opcode opcode, std::string_view filename, std::string_view mode,
                   std::span<const Option> options, std::vector<uint8_t>& out) {
  AppendU16(static_cast<uint16_t>(opcode), out);
  AppendCString(filename, out);
  AppendCString(mode, out);
  for (const Option& o : options) {
    AppendCString(o.name, out);
    AppendCString(o.value, out);
  }
}

void AppendAck(uint16_t block, std::vector<uint8_t>& out) {
  AppendU16(static_cast<uint16_t>(Opcode::kAck), out);
  AppendU16(block, out);
}

void AppendData(uint16_t block, std::span<const uint8_t> payload, std::vector<uint8_t>& out) {
  AppendU16(static_cast<uint16_t>(Opcode::kData), out);
  AppendU16(block, out);
  out.insert(out.end(), payload.begin(), payload.end());
}

void AppendError(ErrorCode code, std::string_view message, std::vector<uint8_t>& out) {
  AppendU16(static_cast<uint16_t>(Opcode::kError), out);
  AppendU16(static_cast<uint16_t>(code), out);
  AppendCString(message, out);
}

void AppendOack(std::span<const Option> options, std::vector<uint8_t>& out) {
  AppendU16(static_cast<uint16_t>(Opcode::kOack), out);
  for (const Option& o : options) {
    AppendCString(o.name, out);
    AppendCString(o.value, out);
  }
}

}  // namespace provisor::tftp
