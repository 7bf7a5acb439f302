#include "slave/tftp/session.h"

#include <algorithm>

namespace provisor::tftp {

std::string_view OutcomeName(Outcome o) {
  switch (o) {
    case Outcome::kInProgress: return "in_progress";
    case Outcome::kCompleted: return "completed";
    case Outcome::kTimeout: return "timeout";
    case Outcome::kOptionRefused: return "option_refused";
    case Outcome::kClientError: return "client_error";
    case Outcome::kIllegalOperation: return "illegal_operation";
    case Outcome::kLifetimeExceeded: return "lifetime_exceeded";
    case Outcome::kAborted: return "aborted";
    case Outcome::kCount: break;
  }
  return "unknown";
}

uint16_t TftpSession::WireBlock(uint64_t index, uint16_t rollover_to) {
  if (rollover_to == 0 || index <= 65535) return static_cast<uint16_t>(index & 0xffff);
  // 65535 is followed by 1: numbers cycle through 1..65535.
  return static_cast<uint16_t>((index - 65536) % 65535 + 1);
}

TftpSession::TftpSession(const SessionConfig& config, const SocketAddress& peer,
                         const Negotiated& options, std::shared_ptr<const Content> content)
    : config_(config),
      peer_(peer),
      options_(options),
      content_(std::move(content)),
      total_blocks_(content_->size() / options_.blksize + 1),
      timeout_(options_.timeout_s > 0 ? Duration(std::chrono::seconds(options_.timeout_s))
                                      : config.timeout) {}

void TftpSession::Start(MonoTime now, Outbox& out) {
  end_of_life_ = now + config_.max_lifetime;
  if (options_.needs_oack()) {
    awaiting_oack_ack_ = true;
    SendOack(out);
  } else {
    SendWindow(out, /*retransmit=*/false);
  }
  Arm(now);
}

void TftpSession::SendOack(Outbox& out) {
  size_t size = 2;
  for (const auto& [name, value] : options_.accepted) size += name.size() + value.size() + 2;
  std::span<uint8_t> p = out.Append(size);
  p[0] = 0;
  p[1] = static_cast<uint8_t>(Opcode::kOack);
  size_t pos = 2;
  for (const auto& [name, value] : options_.accepted) {
    std::copy(name.begin(), name.end(), p.begin() + pos);
    pos += name.size();
    p[pos++] = 0;
    std::copy(value.begin(), value.end(), p.begin() + pos);
    pos += value.size();
    p[pos++] = 0;
  }
}

void TftpSession::SendWindow(Outbox& out, bool retransmit) {
  const uint64_t first = last_acked_ + 1;
  const uint64_t last = std::min<uint64_t>(last_acked_ + options_.windowsize, total_blocks_);
  const uint64_t size = content_->size();
  for (uint64_t index = first; index <= last; ++index) {
    const uint64_t offset = (index - 1) * options_.blksize;
    const size_t len = static_cast<size_t>(std::min<uint64_t>(options_.blksize, size - offset));
    std::span<uint8_t> p = out.Append(4 + len);
    WriteDataHeader(WireBlock(index, config_.rollover_to), p.data());
    content_->Read(offset, p.subspan(4));
    ++stats_.data_packets;
    if (retransmit || index <= highest_sent_) {
      ++stats_.retransmits;
    } else {
      stats_.payload_bytes += len;
    }
  }
  highest_sent_ = std::max(highest_sent_, last);
}

void TftpSession::OnDatagram(const SocketAddress& from, std::span<const uint8_t> bytes,
                             MonoTime now, Outbox& out) {
  if (done()) return;
  ParseResult parsed = Parse(bytes);
  if (!(from == peer_)) {
    ++stats_.foreign_tid;
    // Never answer an ERROR with an ERROR (no ping-pong between two servers).
    if (!parsed.is_error()) {
      std::vector<uint8_t> error;
      AppendError(ErrorCode::kUnknownTid, "Unknown transfer ID", error);
      out.AppendBytes(error, from);
    }
    return;
  }
  if (parsed.is_error()) {
    // Any ERROR from the peer ends the transfer, well-formed or not, and is
    // never answered.
    if (!parsed.ok()) {
      ++stats_.malformed;
      Finish(Outcome::kClientError);
    } else {
      Finish(awaiting_oack_ack_ && parsed.packet.error_code == ErrorCode::kOptionRefused
                 ? Outcome::kOptionRefused
                 : Outcome::kClientError);
    }
    return;
  }
  if (EndIfExpired(now, out)) return;
  if (!parsed.ok()) {
    if (parsed.error == ParseError::kUnknownOpcode) {
      std::vector<uint8_t> error;
      AppendError(ErrorCode::kIllegalOperation, "Illegal TFTP operation", error);
      out.AppendBytes(error);
      Finish(Outcome::kIllegalOperation);
      return;
    }
    ++stats_.malformed;
    return;
  }
  switch (parsed.packet.opcode) {
    case Opcode::kAck:
      HandleAck(parsed.packet.block, now, out);
      return;
    case Opcode::kError:  // handled above
      return;
    case Opcode::kRrq:
    case Opcode::kWrq:
    case Opcode::kData:
    case Opcode::kOack: {
      std::vector<uint8_t> error;
      AppendError(ErrorCode::kIllegalOperation, "Illegal TFTP operation", error);
      out.AppendBytes(error);
      Finish(Outcome::kIllegalOperation);
      return;
    }
  }
}

void TftpSession::HandleAck(uint16_t wire_block, MonoTime now, Outbox& out) {
  if (awaiting_oack_ack_) {
    if (wire_block != 0) {
      ++stats_.stale_acks;
      return;
    }
    awaiting_oack_ack_ = false;
    retries_ = 0;
    SendWindow(out, /*retransmit=*/false);
    Arm(now);
    return;
  }
  // Which block index in [last_acked_, highest_sent_] carries this number?
  // The range is at most windowsize+1 <= 65536 long, so at most one does.
  uint64_t acked = 0;
  bool found = false;
  for (uint64_t index = highest_sent_ + 1; index-- > last_acked_;) {
    if (WireBlock(index, config_.rollover_to) == wire_block) {
      acked = index;
      found = true;
      break;
    }
  }
  if (!found) {
    ++stats_.stale_acks;
    return;
  }
  if (acked == last_acked_) {
    ++stats_.duplicate_acks;  // Sorcerer's Apprentice: never resend on this
    return;
  }
  last_acked_ = acked;
  retries_ = 0;
  if (last_acked_ == total_blocks_) {
    Finish(Outcome::kCompleted);
    return;
  }
  SendWindow(out, /*retransmit=*/false);
  Arm(now);
}

bool TftpSession::EndIfExpired(MonoTime now, Outbox& out) {
  if (now < end_of_life_) return false;
  std::vector<uint8_t> error;
  AppendError(ErrorCode::kNotDefined, "Transfer time limit exceeded", error);
  out.AppendBytes(error);
  Finish(Outcome::kLifetimeExceeded);
  return true;
}

void TftpSession::OnTimer(MonoTime now, Outbox& out) {
  if (done()) return;
  if (now < deadline_) return;
  if (EndIfExpired(now, out)) return;
  if (++retries_ > config_.max_retries) {
    Finish(Outcome::kTimeout);
    return;
  }
  if (awaiting_oack_ack_) {
    SendOack(out);
    ++stats_.retransmits;
  } else {
    SendWindow(out, /*retransmit=*/true);
  }
  Arm(now);
}

}  // namespace provisor::tftp
