// NocHttp: the routes of the master's HTTP listener (http_listen), as pure
// logic over HttpRequest -> HttpResponse:
//   GET  /, /index.html, /static/...        the dashboard (compiled in)
//   GET  /metrics                           Prometheus text format
//   GET  /api/v1/cluster                    every slave, totals, token epoch
//   GET  /api/v1/events?after=SEQ&limit=N   events after SEQ, oldest first
//   GET  /api/v1/history                    15 minutes of per-slave rates
//   POST /api/v1/slaves/ID/drain | undrain | weight ({"weight": N})
// The POST routes need `Authorization: Bearer <admin_token>`: 403 when no
// token is configured (the dashboard is read-only), 401 when it is wrong.
// Errors are JSON {"error": "..."} with a status that says what went wrong.
// Every admin action is logged with the peer's address (HTTP_ADMIN_ACTION),
// every refused one too (HTTP_ADMIN_REFUSED), and both are counted.
//
// Thread-safety: thread-safe.
#ifndef PROVISOR_MASTER_NOC_NOC_HTTP_H_
#define PROVISOR_MASTER_NOC_NOC_HTTP_H_

#include <atomic>
#include <string>

#include "common/http_server.h"
#include "common/logging.h"
#include "master/noc/master_metrics.h"
#include "master/noc/noc_context.h"

namespace provisor {

struct NocHttpOptions {
  std::string admin_token;  // empty: read-only
  Logger logger;            // admin actions and refusals (may be null)
};

class NocHttp {
 public:
  // REQUIRES: `noc` and `metrics` outlive this object.
  NocHttp(const NocContext* noc, const MasterMetrics* metrics, NocHttpOptions options);

  HttpResponse Handle(const HttpRequest& request);
  const NocHttpCounters& counters() const { return counters_; }

 private:
  HttpResponse Get(const HttpRequest& request);
  HttpResponse Action(const HttpRequest& request);
  // Empty when the request may write; else the refusal.
  std::optional<HttpResponse> CheckAdmin(const HttpRequest& request);
  void Refused(const HttpRequest& request, const char* why);

  const NocContext* noc_;
  const MasterMetrics* metrics_;
  const NocHttpOptions options_;
  NocHttpCounters counters_;
};

}  // namespace provisor

#endif  // PROVISOR_MASTER_NOC_NOC_HTTP_H_
