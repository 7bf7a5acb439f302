// SlaveRegistry: the master's view of its slaves, as pure logic. Slaves
// report heartbeats (load, sessions, applied revision, advertised address
// and weight); a slave silent for `dead_after` is marked down, and up again
// on its next heartbeat; operators set weights and drain/undrain. Every
// transition is recorded as an event with its time and reason. At most
// `max_slaves` slaves may register; the next is refused with a clear error.
// Time comes from the caller (a Clock in production, a fake in tests).
//
// Thread-safety: thread-safe.
#ifndef PROVISOR_MASTER_CLUSTER_REGISTRY_H_
#define PROVISOR_MASTER_CLUSTER_REGISTRY_H_

#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/status.h"

namespace provisor {

struct Heartbeat {
  std::string slave_id;
  std::string address;        // what DHCP hands to devices (host:port)
  uint32_t weight = 100;      // the slave's configured weight
  uint64_t active_sessions = 0;
  double transfers_per_s = 0;
  uint64_t applied_revision = 0;
  double cpu_load = 0;        // 0..1 per core
};

enum class SlaveState { kUp, kDown, kDraining };
std::string_view SlaveStateName(SlaveState s);

struct SlaveStatus {
  std::string id;
  std::string address;
  SlaveState state = SlaveState::kUp;
  uint32_t weight = 100;             // operator weight (overrides the slave's)
  bool weight_overridden = false;
  bool drained = false;
  MonoTime last_heartbeat{};
  Heartbeat last;                    // the last report
};

struct ClusterEvent {
  WallTime time;
  std::string slave_id;
  std::string kind;    // "up", "down", "drain", "undrain", "weight", "refused"
  std::string reason;  // one line a person understands
};

struct RegistryOptions {
  Duration heartbeat_interval = std::chrono::seconds(2);
  Duration dead_after = std::chrono::seconds(6);  // 3 intervals
  size_t max_slaves = 16;
  size_t max_events = 1000;
};

class SlaveRegistry {
 public:
  SlaveRegistry(RegistryOptions options, const Clock* clock);

  // RESOURCE_EXHAUSTED for a new slave past max_slaves.
  Status RecordHeartbeat(const Heartbeat& heartbeat);
  // Marks slaves silent for dead_after as down. Call periodically.
  void Tick();
  Status SetWeight(const std::string& id, uint32_t weight);
  Status SetDrained(const std::string& id, bool drained);

  std::vector<SlaveStatus> Slaves() const;
  std::optional<SlaveStatus> Find(const std::string& id) const;
  std::vector<ClusterEvent> Events() const;
  const RegistryOptions& options() const { return options_; }

 private:
  void AddEvent(const std::string& id, std::string kind, std::string reason);

  const RegistryOptions options_;
  const Clock* clock_;
  mutable std::mutex mu_;
  std::map<std::string, SlaveStatus> slaves_;
  std::deque<ClusterEvent> events_;
};

}  // namespace provisor

#endif  // PROVISOR_MASTER_CLUSTER_REGISTRY_H_
