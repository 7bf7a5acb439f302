#include "master/cluster/binding_recorder.h"

#include <utility>
#include <vector>

namespace provisor {

BindingRecorder::BindingRecorder(Store* store, const Clock* clock, BindingRecorderOptions options)
    : store_(store), clock_(clock), options_(options) {}

void BindingRecorder::Record(const std::string& mac, const std::string& ip) {
  const int64_t now = std::chrono::duration_cast<std::chrono::seconds>(
                          clock_->WallNow().time_since_epoch())
                          .count();
  std::lock_guard<std::mutex> lock(mu_);
  auto it = pending_.find(mac);
  if (it != pending_.end()) {
    it->second = Pending{ip, now};
    return;
  }
  if (pending_.size() >= options_.max_pending) {
    counters_.dropped.fetch_add(1, std::memory_order_relaxed);
    return;
  }
  pending_.emplace(mac, Pending{ip, now});
}

size_t BindingRecorder::Flush() {
  std::lock_guard<std::mutex> flushing(flush_mu_);
  std::unordered_map<std::string, Pending> queued;
  {
    std::lock_guard<std::mutex> lock(mu_);
    queued.swap(pending_);
  }
  const int64_t refresh_s =
      std::chrono::duration_cast<std::chrono::seconds>(options_.refresh).count();
  size_t written = 0;
  std::vector<Mutation> batch;
  for (auto& [mac, binding] : queued) {
    StatusOr<v1::Entity> device = store_->Get(v1::ENTITY_KIND_DEVICE, mac);
    if (!device.ok()) {
      counters_.unknown.fetch_add(1, std::memory_order_relaxed);
      continue;
    }
    const v1::DhcpBinding& stored = device->device().last_binding();
    if (stored.ip() == binding.ip && binding.time_unix - stored.time_unix() < refresh_s) {
      counters_.unchanged.fetch_add(1, std::memory_order_relaxed);
      continue;
    }
    v1::Entity e;
    e.mutable_device()->set_mac(mac);
    e.mutable_device()->mutable_last_binding()->set_ip(binding.ip);
    e.mutable_device()->mutable_last_binding()->set_time_unix(binding.time_unix);
    batch.push_back(Mutation::Put(WriteOp::kSetBinding, std::move(e)));
    if (batch.size() >= options_.batch_size) written += WriteBatch(std::exchange(batch, {}));
  }
  if (!batch.empty()) written += WriteBatch(std::move(batch));
  return written;
}

size_t BindingRecorder::WriteBatch(std::vector<Mutation> batch) {
  while (!batch.empty()) {
    size_t failed_index = batch.size();
    StatusOr<WriteResult> result = store_->Write(batch, &failed_index);
    if (result.ok()) {
      counters_.recorded.fetch_add(batch.size(), std::memory_order_relaxed);
      return batch.size();
    }
    if (result.status().code() != StatusCode::kNotFound || failed_index >= batch.size()) {
      counters_.failed.fetch_add(batch.size(), std::memory_order_relaxed);
      return 0;
    }
    // Deleted since it was read: write the others.
    counters_.unknown.fetch_add(1, std::memory_order_relaxed);
    batch.erase(batch.begin() + static_cast<ptrdiff_t>(failed_index));
  }
  return 0;
}

}  // namespace provisor
