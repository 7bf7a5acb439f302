// TftpWorker: one TFTP loop (a thread owning a uv_loop_t) with its share of
// the listening sockets and the transfers they started. Internal to
// TftpServer.
//
// Thread-safety: everything runs on the worker's thread except Stop(), which
// posts to it through uv_async_send, and counters(), which is readable from
// any thread.
#ifndef PROVISOR_SLAVE_TFTP_WORKER_H_
#define PROVISOR_SLAVE_TFTP_WORKER_H_

#include <uv.h>

#include <atomic>
#include <list>
#include <memory>
#include <thread>
#include <vector>

#include "common/clock.h"
#include "common/logging.h"
#include "common/uv_handle.h"
#include "slave/tftp/content.h"
#include "slave/tftp/counters.h"
#include "slave/tftp/outbox.h"
#include "slave/tftp/server.h"
#include "slave/tftp/session_limiter.h"
#include "slave/tftp/udp_socket.h"

namespace provisor::tftp {

// Largest file served in netascii mode (converted in memory per transfer).
inline constexpr uint64_t kMaxNetasciiSource = 1 << 20;

class TftpWorker {
 public:
  TftpWorker(const TftpServerOptions& options, ContentProvider* provider, const Clock* clock,
             SessionLimiter* limiter, Logger logger);
  ~TftpWorker();

  // Before Start(): adds a listening socket for `address` (port updated if 0).
  Status Listen(SocketAddress& address);
  Status Start();
  // Any thread: aborts transfers, closes everything and joins the thread.
  void Stop();

  const TftpCounters& counters() const { return counters_; }
  // See TftpServer::Responsive. Any one thread, between Start() and Stop().
  bool Responsive(Duration max_delay);

 private:
  struct Listener;
  struct Port;
  struct Transfer;

  void Run();
  void OnListenerReadable(Listener* listener);
  void HandleDatagram(Listener* listener, const Received& datagram);
  void ReplyFromListener(Listener* listener, const Received& to, ErrorCode code,
                         std::string_view message);
  void StartTransfer(Listener* listener, const Received& datagram, const Request& request);
  void OnTransferReadable(Transfer* transfer);
  void OnTransferTimer(Transfer* transfer);
  // Sends what the session produced, then re-arms its timer or ends it.
  void AfterEvent(Transfer* transfer, MonoTime now);
  void EndTransfer(Transfer* transfer);
  // A bound, watched transfer socket for `local` (port 0): from the pool, or new.
  StatusOr<std::unique_ptr<Port>> TakePort(const SocketAddress& local);
  void ReturnPort(std::unique_ptr<Port> port);
  void OnIdlePortReadable(Port* port);
  void CloseAll();

  const TftpServerOptions& options_;
  ContentProvider* provider_;
  const Clock* clock_;
  SessionLimiter* limiter_;
  Logger logger_;
  TftpCounters counters_;

  uv_loop_t loop_{};
  bool loop_initialized_ = false;
  UvHandle<uv_async_t> stop_async_;
  UvHandle<uv_async_t> ping_async_;
  // When the unanswered ping was posted (Clock ns), 0 when none is pending.
  std::atomic<int64_t> ping_posted_ns_{0};
  std::vector<std::unique_ptr<Listener>> listeners_;
  // Live transfers, owned here. A transfer owns its session slot, its port
  // and its timer; erasing it releases the slot and closes the timer (the
  // handle's memory is freed in its close callback, which this loop runs
  // before the worker goes away).
  std::list<Transfer> transfers_;
  // Idle transfer ports by local address (usually one entry).
  std::vector<std::pair<SocketAddress, std::vector<std::unique_ptr<Port>>>> idle_ports_;
  bool stopping_ = false;
  std::thread thread_;

  Outbox outbox_;
  Sender sender_;
  ReceiveBatch listener_batch_;
  std::vector<uint8_t> transfer_buffer_;
  std::vector<uint8_t> scratch_;
};

}  // namespace provisor::tftp

#endif  // PROVISOR_SLAVE_TFTP_WORKER_H_
