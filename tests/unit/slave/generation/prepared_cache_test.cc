#include "slave/generation/prepared_cache.h"

#include <catch2/catch.hpp>

#include <cstdio>

#include "common/entity.h"

namespace provisor {
namespace {

using std::chrono::minutes;

constexpr const char* kMac = "00:15:65:aa:bb:cc";

// Entities straight from a snapshot, as the slave's provider reads them.
class TestSource final : public EntitySource {
 public:
  explicit TestSource(const GenerationSnapshot& s) : s_(s) {}
  Status Find(v1::EntityKind kind, const std::string& key, v1::Entity* out) const override {
    switch (kind) {
      case v1::ENTITY_KIND_DEVICE:
        if (s_.FindDevice(key, out->mutable_device())) return Status::Ok();
        break;
      case v1::ENTITY_KIND_SUBSCRIBER:
        if (s_.FindSubscriber(key, out->mutable_subscriber())) return Status::Ok();
        break;
      case v1::ENTITY_KIND_MODEL: return Copy(s_.models, key, out->mutable_model());
      case v1::ENTITY_KIND_TEMPLATE: return Copy(s_.templates, key, out->mutable_template_());
      case v1::ENTITY_KIND_PACKAGE: return Copy(s_.packages, key, out->mutable_package());
      case v1::ENTITY_KIND_CLIENT_CLASS:
        return Copy(s_.classes, key, out->mutable_client_class());
      default: break;
    }
    return NotFoundError(key + " not found");
  }

 private:
  template <typename Table, typename Message>
  static Status Copy(const Table& table, const std::string& key, Message* out) {
    const auto* found = table.Find(key);
    if (found == nullptr) return NotFoundError(key + " not found");
    *out = **found;
    return Status::Ok();
  }
  const GenerationSnapshot& s_;
};

v1::Entity TemplateEntity(uint64_t version, const std::string& body) {
  v1::Entity e;
  e.mutable_template_()->set_id("tpl");
  e.mutable_template_()->set_version(version);
  e.mutable_template_()->set_body(body);
  return e;
}

v1::Entity ModelEntity() {
  v1::Entity e;
  e.mutable_model()->set_id("m1");
  e.mutable_model()->set_template_id("tpl");
  return e;
}

v1::Entity PackageEntity(const std::string& codec) {
  v1::Entity e;
  e.mutable_package()->set_id("pkg");
  (*e.mutable_package()->mutable_parameters())["codec"] = codec;
  return e;
}

v1::Entity SubscriberEntity(const std::string& name) {
  v1::Entity e;
  e.mutable_subscriber()->set_id("sub1");
  e.mutable_subscriber()->set_name(name);
  e.mutable_subscriber()->set_service_package("pkg");
  return e;
}

v1::Entity DeviceEntity(const std::string& mac, const std::string& serial) {
  v1::Entity e;
  e.mutable_device()->set_mac(mac);
  e.mutable_device()->set_model("m1");
  e.mutable_device()->set_serial(serial);
  e.mutable_device()->set_subscriber_id("sub1");
  e.mutable_device()->set_client_class("cc1");  // not in the snapshot at first
  return e;
}

v1::Entity ClassEntity() {
  v1::Entity e;
  e.mutable_client_class()->set_id("cc1");
  e.mutable_client_class()->set_description("lab phones");
  return e;
}

std::string Mac(int i) {
  char buf[18];
  std::snprintf(buf, sizeof(buf), "00:15:65:00:%02x:%02x", (i >> 8) & 0xff, i & 0xff);
  return buf;
}

struct Fixture {
  Fixture() {
    snap.Put(TemplateEntity(1, "name={{subscriber.name}} serial={{device.serial}}\n"));
    snap.Put(ModelEntity());
    snap.Put(PackageEntity("PCMU"));
    snap.Put(SubscriberEntity("Alice"));
    snap.Put(DeviceEntity(kMac, "S1"));
  }

  std::shared_ptr<const PreparedDevice> Prepare(const GenerationSnapshot& s, const std::string& mac) {
    TestSource source(s);
    StatusOr<PreparedDevice> p =
        PrepareDevice(source, mac, WallTime(std::chrono::seconds(1'800'000'000)), &templates, &zones);
    REQUIRE(p.ok());
    return std::make_shared<const PreparedDevice>(std::move(*p));
  }

  std::string Render(const PreparedDevice& p) {
    StatusOr<DeviceRender> r = RenderPrepared(
        p, ClusterInfo{}, [](bool) -> StatusOr<std::string> { return std::string("t.cfg"); },
        WallTime(std::chrono::seconds(1'800'000'000)));
    REQUIRE(r.ok());
    return r->content;
  }

  GenerationSnapshot snap{minutes(30)};
  TemplateCache templates;
  ZoneCache zones;
};

TEST_CASE("PreparedCache finds a device prepared from unchanged entities", "[prepared_cache]") {
  Fixture f;
  std::shared_ptr<const PreparedDevice> prepared = f.Prepare(f.snap, kMac);
  CHECK(prepared->subscriber_id == "sub1");
  CHECK(prepared->package == "pkg");
  CHECK(prepared->client_class == "cc1");
  CHECK(f.Render(*prepared) == "name=Alice serial=S1\n");

  PreparedCache cache;
  CHECK(cache.Find(f.snap, kMac) == nullptr);  // nothing yet
  CHECK(cache.misses() == 1);
  cache.Put(f.snap, prepared);

  CHECK(cache.Find(f.snap, kMac) == prepared);
  // A copy of the snapshot (shares every shard, so the same entity objects)
  // is the same data: still a hit.
  GenerationSnapshot copy(f.snap);
  CHECK(cache.Find(copy, kMac) == prepared);
  // So is a copy where something unrelated changed.
  GenerationSnapshot other(f.snap);
  other.Put(DeviceEntity(Mac(1), "other"));
  v1::Entity unrelated = SubscriberEntity("Zed");
  unrelated.mutable_subscriber()->set_id("sub9");
  other.Put(unrelated);
  CHECK(cache.Find(other, kMac) == prepared);
  CHECK(cache.hits() == 3);
  CHECK(cache.misses() == 1);
}

TEST_CASE("PreparedCache misses once an entity the device came from changes",
          "[prepared_cache]") {
  Fixture f;
  PreparedCache cache;
  std::shared_ptr<const PreparedDevice> prepared = f.Prepare(f.snap, kMac);
  cache.Put(f.snap, prepared);
  GenerationSnapshot changed(f.snap);

  SECTION("the device's bytes") { changed.Put(DeviceEntity(kMac, "S2")); }
  SECTION("the device is deleted") { changed.devices.Erase(kMac); }
  SECTION("the subscriber") { changed.Put(SubscriberEntity("Bob")); }
  SECTION("the subscriber is deleted") { changed.subscribers.Erase("sub1"); }
  SECTION("the template gets a new version") {
    changed.Put(TemplateEntity(2, "name={{subscriber.name}} serial={{device.serial}}\n"));
  }
  SECTION("the model is replaced by an equal one") { changed.Put(ModelEntity()); }
  SECTION("the package is replaced") { changed.Put(PackageEntity("G722")); }
  SECTION("a client class the device names appears") { changed.Put(ClassEntity()); }

  // The unchanged copy still hits; the changed one misses.
  GenerationSnapshot unchanged(f.snap);
  CHECK(cache.Find(unchanged, kMac) == prepared);
  CHECK(cache.hits() == 1);
  CHECK(cache.misses() == 0);
  CHECK(cache.Find(changed, kMac) == nullptr);
  CHECK(cache.hits() == 1);
  CHECK(cache.misses() == 1);
}

TEST_CASE("PreparedCache re-prepared after a change serves the new data", "[prepared_cache]") {
  Fixture f;
  PreparedCache cache;
  cache.Put(f.snap, f.Prepare(f.snap, kMac));
  GenerationSnapshot next(f.snap);
  next.Put(SubscriberEntity("Bob"));
  REQUIRE(cache.Find(next, kMac) == nullptr);
  std::shared_ptr<const PreparedDevice> fresh = f.Prepare(next, kMac);
  cache.Put(next, fresh);
  std::shared_ptr<const PreparedDevice> found = cache.Find(next, kMac);
  REQUIRE(found == fresh);
  CHECK(f.Render(*found) == "name=Bob serial=S1\n");
}

TEST_CASE("PreparedCache misses a device absent from the snapshot", "[prepared_cache]") {
  Fixture f;
  PreparedCache cache;
  cache.Put(f.snap, f.Prepare(f.snap, kMac));
  CHECK(cache.Find(f.snap, "00:15:65:00:00:99") == nullptr);
  CHECK(cache.misses() == 1);
  CHECK(cache.hits() == 0);
  // A snapshot without the device at all (e.g. a fresh, smaller one).
  GenerationSnapshot empty(minutes(30));
  CHECK(cache.Find(empty, kMac) == nullptr);
  CHECK(cache.misses() == 2);
}

TEST_CASE("PreparedCache keeps at most its capacity", "[prepared_cache]") {
  Fixture f;
  constexpr int kDevices = 100;
  for (int i = 0; i < kDevices; ++i) f.snap.Put(DeviceEntity(Mac(i), "S" + std::to_string(i)));
  PreparedCache cache(16);
  std::vector<std::shared_ptr<const PreparedDevice>> prepared;
  for (int i = 0; i < kDevices; ++i) {
    prepared.push_back(f.Prepare(f.snap, Mac(i)));
    cache.Put(f.snap, prepared.back());
  }
  // The last one put is always there.
  CHECK(cache.Find(f.snap, Mac(kDevices - 1)) == prepared.back());
  int found = 0;
  for (int i = 0; i < kDevices; ++i) {
    std::shared_ptr<const PreparedDevice> p = cache.Find(f.snap, Mac(i));
    if (p != nullptr) {
      ++found;
      CHECK(p == prepared[i]);
      CHECK(p->mac == Mac(i));
    }
  }
  CHECK(found >= 1);
  CHECK(found <= 16);
  CHECK(cache.hits() == static_cast<uint64_t>(found) + 1);
  CHECK(cache.misses() == static_cast<uint64_t>(kDevices - found));
}

}  // namespace
}  // namespace provisor
