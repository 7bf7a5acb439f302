// SessionLimiter: admission control shared by every TFTP loop. Caps the
// number of concurrent transfers in total and per client IP address, so a
// burst (a CMTS reboot) or one misbehaving host cannot exhaust the slave.
//
// Admit() hands out a SessionSlot, the RAII guard of one admitted transfer:
// the slot goes back to the limiter when the guard is destroyed, so a
// transfer that owns its guard releases its place on every exit path.
//
// Thread-safety: thread-safe. Acquire/Release are called once per transfer,
// not per packet; the per-client map is split into independently locked
// shards. One SessionSlot is used by one thread at a time.
// REQUIRES: the SessionLimiter outlives every SessionSlot it handed out.
#ifndef PROVISOR_SLAVE_TFTP_SESSION_LIMITER_H_
#define PROVISOR_SLAVE_TFTP_SESSION_LIMITER_H_

#include <array>
#include <atomic>
#include <cstddef>
#include <mutex>
#include <unordered_map>
#include <utility>

#include "common/socket_address.h"

namespace provisor::tftp {

class SessionLimiter;

// One admitted transfer's place in a SessionLimiter. Move-only; empty when
// default-constructed, moved from or Reset().
class SessionSlot {
 public:
  SessionSlot() = default;
  SessionSlot(SessionSlot&& other) noexcept { *this = std::move(other); }
  SessionSlot& operator=(SessionSlot&& other) noexcept;
  SessionSlot(const SessionSlot&) = delete;
  SessionSlot& operator=(const SessionSlot&) = delete;
  ~SessionSlot() { Reset(); }

  bool held() const { return limiter_ != nullptr; }
  // Gives the place back now (no-op when empty).
  void Reset();

 private:
  friend class SessionLimiter;
  SessionSlot(SessionLimiter* limiter, const SocketAddress& client)
      : limiter_(limiter), client_(client) {}

  SessionLimiter* limiter_ = nullptr;
  SocketAddress client_;
};

class SessionLimiter {
 public:
  enum class Verdict { kAdmitted, kBusy, kClientBusy };

  // 0 means unlimited for either limit.
  SessionLimiter(size_t max_total, size_t max_per_client)
      : max_total_(max_total), max_per_client_(max_per_client) {}

  struct Admission {
    Verdict verdict;
    SessionSlot slot;  // held() iff verdict == kAdmitted
  };
  // Acquire() with the place held by the returned slot.
  Admission Admit(const SocketAddress& client);

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
