#include "slave/tftp/server.h"

#include <sched.h>

#include <algorithm>
#include <thread>

#include "slave/tftp/session_limiter.h"
#include "slave/tftp/worker.h"

namespace provisor::tftp {
namespace {

// Cores this process may run on (taskset, systemd CPUAffinity), not the
// machine's total: more loops than cores only adds switching.
int UsableCores() {
  cpu_set_t set;
  CPU_ZERO(&set);
  if (sched_getaffinity(0, sizeof(set), &set) == 0) return std::max(1, CPU_COUNT(&set));
  return static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
}

}  // namespace

TftpServer::TftpServer(TftpServerOptions options, ContentProvider* provider,
                       const Clock* clock, Logger logger)
    : options_(std::move(options)),
      provider_(provider),
      clock_(clock),
      logger_(std::move(logger)),
      limiter_(std::make_unique<SessionLimiter>(options_.max_sessions,
                                                options_.max_sessions_per_client)) {}

TftpServer::~TftpServer() { Stop(); }

Status TftpServer::Start() {
  if (started_) return FailedPreconditionError("TFTP server already started");
  if (options_.listen.empty()) return InvalidArgumentError("no TFTP listen address");
  int threads = options_.threads;
  if (threads <= 0) threads = UsableCores();
  for (int i = 0; i < threads; ++i) {
    workers_.push_back(
        std::make_unique<TftpWorker>(options_, provider_, clock_, limiter_.get(), logger_));
  }
  bound_.clear();
  for (const SocketAddress& configured : options_.listen) {
    SocketAddress address = configured;
    // The first loop resolves port 0; the others join that port.
    for (auto& worker : workers_) {
      Status s = worker->Listen(address);
      if (!s.ok()) {
        workers_.clear();
        return s;
      }
    }
    bound_.push_back(address);
  }
  for (auto& worker : workers_) {
    Status s = worker->Start();
    if (!s.ok()) {
      Stop();
      return s;
    }
  }
  started_ = true;
  return Status::Ok();
}

void TftpServer::Stop() {
  for (auto& worker : workers_) worker->Stop();
}

bool TftpServer::Responsive(Duration max_delay) {
  bool responsive = true;
  for (auto& worker : workers_) responsive = worker->Responsive(max_delay) && responsive;
  return responsive;
}

TftpStats TftpServer::Stats() const {
  TftpStats stats;
  for (const auto& worker : workers_) worker->counters().AddTo(stats);
  return stats;
}

}  // namespace provisor::tftp
