// TFTP engine counters, kept in one place. Each TFTP loop owns one
// TftpCounters (relaxed atomics, written only by that loop, readable from any
// thread); TftpServer::Stats() sums them into a plain TftpStats snapshot.
// The names below are the stable labels the metrics exporter will use.
//
// Thread-safety: TftpCounters: single writer, many readers. TftpStats: value.
#ifndef PROVISOR_SLAVE_TFTP_COUNTERS_H_
#define PROVISOR_SLAVE_TFTP_COUNTERS_H_

#include <array>
#include <atomic>
#include <cstdint>
#include <string_view>

#include "slave/tftp/options.h"
#include "slave/tftp/packet.h"
#include "slave/tftp/session.h"

namespace provisor::tftp {

enum class Counter {
  kRequests = 0,         // RRQ/WRQ datagrams that parsed
  kTransfersStarted,
  kBytesSent,            // payload bytes, first transmissions
  kDataPackets,          // DATA datagrams including retransmissions
  kRetransmits,
  kDuplicateAcks,
  kStaleAcks,
  kForeignTid,           // datagrams from a wrong address/port (ERROR 5 sent)
  kMalformedInSession,   // malformed datagrams from a session's peer (dropped)
  kRefusedWrite,         // WRQ: ERROR 2
  kRefusedBadRequest,    // malformed request on the listening port: ERROR 4
  kRefusedByProvider,    // content provider said no (ERROR 1 and friends)
  kRefusedBusy,          // max_sessions reached: ERROR 0 "server busy"
  kRefusedPerClient,     // per-client limit reached: ERROR 0 "server busy"
  kRefusedNoSocket,      // could not open the transfer's socket
  kRefusedNetasciiTooLarge,  // netascii request for a file over 1 MiB
  kIgnoredOnListener,    // non-request datagrams on the listening port
  kTruncatedDatagrams,   // larger than the receive buffer: dropped
  kSendErrors,
  kCount,
};
std::string_view CounterName(Counter c);

template <typename T>
struct TftpCounterSet {
  std::array<T, static_cast<size_t>(Counter::kCount)> counters{};
  std::array<T, static_cast<size_t>(Outcome::kCount)> outcomes{};  // finished transfers
  std::array<T, static_cast<size_t>(ParseError::kCount)> parse_errors{};
  std::array<T, static_cast<size_t>(OptionKind::kCount)> options_requested{};
  std::array<T, static_cast<size_t>(OptionKind::kCount)> options_accepted{};
  T active_sessions{};
};

using TftpStats = TftpCounterSet<uint64_t>;

class TftpCounters {
 public:
  void Add(Counter c, uint64_t n = 1) { Bump(set_.counters[static_cast<size_t>(c)], n); }
  void AddOutcome(Outcome o) { Bump(set_.outcomes[static_cast<size_t>(o)], 1); }
  void AddParseError(ParseError e) { Bump(set_.parse_errors[static_cast<size_t>(e)], 1); }
  void AddOptions(const Negotiated& n);
  void SessionOpened() { Bump(set_.active_sessions, 1); }
  void SessionClosed() {
    set_.active_sessions.store(set_.active_sessions.load(std::memory_order_relaxed) - 1,
                               std::memory_order_relaxed);
  }
  // Adds this loop's values into `out`.
  void AddTo(TftpStats& out) const;

 private:
  // Single writer: a plain load+store is enough and cheaper than fetch_add.
  static void Bump(std::atomic<uint64_t>& a, uint64_t n) {
    a.store(a.load(std::memory_order_relaxed) + n, std::memory_order_relaxed);
  }
  TftpCounterSet<std::atomic<uint64_t>> set_;
};

inline uint64_t Get(const TftpStats& s, Counter c) {
  return s.counters[static_cast<size_t>(c)];
}
inline uint64_t Get(const TftpStats& s, Outcome o) {
  return s.outcomes[static_cast<size_t>(o)];
}

}  // namespace provisor::tftp

#endif  // PROVISOR_SLAVE_TFTP_COUNTERS_H_
