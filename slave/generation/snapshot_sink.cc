#include "slave/generation/snapshot_sink.h"

namespace provisor {
namespace {

Duration Seconds(int64_t s) { return std::chrono::seconds(s); }

void SetPolicy(const v1::SyncStart& start, TokenPolicy* policy) {
  if (start.token_ttl_s() > 0) policy->ttl = Seconds(start.token_ttl_s());
  policy->bind_client_ip = start.bind_client_ip();
}

}  // namespace

SnapshotSink::SnapshotSink(SnapshotHolder* holder, Logger logger)
    : holder_(holder), logger_(std::move(logger)) {}

uint64_t SnapshotSink::applied_revision() const {
  std::shared_ptr<const GenerationSnapshot> s = holder_->Get();
  return s == nullptr || force_snapshot_ ? 0 : s->revision;
}

std::string SnapshotSink::store_id() const {
  std::shared_ptr<const GenerationSnapshot> s = holder_->Get();
  return s == nullptr ? std::string() : s->store_id;
}

Status SnapshotSink::Start(const v1::SyncStart& start) {
  if (start.rotate_every_s() < 1) return DataLossError("sync start without a key rotation period");
  const Duration rotate = Seconds(start.rotate_every_s());
  if (start.mode() == v1::SyncStart::MODE_SNAPSHOT) {
    building_ = std::make_unique<GenerationSnapshot>(rotate);
    building_->store_id = start.store_id();
    building_->revision = start.revision();
    SetPolicy(start, &building_->tokens);
    building_->default_class = start.default_class();
    building_entities_ = 0;
    return Status::Ok();
  }
  std::shared_ptr<const GenerationSnapshot> current = holder_->Get();
  if (current == nullptr || current->store_id != start.store_id()) {
    return DataLossError("master offered a delta for a store this slave does not hold");
  }
  if (current->keys.rotate_every() != rotate) {
    force_snapshot_ = true;
    return FailedPreconditionError("the master's key rotation period changed; resyncing");
  }
  TokenPolicy policy = current->tokens;
  SetPolicy(start, &policy);
  if (policy.ttl != current->tokens.ttl || policy.bind_client_ip != current->tokens.bind_client_ip ||
      start.default_class() != current->default_class) {
    auto next = std::make_shared<GenerationSnapshot>(*current);
    next->tokens = policy;
    next->default_class = start.default_class();
    current.reset();  // so the replaced version can be freed at once
    Publish(std::move(next));
  }
  return Status::Ok();
}

Status SnapshotSink::SnapshotEntities(v1::SnapshotChunk& chunk) {
  if (building_ == nullptr) return DataLossError("snapshot chunk without a start");
  for (const v1::Entity& entity : chunk.entities()) {
    Status compiled;
    building_->Put(entity, &compiled);
    if (!compiled.ok()) TemplateFailed(compiled);
  }
  building_entities_ += static_cast<uint64_t>(chunk.entities_size());
  return Status::Ok();
}

Status SnapshotSink::EndSnapshot(const v1::SnapshotEnd& end) {
  if (building_ == nullptr) return DataLossError("snapshot end without a start");
  if (end.entities() != building_entities_ || end.revision() != building_->revision) {
    building_.reset();
    return DataLossError("snapshot incomplete: got " + std::to_string(building_entities_) +
                         " entities, the master sent " + std::to_string(end.entities()));
  }
  logger_->info("SNAPSHOT_APPLIED snapshot of revision {} applied: {} devices, {} subscribers, "
                "{} templates",
                building_->revision, building_->devices.size(), building_->subscribers.size(),
                building_->templates.size());
  force_snapshot_ = false;
  Publish(std::shared_ptr<const GenerationSnapshot>(std::move(building_)));
  return Status::Ok();
}

Status SnapshotSink::ApplyChanges(v1::ChangeBatch& batch) {
  std::shared_ptr<const GenerationSnapshot> current = holder_->Get();
  if (current == nullptr) return DataLossError("changes before any snapshot");
  auto next = std::make_shared<GenerationSnapshot>(*current);
  for (const v1::Change& change : batch.changes()) {
    if (change.revision() <= current->revision) continue;  // already applied
    Status compiled;
    next->Apply(change, &compiled);
    if (!compiled.ok()) TemplateFailed(compiled);
  }
  current.reset();  // so the replaced version can be freed at once
  Publish(std::move(next));
  return Status::Ok();
}

void SnapshotSink::TemplateFailed(const Status& error) {
  template_failures_.fetch_add(1, std::memory_order_relaxed);
  logger_->warn("TEMPLATE_COMPILE_FAILED {}; devices using it are refused", error.message());
}

void SnapshotSink::AbortSnapshot() {
  building_.reset();
  building_entities_ = 0;
}

void SnapshotSink::Publish(std::shared_ptr<const GenerationSnapshot> next) {
  std::shared_ptr<const GenerationSnapshot> previous = holder_->Get();
  holder_->Set(std::move(next));
  {
    std::lock_guard<std::mutex> lock(retired_mu_);
    if (previous != nullptr) retired_.push_back(std::move(previous));
  }
  ReleaseRetired();
}

void SnapshotSink::ReleaseRetired() {
  std::vector<std::shared_ptr<const GenerationSnapshot>> unused;
  {
    std::lock_guard<std::mutex> lock(retired_mu_);
    auto keep = retired_.begin();
    for (auto it = retired_.begin(); it != retired_.end(); ++it) {
      if (it->use_count() == 1) {
        unused.push_back(std::move(*it));
      } else {
        *keep++ = std::move(*it);
      }
    }
    retired_.erase(keep, retired_.end());
  }
  // `unused` is freed here, outside the lock, on this thread.
}

size_t SnapshotSink::retired() const {
  std::lock_guard<std::mutex> lock(retired_mu_);
  return retired_.size();
}

}  // namespace provisor
