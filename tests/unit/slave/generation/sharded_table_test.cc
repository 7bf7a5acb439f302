#include "slave/generation/sharded_table.h"

#include <catch2/catch.hpp>

#include <cstdio>
#include <map>
#include <string>

namespace provisor {
namespace {

std::string Key(int i) { return "key-" + std::to_string(i); }

// A MAC-like key, as the devices table holds them.
std::string Mac(int i) {
  char buf[18];
  std::snprintf(buf, sizeof(buf), "00:15:65:%02x:%02x:%02x", (i >> 16) & 0xff, (i >> 8) & 0xff,
                i & 0xff);
  return buf;
}

template <typename V>
size_t DifferingShards(const ShardedTable<V>& a, const ShardedTable<V>& b) {
  size_t n = 0;
  for (size_t i = 0; i < a.shard_count(); ++i) {
    if (!a.SharesShardWith(b, i)) ++n;
  }
  return n;
}

template <typename V>
ShardedTable<V> Filled(size_t shards, int n, V base) {
  ShardedTable<V> t(shards);
  for (int i = 0; i < n; ++i) t.Put(Key(i), base + i);
  return t;
}

TEST_CASE("ShardedTable put find overwrite and erase keep size right", "[sharded_table]") {
  ShardedTable<int> t(8);
  CHECK(t.shard_count() == 8);
  CHECK(t.size() == 0);
  CHECK(t.Find("a") == nullptr);

  t.Put("a", 1);
  t.Put("b", 2);
  CHECK(t.size() == 2);
  REQUIRE(t.Find("a") != nullptr);
  CHECK(*t.Find("a") == 1);
  REQUIRE(t.Find("b") != nullptr);
  CHECK(*t.Find("b") == 2);
  CHECK(t.Find("c") == nullptr);

  t.Put("a", 3);  // overwrite: same size, new value
  CHECK(t.size() == 2);
  CHECK(*t.Find("a") == 3);

  t.Erase("a");
  CHECK(t.size() == 1);
  CHECK(t.Find("a") == nullptr);
  CHECK(*t.Find("b") == 2);

  t.Erase("a");     // already gone
  t.Erase("zzz");   // never there
  CHECK(t.size() == 1);

  t.Put("a", 4);  // back again after an erase
  CHECK(t.size() == 2);
  CHECK(*t.Find("a") == 4);
}

TEST_CASE("ShardedTable with one shard holds everything in it", "[sharded_table]") {
  ShardedTable<std::string> t;
  CHECK(t.shard_count() == 1);
  for (int i = 0; i < 100; ++i) t.Put(Key(i), "v" + std::to_string(i));
  CHECK(t.size() == 100);
  for (int i = 0; i < 100; ++i) {
    REQUIRE(t.Find(Key(i)) != nullptr);
    CHECK(*t.Find(Key(i)) == "v" + std::to_string(i));
  }
}

TEST_CASE("a ShardedTable copy shares every shard until a write", "[sharded_table]") {
  ShardedTable<int> original = Filled(64, 1000, 0);
  ShardedTable<int> copy(original);
  CHECK(copy.size() == 1000);
  CHECK(copy.shard_count() == 64);
  CHECK(DifferingShards(original, copy) == 0);
  // Same objects, not equal copies.
  for (int i = 0; i < 1000; ++i) CHECK(copy.Find(Key(i)) == original.Find(Key(i)));

  ShardedTable<int> assigned(64);
  assigned = original;
  CHECK(assigned.size() == 1000);
  CHECK(DifferingShards(original, assigned) == 0);
}

TEST_CASE("writing a ShardedTable copy clones only the written shard", "[sharded_table]") {
  ShardedTable<int> original = Filled(64, 1000, 0);
  ShardedTable<int> copy(original);

  SECTION("overwrite") {
    copy.Put(Key(5), 999);
    CHECK(DifferingShards(original, copy) == 1);
    CHECK(*copy.Find(Key(5)) == 999);
    CHECK(*original.Find(Key(5)) == 5);  // the original still sees its old value
    CHECK(copy.size() == 1000);
    CHECK(original.size() == 1000);
    // A second write to the same shard does not clone it again.
    const int* cloned = copy.Find(Key(5));
    copy.Put(Key(5), 1000);
    CHECK(copy.Find(Key(5)) == cloned);
    CHECK(*cloned == 1000);
    CHECK(DifferingShards(original, copy) == 1);
  }
  SECTION("insert") {
    copy.Put("new-key", 7);
    CHECK(DifferingShards(original, copy) == 1);
    CHECK(*copy.Find("new-key") == 7);
    CHECK(original.Find("new-key") == nullptr);
    CHECK(copy.size() == 1001);
    CHECK(original.size() == 1000);
  }
  SECTION("erase") {
    copy.Erase(Key(7));
    CHECK(DifferingShards(original, copy) == 1);
    CHECK(copy.Find(Key(7)) == nullptr);
    REQUIRE(original.Find(Key(7)) != nullptr);
    CHECK(*original.Find(Key(7)) == 7);
    CHECK(copy.size() == 999);
    CHECK(original.size() == 1000);
  }
  // Whatever was written, every other key still resolves to the very same
  // object in both tables (its shard is shared) or to an equal value.
  for (int i = 0; i < 1000; ++i) {
    if (i == 5 || i == 7) continue;
    REQUIRE(copy.Find(Key(i)) != nullptr);
    CHECK(*copy.Find(Key(i)) == i);
    CHECK(*original.Find(Key(i)) == i);
  }
}

TEST_CASE("a copy of a copy keeps each version's values", "[sharded_table]") {
  ShardedTable<int> v1 = Filled(16, 200, 0);
  ShardedTable<int> v2(v1);
  v2.Put(Key(1), 101);
  ShardedTable<int> v3(v2);
  CHECK(DifferingShards(v2, v3) == 0);
  v3.Put(Key(1), 201);
  v3.Erase(Key(2));
  CHECK(*v1.Find(Key(1)) == 1);
  CHECK(*v2.Find(Key(1)) == 101);
  CHECK(*v3.Find(Key(1)) == 201);
  CHECK(*v1.Find(Key(2)) == 2);
  CHECK(*v2.Find(Key(2)) == 2);
  CHECK(v3.Find(Key(2)) == nullptr);
  CHECK(v1.size() == 200);
  CHECK(v2.size() == 200);
  CHECK(v3.size() == 199);
}

TEST_CASE("erasing an absent key from a ShardedTable copy does not clone", "[sharded_table]") {
  ShardedTable<int> original = Filled(32, 500, 0);
  ShardedTable<int> copy(original);
  for (int i = 500; i < 2000; ++i) copy.Erase(Key(i));
  CHECK(DifferingShards(original, copy) == 0);
  CHECK(copy.size() == 500);

  // Nor on a table whose shards were never created.
  ShardedTable<int> empty(32);
  ShardedTable<int> empty_copy(empty);
  empty_copy.Erase("nothing");
  CHECK(DifferingShards(empty, empty_copy) == 0);
  CHECK(empty_copy.size() == 0);
}

TEST_CASE("ShardedTable ForEach visits every entry exactly once", "[sharded_table]") {
  ShardedTable<int> original = Filled(32, 5000, 0);
  ShardedTable<int> copy(original);
  copy.Put(Key(10), -10);
  copy.Erase(Key(11));
  copy.Put("extra", 42);

  std::map<std::string, int> seen;
  size_t calls = 0;
  copy.ForEach([&](const std::string& key, int value) {
    ++calls;
    CHECK(seen.emplace(key, value).second);  // never twice
  });
  CHECK(calls == copy.size());
  CHECK(seen.size() == 5000);  // 5000 - 1 erased + 1 extra
  CHECK(seen.at(Key(10)) == -10);
  CHECK(seen.count(Key(11)) == 0);
  CHECK(seen.at("extra") == 42);
  for (int i = 0; i < 5000; ++i) {
    if (i == 10 || i == 11) continue;
    CHECK(seen.at(Key(i)) == i);
  }

  // The original is visited with its own values.
  std::map<std::string, int> old;
  original.ForEach([&](const std::string& key, int value) { CHECK(old.emplace(key, value).second); });
  CHECK(old.size() == 5000);
  CHECK(old.at(Key(10)) == 10);
  CHECK(old.at(Key(11)) == 11);
  CHECK(old.count("extra") == 0);

  size_t none = 0;
  ShardedTable<int>(8).ForEach([&](const std::string&, int) { ++none; });
  CHECK(none == 0);
}

TEST_CASE("100k ShardedTable keys spread over all shards", "[sharded_table]") {
  constexpr int kKeys = 100'000;
  ShardedTable<int> t(1024);
  for (int i = 0; i < kKeys; ++i) t.Put(Mac(i), i);
  REQUIRE(t.size() == kKeys);
  for (int i = 0; i < kKeys; ++i) {
    const int* v = t.Find(Mac(i));
    REQUIRE(v != nullptr);
    REQUIRE(*v == i);
  }
  // A shard is in use when it differs from the never-written shard of an
  // empty table. ~98 keys a shard on average: every one should be in use.
  ShardedTable<int> empty(1024);
  CHECK(DifferingShards(t, empty) == 1024);

  // A one-key change to a copy clones 1 shard of 1024.
  ShardedTable<int> next(t);
  next.Put(Mac(12345), -1);
  CHECK(DifferingShards(t, next) == 1);
  CHECK(*t.Find(Mac(12345)) == 12345);
  CHECK(*next.Find(Mac(12345)) == -1);
}

// The first write to a shard after a copy clones that shard, whichever of
// the two tables is written (the source too, though it owned the shard).
TEST_CASE("writing the source of a ShardedTable copy leaves the copy alone",
          "[sharded_table]") {
  ShardedTable<int> source(8);
  source.Put("a", 1);  // source now owns a's shard
  ShardedTable<int> copy(source);
  source.Put("a", 2);
  source.Put("b", 3);
  CHECK(*copy.Find("a") == 1);
  CHECK(copy.Find("b") == nullptr);
  CHECK(copy.size() == 1);
}

}  // namespace
}  // namespace provisor
