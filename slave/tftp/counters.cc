#include "slave/tftp/counters.h"

namespace provisor::tftp {

std::string_view CounterName(Counter c) {
  switch (c) {
    case Counter::kRequests: return "requests";
    case Counter::kTransfersStarted: return "transfers_started";
    case Counter::kBytesSent: return "bytes_sent";
    case Counter::kDataPackets: return "data_packets";
    case Counter::kRetransmits: return "retransmits";
    case Counter::kDuplicateAcks: return "duplicate_acks";
    case Counter::kStaleAcks: return "stale_acks";
    case Counter::kForeignTid: return "foreign_tid";
    case Counter::kMalformedInSession: return "malformed_in_session";
    case Counter::kRefusedWrite: return "refused_write";
    case Counter::kRefusedBadRequest: return "refused_bad_request";
    case Counter::kRefusedByProvider: return "refused_by_provider";
    case Counter::kRefusedBusy: return "refused_busy";
    case Counter::kRefusedPerClient: return "refused_per_client";
    case Counter::kRefusedNoSocket: return "refused_no_socket";
    case Counter::kRefusedNetasciiTooLarge: return "refused_netascii_too_large";
    case Counter::kIgnoredOnListener: return "ignored_on_listener";
    case Counter::kTruncatedDatagrams: return "truncated_datagrams";
    case Counter::kSendErrors: return "send_errors";
    case Counter::kCount: break;
  }
  return "unknown";
}

void TftpCounters::AddOptions(const Negotiated& n) {
  for (size_t k = 0; k < static_cast<size_t>(OptionKind::kCount); ++k) {
    if (n.requested[k]) Bump(set_.options_requested[k], 1);
    if (n.accepted_kind[k]) Bump(set_.options_accepted[k], 1);
  }
}

void TftpCounters::AddTo(TftpStats& out) const {
  auto add = [](auto& dst, const auto& src) {
    for (size_t i = 0; i < dst.size(); ++i) dst[i] += src[i].load(std::memory_order_relaxed);
  };
  add(out.counters, set_.counters);
  add(out.outcomes, set_.outcomes);
  add(out.parse_errors, set_.parse_errors);
  add(out.options_requested, set_.options_requested);
  add(out.options_accepted, set_.options_accepted);
  out.active_sessions += set_.active_sessions.load(std::memory_order_relaxed);
}

}  // namespace provisor::tftp
