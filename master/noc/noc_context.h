// NocContext: what the master's NOC surfaces (dashboard JSON API, /metrics)
// read: the registry, the store, the balancer and its counters, the history,
// the event log and the master's identity. Plain pointers to objects the
// master's main owns and that outlive every NOC surface.
//
// Thread-safety: every pointee is thread-safe.
#ifndef PROVISOR_MASTER_NOC_NOC_CONTEXT_H_
#define PROVISOR_MASTER_NOC_NOC_CONTEXT_H_

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>

#include "common/clock.h"

namespace provisor {

class SlaveRegistry;
class Store;
class Balancer;
struct BalancerCounters;
struct ImportCounters;
struct BindingCounters;
class ClusterHistory;
class EventLog;
class FrontEndStats;

// The master's HTTP requests since start (NocHttp counts, metrics read).
class RpcAuthorizer;
struct HttpServerCounters;

struct NocHttpCounters {
  std::atomic<uint64_t> requests{0};
  std::atomic<uint64_t> admin_actions{0};
  std::atomic<uint64_t> admin_refused{0};  // no token configured, or a wrong one
  std::atomic<uint64_t> read_refused{0};   // a read off loopback without a valid token
};

struct NocContext {
  const Clock* clock = nullptr;
  SlaveRegistry* registry = nullptr;  // drain/undrain/weight from the dashboard
  Store* store = nullptr;
  const Balancer* balancer = nullptr;
  const BalancerCounters* next_server = nullptr;  // may be null
  const ImportCounters* imports = nullptr;        // may be null
  const ClusterHistory* history = nullptr;
  const EventLog* events = nullptr;
  std::string role = "root";  // or "relay"
  std::string upstream;
  std::function<bool()> upstream_connected;  // may be empty
  Duration rotate_every = std::chrono::minutes(30);  // token key epochs
  bool bind_client_ip = true;
  const BindingCounters* bindings = nullptr;  // may be null (a relay)
  const NocHttpCounters* http = nullptr;       // may be null
  const FrontEndStats* front_ends = nullptr;   // may be null
  const RpcAuthorizer* authorizer = nullptr;   // gRPC refusals; may be null
  const HttpServerCounters* http_server = nullptr;  // the listener's own; may be null
};

}  // namespace provisor

#endif  // PROVISOR_MASTER_NOC_NOC_CONTEXT_H_
