#include "common/http_metrics.h"

namespace provisor {
namespace {

double D(const std::atomic<uint64_t>& v) {
  return static_cast<double>(v.load(std::memory_order_relaxed));
}

}  // namespace

void AddHttpServerMetrics(const HttpServerCounters& c, const std::string& prefix,
                          MetricsBuilder& out) {
  out.Counter(prefix + "_connections_total", "HTTP connections by what became of them at accept")
      .Add(D(c.connections_accepted), {{"result", "accepted"}})
      .Add(D(c.connections_over_limit), {{"result", "over_limit"}})
      .Add(D(c.connections_over_ip_limit), {{"result", "over_ip_limit"}});
  out.Gauge(prefix + "_connections_open", "HTTP connections open now").Add(D(c.connections_open));
  out.Counter(prefix + "_tls_handshake_failures_total",
              "TLS handshakes refused or not finished in time")
      .Add(D(c.tls_handshake_failures));
  out.Counter(prefix + "_requests_refused_total",
              "Requests refused before any handler saw them, by reason");
  for (int i = 0; i < kHttpRefusalCount; ++i) {
    const HttpRefusal refusal = static_cast<HttpRefusal>(i);
    out.Add(static_cast<double>(c.Refused(refusal)),
            {{"reason", std::string(HttpRefusalName(refusal))}});
  }
  out.Counter(prefix + "_connections_closed_total", "HTTP connections the server closed, by why")
      .Add(D(c.idle_closed), {{"reason", "idle"}})
      .Add(D(c.write_timeouts), {{"reason", "write_timeout"}});
}

}  // namespace provisor
