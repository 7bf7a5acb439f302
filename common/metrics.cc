#include "common/metrics.h"

#include <prometheus/text_serializer.h>

namespace provisor {

MetricsBuilder& MetricsBuilder::Start(std::string name, std::string help,
                                      prometheus::MetricType type) {
  prometheus::MetricFamily family;
  family.name = std::move(name);
  family.help = std::move(help);
  family.type = type;
  out_->push_back(std::move(family));
  return *this;
}

MetricsBuilder& MetricsBuilder::Counter(std::string name, std::string help) {
  return Start(std::move(name), std::move(help), prometheus::MetricType::Counter);
}

MetricsBuilder& MetricsBuilder::Gauge(std::string name, std::string help) {
  return Start(std::move(name), std::move(help), prometheus::MetricType::Gauge);
}

MetricsBuilder& MetricsBuilder::Add(double value, MetricLabels labels) {
  if (out_->empty()) return *this;
  prometheus::MetricFamily& family = out_->back();
  prometheus::ClientMetric metric;
  for (auto& [name, label_value] : labels) {
    metric.label.push_back(prometheus::ClientMetric::Label{std::move(name), std::move(label_value)});
  }
  if (family.type == prometheus::MetricType::Counter) {
    metric.counter.value = value;
  } else {
    metric.gauge.value = value;
  }
  family.metric.push_back(std::move(metric));
  return *this;
}

std::vector<prometheus::MetricFamily> CallbackCollector::Collect() const {
  std::vector<prometheus::MetricFamily> out;
  MetricsBuilder builder(&out);
  collect_(builder);
  return out;
}

std::string ExpositionText(const std::vector<const prometheus::Collectable*>& sources) {
  std::vector<prometheus::MetricFamily> families;
  for (const prometheus::Collectable* source : sources) {
    std::vector<prometheus::MetricFamily> some = source->Collect();
    families.insert(families.end(), std::make_move_iterator(some.begin()),
                    std::make_move_iterator(some.end()));
  }
  return prometheus::TextSerializer().Serialize(families);
}

std::vector<double> LatencyBuckets() {
  return {0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005,
          0.01,    0.025,  0.05,    0.1,    0.25,  0.5,    1.0};
}

}  // namespace provisor
