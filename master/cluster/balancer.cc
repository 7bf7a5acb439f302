#include "master/cluster/balancer.h"

namespace provisor {

Balancer::Balancer(const SlaveRegistry* registry, const Clock* clock, Duration refresh_every)
    : registry_(registry), clock_(clock), refresh_every_(refresh_every) {}

void Balancer::RefreshLocked(MonoTime now) {
  seen_changes_ = registry_->changes();
  refreshed_ = now;
  std::vector<WeightedPicker::Candidate> candidates;
  addresses_.clear();
  for (const SlaveStatus& s : registry_->Slaves()) {
    const double weight = registry_->EffectiveWeight(s);
    if (weight <= 0 || s.address.empty()) continue;
    candidates.push_back({s.id, weight});
    addresses_[s.id] = s.address;
  }
  picker_.Set(std::move(candidates));
}

std::optional<BalancerPick> Balancer::Next() {
  const MonoTime now = clock_->Now();
  std::lock_guard<std::mutex> lock(mu_);
  if (registry_->changes() != seen_changes_ || now - refreshed_ >= refresh_every_) {
    RefreshLocked(now);
  }
  std::optional<std::string> id = picker_.Next();
  if (!id.has_value()) return std::nullopt;
  BalancerPick pick;
  pick.slave_id = *id;
  pick.address = addresses_[*id];
  for (const auto& [other, address] : addresses_) {
    if (other != *id) pick.others.push_back(address);
  }
  return pick;
}

}  // namespace provisor
