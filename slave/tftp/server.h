// TftpServer: the slave's TFTP engine. Serves read requests with bytes from a
// ContentProvider on N libuv loops (one thread each, default: one per core)
// that share each listening port through SO_REUSEPORT; every transfer gets
// its own socket with a fresh ephemeral port (its TID) on the loop that
// received the request. The protocol itself lives in TftpSession (pure
// logic); this layer only moves datagrams and timers.
//
// Thread-safety: Start/Stop/Stats from one controlling thread; Stats() may be
// called while loops run. The ContentProvider must be thread-safe.
#ifndef PROVISOR_SLAVE_TFTP_SERVER_H_
#define PROVISOR_SLAVE_TFTP_SERVER_H_

#include <memory>
#include <vector>

#include "common/clock.h"
#include "common/logging.h"
#include "common/socket_address.h"
#include "common/status.h"
#include "slave/tftp/content.h"
#include "slave/tftp/counters.h"
#include "slave/tftp/options.h"
#include "slave/tftp/session.h"

namespace provisor::tftp {

struct TftpServerOptions {
  std::vector<SocketAddress> listen;  // port 0: pick one (same for all loops)
  int threads = 0;                    // 0: one loop per core
  OptionLimits option_limits;
  SessionConfig session;
  size_t max_sessions = 20000;        // 0: unlimited
  size_t max_sessions_per_client = 128;  // per client IP; 0: unlimited
  int receive_buffer_bytes = 8 << 20;    // listening sockets
};

class TftpWorker;
class SessionLimiter;

class TftpServer {
 public:
  TftpServer(TftpServerOptions options, ContentProvider* provider, const Clock* clock,
             Logger logger);
  ~TftpServer();
  TftpServer(const TftpServer&) = delete;
  TftpServer& operator=(const TftpServer&) = delete;

  // Binds every listener on every loop and starts the loops.
  Status Start();
  // Addresses actually bound (ports resolved), in the order configured.
  const std::vector<SocketAddress>& bound_addresses() const { return bound_; }
  // Aborts transfers in flight, closes every socket and joins the loops.
  void Stop();

  TftpStats Stats() const;
  int threads() const { return static_cast<int>(workers_.size()); }

  // Liveness for the service watchdog: false if a no-op posted to some loop
  // by an earlier call has waited longer than `max_delay` (that loop is
  // stuck); then posts a new one to each loop that answered. Cheap: one
  // uv_async_send per loop per call.
  // REQUIRES: called from one thread at a time, between Start() and Stop().
  bool Responsive(Duration max_delay);

 private:
  TftpServerOptions options_;
  ContentProvider* provider_;
  const Clock* clock_;
  Logger logger_;
  std::unique_ptr<SessionLimiter> limiter_;
  std::vector<std::unique_ptr<TftpWorker>> workers_;
  std::vector<SocketAddress> bound_;
  bool started_ = false;
};

}  // namespace provisor::tftp

#endif  // PROVISOR_SLAVE_TFTP_SERVER_H_
