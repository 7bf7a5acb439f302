// TFTP packet codec (RFC 1350, RFC 2347 option extension). Pure functions:
// bytes in, a parsed view or a specific rejection reason out; values in,
// bytes out. No I/O, no allocation beyond the output buffers given.
//
// Thread-safety: stateless. A ParsedPacket holds views into the input bytes,
// so it REQUIRES the input to outlive it.
#ifndef PROVISOR_SLAVE_TFTP_PACKET_H_
#define PROVISOR_SLAVE_TFTP_PACKET_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

namespace provisor::tftp {

enum class Opcode : uint16_t {
  kRrq = 1,
  kWrq = 2,
  kData = 3,
  kAck = 4,
  kError = 5,
  kOack = 6,
};

enum class ErrorCode : uint16_t {
  kNotDefined = 0,
  kFileNotFound = 1,
  kAccessViolation = 2,
  kDiskFull = 3,
  kIllegalOperation = 4,
  kUnknownTid = 5,
  kFileExists = 6,
  kNoSuchUser = 7,
  kOptionRefused = 8,
};

enum class TransferMode { kOctet, kNetascii };

// Why a datagram was rejected. Each reason is counted by the server.
enum class ParseError {
  kNone = 0,
  kTooShort,              // fewer than 2 bytes, or too short for its opcode
  kTooLong,               // larger than any valid packet of its opcode
  kUnknownOpcode,         // opcode 0 or > 6
  kUnterminatedFilename,  // no NUL after the file name
  kEmptyFilename,
  kUnterminatedMode,      // no NUL after the mode
  kUnknownMode,           // not netascii/octet (case-insensitive); "mail" too
  kUnterminatedOption,    // an option name or value without its NUL
  kBadAckLength,          // ACK must be exactly 4 bytes
  kUnterminatedError,     // ERROR message without its NUL
  kCount,
};
std::string_view ParseErrorName(ParseError e);

// Largest values allowed by RFC 2348 / RFC 7440.
inline constexpr size_t kMinBlockSize = 8;
inline constexpr size_t kMaxBlockSize = 65464;
inline constexpr size_t kDefaultBlockSize = 512;
inline constexpr size_t kMaxWindowSize = 65535;
// An RRQ/WRQ larger than this is refused (names are short; a 512-byte
// request is what RFC 1350 clients fit in one packet; options add a little).
inline constexpr size_t kMaxRequestSize = 1024;
inline constexpr size_t kMaxOptions = 16;

struct Option {
  std::string_view name;   // as sent; compare case-insensitively
  std::string_view value;
};

struct Request {
  std::string_view filename;
  TransferMode mode = TransferMode::kOctet;
  std::array<Option, kMaxOptions> options{};
  size_t option_count = 0;  // options past kMaxOptions are ignored
  std::span<const Option> option_span() const { return {options.data(), option_count}; }
};

struct ParsedPacket {
  Opcode opcode = Opcode::kRrq;
  Request request;                     // kRrq, kWrq
  uint16_t block = 0;                  // kData, kAck
  std::span<const uint8_t> data;       // kData payload
  ErrorCode error_code = ErrorCode::kNotDefined;  // kError
  std::string_view error_message;      // kError
  std::array<Option, kMaxOptions> oack_options{};  // kOack
  size_t oack_option_count = 0;
};

struct ParseResult {
  ParseError error = ParseError::kNone;
  ParsedPacket packet;
  bool ok() const { return error == ParseError::kNone; }
  // Any datagram with the ERROR opcode, well-formed or not (too short for
  // its code, or a message without its NUL): packet.opcode is kError and
  // packet.error_code is set when the code is there. A peer's ERROR ends a
  // transfer and is never answered, whatever its shape.
  bool is_error() const { return packet.opcode == Opcode::kError; }
};

// Parses any TFTP datagram.
ParseResult Parse(std::span<const uint8_t> bytes);

// Case-insensitive ASCII comparison, as option names and modes require.
bool EqualsIgnoreCase(std::string_view a, std::string_view b);

// --- Writers: each appends one complete packet to `out`. ---
void AppendRequest(Opcode opcode, std::string_view filename, std::string_view mode,
                   std::span<const Option> options, std::vector<uint8_t>& out);
void AppendAck(uint16_t block, std::vector<uint8_t>& out);
void AppendData(uint16_t block, std::span<const uint8_t> payload, std::vector<uint8_t>& out);
void AppendError(ErrorCode code, std::string_view message, std::vector<uint8_t>& out);
void AppendOack(std::span<const Option> options, std::vector<uint8_t>& out);

// Writes the 4-byte DATA header at `out`.
inline void WriteDataHeader(uint16_t block, uint8_t* out) {
  out[0] = 0;
  out[1] = static_cast<uint8_t>(Opcode::kData);
  out[2] = static_cast<uint8_t>(block >> 8);
  out[3] = static_cast<uint8_t>(block & 0xff);
}

}  // namespace provisor::tftp

#endif  // PROVISOR_SLAVE_TFTP_PACKET_H_
