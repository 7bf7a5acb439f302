#include "master/cluster/balancer.h"

#include <sys/socket.h>

#include "common/socket_address.h"

namespace provisor {

Balancer::Balancer(const SlaveRegistry* registry, const Clock* clock, Duration refresh_every)
    : registry_(registry), clock_(clock), refresh_every_(refresh_every) {}

void Balancer::RefreshLocked(MonoTime now) {
  seen_changes_ = registry_->changes();
  refreshed_ = now;
  std::vector<WeightedPicker::Candidate> candidates;
  targets_.clear();
  for (const SlaveStatus& s : registry_->Slaves()) {
    const double weight = registry_->EffectiveWeight(s);
    if (weight <= 0) continue;
    StatusOr<SocketAddress> address = SocketAddress::Parse(s.address);
    if (!address.ok()) continue;
    candidates.push_back({s.id, weight});
    targets_[s.id] = Target{address->HostString(), address->port(), address->family() == AF_INET};
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
  const Target& target = targets_.at(*id);
  ++answers_[*id];
  BalancerPick pick;
  pick.slave_id = *id;
  pick.host = target.host;
  pick.port = target.port;
  pick.ipv4 = target.ipv4;
  for (const auto& [other, t] : targets_) {
    if (other != *id && t.ipv4) pick.other_ipv4.push_back(t.host);
  }
  return pick;
}

std::map<std::string, uint64_t> Balancer::AnswerCounts() const {
  std::lock_guard<std::mutex> lock(mu_);
  return answers_;
}

}  // namespace provisor
