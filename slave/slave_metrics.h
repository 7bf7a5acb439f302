// SlaveMetrics: a slave's Prometheus metrics (README "Metrics"), read at
// scrape time from the TFTP engine's counters (transfers by result,
// refusals by reason, bytes, packets, retransmits, option negotiation,
// active sessions), the generation provider (token and device refusals by
// reason; the render time histogram it feeds), the sync follower (revision,
// lag, connected) and the heartbeat sender (age of the last accepted
// report), the snapshot sink (templates that failed to compile on arrival)
// and the metrics listener itself. Served on metrics_listen; nothing else is.
//
// Thread-safety: thread-safe.
#ifndef PROVISOR_SLAVE_SLAVE_METRICS_H_
#define PROVISOR_SLAVE_SLAVE_METRICS_H_

#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include <functional>
#include <string>

#include "common/clock.h"
#include "common/cluster/follower.h"
#include "common/http_server.h"
#include "common/metrics.h"
#include "slave/generation/provider.h"
#include "slave/generation/snapshot_sink.h"
#include "slave/heartbeat_sender.h"
#include "slave/tftp/server.h"

namespace provisor {

// Every pointer may be null (a diagnostic slave has no provider, follower
// or heartbeats) except server and clock.
struct SlaveMetricsSources {
  const tftp::TftpServer* server = nullptr;
  const GenerationProvider* provider = nullptr;
  const SnapshotHolder* snapshots = nullptr;
  const Follower* follower = nullptr;
  const HeartbeatSender* heartbeats = nullptr;
  const SnapshotSink* sink = nullptr;  // templates that failed to compile on arrival
  const Clock* clock = nullptr;
};

class SlaveMetrics {
 public:
  explicit SlaveMetrics(SlaveMetricsSources sources);

  // Where the provider observes each render.
  prometheus::Histogram* render_seconds() { return render_seconds_; }
  std::string Exposition() const;
  // The metrics listener's own counters (set once it exists).
  void set_http(const HttpServerCounters* http) { http_ = http; }

 private:
  void Collect(MetricsBuilder& out) const;

  SlaveMetricsSources sources_;
  const HttpServerCounters* http_ = nullptr;
  prometheus::Registry registry_;
  prometheus::Histogram* render_seconds_;
  CallbackCollector collector_;
};

}  // namespace provisor

#endif  // PROVISOR_SLAVE_SLAVE_METRICS_H_
