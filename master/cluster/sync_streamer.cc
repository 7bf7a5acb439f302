#include "master/cluster/sync_streamer.h"

#include "master/admin_service.h"
#include "common/utf8.h"
#include "master/cluster/cluster_service.h"

namespace provisor {
namespace {

// A snapshot chunk or change batch is flushed at this many bytes even when
// it has fewer entries than configured (templates can be large).
constexpr size_t kMaxMessageBytes = 1 << 20;

const char* KindText(v1::FollowerKind kind) {
  return kind == v1::FOLLOWER_KIND_RELAY ? "relay" : "slave";
}

}  // namespace

SyncStreamer::SyncStreamer(Store* store, SlaveRegistry* registry, const Clock* clock,
                           SyncOptions options, Logger logger)
    : store_(store),
      registry_(registry),
      clock_(clock),
      options_(options),
      logger_(std::move(logger)) {}

void SyncStreamer::SetUnavailable(std::string reason) {
  std::lock_guard<std::mutex> lock(mu_);
  unavailable_ = std::move(reason);
}

size_t SyncStreamer::open_streams() const {
  std::lock_guard<std::mutex> lock(mu_);
  return streams_.size();
}

void SyncStreamer::CancelStalled() {
  const MonoTime now = clock_->Now();
  std::lock_guard<std::mutex> lock(mu_);
  for (auto& [id, stream] : streams_) {
    if (stream.writing && now - stream.write_started > options_.stall_timeout) {
      stream.writing = false;  // cancel once
      counters_.stalled_dropped.fetch_add(1, std::memory_order_relaxed);
      stream.context->TryCancel();
    }
  }
}

bool SyncStreamer::Write(uint64_t id, grpc::ServerWriter<v1::SyncMessage>* writer,
                         const v1::SyncMessage& message) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    Stream& s = streams_[id];
    s.writing = true;
    s.write_started = clock_->Now();
  }
  const bool ok = writer->Write(message);
  std::lock_guard<std::mutex> lock(mu_);
  streams_[id].writing = false;
  return ok;
}

grpc::Status SyncStreamer::Serve(grpc::ServerContext* context, const v1::SyncRequest* request,
                                 grpc::ServerWriter<v1::SyncMessage>* writer) {
  const std::string& follower = request->follower_id();
  const bool relay = request->kind() == v1::FOLLOWER_KIND_RELAY;
  // A slave's id is the one its heartbeats use (and a label in metrics and
  // the dashboard); a relay's is only logged: printable, no spaces.
  if (!IsPrintableToken(follower, 64) || (!relay && !ValidateSlaveId(follower).ok())) {
    counters_.refused.fetch_add(1, std::memory_order_relaxed);
    return ToGrpc(InvalidArgumentError("sync request without a valid follower id"));
  }
  uint64_t id = 0;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!unavailable_.empty()) {
      counters_.refused.fetch_add(1, std::memory_order_relaxed);
      return ToGrpc(UnavailableError(unavailable_));
    }
    id = next_stream_++;
    streams_[id].context = context;
  }
  Status admitted = relay ? Status::Ok() : registry_->Admit(follower, request->address(), request->instance());
  if (!admitted.ok()) {
    std::lock_guard<std::mutex> lock(mu_);
    streams_.erase(id);
    counters_.refused.fetch_add(1, std::memory_order_relaxed);
    logger_->warn("SYNC_REFUSED sync from {} {} refused: {}", KindText(request->kind()), follower,
                  admitted.message());
    return ToGrpc(admitted);
  }
  counters_.streams_opened.fetch_add(1, std::memory_order_relaxed);
  if (!relay) registry_->SetSyncing(follower, true);
  grpc::Status result = ServeOne(context, *request, writer, id);
  if (!relay) registry_->SetSyncing(follower, false);
  {
    std::lock_guard<std::mutex> lock(mu_);
    streams_.erase(id);
  }
  logger_->info("SYNC_ENDED sync stream of {} {} ended: {}", KindText(request->kind()), follower,
                result.ok() ? "ok" : result.error_message());
  return result;
}

grpc::Status SyncStreamer::ServeOne(grpc::ServerContext* context, const v1::SyncRequest& request,
                                    grpc::ServerWriter<v1::SyncMessage>* writer, uint64_t id) {
  std::string store_id = store_->store_id();
  auto set_policy = [this](v1::SyncStart* start) {
    start->set_rotate_every_s(
        std::chrono::duration_cast<std::chrono::seconds>(options_.rotate_every).count());
    start->set_token_ttl_s(
        std::chrono::duration_cast<std::chrono::seconds>(options_.token_ttl).count());
    start->set_bind_client_ip(options_.bind_client_ip);
    start->set_default_class(options_.default_class);
  };
  uint64_t after = request.applied_revision();

  // Deltas when the follower's revision is ours and the log reaches back.
  bool delta = request.store_id() == store_id && after > 0 && after <= store_->revision();
  if (delta) {
    StatusOr<std::vector<v1::Change>> probe = store_->ChangesSince(after, 1);
    delta = probe.ok();
  }

  v1::SyncMessage message;
  if (delta) {
    v1::SyncStart* start = message.mutable_start();
    start->set_mode(v1::SyncStart::MODE_DELTA);
    start->set_store_id(store_id);
    start->set_revision(store_->revision());
    set_policy(start);
    counters_.deltas_started.fetch_add(1, std::memory_order_relaxed);
    logger_->info("SYNC_DELTA sync {}: delta from revision {} to {}", request.follower_id(), after,
                  store_->revision());
    if (!Write(id, writer, message)) return grpc::Status::CANCELLED;
  } else {
    uint64_t sent = 0;
    uint64_t snapshot_revision = 0;
    v1::SyncMessage chunk;
    size_t chunk_bytes = 0;
    auto flush = [&]() -> Status {
      if (chunk.chunk().entities_size() == 0) return Status::Ok();
      if (!Write(id, writer, chunk)) return CancelledError("follower went away");
      chunk.Clear();
      chunk_bytes = 0;
      return Status::Ok();
    };
    Status scanned = store_->Scan(
        options_.snapshot_chunk,
        [&](const ScanHeader& header) -> Status {
          snapshot_revision = header.revision;
          store_id = header.store_id;
          v1::SyncStart* start = message.mutable_start();
          start->set_mode(v1::SyncStart::MODE_SNAPSHOT);
          start->set_store_id(header.store_id);
          start->set_revision(header.revision);
          start->set_entities(header.entities);
          set_policy(start);
          logger_->info("SYNC_SNAPSHOT sync {}: snapshot of {} entities at revision {} "
                        "(follower had {})",
                        request.follower_id(), header.entities, header.revision, after);
          if (!Write(id, writer, message)) return CancelledError("follower went away");
          return Status::Ok();
        },
        [&](std::vector<v1::Entity>& batch) -> Status {
          for (v1::Entity& entity : batch) {
            chunk_bytes += entity.ByteSizeLong();
            *chunk.mutable_chunk()->add_entities() = std::move(entity);
            ++sent;
            if (chunk.chunk().entities_size() >= static_cast<int>(options_.snapshot_chunk) ||
                chunk_bytes >= kMaxMessageBytes) {
              PROVISOR_RETURN_IF_ERROR(flush());
            }
          }
          if (context->IsCancelled()) return CancelledError("follower went away");
          return Status::Ok();
        });
    if (scanned.ok()) scanned = flush();
    if (!scanned.ok()) {
      return scanned.code() == StatusCode::kCancelled ? grpc::Status::CANCELLED
                                                      : ToGrpc(scanned);
    }
    message.Clear();
    message.mutable_snapshot_end()->set_revision(snapshot_revision);
    message.mutable_snapshot_end()->set_entities(sent);
    if (!Write(id, writer, message)) return grpc::Status::CANCELLED;
    counters_.snapshots_sent.fetch_add(1, std::memory_order_relaxed);
    after = snapshot_revision;
  }

  // Then every committed change, in order, as it comes.
  while (!context->IsCancelled()) {
    // A relay whose store was replaced by a snapshot from its upstream:
    // revisions here no longer continue the follower's.
    if (store_->store_id() != store_id || store_->revision() < after) {
      return ToGrpc(UnavailableError("this master's store was replaced; resync"));
    }
    StatusOr<std::vector<v1::Change>> changes = store_->ChangesSince(after, options_.delta_batch);
    if (!changes.ok()) {
      if (changes.status().code() == StatusCode::kOutOfRange) {
        return ToGrpc(OutOfRangeError("follower fell behind the change log; it will resync"));
      }
      return ToGrpc(changes.status());
    }
    if (changes->empty()) {
      store_->WaitForRevision(after, std::chrono::milliseconds(250));
      continue;
    }
    message.Clear();
    v1::ChangeBatch* batch = message.mutable_changes();
    size_t bytes = 0;
    for (size_t i = 0; i < changes->size(); ++i) {
      v1::Change& change = (*changes)[i];
      const uint64_t revision = change.revision();
      bytes += change.ByteSizeLong();
      *batch->add_changes() = std::move(change);
      // Split only between revisions.
      const bool revision_ends = i + 1 == changes->size() || (*changes)[i + 1].revision() != revision;
      if (revision_ends && (bytes >= kMaxMessageBytes || i + 1 == changes->size())) {
        batch->set_master_revision(store_->revision());
        const size_t count = static_cast<size_t>(batch->changes_size());
        if (!Write(id, writer, message)) return grpc::Status::CANCELLED;
        counters_.changes_sent.fetch_add(count, std::memory_order_relaxed);
        after = revision;
        message.Clear();
        batch = message.mutable_changes();
        bytes = 0;
      }
    }
  }
  return grpc::Status::CANCELLED;
}

}  // namespace provisor
