#include "slave/generation/provider.h"

#include <prometheus/histogram.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <cctype>

#include "common/mac.h"
#include "common/render/device_render.h"

namespace provisor {
namespace {

// Entities straight from the snapshot.
class SnapshotSource final : public EntitySource {
 public:
  explicit SnapshotSource(const GenerationSnapshot& s) : s_(s) {}
  Status Find(v1::EntityKind kind, const std::string& key, v1::Entity* out) const override {
    switch (kind) {
      case v1::ENTITY_KIND_DEVICE:
        if (s_.FindDevice(key, out->mutable_device())) return Status::Ok();
        return NotFoundError("device " + key + " not found");
      case v1::ENTITY_KIND_SUBSCRIBER:
        if (s_.FindSubscriber(key, out->mutable_subscriber())) return Status::Ok();
        return NotFoundError("subscriber " + key + " not found");
      case v1::ENTITY_KIND_MODEL: return Copy(s_.models, key, "model", out->mutable_model());
      case v1::ENTITY_KIND_TEMPLATE:
        return Copy(s_.templates, key, "template", out->mutable_template_());
      case v1::ENTITY_KIND_PACKAGE: return Copy(s_.packages, key, "package", out->mutable_package());
      case v1::ENTITY_KIND_CLIENT_CLASS:
        return Copy(s_.classes, key, "class", out->mutable_client_class());
      default: return NotFoundError("no such kind");
    }
  }

 private:
  template <typename Table, typename Message>
  static Status Copy(const Table& table, const std::string& key, const char* what, Message* out) {
    const auto* found = table.Find(key);
    if (found == nullptr) return NotFoundError(std::string(what) + " " + key + " not found");
    *out = **found;
    return Status::Ok();
  }
  const GenerationSnapshot& s_;
};

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

}  // namespace

DeliveryRefusal DeliveryRefusalFor(TokenRefusal r) {
  switch (r) {
    case TokenRefusal::kMalformed: return DeliveryRefusal::kTokenMalformed;
    case TokenRefusal::kBadTag: return DeliveryRefusal::kTokenBadTag;
    case TokenRefusal::kUnknownEpoch: return DeliveryRefusal::kTokenUnknownEpoch;
    case TokenRefusal::kExpiredEpoch: return DeliveryRefusal::kTokenExpiredEpoch;
    case TokenRefusal::kTooOld: return DeliveryRefusal::kTokenTooOld;
    case TokenRefusal::kFromFuture: return DeliveryRefusal::kTokenFromFuture;
    case TokenRefusal::kWrongClientIp: return DeliveryRefusal::kTokenWrongClientIp;
    case TokenRefusal::kWrongSuffix: return DeliveryRefusal::kTokenWrongSuffix;
    case TokenRefusal::kNone:
    case TokenRefusal::kCount: break;
  }
  return DeliveryRefusal::kCount;
}

GenerationProvider::GenerationProvider(const SnapshotHolder* snapshots, ProviderOptions options,
                                       const Clock* clock)
    : snapshots_(snapshots), options_(std::move(options)), clock_(clock) {}

DeliveryResult GenerationProvider::Refuse(DeliveryRefusal r) {
  refusals_[static_cast<size_t>(r)].fetch_add(1, std::memory_order_relaxed);
  return DeliveryResult::Refused(r);
}

std::string GenerationProvider::NativeNameDevice(const GenerationSnapshot& snap,
                                                 std::string_view name,
                                                 const ClientIp& client) const {
  const std::string lower = Lower(name);
  // Every run of 12 hex digits is a candidate MAC.
  for (size_t i = 0; i + 12 <= lower.size(); ++i) {
    if (!std::isxdigit(static_cast<unsigned char>(lower[i]))) continue;
    size_t j = i;
    while (j < lower.size() && std::isxdigit(static_cast<unsigned char>(lower[j]))) ++j;
    for (size_t k = i; k + 12 <= j; ++k) {
      StatusOr<std::string> mac = CanonicalMac(lower.substr(k, 12));
      if (!mac.ok()) continue;
      v1::Device device;
      if (!snap.FindDevice(*mac, &device)) continue;
      const v1::DeviceModel* model = snap.FindModel(device.model());
      if (model == nullptr) continue;
      bool listed = false;
      for (const std::string& pattern : model->file_names()) {
        std::string expected = Lower(pattern);
        size_t at = expected.find("{mac}");
        if (at != std::string::npos) expected.replace(at, 5, lower.substr(k, 12));
        if (expected == lower) listed = true;
      }
      if (!listed) continue;
      StatusOr<ClientIp> bound = ClientIp::Parse(device.last_binding().ip());
      if (!bound.ok() || !(*bound == client)) continue;
      return *mac;
    }
    i = j;
  }
  return "";
}

DeliveryResult GenerationProvider::Deliver(const DeliveryRequest& request) {
  const std::string_view name = request.name;
  std::shared_ptr<const GenerationSnapshot> snap = snapshots_->Get();
  if (snap == nullptr) return Refuse(DeliveryRefusal::kNoData);
  const WallTime now = clock_->WallNow();
  // A dual-stack listener reports IPv4 clients as ::ffff:a.b.c.d: that is
  // the IPv4 address the token was minted for.
  const ClientIp client_ip = ClientIp::FromSocketAddress(request.client);

  std::string mac;
  TokenCheck check = VerifyToken(snap->keys, snap->tokens, name, client_ip, now);
  if (check.ok()) {
    mac = ClaimsMac(check.claims);
  } else if (check.refusal == TokenRefusal::kMalformed) {
    if (!options_.native_names) return Refuse(DeliveryRefusal::kTokenMalformed);
    mac = NativeNameDevice(*snap, name, client_ip);
    if (mac.empty()) return Refuse(DeliveryRefusal::kNativeNameRefused);
  } else {
    return Refuse(DeliveryRefusalFor(check.refusal));
  }

  // A device prepared earlier from the same entities is only rendered.
  // Timed only when someone scrapes the render histogram.
  prometheus::Histogram* render_seconds = render_seconds_.load(std::memory_order_acquire);
  const MonoTime render_start = render_seconds != nullptr ? clock_->Now() : MonoTime{};
  std::shared_ptr<const PreparedDevice> prepared = prepared_.Find(*snap, mac);
  if (prepared == nullptr) {
    v1::Device device;
    if (!snap->FindDevice(mac, &device)) {
      // An unknown MAC gets the default class's config, if the master has one.
      if (snap->default_class.empty()) return Refuse(DeliveryRefusal::kDeviceUnknown);
    } else if (device.state() == v1::DEVICE_STATE_SUSPENDED) {
      return Refuse(DeliveryRefusal::kDeviceSuspended);
    }
    SnapshotSource source(*snap);
    SnapshotTemplates templates(*snap);  // compiled on arrival; never compiles here
    StatusOr<PreparedDevice> fresh =
        PrepareDevice(source, mac, now, &templates, &zones_, snap->default_class);
    if (!fresh.ok()) return Refuse(DeliveryRefusal::kRenderFailed);
    prepared = std::make_shared<const PreparedDevice>(std::move(*fresh));
    prepared_.Put(*snap, prepared);
  }

  // A fresh token for the device's next resync, bound to this client.
  const TokenClaims claims = ClaimsFor(mac, client_ip, now);
  const uint32_t epoch = snap->keys.EpochAt(now);
  StatusOr<DeviceRender> rendered = RenderPrepared(
      *prepared, options_.cluster,
      [&](bool xml) { return MintToken(snap->keys, epoch, claims, xml ? ".xml" : ".cfg"); }, now);
  if (!rendered.ok()) return Refuse(DeliveryRefusal::kRenderFailed);
  if (render_seconds != nullptr) {
    render_seconds->Observe(std::chrono::duration<double>(clock_->Now() - render_start).count());
  }
  served_.fetch_add(1, std::memory_order_relaxed);
  if (prepared->stand_in) stand_ins_.fetch_add(1, std::memory_order_relaxed);
  return DeliveryResult::Ok(std::make_shared<StringContent>(std::move(rendered->content)));
}

}  // namespace provisor
