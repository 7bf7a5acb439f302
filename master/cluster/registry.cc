#include "master/cluster/registry.h"

#include <algorithm>

namespace provisor {
namespace {

std::string Seconds(Duration d) {
  return std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(d).count() / 1000.0)
             .substr(0, 4) +
         " s";
}

}  // namespace

std::string_view SlaveStateName(SlaveState s) {
  switch (s) {
    case SlaveState::kUp: return "up";
    case SlaveState::kDown: return "down";
    case SlaveState::kDraining: return "draining";
  }
  return "unknown";
}

StateCounts CountStates(const std::vector<SlaveStatus>& slaves) {
  StateCounts counts;
  for (const SlaveStatus& s : slaves) {
    switch (s.state) {
      case SlaveState::kUp: ++counts.up; break;
      case SlaveState::kDown: ++counts.down; break;
      case SlaveState::kDraining: ++counts.draining; break;
    }
  }
  return counts;
}

SlaveRegistry::SlaveRegistry(RegistryOptions options, const Clock* clock, EventLog* events)
    : options_(options),
      clock_(clock),
      own_events_(events == nullptr ? std::make_unique<EventLog>(clock, options.max_events)
                                    : nullptr),
      events_(events == nullptr ? own_events_.get() : events) {}

// Holds mu_; when released, hands the events recorded meanwhile to the
// event log, outside the lock (the log writes a line, which may block).
class SlaveRegistry::Locked {
 public:
  explicit Locked(SlaveRegistry* registry) : registry_(registry), lock_(registry->mu_) {}
  ~Locked() {
    std::vector<PendingEvent> events;
    events.swap(registry_->pending_);
    lock_.unlock();
    for (PendingEvent& e : events) {
      registry_->events_->Add(std::move(e.kind), std::move(e.slave_id), std::move(e.reason));
    }
  }
  Locked(const Locked&) = delete;
  Locked& operator=(const Locked&) = delete;

 private:
  SlaveRegistry* registry_;
  std::unique_lock<std::mutex> lock_;
};

void SlaveRegistry::AddEvent(const std::string& id, std::string kind, std::string reason) {
  changes_.fetch_add(1, std::memory_order_release);
  pending_.push_back(PendingEvent{std::move(kind), id, std::move(reason)});
}

bool SlaveRegistry::RefusalEventDue(const std::string& key) {
  // A refused slave retries every heartbeat and Sync backoff: one event per
  // slave per kRefusalEventEvery keeps the event list readable.
  const MonoTime now = clock_->Now();
  auto last = refused_at_.find(key);
  if (last != refused_at_.end() && now - last->second < kRefusalEventEvery) return false;
  if (last == refused_at_.end() && refused_at_.size() >= kMaxRefusedRemembered) {
    refused_at_.clear();  // many ids: forget them rather than grow
  }
  refused_at_[key] = now;
  return true;
}

Status SlaveRegistry::Claim(SlaveStatus& s, const std::string& instance,
                            const std::string& address) {
  const bool alive = s.state != SlaveState::kDown || s.syncing;
  if (alive && !s.instance.empty() && instance != s.instance) {
    if (RefusalEventDue("duplicate " + s.id)) {
      AddEvent(s.id, "duplicate",
               "refused a second process claiming this id (from " +
                   (address.empty() ? std::string("an unknown address") : address) +
                   ") while the running one is up");
    }
    return AlreadyExistsError("slave " + s.id +
                              " is already running as another process; a second slave with "
                              "the same id is refused until the first is down");
  }
  s.instance = instance;
  return Status::Ok();
}

Status SlaveRegistry::Refuse(const std::string& id) {
  if (RefusalEventDue(id)) {
    AddEvent(id, "refused",
             "refused: this master already has " + std::to_string(options_.max_slaves) +
                 " slaves (max_slaves)");
  }
  return ResourceExhaustedError("slave " + id + " refused: this master has " +
                                std::to_string(options_.max_slaves) +
                                " slaves already; add a relay master for more");
}

Status SlaveRegistry::Admit(const std::string& id, const std::string& address,
                            const std::string& instance) {
  if (id.empty()) return InvalidArgumentError("sync without a slave id");
  Locked lock(this);
  auto it = slaves_.find(id);
  if (it != slaves_.end()) {
    PROVISOR_RETURN_IF_ERROR(Claim(it->second, instance, address));
    if (!it->second.heard && !address.empty()) it->second.address = address;
    return Status::Ok();
  }
  if (slaves_.size() >= options_.max_slaves) return Refuse(id);
  SlaveStatus s;
  s.id = id;
  s.address = address;
  s.instance = instance;
  s.state = SlaveState::kDown;  // until its first heartbeat
  slaves_.emplace(id, std::move(s));
  return Status::Ok();
}

Status SlaveRegistry::Forget(const std::string& id) {
  Locked lock(this);
  auto it = slaves_.find(id);
  if (it == slaves_.end()) return NotFoundError("slave " + id + " not found");
  if (it->second.state != SlaveState::kDown || it->second.syncing) {
    return FailedPreconditionError("slave " + id +
                                   " is not down: stop it first (only a down slave can be "
                                   "forgotten)");
  }
  slaves_.erase(it);
  AddEvent(id, "forget", "forgotten by the operator: its max_slaves place is free");
  return Status::Ok();
}

void SlaveRegistry::SetSyncing(const std::string& id, bool syncing) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = slaves_.find(id);
  if (it != slaves_.end()) it->second.syncing = syncing;
}

double SlaveRegistry::EffectiveWeight(const SlaveStatus& slave) const {
  if (slave.state == SlaveState::kDown || slave.state == SlaveState::kDraining || slave.drained) {
    return 0;
  }
  // Not synced yet: it would answer every device with an error.
  if (!slave.heard || slave.last.applied_revision == 0) return 0;
  double lag_factor = 1.0;
  if (store_revision_) {
    const uint64_t lag = RevisionLag(slave, store_revision_());
    const uint64_t max_lag = std::max<uint64_t>(options_.max_revision_lag, 1);
    const uint64_t soft = max_lag / 10;
    if (lag > max_lag) return 0;
    if (lag > soft) {
      lag_factor = 1.0 - 0.75 * static_cast<double>(lag - soft) / static_cast<double>(max_lag - soft);
    }
  }
  double health = 1.0 - 0.9 * std::clamp(slave.failure_ratio, 0.0, 1.0);
  if (slave.heard) {
    const double age = std::chrono::duration<double>(clock_->Now() - slave.last_heartbeat).count();
    const double fresh = 1.5 * std::chrono::duration<double>(options_.heartbeat_interval).count();
    const double dead = std::chrono::duration<double>(options_.dead_after).count();
    if (age > fresh && dead > fresh) {
      health *= std::max(0.25, 1.0 - 0.75 * (age - fresh) / (dead - fresh));
    }
  }
  const double cpu = std::clamp(slave.last.cpu_load, 0.0, 1.0);
  const double headroom = cpu <= 0.7 ? 1.0 : std::max(0.1, 1.0 - 0.9 * (cpu - 0.7) / 0.3);
  return slave.weight * health * headroom * lag_factor;
}

namespace {

// Transfers that failed on the slave's side, by the names it reports.
uint64_t ServerSideFailures(const Heartbeat& h) {
  uint64_t n = 0;
  for (const char* reason : {"timeout", "refused_busy", "refused_no_socket",
                             "send_errors", "render_failed"}) {
    auto it = h.failures.find(reason);
    if (it != h.failures.end()) n += it->second;
  }
  return n;
}

}  // namespace

std::optional<Duration> SlaveRegistry::HeartbeatAge(const SlaveStatus& slave) const {
  if (!slave.heard) return std::nullopt;
  return clock_->Now() - slave.last_heartbeat;
}

Status SlaveRegistry::RecordHeartbeat(const Heartbeat& heartbeat) {
  if (heartbeat.slave_id.empty()) return InvalidArgumentError("heartbeat without a slave id");
  Locked lock(this);
  auto it = slaves_.find(heartbeat.slave_id);
  if (it == slaves_.end()) {
    if (slaves_.size() >= options_.max_slaves) return Refuse(heartbeat.slave_id);
    SlaveStatus s;
    s.id = heartbeat.slave_id;
    s.instance = heartbeat.instance;
    s.state = SlaveState::kDown;  // becomes up just below
    it = slaves_.emplace(heartbeat.slave_id, s).first;
  }
  SlaveStatus& s = it->second;
  PROVISOR_RETURN_IF_ERROR(Claim(s, heartbeat.instance, heartbeat.address));
  // Eligibility depends on the applied revision: let the balancer see it.
  if ((s.last.applied_revision == 0) != (heartbeat.applied_revision == 0)) {
    changes_.fetch_add(1, std::memory_order_release);
  }
  const bool was_down = s.state == SlaveState::kDown;
  s.address = heartbeat.address;
  if (!s.weight_overridden) s.weight = heartbeat.weight;
  if (s.heard) {
    const uint64_t failed = ServerSideFailures(heartbeat) - std::min(ServerSideFailures(heartbeat),
                                                                     ServerSideFailures(s.last));
    const uint64_t done =
        heartbeat.transfers_total - std::min(heartbeat.transfers_total, s.last.transfers_total);
    s.failure_ratio = failed + done == 0 ? 0.0 : static_cast<double>(failed) / (failed + done);
    const double seconds =
        std::chrono::duration<double>(clock_->Now() - s.last_heartbeat).count();
    s.failure_rates.clear();
    for (const auto& [reason, total] : heartbeat.failures) {
      auto before = s.last.failures.find(reason);
      const uint64_t was = before == s.last.failures.end() ? 0 : before->second;
      const uint64_t delta = total - std::min(total, was);
      s.failure_rates[reason] = seconds > 0 ? static_cast<double>(delta) / seconds : 0.0;
    }
  }
  s.last = heartbeat;
  s.heard = true;
  s.last_heartbeat = clock_->Now();
  if (heartbeat.stopping) {
    s.state = SlaveState::kDown;
    if (!was_down) AddEvent(s.id, "down", "the slave is shutting down");
    return Status::Ok();
  }
  s.state = s.drained ? SlaveState::kDraining : SlaveState::kUp;
  if (was_down) AddEvent(s.id, "up", "heartbeat from " + heartbeat.address);
  return Status::Ok();
}

void SlaveRegistry::Tick() {
  Locked lock(this);
  const MonoTime now = clock_->Now();
  for (auto& [id, s] : slaves_) {
    if (s.state == SlaveState::kDown || !s.heard) continue;
    if (now - s.last_heartbeat >= options_.dead_after) {
      s.state = SlaveState::kDown;
      AddEvent(id, "down", "no heartbeat for " + Seconds(now - s.last_heartbeat) +
                               " (dead_after " + Seconds(options_.dead_after) + ")");
    }
  }
}

Status SlaveRegistry::SetWeight(const std::string& id, uint32_t weight) {
  Locked lock(this);
  auto it = slaves_.find(id);
  if (it == slaves_.end()) return NotFoundError("slave " + id + " not found");
  it->second.weight = weight;
  it->second.weight_overridden = true;
  AddEvent(id, "weight", "operator weight set to " + std::to_string(weight));
  return Status::Ok();
}

Status SlaveRegistry::SetDrained(const std::string& id, bool drained) {
  Locked lock(this);
  auto it = slaves_.find(id);
  if (it == slaves_.end()) return NotFoundError("slave " + id + " not found");
  SlaveStatus& s = it->second;
  if (s.drained == drained) return Status::Ok();
  s.drained = drained;
  if (s.state != SlaveState::kDown) s.state = drained ? SlaveState::kDraining : SlaveState::kUp;
  AddEvent(id, drained ? "drain" : "undrain",
           drained ? "drained by the operator: no new devices are sent to it"
                   : "undrained by the operator");
  return Status::Ok();
}

std::vector<SlaveStatus> SlaveRegistry::Slaves() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<SlaveStatus> out;
  for (const auto& [id, s] : slaves_) out.push_back(s);
  return out;
}

std::optional<SlaveStatus> SlaveRegistry::Find(const std::string& id) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = slaves_.find(id);
  if (it == slaves_.end()) return std::nullopt;
  return it->second;
}

}  // namespace provisor
