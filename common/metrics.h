// Metrics: the pieces both daemons use to expose Prometheus metrics with
// prometheus-cpp. Most values already live in provisor's own counters
// (relaxed atomics on hot paths), so they are read at scrape time by a
// CallbackCollector rather than mirrored into prometheus-cpp objects;
// histograms use prometheus::Histogram directly. Names carry their unit
// (`_seconds`, `_bytes`, `_total`) and labels stay low-cardinality (a
// reason, a result, a slave id of at most max_slaves).
//
// Thread-safety: CallbackCollector is as thread-safe as its callback;
// ExpositionText may be called from any thread.
#ifndef PROVISOR_COMMON_METRICS_H_
#define PROVISOR_COMMON_METRICS_H_

#include <prometheus/collectable.h>
#include <prometheus/metric_family.h>

#include <functional>
#include <string>
#include <utility>
#include <vector>

namespace provisor {

using MetricLabels = std::vector<std::pair<std::string, std::string>>;

// Builds families at scrape time.
class MetricsBuilder {
 public:
  explicit MetricsBuilder(std::vector<prometheus::MetricFamily>* out) : out_(out) {}
  // Starts a family; the samples that follow belong to it.
  MetricsBuilder& Counter(std::string name, std::string help);
  MetricsBuilder& Gauge(std::string name, std::string help);
  // A sample of the current family.
  MetricsBuilder& Add(double value, MetricLabels labels = {});

 private:
  MetricsBuilder& Start(std::string name, std::string help, prometheus::MetricType type);
  std::vector<prometheus::MetricFamily>* out_;
};

class CallbackCollector final : public prometheus::Collectable {
 public:
  explicit CallbackCollector(std::function<void(MetricsBuilder&)> collect)
      : collect_(std::move(collect)) {}
  std::vector<prometheus::MetricFamily> Collect() const override;

 private:
  std::function<void(MetricsBuilder&)> collect_;
};

// The Prometheus text exposition (format 0.0.4) of everything `sources`
// hold, in order.
std::string ExpositionText(const std::vector<const prometheus::Collectable*>& sources);
inline constexpr const char* kExpositionContentType = "text/plain; version=0.0.4; charset=utf-8";

// Histogram buckets for latencies from 50 us to 1 s.
std::vector<double> LatencyBuckets();

}  // namespace provisor

#endif  // PROVISOR_COMMON_METRICS_H_
