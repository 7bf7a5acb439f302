// ShardedTable<V>: a string-keyed map split into a fixed number of shards,
// each an immutable hash map shared between copies. Copying a table copies
// only the shard pointers; the first write to a shard after a copy clones
// that shard alone (copy-on-write). So a slave can build the next version
// of a million-entry table by applying a few changes without copying the
// rest, and publish it while readers keep using the previous version.
//
// Thread-safety: a published (const) table may be read from any number of
// threads; writes only on a private copy that no reader sees yet. Copies
// are made from one thread at a time (copying updates bookkeeping in the
// source).
#ifndef PROVISOR_SLAVE_GENERATION_SHARDED_TABLE_H_
#define PROVISOR_SLAVE_GENERATION_SHARDED_TABLE_H_

#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace provisor {

struct StringHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};

template <typename V>
class ShardedTable {
 public:
  using Shard = std::unordered_map<std::string, V, StringHash, std::equal_to<>>;

  // `shards` must be a power of two.
  explicit ShardedTable(size_t shards = 1) : shards_(shards), owned_(shards, false) {}

  // After a copy neither side writes a shared shard in place: both clone
  // it on their next write to it. (So copying marks `other` too; copy a
  // table from one thread at a time.)
  ShardedTable(const ShardedTable& other)
      : shards_(other.shards_), owned_(other.shards_.size(), false), size_(other.size_) {
    other.owned_.assign(other.owned_.size(), false);
  }
  ShardedTable& operator=(const ShardedTable& other) {
    if (this == &other) return *this;
    shards_ = other.shards_;
    owned_.assign(shards_.size(), false);
    other.owned_.assign(other.owned_.size(), false);
    size_ = other.size_;
    return *this;
  }
  ShardedTable(ShardedTable&&) noexcept = default;
  ShardedTable& operator=(ShardedTable&&) noexcept = default;

  // Null when absent. Valid while this table (or a copy sharing the shard)
  // lives and the key is not written in this table.
  const V* Find(std::string_view key) const {
    const Shard* shard = shards_[Index(key)].get();
    if (shard == nullptr) return nullptr;
    auto it = shard->find(key);
    return it == shard->end() ? nullptr : &it->second;
  }

  void Put(std::string_view key, V value) {
    Shard& shard = Mutable(Index(key));
    auto [it, inserted] = shard.try_emplace(std::string(key), std::move(value));
    if (!inserted) {
      it->second = std::move(value);
    } else {
      ++size_;
    }
  }

  void Erase(std::string_view key) {
    const size_t i = Index(key);
    if (shards_[i] == nullptr || shards_[i]->find(key) == shards_[i]->end()) return;
    Shard& shard = Mutable(i);
    shard.erase(shard.find(key));
    --size_;
  }

  size_t size() const { return size_; }
  size_t shard_count() const { return shards_.size(); }

  // Calls fn(key, value) for every entry, in no particular order.
  template <typename Fn>
  void ForEach(Fn&& fn) const {
    for (const auto& shard : shards_) {
      if (shard == nullptr) continue;
      for (const auto& [key, value] : *shard) fn(key, value);
    }
  }

  // True when shard `i` is the same object in both tables (tests).
  bool SharesShardWith(const ShardedTable& other, size_t i) const {
    return shards_[i] == other.shards_[i];
  }

 private:
  size_t Index(std::string_view key) const {
    // The high bits pick the shard; the map's buckets use the low ones.
    const size_t h = StringHash{}(key);
    return (h >> 40) & (shards_.size() - 1);
  }
  Shard& Mutable(size_t i) {
    if (!owned_[i]) {
      shards_[i] = shards_[i] == nullptr ? std::make_shared<Shard>()
                                         : std::make_shared<Shard>(*shards_[i]);
      owned_[i] = true;
    }
    return *shards_[i];
  }

  std::vector<std::shared_ptr<Shard>> shards_;
  mutable std::vector<bool> owned_;  // not shared with any copy: safe to write in place
  size_t size_ = 0;
};

}  // namespace provisor

#endif  // PROVISOR_SLAVE_GENERATION_SHARDED_TABLE_H_
