#include "slave/generation/prepared_cache.h"

namespace provisor {
namespace {

template <typename T>
std::shared_ptr<const T> Lookup(const ParsedTable<T>& table, const std::string& key) {
  if (key.empty()) return nullptr;
  const std::shared_ptr<const T>* found = table.Find(key);
  return found == nullptr ? nullptr : *found;
}

std::string Bytes(const ShardedTable<std::string>& table, const std::string& key) {
  if (key.empty()) return {};
  const std::string* found = table.Find(key);
  return found == nullptr ? std::string() : *found;
}

}  // namespace

PreparedCache::PreparedCache(size_t capacity) : per_shard_(std::max<size_t>(1, capacity / kShards)) {}

PreparedCache::Shard& PreparedCache::ShardFor(std::string_view mac) {
  return shards_[StringHash{}(mac) % kShards];
}

PreparedCache::Entry PreparedCache::Capture(const GenerationSnapshot& snap,
                                            const PreparedDevice& prepared) {
  Entry e;
  e.device_bytes = Bytes(snap.devices, prepared.mac);
  e.subscriber_bytes = Bytes(snap.subscribers, prepared.subscriber_id);
  e.model = Lookup(snap.models, prepared.model);
  e.tmpl = Lookup(snap.templates, prepared.template_id);
  e.package = Lookup(snap.packages, prepared.package);
  e.client_class = Lookup(snap.classes, prepared.client_class);
  return e;
}

std::shared_ptr<const PreparedDevice> PreparedCache::Find(const GenerationSnapshot& snap,
                                                          std::string_view mac) {
  Shard& shard = ShardFor(mac);
  Entry* entry = nullptr;
  std::lock_guard<std::mutex> lock(shard.mu);
  auto it = shard.entries.find(mac);
  if (it != shard.entries.end()) {
    entry = &it->second;
    const PreparedDevice& p = *entry->prepared;
    const std::string* device = snap.devices.Find(mac);
    // A stand-in stays valid while the MAC is still unknown and the
    // master's default class is still the one it was made for.
    bool valid = p.stand_in ? device == nullptr && snap.default_class == p.client_class
                            : device != nullptr && *device == entry->device_bytes;
    if (valid && !p.subscriber_id.empty()) {
      const std::string* subscriber = snap.subscribers.Find(p.subscriber_id);
      valid = subscriber != nullptr && *subscriber == entry->subscriber_bytes;
    }
    valid = valid && Lookup(snap.models, p.model) == entry->model &&
            Lookup(snap.templates, p.template_id) == entry->tmpl &&
            Lookup(snap.packages, p.package) == entry->package &&
            Lookup(snap.classes, p.client_class) == entry->client_class;
    if (valid) {
      hits_.fetch_add(1, std::memory_order_relaxed);
      return entry->prepared;
    }
    shard.entries.erase(it);
  }
  misses_.fetch_add(1, std::memory_order_relaxed);
  return nullptr;
}

void PreparedCache::Put(const GenerationSnapshot& snap,
                        std::shared_ptr<const PreparedDevice> prepared) {
  Entry entry = Capture(snap, *prepared);
  entry.prepared = std::move(prepared);
  Shard& shard = ShardFor(entry.prepared->mac);
  std::lock_guard<std::mutex> lock(shard.mu);
  if (shard.entries.size() >= per_shard_ && !shard.entries.contains(entry.prepared->mac)) {
    shard.entries.erase(shard.entries.begin());
  }
  const std::string key = entry.prepared->mac;
  shard.entries.insert_or_assign(key, std::move(entry));
}

}  // namespace provisor
