#include "slave/tftp/options.h"

#include <algorithm>
#include <charconv>

namespace provisor::tftp {

bool ParseOptionNumber(std::string_view text, uint64_t* out) {
  if (text.empty() || text.size() > 20) return false;
  for (char c : text) {
    if (c < '0' || c > '9') return false;
  }
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), *out);
  return ec == std::errc() && ptr == text.data() + text.size();
}

Negotiated NegotiateOptions(const Request& request, const OptionLimits& limits,
                            uint64_t transfer_size) {
  Negotiated n;
  const uint64_t blk_cap =
      std::clamp<uint64_t>(limits.max_blksize, kMinBlockSize, kMaxBlockSize);
  const uint64_t win_cap = std::clamp<uint64_t>(limits.max_windowsize, 1, kMaxWindowSize);
  for (const Option& option : request.option_span()) {
    OptionKind kind;
    if (EqualsIgnoreCase(option.name, "blksize")) {
      kind = OptionKind::kBlksize;
    } else if (EqualsIgnoreCase(option.name, "tsize")) {
      kind = OptionKind::kTsize;
    } else if (EqualsIgnoreCase(option.name, "timeout")) {
      kind = OptionKind::kTimeout;
    } else if (EqualsIgnoreCase(option.name, "windowsize")) {
      kind = OptionKind::kWindowsize;
    } else {
      continue;
    }
    const int k = static_cast<int>(kind);
    if (n.requested[k]) continue;  // a repeated option counts once
    n.requested[k] = true;
    uint64_t value = 0;
    bool numeric = ParseOptionNumber(option.value, &value);
    switch (kind) {
      case OptionKind::kBlksize:
        if (!numeric && !option.value.empty() &&
            option.value.find_first_not_of("0123456789") == std::string_view::npos) {
          value = UINT64_MAX;  // all digits but overflowing: a very large ask
          numeric = true;
        }
        if (!numeric || value < kMinBlockSize) continue;
        n.blksize = static_cast<uint32_t>(std::min(value, blk_cap));
        n.accepted.emplace_back("blksize", std::to_string(n.blksize));
        break;
      case OptionKind::kTsize:
        if (!numeric) continue;
        n.accepted.emplace_back("tsize", std::to_string(transfer_size));
        break;
      case OptionKind::kTimeout:
        // Refused, not lowered: see the header (RFC 2349).
        if (!numeric || value < 1 || value > 255 || value > limits.max_timeout_s) continue;
        n.timeout_s = static_cast<uint32_t>(value);
        n.accepted.emplace_back("timeout", std::to_string(n.timeout_s));
        break;
      case OptionKind::kWindowsize:
        if (!numeric || value < 1) continue;
        n.windowsize = static_cast<uint32_t>(std::min(value, win_cap));
        n.accepted.emplace_back("windowsize", std::to_string(n.windowsize));
        break;
      case OptionKind::kCount:
        break;
    }
    n.accepted_kind[k] = true;
  }
  return n;
}

}  // namespace provisor::tftp
