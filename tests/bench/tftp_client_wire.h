// Client-side TFTP wire format for the load generator: building RRQ / ACK /
// ERROR packets (RFC 1350) and validating an OACK against what was requested
// (RFC 2347 negotiation of blksize RFC 2348, tsize RFC 2349, windowsize
// RFC 7440).
//
// Contract: pure functions over byte buffers, no I/O, no state. Independent of
// the server's own codec on purpose (it serves as an oracle in tests).
#ifndef PROVISOR_TESTS_BENCH_TFTP_CLIENT_WIRE_H_
#define PROVISOR_TESTS_BENCH_TFTP_CLIENT_WIRE_H_

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace provisor::bench {

inline constexpr uint16_t kOpRrq = 1;
inline constexpr uint16_t kOpData = 3;
inline constexpr uint16_t kOpAck = 4;
inline constexpr uint16_t kOpError = 5;
inline constexpr uint16_t kOpOack = 6;

inline constexpr uint16_t kErrUndefined = 0;
inline constexpr uint16_t kErrIllegalOperation = 4;
inline constexpr uint16_t kErrUnknownTid = 5;
inline constexpr uint16_t kErrOptionRefused = 8;

inline constexpr uint32_t kDefaultBlockSize = 512;
inline constexpr uint32_t kMinBlockSize = 8;       // RFC 2348
inline constexpr uint32_t kMaxBlockSize = 65464;   // RFC 2348
inline constexpr uint32_t kMaxWindowSize = 65535;  // RFC 7440
inline constexpr size_t kAckSize = 4;

// Options the client puts in its RRQ; 0 / false = option not sent.
struct RequestedOptions {
  uint32_t blksize = 0;
  uint32_t windowsize = 0;
  bool tsize = false;

  bool any() const { return blksize != 0 || windowsize != 0 || tsize; }
};

// Transfer parameters in force after the first server reply. Defaults are
// the RFC 1350 values used when the server ignores the options.
struct NegotiatedOptions {
  uint32_t blksize = kDefaultBlockSize;
  uint32_t windowsize = 1;
  int64_t tsize = -1;  // -1 = not announced by the server
};

inline uint16_t ReadU16(const uint8_t* p) {
  return static_cast<uint16_t>((p[0] << 8) | p[1]);
}

// Octet-mode RRQ for `name` carrying the requested options.
std::string BuildReadRequest(std::string_view name,
                             const RequestedOptions& options);

// Writes an ACK for `block` into out[0..kAckSize).
void BuildAck(uint16_t block, uint8_t* out);

// Writes an ERROR packet into `out` (message truncated to fit `capacity`,
// which must be >= 5). Returns the packet length.
size_t BuildError(uint16_t code, std::string_view message, uint8_t* out,
                  size_t capacity);

// Validates the option list of an OACK (`body` = bytes after the opcode).
// Every option must have been requested, appear once, carry a decimal value
// within range (blksize 8..requested, windowsize 1..requested, tsize >= 0).
// On success fills `out` (unmentioned options keep their defaults: the server
// declined them) and returns true; else sets `error` and returns false.
bool ParseOack(std::span<const uint8_t> body, const RequestedOptions& requested,
               NegotiatedOptions* out, std::string* error);

// "error <code>: <message>" for an ERROR packet (whole packet, >= 4 bytes);
// a missing terminating NUL is tolerated.
std::string DescribeError(std::span<const uint8_t> packet);

}  // namespace provisor::bench

#endif  // PROVISOR_TESTS_BENCH_TFTP_CLIENT_WIRE_H_
