// SyncStreamer: the master's side of Cluster.Sync. For one follower (a
// slave or a relay master) it decides between deltas from the change log
// and a chunked snapshot, streams that, then pushes every committed change
// in revision order until the follower goes away, the server stops, or the
// follower stalls (a write blocked longer than `stall_timeout` cancels the
// stream; the follower resumes by delta). Memory per follower is bounded:
// one batch in hand, the rest is flow-controlled by HTTP/2. The only path
// token keys leave the master by: its store is the KeySealingStore
// (master/keys/sealing_store.h), so keys are opened for the stream and
// sealed at rest.
//
// Thread-safety: thread-safe; Serve runs on a gRPC handler thread per stream.
// Includes the generated .grpc.pb.h: only master wiring and the cluster
// service include this header.
#ifndef PROVISOR_MASTER_CLUSTER_SYNC_STREAMER_H_
#define PROVISOR_MASTER_CLUSTER_SYNC_STREAMER_H_

#include <grpcpp/grpcpp.h>

#include <atomic>
#include <map>
#include <mutex>

#include "common/clock.h"
#include "common/logging.h"
#include "master/cluster/registry.h"
#include "master/store/store.h"
#include "provisor/v1/cluster.grpc.pb.h"

namespace provisor {

struct SyncOptions {
  size_t snapshot_chunk = 2000;     // entities per SnapshotChunk
  size_t delta_batch = 2000;        // changes per ChangeBatch (whole revisions)
  Duration stall_timeout = std::chrono::seconds(30);
  Duration rotate_every = std::chrono::minutes(30);
  Duration token_ttl = std::chrono::hours(1);
  bool bind_client_ip = true;
  std::string default_class;  // serves unknown MACs; "" = refused
};

struct SyncCounters {
  std::atomic<uint64_t> streams_opened{0};
  std::atomic<uint64_t> snapshots_sent{0};
  std::atomic<uint64_t> deltas_started{0};
  std::atomic<uint64_t> changes_sent{0};
  std::atomic<uint64_t> stalled_dropped{0};
  std::atomic<uint64_t> refused{0};
};

class SyncStreamer {
 public:
  // `registry` admits slaves (max_slaves) and learns which are syncing;
  // relays are not counted against max_slaves.
  SyncStreamer(Store* store, SlaveRegistry* registry, const Clock* clock, SyncOptions options,
               Logger logger);

  grpc::Status Serve(grpc::ServerContext* context, const v1::SyncRequest* request,
                     grpc::ServerWriter<v1::SyncMessage>* writer);

  // Cancels streams whose current write has been blocked past
  // stall_timeout. Call periodically.
  void CancelStalled();
  // Refuses new streams (UNAVAILABLE) while `reason` is non-empty: a relay
  // restoring a snapshot from its upstream.
  void SetUnavailable(std::string reason);

  const SyncCounters& counters() const { return counters_; }
  size_t open_streams() const;

 private:
  struct Stream {
    grpc::ServerContext* context = nullptr;
    MonoTime write_started{};
    bool writing = false;
  };
  grpc::Status ServeOne(grpc::ServerContext* context, const v1::SyncRequest& request,
                        grpc::ServerWriter<v1::SyncMessage>* writer, uint64_t id);
  bool Write(uint64_t id, grpc::ServerWriter<v1::SyncMessage>* writer,
             const v1::SyncMessage& message);

  Store* store_;
  SlaveRegistry* registry_;
  const Clock* clock_;
  const SyncOptions options_;
  Logger logger_;
  SyncCounters counters_;
  mutable std::mutex mu_;
  // streams_, next_stream_ and unavailable_ are protected by mu_.
  std::map<uint64_t, Stream> streams_;
  uint64_t next_stream_ = 1;
  std::string unavailable_;
};

}  // namespace provisor

#endif  // PROVISOR_MASTER_CLUSTER_SYNC_STREAMER_H_
