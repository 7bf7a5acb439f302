#include "common/cluster/follower.h"

#include <unistd.h>

#include <chrono>

#include <grpcpp/grpcpp.h>

#include <algorithm>
#include <cmath>
#include <random>

#include "common/hex.h"
#include "proto/rpc_channel.h"
#include "provisor/v1/cluster.grpc.pb.h"

namespace provisor {

std::string RandomInstanceId() {
  StatusOr<std::string> id = RandomHex(8);
  if (id.ok()) return *id;
  // No entropy source: the pid and time still differ between processes.
  const uint64_t fallback =
      static_cast<uint64_t>(getpid()) << 32 ^
      static_cast<uint64_t>(std::chrono::steady_clock::now().time_since_epoch().count());
  return HexEncode(std::string_view(reinterpret_cast<const char*>(&fallback), sizeof(fallback)));
}

class Follower::Impl {
 public:
  Impl(FollowerOptions options, SyncSink* sink, Logger logger)
      : options_(std::move(options)), sink_(sink), logger_(std::move(logger)) {}

  ~Impl() { Stop(); }

  void Start() {
    std::lock_guard<std::mutex> lock(mu_);
    if (thread_.joinable()) return;
    stopping_ = false;
    thread_ = std::thread([this] { Run(); });
  }

  void Stop() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      stopping_ = true;
      if (context_ != nullptr) context_->TryCancel();
    }
    cv_.notify_all();
    if (thread_.joinable()) thread_.join();
  }

  FollowerStats stats() const {
    std::lock_guard<std::mutex> lock(mu_);
    return stats_;
  }

 private:
  void Run() {
    std::shared_ptr<grpc::Channel> channel = MakeChannel(options_.master, options_.tls.get());
    auto stub = v1::Cluster::NewStub(channel);
    std::mt19937_64 random(std::random_device{}());
    int failures = 0;
    while (true) {
      {
        std::lock_guard<std::mutex> lock(mu_);
        if (stopping_) return;
      }
      const bool progressed = RunStream(*stub);
      failures = progressed ? 0 : std::min(failures + 1, 30);
      // Exponential backoff with full jitter: uniform in [min, min * 2^n],
      // capped at max_backoff.
      const double ceiling = std::min<double>(
          std::chrono::duration<double>(options_.max_backoff).count(),
          std::chrono::duration<double>(options_.min_backoff).count() * std::pow(2.0, failures));
      std::uniform_real_distribution<double> pick(
          std::chrono::duration<double>(options_.min_backoff).count(), std::max(ceiling, 0.001));
      const auto wait = std::chrono::duration<double>(pick(random));
      std::unique_lock<std::mutex> lock(mu_);
      cv_.wait_for(lock, wait, [this] { return stopping_; });
    }
  }

  void SetError(const std::string& error, bool refused) {
    std::lock_guard<std::mutex> lock(mu_);
    stats_.connected = false;
    stats_.last_error = error;
    if (refused) ++stats_.refused;
  }

  // One stream; true if it got past its start (so the backoff resets).
  bool RunStream(v1::Cluster::Stub& stub) {
    grpc::ClientContext context;
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (stopping_) return false;
      context_ = &context;
    }
    v1::SyncRequest request;
    request.set_follower_id(options_.id);
    request.set_kind(options_.kind);
    request.set_applied_revision(sink_->applied_revision());
    request.set_store_id(sink_->store_id());
    request.set_address(options_.address);
    request.set_instance(options_.instance);
    std::unique_ptr<grpc::ClientReader<v1::SyncMessage>> reader = stub.Sync(&context, request);

    bool started = false;
    bool in_snapshot = false;
    Status failed;
    v1::SyncMessage message;
    while (failed.ok() && reader->Read(&message)) {
      switch (message.body_case()) {
        case v1::SyncMessage::kStart: {
          if (started) {
            failed = DataLossError("a second start on one stream");
            break;
          }
          started = true;
          in_snapshot = message.start().mode() == v1::SyncStart::MODE_SNAPSHOT;
          failed = sink_->Start(message.start());
          std::lock_guard<std::mutex> lock(mu_);
          stats_.connected = true;
          ++stats_.streams;
          if (!in_snapshot) ++stats_.deltas;
          stats_.master_revision = message.start().revision();
          break;
        }
        case v1::SyncMessage::kChunk:
          if (!in_snapshot) {
            failed = DataLossError("snapshot chunk outside a snapshot");
            break;
          }
          failed = sink_->SnapshotEntities(*message.mutable_chunk());
          break;
        case v1::SyncMessage::kSnapshotEnd: {
          if (!in_snapshot) {
            failed = DataLossError("snapshot end outside a snapshot");
            break;
          }
          failed = sink_->EndSnapshot(message.snapshot_end());
          in_snapshot = false;
          std::lock_guard<std::mutex> lock(mu_);
          if (failed.ok()) ++stats_.snapshots;
          break;
        }
        case v1::SyncMessage::kChanges: {
          if (!started || in_snapshot) {
            failed = DataLossError("changes before the snapshot ended");
            break;
          }
          const uint64_t count = static_cast<uint64_t>(message.changes().changes_size());
          const uint64_t master_revision = message.changes().master_revision();
          failed = sink_->ApplyChanges(*message.mutable_changes());
          std::lock_guard<std::mutex> lock(mu_);
          stats_.changes += count;
          stats_.master_revision = std::max(stats_.master_revision, master_revision);
          break;
        }
        default:
          failed = DataLossError("unknown sync message");
      }
    }
    if (!failed.ok()) context.TryCancel();
    grpc::Status status = reader->Finish();
    if (in_snapshot) sink_->AbortSnapshot();
    {
      std::lock_guard<std::mutex> lock(mu_);
      context_ = nullptr;
      if (stopping_) return started;
    }
    if (!failed.ok()) {
      logger_->warn("FOLLOW_SYNC_FAILED sync with {}: {}; reconnecting", options_.master,
                    failed.message());
      SetError(failed.message(), false);
    } else {
      const bool refused = status.error_code() == grpc::StatusCode::RESOURCE_EXHAUSTED;
      const std::string error = status.ok() ? std::string("stream ended")
                                            : status.error_message();
      if (started || refused || stats().last_error != error) {
        logger_->warn("{} sync with {} {}: {}; retrying",
                      refused ? "FOLLOW_SYNC_REFUSED" : "FOLLOW_SYNC_LOST", options_.master,
                      refused ? "refused" : "lost", error);
      }
      SetError(error, refused);
    }
    return started;
  }

  const FollowerOptions options_;
  SyncSink* sink_;
  Logger logger_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;
  grpc::ClientContext* context_ = nullptr;
  FollowerStats stats_;
  std::thread thread_;
};

Follower::Follower(FollowerOptions options, SyncSink* sink, Logger logger)
    : impl_(std::make_unique<Impl>(std::move(options), sink, std::move(logger))) {}
Follower::~Follower() = default;
void Follower::Start() { impl_->Start(); }
void Follower::Stop() { impl_->Stop(); }
FollowerStats Follower::stats() const { return impl_->stats(); }

}  // namespace provisor
