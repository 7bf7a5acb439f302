// TFTP option negotiation for read requests: RFC 2348 blksize, RFC 2349
// tsize and timeout, RFC 7440 windowsize. Pure logic.
//
// Policy (what an operator expects from a tftpd):
// - names are matched case-insensitively; unknown options are ignored;
//   a repeated option counts once (the first one);
// - blksize below 8 or not a number is ignored (default 512 stays); above
//   the server's cap it is lowered to the cap (a client asks for a maximum);
// - timeout outside 1..255 or not a number is ignored; above the server's
//   max_timeout it is refused (left out of the OACK, so the server's own
//   retransmission timeout applies). It is not lowered: RFC 2349 says the
//   OACK's timeout "must match the value specified by the client", so a
//   server that will not use the client's value may only decline the
//   option, and RFC 2347 lets it leave out any option it does not accept.
//   Without the cap a client picks how long a dead session is kept
//   (timeout=255 and 5 retries: about 25 minutes);
// - windowsize 0 or not a number is ignored; above the cap it is lowered;
// - tsize is answered with the real size of the transfer;
// - the OACK lists exactly the accepted options, in request order, with
//   lower-case names; no accepted option means no OACK.
//
// Thread-safety: stateless.
#ifndef PROVISOR_SLAVE_TFTP_OPTIONS_H_
#define PROVISOR_SLAVE_TFTP_OPTIONS_H_

#include <cstdint>
#include <string>
#include <vector>

#include "slave/tftp/packet.h"

namespace provisor::tftp {

struct OptionLimits {
  uint32_t max_blksize = 1468;   // 8..65464
  uint32_t max_windowsize = 64;  // 1..65535
  uint32_t max_timeout_s = 10;   // 1..255: a larger timeout request is refused
};

enum class OptionKind { kBlksize = 0, kTsize, kTimeout, kWindowsize, kCount };

struct Negotiated {
  uint32_t blksize = kDefaultBlockSize;
  uint32_t windowsize = 1;
  uint32_t timeout_s = 0;  // 0: the client did not negotiate one
  // Accepted options in request order, ready for the OACK.
  std::vector<std::pair<std::string, std::string>> accepted;
  // Which options were requested / accepted (for counters).
  bool requested[static_cast<int>(OptionKind::kCount)] = {};
  bool accepted_kind[static_cast<int>(OptionKind::kCount)] = {};
  bool needs_oack() const { return !accepted.empty(); }
};

// `transfer_size` is the exact number of bytes the client will receive
// (after netascii conversion).
Negotiated NegotiateOptions(const Request& request, const OptionLimits& limits,
                            uint64_t transfer_size);

// Strict decimal parse of an option value; no sign, no spaces. Values larger
// than UINT64_MAX fail.
bool ParseOptionNumber(std::string_view text, uint64_t* out);

}  // namespace provisor::tftp

#endif  // PROVISOR_SLAVE_TFTP_OPTIONS_H_
