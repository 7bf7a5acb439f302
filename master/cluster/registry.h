// SlaveRegistry: the master's view of its slaves, as pure logic. Slaves
// report heartbeats (load, sessions, applied revision, advertised address
// and weight); a slave silent for `dead_after` is marked down, and up again
// on its next heartbeat; operators set weights and drain/undrain. Every
// transition is recorded as an event with its time and reason. At most
// `max_slaves` slaves may register (by heartbeat, or by opening a Sync
// stream: Admit); the next is refused with a clear error (and an event at
// most every 10 minutes per refused id). A slave admitted
// but never heard from is down, with no heartbeat age. Time comes from the
// caller (a Clock in production, a fake in tests).
//
// One process per id: each slave process reports a random instance id; while
// a slave is up (or has a Sync stream open), heartbeats and Syncs with the
// same slave id from another instance are refused (ALREADY_EXISTS) and
// recorded as a "duplicate" event; once the owner is down, the next instance
// takes the id over (a restart). A slave gets devices only once it has
// applied a snapshot (applied revision > 0) and is at most
// max_revision_lag revisions behind the store; its weight falls with lag.
// Forget() removes a slave that is down, freeing its max_slaves slot.
//
// Thread-safety: thread-safe.
#ifndef PROVISOR_MASTER_CLUSTER_REGISTRY_H_
#define PROVISOR_MASTER_CLUSTER_REGISTRY_H_

#include <atomic>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/status.h"
#include "master/cluster/event_log.h"

namespace provisor {

struct Heartbeat {
  std::string slave_id;
  std::string instance;       // random per slave process; "" from old slaves
  std::string address;        // what DHCP hands to devices (host:port)
  uint32_t weight = 100;      // the slave's configured weight
  uint64_t active_sessions = 0;
  double transfers_per_s = 0;
  uint64_t applied_revision = 0;
  double cpu_load = 0;        // 0..1 per core
  std::map<std::string, uint64_t> failures;  // by reason, since the slave started
  uint64_t transfers_total = 0;
  bool stopping = false;      // the slave's last report: down at once
};

enum class SlaveState { kUp, kDown, kDraining };
std::string_view SlaveStateName(SlaveState s);

struct SlaveStatus {
  std::string id;
  std::string address;
  std::string instance;              // the process that owns the id
  SlaveState state = SlaveState::kUp;
  uint32_t weight = 100;             // operator weight (overrides the slave's)
  bool weight_overridden = false;
  bool drained = false;
  bool syncing = false;              // a Sync stream is open
  bool heard = false;                // false: admitted, no heartbeat yet
  MonoTime last_heartbeat{};         // REQUIRES heard
  Heartbeat last;                    // the last report (empty until heard)
  // Share of the slave's transfers between its last two reports that
  // failed on its side (timeouts, busy, no socket, send errors): 0..1.
  double failure_ratio = 0;
  // Failures per second by reason between its last two reports.
  std::map<std::string, double> failure_rates;
};

// Revisions of `store_revision` the slave had not applied at its last
// heartbeat (0 when it is level or ahead).
inline uint64_t RevisionLag(const SlaveStatus& slave, uint64_t store_revision) {
  const uint64_t applied = slave.last.applied_revision;
  return store_revision > applied ? store_revision - applied : 0;
}

struct StateCounts {
  uint64_t up = 0, down = 0, draining = 0;
};
StateCounts CountStates(const std::vector<SlaveStatus>& slaves);

struct RegistryOptions {
  Duration heartbeat_interval = std::chrono::seconds(2);
  Duration dead_after = std::chrono::seconds(6);  // 3 intervals
  size_t max_slaves = 16;
  size_t max_events = 1000;
  // A slave further behind the store than this gets no devices; below a
  // tenth of it the lag costs nothing, then its weight falls to a quarter.
  uint64_t max_revision_lag = 10'000;
};

class SlaveRegistry {
 public:
  // Events go to `events` (shared with the master's other event sources);
  // null: the registry keeps its own log of options.max_events.
  SlaveRegistry(RegistryOptions options, const Clock* clock, EventLog* events = nullptr);

  // RESOURCE_EXHAUSTED for a new slave past max_slaves.
  Status RecordHeartbeat(const Heartbeat& heartbeat);
  // A slave opening a Sync stream. Known ids are admitted unless another
  // instance owns the id (ALREADY_EXISTS); a new id past max_slaves is
  // refused as RecordHeartbeat refuses it. A new slave stays down until its
  // first heartbeat.
  Status Admit(const std::string& id, const std::string& address,
               const std::string& instance = "");
  // Removes a slave that is down (FAILED_PRECONDITION while it is up or
  // syncing; NOT_FOUND when unknown).
  Status Forget(const std::string& id);
  // The store's revision, for the lag rule (unset: lag is never held
  // against a slave). Call before serving.
  void set_store_revision(std::function<uint64_t()> revision) {
    store_revision_ = std::move(revision);
  }
  // Whether `id` has a Sync stream open (shown in status). Unknown ids are
  // ignored.
  void SetSyncing(const std::string& id, bool syncing);
  // Marks slaves silent for dead_after as down. Call periodically.
  void Tick();
  Status SetWeight(const std::string& id, uint32_t weight);
  Status SetDrained(const std::string& id, bool drained);

  std::vector<SlaveStatus> Slaves() const;
  std::optional<SlaveStatus> Find(const std::string& id) const;
  std::vector<ClusterEvent> Events() const { return events_->All(); }
  EventLog* event_log() const { return events_; }
  const RegistryOptions& options() const { return options_; }

  // What the balancer uses: 0 when down, drained, not yet synced (no
  // snapshot applied) or more than max_revision_lag behind, else the weight
  // (the operator's or the slave's own) x health x load headroom x lag, where
  //   health = heartbeat freshness (1 up to 1.5 intervals old, then falling
  //            linearly to 0.25 at dead_after) x (1 - 0.9 x failure_ratio),
  //   headroom = 1 up to 70% CPU, then falling linearly to 0.1 at 100%,
  //   lag = 1 up to max_revision_lag / 10, then falling linearly to 0.25.
  double EffectiveWeight(const SlaveStatus& slave) const;
  // Bumped at every event (up, down, drain, weight ...): lets the balancer
  // see that its view is stale without polling the whole registry.
  uint64_t changes() const { return changes_.load(std::memory_order_acquire); }
  // Time since the last heartbeat; nullopt when never heard from.
  std::optional<Duration> HeartbeatAge(const SlaveStatus& slave) const;

 private:
  class Locked;
  struct PendingEvent {
    std::string kind, slave_id, reason;
  };
  // Queues an event for the log; published when the Locked holding mu_ is
  // released. REQUIRES a Locked held.
  void AddEvent(const std::string& id, std::string kind, std::string reason);
  // Records the "refused" event; returns the error. REQUIRES mu_ held.
  Status Refuse(const std::string& id);
  // Refuses `instance` when another live instance owns `s` (a "duplicate"
  // event at most every kRefusalEventEvery), else makes it the owner.
  // REQUIRES a Locked held.
  Status Claim(SlaveStatus& s, const std::string& instance, const std::string& address);
  // Whether an event for `key` is due (at most one per kRefusalEventEvery).
  // REQUIRES mu_ held.
  bool RefusalEventDue(const std::string& key);

  const RegistryOptions options_;
  const Clock* clock_;
  mutable std::mutex mu_;
  // slaves_, refused_at_ and pending_ are protected by mu_ (a Locked holds it).
  std::map<std::string, SlaveStatus> slaves_;
  // When each refused id was last recorded as an event (bounded).
  static constexpr Duration kRefusalEventEvery = std::chrono::minutes(10);
  static constexpr size_t kMaxRefusedRemembered = 256;
  std::map<std::string, MonoTime> refused_at_;
  std::vector<PendingEvent> pending_;
  std::unique_ptr<EventLog> own_events_;
  EventLog* events_;
  std::atomic<uint64_t> changes_{0};
  std::function<uint64_t()> store_revision_;  // set before serving
};

}  // namespace provisor

#endif  // PROVISOR_MASTER_CLUSTER_REGISTRY_H_
