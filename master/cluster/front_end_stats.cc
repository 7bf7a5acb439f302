#include "master/cluster/front_end_stats.h"

#include <algorithm>

#include "common/utf8.h"

namespace provisor {

const std::vector<std::string>& FrontEndStats::Names() {
  static const std::vector<std::string> kNames = {"answered", "refused", "fallback",
                                                  "unanswered"};
  return kNames;
}

FrontEndStats::FrontEndStats(const Clock* clock, size_t max_front_ends)
    : clock_(clock), max_front_ends_(std::max<size_t>(1, max_front_ends)) {}

Status FrontEndStats::Record(const std::string& id, const std::map<std::string, uint64_t>& counts) {
  if (!IsPrintableToken(id, 64)) {
    ignored_.fetch_add(1, std::memory_order_relaxed);
    return InvalidArgumentError("front end name must be 1..64 printable characters, no spaces");
  }
  for (const auto& [name, n] : counts) {
    if (std::find(Names().begin(), Names().end(), name) == Names().end()) {
      ignored_.fetch_add(1, std::memory_order_relaxed);
      return InvalidArgumentError("front end tally " + QuoteForMessage(name, 32) +
                                  " is not one of answered, refused, fallback, unanswered");
    }
  }
  std::lock_guard<std::mutex> lock(mu_);
  auto it = front_ends_.find(id);
  if (it == front_ends_.end() && front_ends_.size() >= max_front_ends_) {
    auto oldest = std::min_element(front_ends_.begin(), front_ends_.end(),
                                   [](const auto& a, const auto& b) {
                                     return a.second.reported < b.second.reported;
                                   });
    front_ends_.erase(oldest);
  }
  FrontEndTally& tally = front_ends_[id];
  tally.id = id;
  tally.counts = counts;
  tally.reported = clock_->Now();
  return Status::Ok();
}

std::vector<FrontEndTally> FrontEndStats::All() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<FrontEndTally> out;
  for (const auto& [id, tally] : front_ends_) out.push_back(tally);
  return out;
}

}  // namespace provisor
