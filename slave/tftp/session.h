// TftpSession: the server side of one read transfer as a pure state machine
// (RFC 1350, 2347, 2348, 2349, 7440; RFC 1123 4.2.3.1). It takes datagrams
// and the current time, and answers with datagrams to send (in an Outbox) and
// the time at which it wants OnTimer() called. It owns no socket and no timer.
//
// Behaviour:
// - With accepted options it sends an OACK and waits for ACK 0; otherwise it
//   starts with DATA 1. ERROR 8 (or any ERROR) from the client ends it
//   quietly; so does a malformed ERROR (too short, or its message without
//   the NUL), which is counted as malformed too.
// - It sends `windowsize` blocks, then waits. An ACK for block k of the
//   window moves the window to start at k+1. A duplicate ACK (one for the
//   block already acknowledged) never causes a resend (Sorcerer's Apprentice);
//   only the timer does, and a timeout resends from the first unacknowledged
//   block, up to `max_retries` times in a row before giving up.
// - Block numbers roll over past 65535 to 0 (or to 1 if configured).
// - The last block is shorter than blksize (zero bytes when the size is a
//   multiple of blksize); the transfer completes when it is acknowledged.
// - A datagram from another address/port (foreign TID) gets ERROR 5 sent to
//   that sender and does not disturb the transfer. A request/DATA/OACK or an
//   unknown opcode from the peer gets ERROR 4 and ends the transfer; a
//   malformed ACK is dropped and counted.
// - A session lives at most `max_lifetime` from Start(), however the client
//   paces its ACKs: then it sends ERROR 0 and ends (kLifetimeExceeded). The
//   deadline is never later than that moment.
//
// Thread-safety: not thread-safe; driven by one loop.
#ifndef PROVISOR_SLAVE_TFTP_SESSION_H_
#define PROVISOR_SLAVE_TFTP_SESSION_H_

#include <algorithm>
#include <cstdint>
#include <memory>

#include "common/clock.h"
#include "common/socket_address.h"
#include "slave/tftp/content.h"
#include "slave/tftp/options.h"
#include "slave/tftp/outbox.h"

namespace provisor::tftp {

struct SessionConfig {
  Duration timeout = std::chrono::seconds(1);  // unless the client negotiates one
  uint32_t max_retries = 5;                      // consecutive timeouts tolerated
  uint16_t rollover_to = 0;                      // block number after 65535: 0 or 1
  // Hard cap on a transfer's duration. 30 minutes moves 90 MB at 512-byte
  // blocks with a 10 ms round trip, 260 MB at 1468-byte blocks.
  Duration max_lifetime = std::chrono::minutes(30);
};

enum class Outcome {
  kInProgress = 0,
  kCompleted,         // last block acknowledged
  kTimeout,           // retries exhausted
  kOptionRefused,     // client answered the OACK with ERROR 8
  kClientError,       // client sent another ERROR
  kIllegalOperation,  // client sent a packet that has no place in a read
  kLifetimeExceeded,  // still running at max_lifetime: ended with ERROR 0
  kAborted,           // server shut down
  kCount,
};
std::string_view OutcomeName(Outcome o);

// What happened inside one session, summed into the server's counters.
struct SessionStats {
  uint64_t data_packets = 0;
  uint64_t retransmits = 0;  // DATA/OACK packets sent again after a timeout
  uint64_t duplicate_acks = 0;
  uint64_t stale_acks = 0;   // ACKs for blocks outside the window
  uint64_t foreign_tid = 0;
  uint64_t malformed = 0;
  uint64_t payload_bytes = 0;  // first transmissions only
};

class TftpSession {
 public:
  // `content` holds the exact bytes to send (already netascii-converted).
  TftpSession(const SessionConfig& config, const SocketAddress& peer,
              const Negotiated& options, std::shared_ptr<const Content> content);

  // Sends the OACK or the first window.
  void Start(MonoTime now, Outbox& out);
  void OnDatagram(const SocketAddress& from, std::span<const uint8_t> bytes, MonoTime now,
                  Outbox& out);
  void OnTimer(MonoTime now, Outbox& out);
  void Abort() { Finish(Outcome::kAborted); }

  bool done() const { return outcome_ != Outcome::kInProgress; }
  Outcome outcome() const { return outcome_; }
  // When OnTimer() is due. Meaningful while !done().
  MonoTime deadline() const { return deadline_; }
  const SessionStats& stats() const { return stats_; }
  const SocketAddress& peer() const { return peer_; }
  uint32_t blksize() const { return options_.blksize; }
  uint32_t windowsize() const { return options_.windowsize; }
  uint64_t total_blocks() const { return total_blocks_; }

  // Wire block number for block index `index` (1-based; 0 is the OACK's ACK).
  static uint16_t WireBlock(uint64_t index, uint16_t rollover_to);

 private:
  void SendOack(Outbox& out);
  void SendWindow(Outbox& out, bool retransmit);
  void HandleAck(uint16_t wire_block, MonoTime now, Outbox& out);
  void Finish(Outcome outcome) { outcome_ = outcome; }
  void Arm(MonoTime now) { deadline_ = std::min(now + timeout_, end_of_life_); }
  // Ends the session with ERROR 0 if it has reached its lifetime.
  bool EndIfExpired(MonoTime now, Outbox& out);

  const SessionConfig config_;
  const SocketAddress peer_;
  const Negotiated options_;
  const std::shared_ptr<const Content> content_;
  const uint64_t total_blocks_;
  const Duration timeout_;

  bool awaiting_oack_ack_ = false;
  uint64_t last_acked_ = 0;   // highest block index acknowledged
  uint64_t highest_sent_ = 0; // highest block index sent so far
  uint32_t retries_ = 0;
  MonoTime deadline_{};
  MonoTime end_of_life_ = MonoTime::max();  // Start() + max_lifetime
  Outcome outcome_ = Outcome::kInProgress;
  SessionStats stats_;
};

}  // namespace provisor::tftp

#endif  // PROVISOR_SLAVE_TFTP_SESSION_H_
