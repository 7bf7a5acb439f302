// LatencyHistogram: how long the hook held a packet waiting for the
// master, in 10 us buckets up to 20 ms (one overflow bucket beyond), for
// the summary the hook prints when Kea unloads it.
//
// Thread-safety: thread-safe (relaxed atomics).
#ifndef PROVISOR_DEPLOY_KEA_LATENCY_H_
#define PROVISOR_DEPLOY_KEA_LATENCY_H_

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>

namespace provisor::kea {

class LatencyHistogram {
 public:
  static constexpr int64_t kBucketUs = 10;
  static constexpr size_t kBuckets = 2000;

  void Add(std::chrono::nanoseconds d) {
    const int64_t us = std::chrono::duration_cast<std::chrono::microseconds>(d).count();
    const size_t bucket = us < 0 ? 0 : std::min<size_t>(kBuckets, static_cast<size_t>(us / kBucketUs));
    counts_[bucket].fetch_add(1, std::memory_order_relaxed);
  }
  uint64_t count() const {
    uint64_t n = 0;
    for (const auto& c : counts_) n += c.load(std::memory_order_relaxed);
    return n;
  }
  // The upper edge, in microseconds, of the bucket holding quantile q
  // (0 < q <= 1); 0 with no samples.
  int64_t QuantileUs(double q) const {
    const uint64_t n = count();
    if (n == 0) return 0;
    const uint64_t rank = static_cast<uint64_t>(q * static_cast<double>(n) + 0.5);
    uint64_t seen = 0;
    for (size_t i = 0; i <= kBuckets; ++i) {
      seen += counts_[i].load(std::memory_order_relaxed);
      if (seen >= rank && seen > 0) return static_cast<int64_t>(i + 1) * kBucketUs;
    }
    return static_cast<int64_t>(kBuckets + 1) * kBucketUs;
  }

 private:
  std::array<std::atomic<uint64_t>, kBuckets + 1> counts_{};
};

}  // namespace provisor::kea

#endif  // PROVISOR_DEPLOY_KEA_LATENCY_H_
