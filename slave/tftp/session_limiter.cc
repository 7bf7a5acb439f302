#include "slave/tftp/session_limiter.h"

namespace provisor::tftp {

SessionSlot& SessionSlot::operator=(SessionSlot&& other) noexcept {
  if (this != &other) {
    Reset();
    limiter_ = std::exchange(other.limiter_, nullptr);
    client_ = other.client_;
  }
  return *this;
}

void SessionSlot::Reset() {
  if (limiter_ == nullptr) return;
  std::exchange(limiter_, nullptr)->Release(client_);
}

SessionLimiter::Admission SessionLimiter::Admit(const SocketAddress& client) {
  Verdict verdict = Acquire(client);
  if (verdict != Verdict::kAdmitted) return Admission{verdict, SessionSlot()};
  return Admission{verdict, SessionSlot(this, client)};
}

SocketAddress SessionLimiter::HostKey(const SocketAddress& client) {
  SocketAddress key = client;
  key.set_port(0);
  return key;
}

SessionLimiter::Verdict SessionLimiter::Acquire(const SocketAddress& client) {
  size_t now = total_.fetch_add(1, std::memory_order_relaxed) + 1;
  if (max_total_ != 0 && now > max_total_) {
    total_.fetch_sub(1, std::memory_order_relaxed);
    return Verdict::kBusy;
  }
  if (max_per_client_ == 0) return Verdict::kAdmitted;
  SocketAddress key = HostKey(client);
  Shard& shard = ShardFor(key);
  std::lock_guard<std::mutex> lock(shard.mu);
  uint32_t& count = shard.counts[key];
  if (count >= max_per_client_) {
    if (count == 0) shard.counts.erase(key);
    total_.fetch_sub(1, std::memory_order_relaxed);
    return Verdict::kClientBusy;
  }
  ++count;
  return Verdict::kAdmitted;
}

void SessionLimiter::Release(const SocketAddress& client) {
  total_.fetch_sub(1, std::memory_order_relaxed);
  if (max_per_client_ == 0) return;
  SocketAddress key = HostKey(client);
  Shard& shard = ShardFor(key);
  std::lock_guard<std::mutex> lock(shard.mu);
  auto it = shard.counts.find(key);
  if (it == shard.counts.end()) return;
  if (--it->second == 0) shard.counts.erase(it);
}

}  // namespace provisor::tftp
