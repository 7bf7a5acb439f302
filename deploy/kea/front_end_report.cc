#include "deploy/kea/front_end_report.h"

namespace provisor::kea {

const char* FrontEndReport::Name(Result r) {
  switch (r) {
    case kAnswered: return "answered";
    case kRefused: return "refused";
    case kFallback: return "fallback";
    case kUnanswered: return "unanswered";
    case kCount: break;
  }
  return "unknown";
}

std::optional<std::map<std::string, uint64_t>> FrontEndReport::Due(
    std::chrono::steady_clock::time_point now) {
  const int64_t now_ns =
      std::chrono::duration_cast<std::chrono::nanoseconds>(now.time_since_epoch()).count();
  int64_t last = last_ns_.load(std::memory_order_relaxed);
  const int64_t every_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(every_).count();
  if (last != INT64_MIN && now_ns - last < every_ns) return std::nullopt;
  if (!last_ns_.compare_exchange_strong(last, now_ns, std::memory_order_relaxed)) {
    return std::nullopt;  // another ask took this report
  }
  std::map<std::string, uint64_t> out;
  for (int r = 0; r < kCount; ++r) out[Name(static_cast<Result>(r))] = count(static_cast<Result>(r));
  return out;
}

}  // namespace provisor::kea
