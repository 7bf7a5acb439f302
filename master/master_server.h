// MasterServer: one provisor master (root or relay) as an object. Create()
// opens the store and the token key vault and builds every part main used to
// wire by hand (generator, authorizer, admin/cluster/balancer services,
// registry, Sync streamer, bindings, NOC HTTP, metrics) and registers the
// periodic chores on a ChoreSchedule driven by the injected Clock. Start()
// binds the gRPC and HTTP listeners, starts a relay's follower and the chore
// runner; Stop() ends them in order (follower, gRPC with half a second of
// grace, HTTP, chores, a root's last binding flush).
//
// gRPC headers stay in master_server.cc (pimpl), so including this is cheap.
//
// Thread-safety: Create/Start/Stop from one controlling thread; Healthy()
// from any thread (the service watchdog's thread).
// REQUIRES: clock outlives the server; logger non-null (MakeNullLogger() in
// tests); a config that passed LoadMasterConfigFile.
#ifndef PROVISOR_MASTER_MASTER_SERVER_H_
#define PROVISOR_MASTER_MASTER_SERVER_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "common/clock.h"
#include "common/logging.h"
#include "common/socket_address.h"
#include "common/status.h"
#include "common/tls_config.h"
#include "master/chore_schedule.h"
#include "master/master_config.h"

namespace provisor {

struct MasterAddresses {
  SocketAddress grpc;
  std::optional<SocketAddress> http;  // set when http_listen is
  bool https = false;                 // the HTTP listener speaks TLS
};

class MasterServer {
 public:
  // Errors carry the message main prints after "provisor-master: " (the
  // store's or key vault's, "[http]: ...").
  static StatusOr<std::unique_ptr<MasterServer>> Create(
      const MasterConfig& config, std::shared_ptr<const TlsMaterial> tls, Clock* clock,
      Logger logger);
  ~MasterServer();  // Stop()
  MasterServer(const MasterServer&) = delete;
  MasterServer& operator=(const MasterServer&) = delete;

  // Binds the listeners, starts a relay's follower and the chore runner,
  // logs MASTER_STARTED. Errors: "cannot listen on <grpc_listen>",
  // "http_listen: ...", "[tls] cert: ...". Call once.
  StatusOr<MasterAddresses> Start();
  // Idempotent; the server cannot be started again.
  void Stop();

  // The watchdog's liveness check: the chores ran within max(3 ticks, 5 s).
  bool Healthy() const;

  const std::string& role() const;  // "root" or "relay"
  uint64_t revision() const;        // the store's
  // How often the cluster chores run: max(50 ms, heartbeat_interval / 4).
  Duration chore_tick() const;
  // The chores, in the order they run. Tests drive RunDue() with a FakeClock.
  ChoreSchedule& chores();

 private:
  struct Parts;
  explicit MasterServer(std::unique_ptr<Parts> parts);
  std::unique_ptr<Parts> parts_;
};

}  // namespace provisor

#endif  // PROVISOR_MASTER_MASTER_SERVER_H_
