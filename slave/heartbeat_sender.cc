#include "slave/heartbeat_sender.h"

#include <grpcpp/grpcpp.h>

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "proto/rpc_channel.h"
#include "provisor/v1/cluster.grpc.pb.h"

namespace provisor {

class HeartbeatSender::Impl {
 public:
  Impl(HeartbeatOptions options, std::function<void(v1::HeartbeatRequest*)> collect, Logger logger)
      : options_(std::move(options)), collect_(std::move(collect)), logger_(std::move(logger)) {}
  ~Impl() { Stop(); }

  void Start() {
    if (thread_.joinable()) return;
    thread_ = std::thread([this] { Run(); });
  }
  void Stop() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      stopping_ = true;
    }
    cv_.notify_all();
    if (thread_.joinable()) thread_.join();
  }

  std::atomic<uint64_t> sent{0};
  std::atomic<uint64_t> failed{0};
  // Clock ticks (Now()) when the master last accepted a report; 0: never.
  std::atomic<int64_t> last_accepted{0};

 private:
  void Run() {
    auto stub = v1::Cluster::NewStub(MakeChannel(options_.master, options_.tls.get()));
    Duration interval = options_.interval;
    bool failing = false;
    while (true) {
      v1::HeartbeatRequest request;
      collect_(&request);
      v1::HeartbeatResponse response;
      grpc::ClientContext context;
      context.set_deadline(std::chrono::system_clock::now() + options_.timeout);
      grpc::Status status = stub->Heartbeat(&context, request, &response);
      if (status.ok()) {
        sent.fetch_add(1, std::memory_order_relaxed);
        last_accepted.store(options_.clock->Now().time_since_epoch().count(),
                            std::memory_order_relaxed);
        if (failing) {
          logger_->info("HEARTBEAT_RESUMED heartbeats to {} accepted again", options_.master);
        }
        failing = false;
        if (response.heartbeat_interval_ms() > 0) {
          interval = std::chrono::milliseconds(response.heartbeat_interval_ms());
        }
      } else {
        failed.fetch_add(1, std::memory_order_relaxed);
        if (!failing) {
          logger_->warn("HEARTBEAT_FAILED heartbeat to {} failed: {}", options_.master,
                        status.error_message());
        }
        failing = true;
      }
      std::unique_lock<std::mutex> lock(mu_);
      if (cv_.wait_for(lock, interval, [this] { return stopping_; })) break;
    }
    // A farewell, so the master stops sending devices here now rather than
    // after dead_after. Best effort: a master that does not answer in time
    // finds out by the silence.
    if (last_accepted.load(std::memory_order_relaxed) == 0) return;
    v1::HeartbeatRequest request;
    collect_(&request);
    request.set_stopping(true);
    v1::HeartbeatResponse response;
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + options_.timeout);
    grpc::Status status = stub->Heartbeat(&context, request, &response);
    if (!status.ok()) {
      logger_->info("HEARTBEAT_FAREWELL_FAILED the master did not take the last report: {}",
                    status.error_message());
    }
  }

  const HeartbeatOptions options_;
  std::function<void(v1::HeartbeatRequest*)> collect_;
  Logger logger_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;
  std::thread thread_;
};

HeartbeatSender::HeartbeatSender(HeartbeatOptions options,
                                 std::function<void(v1::HeartbeatRequest*)> collect, Logger logger)
    : impl_(std::make_unique<Impl>(std::move(options), std::move(collect), std::move(logger))) {}
HeartbeatSender::~HeartbeatSender() = default;
void HeartbeatSender::Start() { impl_->Start(); }
void HeartbeatSender::Stop() { impl_->Stop(); }
uint64_t HeartbeatSender::sent() const { return impl_->sent.load(); }
uint64_t HeartbeatSender::failed() const { return impl_->failed.load(); }
std::optional<MonoTime> HeartbeatSender::last_accepted() const {
  const int64_t ticks = impl_->last_accepted.load(std::memory_order_relaxed);
  if (ticks == 0) return std::nullopt;
  return MonoTime(MonoTime::duration(ticks));
}

}  // namespace provisor
