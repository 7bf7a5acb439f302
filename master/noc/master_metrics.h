// MasterMetrics: the master's Prometheus metrics (README "Metrics"): the
// NextServer latency histogram, fed by the Balancer service, plus values
// read at scrape time from the registry (per slave: up, draining, heartbeat
// age, revision lag, effective weight, sessions, transfers/s, failures),
// the balancer, the store, imports, bindings, events and token epochs.
// Label cardinality is bounded: slave ids (at most max_slaves), results,
// reasons and event kinds.
//
// Thread-safety: thread-safe.
#ifndef PROVISOR_MASTER_NOC_MASTER_METRICS_H_
#define PROVISOR_MASTER_NOC_MASTER_METRICS_H_

#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include <string>

#include "common/metrics.h"
#include "master/noc/noc_context.h"

namespace provisor {

class MasterMetrics {
 public:
  // REQUIRES: `noc` outlives this object.
  explicit MasterMetrics(const NocContext* noc);

  // Where the Balancer service observes each NextServer call.
  prometheus::Histogram* next_server_latency() { return next_server_latency_; }
  // The text exposition of every master metric.
  std::string Exposition() const;

 private:
  void Collect(MetricsBuilder& out) const;

  const NocContext* noc_;
  prometheus::Registry registry_;
  prometheus::Histogram* next_server_latency_;
  CallbackCollector collector_;
};

}  // namespace provisor

#endif  // PROVISOR_MASTER_NOC_MASTER_METRICS_H_
