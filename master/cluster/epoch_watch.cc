#include "master/cluster/epoch_watch.h"

#include "common/token/key_ring.h"
#include "common/time_text.h"

namespace provisor {

EpochNow CurrentEpoch(Duration rotate_every, WallTime now) {
  const KeyRing ring(rotate_every);
  EpochNow out;
  out.epoch = ring.EpochAt(now);
  out.next_rotation = ring.EpochStart(out.epoch + 1);
  return out;
}

EpochWatch::EpochWatch(Duration rotate_every, WallTime now)
    : rotate_every_(rotate_every), epoch_(CurrentEpoch(rotate_every, now).epoch) {}

std::optional<std::string> EpochWatch::Check(WallTime now) {
  const EpochNow current = CurrentEpoch(rotate_every_, now);
  if (current.epoch == epoch_) return std::nullopt;
  epoch_ = current.epoch;
  return "token key epoch " + std::to_string(current.epoch) + " is current; next rotation at " +
         IsoTime(current.next_rotation);
}

}  // namespace provisor
