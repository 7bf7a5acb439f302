// Fuzzes the TFTP packet parser and what the engine does with a parsed
// request: option negotiation and a session fed the datagram as its peer.
// Properties checked: no crash or sanitizer report; a parsed packet's views
// stay inside the input; a request that parses re-encodes to bytes that
// parse to the same request.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>

#include "slave/tftp/options.h"
#include "slave/tftp/packet.h"
#include "slave/tftp/session.h"

using namespace provisor;
using namespace provisor::tftp;

namespace {

bool Inside(std::string_view view, const uint8_t* data, size_t size) {
  auto* p = reinterpret_cast<const uint8_t*>(view.data());
  return view.empty() || (p >= data && p + view.size() <= data + size);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::span<const uint8_t> bytes(data, size);
  ParseResult r = Parse(bytes);
  if (!r.ok()) return 0;
  const ParsedPacket& p = r.packet;
  if (p.opcode == Opcode::kRrq || p.opcode == Opcode::kWrq) {
    if (!Inside(p.request.filename, data, size) || p.request.filename.empty()) abort();
    for (const Option& o : p.request.option_span()) {
      if (!Inside(o.name, data, size) || !Inside(o.value, data, size)) abort();
    }
    std::vector<uint8_t> again;
    AppendRequest(p.opcode, p.request.filename,
                  p.request.mode == TransferMode::kOctet ? "octet" : "netascii",
                  p.request.option_span(), again);
    ParseResult r2 = Parse(again);
    if (!r2.ok() || r2.packet.request.filename != p.request.filename ||
        r2.packet.request.option_count != p.request.option_count) {
      abort();
    }
    OptionLimits limits;
    Negotiated n = NegotiateOptions(p.request, limits, size);
    if (n.blksize < kMinBlockSize || n.blksize > limits.max_blksize) abort();
    if (n.windowsize < 1 || n.windowsize > limits.max_windowsize) abort();
    // Drive a session with the same bytes as the peer's next datagram.
    SocketAddress peer;
    TftpSession session(SessionConfig{}, peer, n,
                        std::make_shared<StringContent>(std::string(p.request.filename)));
    Outbox out;
    session.Start(MonoTime{}, out);
    out.Clear();
    session.OnDatagram(peer, bytes, MonoTime{}, out);
  }
  return 0;
}
