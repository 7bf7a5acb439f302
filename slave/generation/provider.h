// GenerationProvider: the slave's delivery core (a DeliverySource). A
// requested name is an encoded filename (token) or, where the operator
// allows it, a vendor's native name; either way it leads to a device in the
// current in-memory snapshot, whose configuration is rendered per request,
// in memory, exactly as `provisorctl render` shows it (a fresh token in its
// resync URL).
//
// Refusals are counted by reason (DeliveryRefusal); each door tells its
// client no more than "not found" (the TFTP door: ERROR 1 "File not found").
// Vendor-native names (the model's `file_names`, `{MAC}` standing for the 12
// hex digits) are accepted only when `native_names` is on, the device's
// model lists the name, and the request comes from the IP of the device's
// last DHCP binding. Generation knows no door and includes none (a lint
// test keeps it so).
//
// Thread-safety: Deliver is thread-safe (called from every door's loops).
#ifndef PROVISOR_SLAVE_GENERATION_PROVIDER_H_
#define PROVISOR_SLAVE_GENERATION_PROVIDER_H_

#include <array>
#include <atomic>
#include <memory>

#include "common/clock.h"
#include "common/render/context.h"
#include "common/render/template.h"
#include "common/render/timezone.h"
#include "common/token/token.h"
#include "slave/delivery/source.h"
#include "slave/generation/prepared_cache.h"
#include "slave/generation/snapshot.h"

namespace prometheus {
class Histogram;
}  // namespace prometheus

namespace provisor {

// Where the slave's loops find the current snapshot. Set() publishes a new
// one; readers never block.
class SnapshotHolder {
 public:
  std::shared_ptr<const GenerationSnapshot> Get() const { return current_.load(); }
  void Set(std::shared_ptr<const GenerationSnapshot> s) { current_.store(std::move(s)); }

 private:
  std::atomic<std::shared_ptr<const GenerationSnapshot>> current_;
};

// The refusal counted for a token that failed verification; kCount for
// kNone and kCount (not refusals).
DeliveryRefusal DeliveryRefusalFor(TokenRefusal r);

// Token policy (ttl, IP binding) comes from the master with the snapshot.
struct ProviderOptions {
  bool native_names = false;
  ClusterInfo cluster;  // this slave as devices reach it
};

class GenerationProvider final : public DeliverySource {
 public:
  GenerationProvider(const SnapshotHolder* snapshots, ProviderOptions options, const Clock* clock);

  DeliveryResult Deliver(const DeliveryRequest& request) override;

  // Where devices reach this slave (the resync URL in configurations).
  // Call before serving starts.
  void SetCluster(std::string server, uint16_t port) {
    options_.cluster.server = std::move(server);
    options_.cluster.port = port;
  }

  uint64_t refusals(DeliveryRefusal r) const {
    return refusals_[static_cast<size_t>(r)].load(std::memory_order_relaxed);
  }
  uint64_t served() const { return served_.load(std::memory_order_relaxed); }
  // Of those, unknown MACs served their master's default class.
  uint64_t stand_ins() const { return stand_ins_.load(std::memory_order_relaxed); }
  const PreparedCache& prepared() const { return prepared_; }
  // Each successful render's duration (preparing the device if needed, then
  // rendering), in seconds, goes to `histogram` (may be null). May be set
  // while serving.
  void set_render_seconds(prometheus::Histogram* histogram) {
    render_seconds_.store(histogram, std::memory_order_release);
  }

 private:
  DeliveryResult Refuse(DeliveryRefusal r);
  // The device a native name designates, or an empty string.
  std::string NativeNameDevice(const GenerationSnapshot& snap, std::string_view name,
                               const ClientIp& client) const;

  const SnapshotHolder* snapshots_;
  ProviderOptions options_;
  const Clock* clock_;
  ZoneCache zones_;
  PreparedCache prepared_;
  std::array<std::atomic<uint64_t>, static_cast<size_t>(DeliveryRefusal::kCount)> refusals_{};
  std::atomic<uint64_t> served_{0};
  std::atomic<uint64_t> stand_ins_{0};
  std::atomic<prometheus::Histogram*> render_seconds_{nullptr};
};

}  // namespace provisor

#endif  // PROVISOR_SLAVE_GENERATION_PROVIDER_H_
