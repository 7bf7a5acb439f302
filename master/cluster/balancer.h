// Balancer: which slave the DHCP front end hands to the next device. Smooth
// weighted round-robin (weighted_picker.h) over the registry's slaves with
// their effective weights (operator weight x health x load headroom; 0 when
// down or draining). The view of the registry is refreshed whenever the
// registry records an event (a slave up or down, drained, reweighted) and
// at least every `refresh_every` (heartbeat age and load change weights
// gradually), so a drained or dead slave stops being picked at once. A
// slave whose advertised address does not parse is never picked.
//
// Thread-safety: thread-safe.
#ifndef PROVISOR_MASTER_CLUSTER_BALANCER_H_
#define PROVISOR_MASTER_CLUSTER_BALANCER_H_

#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "common/clock.h"
#include "master/cluster/registry.h"
#include "master/cluster/weighted_picker.h"

namespace provisor {

struct BalancerPick {
  std::string slave_id;
  std::string host;  // the slave's advertised IP address
  uint16_t port = 0;
  bool ipv4 = false;
  std::vector<std::string> other_ipv4;  // the other eligible slaves' IPv4 addresses
};

class Balancer {
 public:
  Balancer(const SlaveRegistry* registry, const Clock* clock,
           Duration refresh_every = std::chrono::milliseconds(100));

  // Nothing when no slave may be picked (none up, all drained or weight 0).
  std::optional<BalancerPick> Next();
  // How many times each slave has been picked since start.
  std::map<std::string, uint64_t> AnswerCounts() const;

 private:
  void RefreshLocked(MonoTime now);

  const SlaveRegistry* registry_;
  const Clock* clock_;
  const Duration refresh_every_;
  mutable std::mutex mu_;
  // Everything below is protected by mu_.
  WeightedPicker picker_;
  std::map<std::string, uint64_t> answers_;
  struct Target {
    std::string host;
    uint16_t port = 0;
    bool ipv4 = false;
  };
  std::map<std::string, Target> targets_;  // eligible slaves, addresses parsed once
  uint64_t seen_changes_ = ~0ull;
  MonoTime refreshed_{};
};

}  // namespace provisor

#endif  // PROVISOR_MASTER_CLUSTER_BALANCER_H_
