#include "deploy/kea/fallback.h"

namespace provisor::kea {

Fallback::Fallback(std::vector<std::string> static_servers)
    : static_servers_(std::move(static_servers)) {}

void Fallback::Remember(const std::string& subnet, const ServerChoice& choice) {
  std::lock_guard<std::mutex> lock(mu_);
  last_good_[subnet] = choice;
}

std::optional<ServerChoice> Fallback::For(const std::string& subnet) const {
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = last_good_.find(subnet);
    if (it != last_good_.end()) return it->second;
  }
  if (static_servers_.empty()) return std::nullopt;
  ServerChoice choice;
  choice.siaddr = static_servers_.front();
  choice.option66 = static_servers_.front();
  choice.option150 = static_servers_;
  return choice;
}

}  // namespace provisor::kea
