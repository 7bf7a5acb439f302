// EpochWatch: notices when the token key epoch changes (epochs are
// floor(unix seconds / rotate_every), as in KeyRing) and says so in one
// line for the "key-rotation" event. Pure logic: the caller passes the time.
//
// Thread-safety: not synchronised (the master's chores thread owns it).
#ifndef PROVISOR_MASTER_CLUSTER_EPOCH_WATCH_H_
#define PROVISOR_MASTER_CLUSTER_EPOCH_WATCH_H_

#include <cstdint>
#include <optional>
#include <string>

#include "common/clock.h"

namespace provisor {

struct EpochNow {
  uint32_t epoch = 0;
  WallTime next_rotation;  // when the next epoch begins
};
// The token key epoch at `now`, by KeyRing's arithmetic. REQUIRES:
// rotate_every >= 1 s.
EpochNow CurrentEpoch(Duration rotate_every, WallTime now);

class EpochWatch {
 public:
  // REQUIRES: rotate_every >= 1 s.
  EpochWatch(Duration rotate_every, WallTime now);

  // When the epoch at `now` differs from the last one seen: "token key
  // epoch N is current; next rotation at <ISO time>". Else nothing.
  std::optional<std::string> Check(WallTime now);
  uint32_t epoch() const { return epoch_; }

 private:
  const Duration rotate_every_;
  uint32_t epoch_;
};

}  // namespace provisor

#endif  // PROVISOR_MASTER_CLUSTER_EPOCH_WATCH_H_
