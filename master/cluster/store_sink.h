// StoreSink: where a relay master's Follower puts what its upstream
// streams: a snapshot is restored into the relay's own store (which adopts
// the upstream's store id and revisions), changes are applied with the
// upstream's revision numbers. So the relay's own slaves can follow it
// exactly as they would follow the root, and resume by delta across either
// side's restarts. While a snapshot is being restored the relay refuses its
// own followers (UNAVAILABLE). Its store is the relay's KeySealingStore, so
// the token keys it receives are sealed under the relay's own master key.
//
// Thread-safety: called from the follower's thread only.
#ifndef PROVISOR_MASTER_CLUSTER_STORE_SINK_H_
#define PROVISOR_MASTER_CLUSTER_STORE_SINK_H_

#include "common/cluster/follower.h"
#include "common/logging.h"
#include "master/cluster/sync_streamer.h"
#include "master/store/store.h"

namespace provisor {

class StoreSink final : public SyncSink {
 public:
  StoreSink(Store* store, SyncStreamer* streamer, Logger logger);

  uint64_t applied_revision() const override;
  std::string store_id() const override;
  Status Start(const v1::SyncStart& start) override;
  Status SnapshotEntities(v1::SnapshotChunk& chunk) override;
  Status EndSnapshot(const v1::SnapshotEnd& end) override;
  Status ApplyChanges(v1::ChangeBatch& batch) override;
  void AbortSnapshot() override;

 private:
  Store* store_;
  SyncStreamer* streamer_;
  Logger logger_;
  std::string snapshot_store_id_;
  uint64_t snapshot_revision_ = 0;
  uint64_t received_ = 0;
};

}  // namespace provisor

#endif  // PROVISOR_MASTER_CLUSTER_STORE_SINK_H_
