// NocHttp: the routes of the master's HTTP listener (http_listen), as pure
// logic over HttpRequest -> HttpResponse:
//   GET  /, /index.html, /static/...        the dashboard (compiled in)
//   GET  /metrics                           Prometheus text format
//   GET  /api/v1/cluster                    every slave, totals, token epoch
//   GET  /api/v1/events?after=SEQ&limit=N   events after SEQ, oldest first
//   GET  /api/v1/history                    15 minutes of per-slave rates
//   POST /api/v1/slaves/ID/drain | undrain | weight ({"weight": N})
// Who may do what (README "Security"): the page itself (/, /static/...) is
// public, it holds no data; reads (/metrics, /api/v1/...) need role reader,
// the POST routes role operator. A caller is an API token from master.toml
// (`Authorization: Bearer <token>`), a client certificate verified by the
// HTTPS listener (CN and O roles, as on gRPC), or, for reads only, anyone
// connecting from loopback. No or a wrong credential is 401, too small a
// role 403; a POST when no token is configured is 403 (read-only).
// Errors are JSON {"error": "..."} with a status that says what went wrong.
// Every admin action is logged with the peer's address (HTTP_ADMIN_ACTION),
// every refused request too (HTTP_ADMIN_REFUSED, HTTP_READ_REFUSED), and all
// are counted.
//
// Thread-safety: thread-safe.
#ifndef PROVISOR_MASTER_NOC_NOC_HTTP_H_
#define PROVISOR_MASTER_NOC_NOC_HTTP_H_

#include <atomic>
#include <string>

#include "common/http_server.h"
#include "common/logging.h"
#include "master/auth/identity.h"
#include "master/noc/master_metrics.h"
#include "master/noc/noc_context.h"

namespace provisor {

struct NocHttpOptions {
  ApiTokens tokens;  // none: read-only (unless client certificates say otherwise)
  Logger logger;     // admin actions and refusals (may be null)
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
  // Empty when the request's caller holds `role`; else the refusal.
  std::optional<HttpResponse> Require(const HttpRequest& request, Role role);
  void Refused(const HttpRequest& request, Role role, const std::string& why);

  const NocContext* noc_;
  const MasterMetrics* metrics_;
  const NocHttpOptions options_;
  NocHttpCounters counters_;
};

}  // namespace provisor

#endif  // PROVISOR_MASTER_NOC_NOC_HTTP_H_
