// SnapshotSink: where a slave's Follower puts what the master streams. A
// snapshot is built off to the side and published whole when it ends; a
// batch of changes is applied to a cheap copy of the current snapshot and
// published. Readers (TFTP loops) keep the version they hold, so applying
// never stalls a transfer in flight. Replaced versions are retired and freed
// here, on the sync side, once no reader holds them (so a loop never pays
// for freeing a million-device snapshot). Nothing is written to disk.
// Templates are compiled here, as they arrive (see snapshot.h); one that
// does not compile is logged (TEMPLATE_COMPILE_FAILED) and counted once.
//
// Thread-safety: the SyncSink methods from the follower's thread only;
// ReleaseRetired, retired() and template_failures() from any thread.
#ifndef PROVISOR_SLAVE_GENERATION_SNAPSHOT_SINK_H_
#define PROVISOR_SLAVE_GENERATION_SNAPSHOT_SINK_H_

#include <atomic>
#include <memory>
#include <mutex>
#include <vector>

#include "common/cluster/follower.h"
#include "common/logging.h"
#include "slave/generation/provider.h"
#include "slave/generation/snapshot.h"

namespace provisor {

class SnapshotSink final : public SyncSink {
 public:
  SnapshotSink(SnapshotHolder* holder, Logger logger);

  uint64_t applied_revision() const override;
  std::string store_id() const override;
  Status Start(const v1::SyncStart& start) override;
  Status SnapshotEntities(v1::SnapshotChunk& chunk) override;
  Status EndSnapshot(const v1::SnapshotEnd& end) override;
  Status ApplyChanges(v1::ChangeBatch& batch) override;
  void AbortSnapshot() override;

  // Frees retired versions no reader holds any more. Call periodically.
  void ReleaseRetired();
  size_t retired() const;
  // Templates that arrived and did not compile.
  uint64_t template_failures() const { return template_failures_.load(std::memory_order_relaxed); }

 private:
  void Publish(std::shared_ptr<const GenerationSnapshot> next);
  // Logs and counts a template that did not compile (`error` not OK).
  void TemplateFailed(const Status& error);

  SnapshotHolder* holder_;
  Logger logger_;
  std::unique_ptr<GenerationSnapshot> building_;
  uint64_t building_entities_ = 0;
  bool force_snapshot_ = false;  // the master's token period changed
  mutable std::mutex retired_mu_;
  std::vector<std::shared_ptr<const GenerationSnapshot>> retired_;  // protected by retired_mu_
  std::atomic<uint64_t> template_failures_{0};
};

}  // namespace provisor

#endif  // PROVISOR_SLAVE_GENERATION_SNAPSHOT_SINK_H_
