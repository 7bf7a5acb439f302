#include "master/cluster/epoch_watch.h"

#include <algorithm>

#include "master/noc/noc_view.h"

namespace provisor {

EpochWatch::EpochWatch(Duration rotate_every, WallTime now)
    : period_s_(std::max<int64_t>(
          1, std::chrono::duration_cast<std::chrono::seconds>(rotate_every).count())),
      epoch_(EpochAt(now)) {}

int64_t EpochWatch::EpochAt(WallTime t) const {
  return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count() /
         period_s_;
}

std::optional<std::string> EpochWatch::Check(WallTime now) {
  const int64_t epoch = EpochAt(now);
  if (epoch == epoch_) return std::nullopt;
  epoch_ = epoch;
  const WallTime next{std::chrono::seconds((epoch + 1) * period_s_)};
  return "token key epoch " + std::to_string(epoch) + " is current; next rotation at " +
         IsoTime(next);
}

}  // namespace provisor
