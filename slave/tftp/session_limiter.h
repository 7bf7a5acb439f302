// SessionLimiter: admission control shared by every TFTP loop. Caps the
// number of concurrent transfers in total and per client IP address, so a
// burst (a CMTS reboot) or one misbehaving host cannot exhaust the slave.
//
// Thread-safety: thread-safe. Acquire/Release are called once per transfer,
// not per packet; the per-client map is split into independently locked
// shards.
#ifndef PROVISOR_SLAVE_TFTP_SESSION_LIMITER_H_
#define PROVISOR_SLAVE_TFTP_SESSION_LIMITER_H_

#include <array>
#include <atomic>
#include <cstddef>
#include <mutex>
#include <unordered_map>

#include "common/socket_address.h"

namespace provisor::tftp {

class SessionLimiter {
 public:
  enum class Verdict { kAdmitted, kBusy, kClientBusy };

  // 0 means unlimited for either limit.
  SessionLimiter(size_t max_total, size_t max_per_client)
      : max_total_(max_total), max_per_client_(max_per_client) {}

  Verdict Acquire(const SocketAddress& client);
  // REQUIRES: a matching successful Acquire(client).
  void Release(const SocketAddress& client);

  size_t total() const { return total_.load(std::memory_order_relaxed); }

 private:
  struct Shard {
    std::mutex mu;
    std::unordered_map<SocketAddress, uint32_t, SocketAddressHash> counts;
  };
  static SocketAddress HostKey(const SocketAddress& client);
  Shard& ShardFor(const SocketAddress& key) {
    return shards_[key.HostHash() % shards_.size()];
  }

  const size_t max_total_;
  const size_t max_per_client_;
  std::atomic<size_t> total_{0};
  std::array<Shard, 16> shards_;
};

}  // namespace provisor::tftp

#endif  // PROVISOR_SLAVE_TFTP_SESSION_LIMITER_H_
