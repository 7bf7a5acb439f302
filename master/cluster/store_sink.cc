#include "master/cluster/store_sink.h"

namespace provisor {

StoreSink::StoreSink(Store* store, SyncStreamer* streamer, Logger logger)
    : store_(store), streamer_(streamer), logger_(std::move(logger)) {}

uint64_t StoreSink::applied_revision() const {
  return store_->restoring() ? 0 : store_->revision();
}

std::string StoreSink::store_id() const { return store_->store_id(); }

Status StoreSink::Start(const v1::SyncStart& start) {
  if (start.mode() == v1::SyncStart::MODE_SNAPSHOT) {
    streamer_->SetUnavailable("this relay is restoring a snapshot from its upstream");
    PROVISOR_RETURN_IF_ERROR(store_->BeginRestore());
    snapshot_store_id_ = start.store_id();
    snapshot_revision_ = start.revision();
    received_ = 0;
    logger_->info("RELAY_RESTORE_STARTED relay: restoring a snapshot of {} entities at revision {}",
                  start.entities(), start.revision());
    return Status::Ok();
  }
  if (start.store_id() != store_->store_id()) {
    return DataLossError("upstream offered a delta for another store");
  }
  logger_->info("RELAY_DELTA_RESUMED relay: resuming by delta from revision {} (upstream at {})",
                store_->revision(), start.revision());
  return Status::Ok();
}

Status StoreSink::SnapshotEntities(v1::SnapshotChunk& chunk) {
  std::vector<v1::Entity> entities;
  entities.reserve(static_cast<size_t>(chunk.entities_size()));
  for (v1::Entity& e : *chunk.mutable_entities()) entities.push_back(std::move(e));
  received_ += entities.size();
  return store_->RestoreEntities(entities);
}

Status StoreSink::EndSnapshot(const v1::SnapshotEnd& end) {
  if (end.entities() != received_ || end.revision() != snapshot_revision_) {
    return DataLossError("snapshot incomplete: got " + std::to_string(received_) +
                         " entities, the upstream sent " + std::to_string(end.entities()));
  }
  PROVISOR_RETURN_IF_ERROR(store_->FinishRestore(snapshot_store_id_, snapshot_revision_));
  streamer_->SetUnavailable("");
  logger_->info("RELAY_RESTORE_DONE relay: snapshot restored at revision {}", snapshot_revision_);
  return Status::Ok();
}

Status StoreSink::ApplyChanges(v1::ChangeBatch& batch) {
  std::vector<v1::Change> fresh;
  const uint64_t have = store_->revision();
  for (v1::Change& change : *batch.mutable_changes()) {
    if (change.revision() > have) fresh.push_back(std::move(change));
  }
  if (fresh.empty()) return Status::Ok();
  return store_->ApplyReplicated(fresh);
}

void StoreSink::AbortSnapshot() {
  // The store stays marked restoring: the next stream asks for a snapshot.
  received_ = 0;
}

}  // namespace provisor
