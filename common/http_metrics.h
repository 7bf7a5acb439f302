// AddHttpServerMetrics: an HttpServer's counters as Prometheus families
// under `prefix` (e.g. "provisor_master_http"): connections accepted, open
// and refused at the caps, TLS handshake failures, requests refused by the
// parser by reason (headers too large, slow, body over the cap, Host not
// allowed ...), idle closes and write timeouts. Shared by both daemons.
//
// Thread-safety: reads relaxed atomics; call from any thread.
#ifndef PROVISOR_COMMON_HTTP_METRICS_H_
#define PROVISOR_COMMON_HTTP_METRICS_H_

#include <string>

#include "common/http_server.h"
#include "common/metrics.h"

namespace provisor {

void AddHttpServerMetrics(const HttpServerCounters& counters, const std::string& prefix,
                          MetricsBuilder& out);

}  // namespace provisor

#endif  // PROVISOR_COMMON_HTTP_METRICS_H_
