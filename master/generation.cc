#include "master/generation.h"

#include "common/mac.h"
#include "common/render/context.h"
#include "common/vendor_crypto.h"
#include "master/store/entity.h"

namespace provisor {

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
    StatusOr<TokenKey> fresh = KeyRing::Generate(epoch);
    if (!fresh.ok()) return fresh.status();
    ring.Put(*fresh);
    v1::Entity e;
    e.mutable_key_epoch()->set_epoch(epoch);
    e.mutable_key_epoch()->set_key(std::string(fresh->key.begin(), fresh->key.end()));
    e.mutable_key_epoch()->set_created_unix(
        std::chrono::duration_cast<std::chrono::seconds>(clock_->WallNow().time_since_epoch())
            .count());
    missing.push_back(Mutation::Put(WriteOp::kUpsert, std::move(e)));
  }
  if (!missing.empty()) {
    StatusOr<WriteResult> written = store_->Write(std::move(missing));
    if (!written.ok()) return written.status();
  }
  return ring;
}

StatusOr<v1::RenderResponse> Generator::Render(std::string_view mac_text, uint32_t client_ip,
                                               const std::string& server) {
  StatusOr<std::string> mac = CanonicalMac(mac_text);
  if (!mac.ok()) return mac.status();
  v1::RenderResponse out;
  out.set_revision(store_->revision());
  StatusOr<v1::Entity> device = store_->Get(v1::ENTITY_KIND_DEVICE, *mac);
  if (!device.ok()) return device.status();
  const v1::Device& d = device->device();
  StatusOr<v1::Entity> model = store_->Get(v1::ENTITY_KIND_MODEL, d.model());
  if (!model.ok()) return model.status();
  std::string template_id = model->model().template_id();

  v1::Entity subscriber, package, client_class;
  bool have_subscriber = false, have_package = false;
  std::string package_id;
  if (!d.client_class().empty()) {
    StatusOr<v1::Entity> c = store_->Get(v1::ENTITY_KIND_CLIENT_CLASS, d.client_class());
    if (c.ok()) {
      client_class = *c;
      if (!client_class.client_class().template_id().empty()) {
        template_id = client_class.client_class().template_id();
      }
      package_id = client_class.client_class().service_package();
    }
  }
  if (!d.subscriber_id().empty()) {
    StatusOr<v1::Entity> s = store_->Get(v1::ENTITY_KIND_SUBSCRIBER, d.subscriber_id());
    if (!s.ok()) return s.status();
    subscriber = *s;
    have_subscriber = true;
    if (!subscriber.subscriber().service_package().empty()) {
      package_id = subscriber.subscriber().service_package();
    }
  }
  if (!package_id.empty()) {
    StatusOr<v1::Entity> p = store_->Get(v1::ENTITY_KIND_PACKAGE, package_id);
    if (!p.ok()) return p.status();
    package = *p;
    have_package = true;
  }
  StatusOr<v1::Entity> tmpl = store_->Get(v1::ENTITY_KIND_TEMPLATE, template_id);
  if (!tmpl.ok()) return tmpl.status();
  const v1::Template& t = tmpl->template_();
  StatusOr<std::shared_ptr<const CompiledTemplate>> compiled =
      templates_.Get(t.id(), t.version(), t.body());
  if (!compiled.ok()) return compiled.status();

  StatusOr<KeyRing> ring = Keys();
  if (!ring.ok()) return ring.status();
  const WallTime now = clock_->WallNow();
  const uint32_t epoch = ring->EpochAt(now);
  TokenClaims claims;
  std::string hex = MacHex(*mac);
  for (size_t i = 0; i < 6; ++i) claims.mac[i] = static_cast<uint8_t>(std::stoul(hex.substr(2 * i, 2), nullptr, 16));
  claims.client_ip = client_ip;
  claims.issued_unix = static_cast<uint32_t>(
      std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count());
  const bool xml = t.content_type().find("xml") != std::string::npos;
  StatusOr<std::string> filename = MintToken(*ring, epoch, claims, xml ? ".xml" : ".cfg");
  if (!filename.ok()) return filename.status();

  RenderInput in;
  in.device = &d;
  in.model = &model->model();
  in.subscriber = have_subscriber ? &subscriber.subscriber() : nullptr;
  in.package = have_package ? &package.package() : nullptr;
  in.cluster.server = server;
  in.cluster.resync_name = *filename;
  in.cluster.resync_interval_s = options_.resync_interval_s;
  in.now = now;
  in.zones = &zones_;
  RenderStats stats;
  std::string plain = (*compiled)->Render(BuildRenderContext(in), &stats);

  StatusOr<VendorCipher> cipher = ParseVendorCipher(model->model().encryption());
  if (!cipher.ok()) return cipher.status();
  std::string content = plain;
  if (*cipher != VendorCipher::kNone) {
    StatusOr<std::string> encrypted = VendorEncrypt(*cipher, d.secret(), plain);
    if (!encrypted.ok()) {
      return FailedPreconditionError("device " + *mac + ": " + encrypted.status().message());
    }
    content = std::move(*encrypted);
  }
  out.set_content(content);
  out.set_filename(*filename);
  out.set_model(d.model());
  out.set_template_id(t.id());
  out.set_template_version(t.version());
  out.set_package(package_id);
  out.set_client_class(d.client_class());
  out.set_encryption(model->model().encryption());
  out.set_plain_bytes(plain.size());
  for (const std::string& name : stats.missing) out.add_missing_names(name);
  out.set_key_epoch(epoch);
  return out;
}

}  // namespace provisor
