#include "master/cluster/registry.h"

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

SlaveRegistry::SlaveRegistry(RegistryOptions options, const Clock* clock)
    : options_(options), clock_(clock) {}

void SlaveRegistry::AddEvent(const std::string& id, std::string kind, std::string reason) {
  events_.push_back(ClusterEvent{clock_->WallNow(), id, std::move(kind), std::move(reason)});
  while (events_.size() > options_.max_events) events_.pop_front();
}

Status SlaveRegistry::Refuse(const std::string& id) {
  AddEvent(id, "refused",
           "refused: this master already has " + std::to_string(options_.max_slaves) +
               " slaves (max_slaves)");
  return ResourceExhaustedError("slave " + id + " refused: this master has " +
                                std::to_string(options_.max_slaves) +
                                " slaves already; add a relay master for more");
}

Status SlaveRegistry::Admit(const std::string& id, const std::string& address) {
  if (id.empty()) return InvalidArgumentError("sync without a slave id");
  std::lock_guard<std::mutex> lock(mu_);
  auto it = slaves_.find(id);
  if (it != slaves_.end()) {
    if (!it->second.heard && !address.empty()) it->second.address = address;
    return Status::Ok();
  }
  if (slaves_.size() >= options_.max_slaves) return Refuse(id);
  SlaveStatus s;
  s.id = id;
  s.address = address;
  s.state = SlaveState::kDown;  // until its first heartbeat
  slaves_.emplace(id, std::move(s));
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
  return slave.weight;
}

std::optional<Duration> SlaveRegistry::HeartbeatAge(const SlaveStatus& slave) const {
  if (!slave.heard) return std::nullopt;
  return clock_->Now() - slave.last_heartbeat;
}

Status SlaveRegistry::RecordHeartbeat(const Heartbeat& heartbeat) {
  if (heartbeat.slave_id.empty()) return InvalidArgumentError("heartbeat without a slave id");
  std::lock_guard<std::mutex> lock(mu_);
  auto it = slaves_.find(heartbeat.slave_id);
  if (it == slaves_.end()) {
    if (slaves_.size() >= options_.max_slaves) return Refuse(heartbeat.slave_id);
    SlaveStatus s;
    s.id = heartbeat.slave_id;
    s.state = SlaveState::kDown;  // becomes up just below
    it = slaves_.emplace(heartbeat.slave_id, s).first;
  }
  SlaveStatus& s = it->second;
  const bool was_down = s.state == SlaveState::kDown;
  s.address = heartbeat.address;
  if (!s.weight_overridden) s.weight = heartbeat.weight;
  s.last = heartbeat;
  s.heard = true;
  s.last_heartbeat = clock_->Now();
  s.state = s.drained ? SlaveState::kDraining : SlaveState::kUp;
  if (was_down) AddEvent(s.id, "up", "heartbeat from " + heartbeat.address);
  return Status::Ok();
}

void SlaveRegistry::Tick() {
  std::lock_guard<std::mutex> lock(mu_);
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
  std::lock_guard<std::mutex> lock(mu_);
  auto it = slaves_.find(id);
  if (it == slaves_.end()) return NotFoundError("slave " + id + " not found");
  it->second.weight = weight;
  it->second.weight_overridden = true;
  AddEvent(id, "weight", "operator weight set to " + std::to_string(weight));
  return Status::Ok();
}

Status SlaveRegistry::SetDrained(const std::string& id, bool drained) {
  std::lock_guard<std::mutex> lock(mu_);
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

std::vector<ClusterEvent> SlaveRegistry::Events() const {
  std::lock_guard<std::mutex> lock(mu_);
  return {events_.begin(), events_.end()};
}

}  // namespace provisor
