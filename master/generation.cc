#include "master/generation.h"

#include <openssl/crypto.h>

#include "common/mac.h"
#include "common/render/device_render.h"
#include "master/store/entity.h"

namespace provisor {
namespace {

// A KeyEpoch entity for `key`, created at `now`.
v1::Entity KeyEntity(const TokenKey& key, WallTime now) {
  v1::Entity e;
  e.mutable_key_epoch()->set_epoch(key.epoch);
  e.mutable_key_epoch()->set_key(std::string(key.key.begin(), key.key.end()));
  e.mutable_key_epoch()->set_created_unix(
      std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count());
  return e;
}

}  // namespace

Generator::Generator(Store* store, const Clock* clock, GenerationOptions options)
    : store_(store), clock_(clock), options_(options) {}

StatusOr<KeyRing> Generator::Keys() {
  std::lock_guard<std::mutex> lock(keys_mu_);
  KeyRing ring(options_.rotate_every);
  const uint32_t current = ring.EpochAt(clock_->WallNow());
  std::vector<Mutation> missing;
  for (uint32_t epoch = current == 0 ? 0 : current - 1; epoch <= current + 1; ++epoch) {
    v1::Entity probe;
    probe.mutable_key_epoch()->set_epoch(epoch);
    StatusOr<v1::Entity> stored = store_->Get(v1::ENTITY_KIND_KEY_EPOCH, KeyOf(probe));
    if (stored.ok()) {
      TokenKey key;
      key.epoch = epoch;
      const std::string& bytes = stored->key_epoch().key();
      if (bytes.size() != key.key.size()) return InternalError("stored token key has a bad size");
      std::copy(bytes.begin(), bytes.end(), key.key.begin());
      ring.Put(key);
      continue;
    }
    if (stored.status().code() != StatusCode::kNotFound) return stored.status();
    if (epoch < current) continue;  // never create keys for the past
    if (!options_.create_keys) {
      if (epoch == current) return UnavailableError("no token key for the current epoch yet");
      continue;
    }
    StatusOr<TokenKey> fresh = KeyRing::Generate(epoch);
    if (!fresh.ok()) return fresh.status();
    ring.Put(*fresh);
    missing.push_back(Mutation::Put(WriteOp::kUpsert, KeyEntity(*fresh, clock_->WallNow())));
  }
  if (!missing.empty()) {
    StatusOr<WriteResult> written = store_->Write(std::move(missing));
    if (!written.ok()) return written.status();
  }
  return ring;
}

StatusOr<RotatedKeys> Generator::RotateKeys() {
  if (!options_.create_keys) {
    return FailedPreconditionError(
        "this master follows an upstream master: rotate the keys on the root master");
  }
  std::lock_guard<std::mutex> ring_lock(ring_mu_);
  std::lock_guard<std::mutex> keys_lock(keys_mu_);
  KeyRing ring(options_.rotate_every);
  const WallTime now = clock_->WallNow();
  RotatedKeys rotated;
  rotated.current_epoch = ring.EpochAt(now);
  rotated.next_epoch = rotated.current_epoch + 1;
  rotated.previous_replaced = rotated.current_epoch > 0;
  rotated.previous_epoch = rotated.previous_replaced ? rotated.current_epoch - 1 : 0;
  std::vector<Mutation> fresh;
  for (uint32_t epoch = rotated.previous_epoch; epoch <= rotated.next_epoch; ++epoch) {
    if (epoch == rotated.previous_epoch && !rotated.previous_replaced) continue;
    StatusOr<TokenKey> key = KeyRing::Generate(epoch);
    if (!key.ok()) return key.status();
    fresh.push_back(Mutation::Put(WriteOp::kUpsert, KeyEntity(*key, now)));
    OPENSSL_cleanse(key->key.data(), key->key.size());
  }
  StatusOr<WriteResult> written = store_->Write(std::move(fresh));
  if (!written.ok()) return written.status();
  rotated.revision = written->revision;
  ring_.reset();  // the next filename reads the new keys
  return rotated;
}

namespace {

// The master's entities, straight from its store.
class StoreSource final : public EntitySource {
 public:
  explicit StoreSource(Store* store) : store_(store) {}
  Status Find(v1::EntityKind kind, const std::string& key, v1::Entity* out) const override {
    StatusOr<v1::Entity> found = store_->Get(kind, key);
    if (!found.ok()) return found.status();
    *out = std::move(*found);
    return Status::Ok();
  }

 private:
  Store* store_;
};

}  // namespace

StatusOr<std::string> Generator::Filename(const std::string& mac, const ClientIp& client_ip,
                                          bool* stand_in) {
  StoreSource source(store_);
  bool unknown = false;
  StatusOr<v1::Device> device = ResolveDevice(source, mac, options_.default_class, &unknown);
  if (!device.ok()) return device.status();
  StatusOr<DeviceEntities> entities = ResolveEntities(source, *device);
  if (!entities.ok()) return entities.status();
  if (stand_in != nullptr) *stand_in = unknown;
  const bool xml = entities->tmpl.content_type().find("xml") != std::string::npos;

  const MonoTime now = clock_->Now();
  std::optional<KeyRing> ring;
  {
    std::lock_guard<std::mutex> lock(ring_mu_);
    if (!ring_.has_value() || now - ring_at_ >= std::chrono::seconds(1)) {
      StatusOr<KeyRing> fresh = Keys();
      if (!fresh.ok()) return fresh.status();
      ring_ = std::move(*fresh);
      ring_at_ = now;
    }
    ring = ring_;
  }
  const WallTime wall = clock_->WallNow();
  return MintToken(*ring, ring->EpochAt(wall), ClaimsFor(mac, client_ip, wall),
                   xml ? ".xml" : ".cfg");
}

StatusOr<v1::RenderResponse> Generator::Render(std::string_view mac_text,
                                               const ClientIp& client_ip,
                                               const std::string& server) {
  StatusOr<std::string> mac = CanonicalMac(mac_text);
  if (!mac.ok()) return mac.status();
  const uint64_t revision = store_->revision();
  StatusOr<KeyRing> ring = Keys();
  if (!ring.ok()) return ring.status();
  const WallTime now = clock_->WallNow();
  const uint32_t epoch = ring->EpochAt(now);
  const TokenClaims claims = ClaimsFor(*mac, client_ip, now);
  ClusterInfo cluster;
  cluster.server = server;
  cluster.resync_interval_s = options_.resync_interval_s;
  StoreSource source(store_);
  StatusOr<DeviceRender> rendered = RenderDevice(
      source, *mac, cluster,
      [&](bool xml) { return MintToken(*ring, epoch, claims, xml ? ".xml" : ".cfg"); }, now,
      &templates_, &zones_, options_.default_class);
  if (!rendered.ok()) return rendered.status();
  v1::RenderResponse out;
  out.set_revision(revision);
  out.set_content(std::move(rendered->content));
  out.set_filename(rendered->resync_name);
  out.set_model(rendered->model);
  out.set_template_id(rendered->template_id);
  out.set_template_version(rendered->template_version);
  out.set_package(rendered->package);
  out.set_client_class(rendered->client_class);
  out.set_encryption(rendered->encryption);
  out.set_plain_bytes(rendered->plain_bytes);
  for (const std::string& name : rendered->missing_names) out.add_missing_names(name);
  out.set_key_epoch(epoch);
  return out;
}

}  // namespace provisor
