// EventLog: the master's recent cluster events (a slave up or down, drained,
// reweighted, refused; a token key rotation; an import), in memory, each
// with a sequence number so readers can fetch only what is new (the
// dashboard, `provisorctl events --follow`). Every event is also one log
// line with a stable event id (SLAVE_DOWN, KEY_ROTATION, ...). Keeps the
// last `max_events`; counts every event by kind since start (metrics).
//
// Thread-safety: thread-safe.
#ifndef PROVISOR_MASTER_CLUSTER_EVENT_LOG_H_
#define PROVISOR_MASTER_CLUSTER_EVENT_LOG_H_

#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.h"
#include "common/logging.h"

namespace provisor {

struct ClusterEvent {
  uint64_t seq = 0;    // 1, 2, ... in order of recording
  WallTime time;
  std::string slave_id;  // "" for cluster-wide events (key rotation, import)
  std::string kind;    // "up", "down", "drain", "undrain", "weight", "refused",
                       // "key-rotation", "import"
  std::string reason;  // one line a person understands
};

// The stable id of an event kind: "down" -> "SLAVE_DOWN",
// "key-rotation" -> "KEY_ROTATION"; unknown kinds -> "CLUSTER_" + upper(kind).
std::string EventId(std::string_view kind);

class EventLog {
 public:
  // `logger` may be null (tests): events are then only kept.
  EventLog(const Clock* clock, size_t max_events = 1000, Logger logger = nullptr);

  void Add(std::string kind, std::string slave_id, std::string reason);

  // Events with seq > after_seq, oldest first, at most `limit`.
  std::vector<ClusterEvent> Since(uint64_t after_seq, size_t limit = SIZE_MAX) const;
  std::vector<ClusterEvent> All() const { return Since(0); }
  uint64_t last_seq() const;
  // Events recorded since start, by kind (including ones no longer kept).
  std::map<std::string, uint64_t> CountsByKind() const;

 private:
  const Clock* clock_;
  const size_t max_events_;
  Logger logger_;
  mutable std::mutex mu_;
  // events_, last_seq_ and counts_ are protected by mu_.
  std::deque<ClusterEvent> events_;
  uint64_t last_seq_ = 0;
  std::map<std::string, uint64_t> counts_;
};

}  // namespace provisor

#endif  // PROVISOR_MASTER_CLUSTER_EVENT_LOG_H_
