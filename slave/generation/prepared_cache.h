// PreparedCache: a slave's prepared devices (entities resolved, template
// compiled, render context built: see PrepareDevice) kept by MAC, so a
// device that asks again (several files per boot, retries, resyncs) is only
// rendered, not prepared again. An entry is used only while every entity it
// came from is unchanged in the current snapshot: the device's and the
// subscriber's bytes are compared, and the model, template, package and
// client class must be the very objects it was built from (the entry holds
// them, so an address is never reused under it). A stand-in for an unknown
// MAC (the default class's config) is valid while the MAC stays unknown. Bounded: past `capacity`
// entries an arbitrary one of the shard goes.
//
// Thread-safety: thread-safe (sharded locks).
#ifndef PROVISOR_SLAVE_GENERATION_PREPARED_CACHE_H_
#define PROVISOR_SLAVE_GENERATION_PREPARED_CACHE_H_

#include <array>
#include <atomic>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

#include "common/render/device_render.h"
#include "slave/generation/snapshot.h"

namespace provisor {

class PreparedCache {
 public:
  explicit PreparedCache(size_t capacity = 4096);

  // The prepared device for `mac` if still valid against `snap`, else null.
  std::shared_ptr<const PreparedDevice> Find(const GenerationSnapshot& snap, std::string_view mac);
  // Keeps `prepared`, made from `snap`.
  void Put(const GenerationSnapshot& snap, std::shared_ptr<const PreparedDevice> prepared);

  uint64_t hits() const { return hits_.load(std::memory_order_relaxed); }
  uint64_t misses() const { return misses_.load(std::memory_order_relaxed); }

 private:
  struct Entry {
    std::string device_bytes;
    std::string subscriber_bytes;
    std::shared_ptr<const v1::DeviceModel> model;
    std::shared_ptr<const v1::Template> tmpl;
    std::shared_ptr<const v1::ServicePackage> package;
    std::shared_ptr<const v1::ClientClass> client_class;
    std::shared_ptr<const PreparedDevice> prepared;
  };
  struct Shard {
    std::mutex mu;
    std::unordered_map<std::string, Entry, StringHash, std::equal_to<>> entries;
  };
  static constexpr size_t kShards = 16;

  // The entry's inputs as they are in `snap` now.
  static Entry Capture(const GenerationSnapshot& snap, const PreparedDevice& prepared);
  Shard& ShardFor(std::string_view mac);

  const size_t per_shard_;
  std::array<Shard, kShards> shards_;
  std::atomic<uint64_t> hits_{0};
  std::atomic<uint64_t> misses_{0};
};

}  // namespace provisor

#endif  // PROVISOR_SLAVE_GENERATION_PREPARED_CACHE_H_
