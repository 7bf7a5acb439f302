#include "common/render/device_render.h"

#include "common/vendor_crypto.h"

namespace provisor {

StatusOr<v1::Device> ResolveDevice(const EntitySource& source, const std::string& mac,
                                   const std::string& default_class, bool* stand_in) {
  v1::Entity device;
  Status found = source.Find(v1::ENTITY_KIND_DEVICE, mac, &device);
  *stand_in = false;
  if (found.ok()) return std::move(*device.mutable_device());
  if (found.code() != StatusCode::kNotFound) return found;
  if (default_class.empty()) {
    return NotFoundError("device " + mac + " is not known (unknown devices are refused)");
  }
  v1::Device d;
  d.set_mac(mac);
  d.set_client_class(default_class);
  d.set_state(v1::DEVICE_STATE_UNSPECIFIED);
  *stand_in = true;
  return d;
}

StatusOr<DeviceEntities> ResolveEntities(const EntitySource& source, const v1::Device& device) {
  DeviceEntities out;
  std::string template_id;
  if (!device.model().empty()) {
    v1::Entity model;
    PROVISOR_RETURN_IF_ERROR(source.Find(v1::ENTITY_KIND_MODEL, device.model(), &model));
    out.model = std::move(*model.mutable_model());
    template_id = out.model.template_id();
  }
  if (!device.client_class().empty()) {
    v1::Entity client_class;
    Status found = source.Find(v1::ENTITY_KIND_CLIENT_CLASS, device.client_class(), &client_class);
    if (found.ok()) {
      out.client_class = std::move(*client_class.mutable_client_class());
      if (!out.client_class->template_id().empty()) template_id = out.client_class->template_id();
    } else if (device.model().empty()) {
      return NotFoundError("device " + device.mac() + " is not known and the default class '" +
                           device.client_class() + "' does not exist");
    }
  }
  if (template_id.empty()) {
    return FailedPreconditionError("device " + device.mac() + " has no model and its class '" +
                                   device.client_class() + "' names no template");
  }
  v1::Entity tmpl;
  PROVISOR_RETURN_IF_ERROR(source.Find(v1::ENTITY_KIND_TEMPLATE, template_id, &tmpl));
  out.tmpl = std::move(*tmpl.mutable_template_());
  return out;
}

StatusOr<PreparedDevice> PrepareDevice(const EntitySource& source, const std::string& mac,
                                       WallTime now, TemplateLookup* templates, ZoneCache* zones,
                                       const std::string& default_class) {
  v1::Entity subscriber, package;
  PreparedDevice out;
  StatusOr<v1::Device> resolved = ResolveDevice(source, mac, default_class, &out.stand_in);
  if (!resolved.ok()) return resolved.status();
  const v1::Device& d = *resolved;
  StatusOr<DeviceEntities> entities = ResolveEntities(source, d);
  if (!entities.ok()) return entities.status();
  out.mac = mac;
  if (entities->client_class.has_value()) out.package = entities->client_class->service_package();
  bool have_subscriber = false;
  if (!d.subscriber_id().empty()) {
    PROVISOR_RETURN_IF_ERROR(source.Find(v1::ENTITY_KIND_SUBSCRIBER, d.subscriber_id(), &subscriber));
    have_subscriber = true;
    if (!subscriber.subscriber().service_package().empty()) {
      out.package = subscriber.subscriber().service_package();
    }
  }
  bool have_package = false;
  if (!out.package.empty()) {
    PROVISOR_RETURN_IF_ERROR(source.Find(v1::ENTITY_KIND_PACKAGE, out.package, &package));
    have_package = true;
  }
  const v1::Template& t = entities->tmpl;
  StatusOr<std::shared_ptr<const CompiledTemplate>> compiled =
      templates->Get(t.id(), t.version(), t.body());
  if (!compiled.ok()) return compiled.status();
  out.compiled = *compiled;
  out.shows_time = out.compiled->MentionsName("now_");
  out.xml = t.content_type().find("xml") != std::string::npos;

  RenderInput in;
  in.device = &d;
  in.model = &entities->model;
  in.subscriber = have_subscriber ? &subscriber.subscriber() : nullptr;
  in.package = have_package ? &package.package() : nullptr;
  in.now = now;
  in.zones = zones;
  out.context = BuildRenderContext(in);
  out.encryption = entities->model.encryption();
  out.secret = d.secret();
  out.model = d.model();
  out.template_id = t.id();
  out.template_version = t.version();
  out.client_class = d.client_class();
  out.subscriber_id = d.subscriber_id();
  return out;
}

StatusOr<DeviceRender> RenderPrepared(const PreparedDevice& prepared, ClusterInfo cluster,
                                      const ResyncNameFn& resync_name, WallTime now) {
  DeviceRender out;
  out.xml = prepared.xml;
  StatusOr<std::string> name = resync_name(out.xml);
  if (!name.ok()) return name.status();
  cluster.resync_name = *name;
  out.resync_name = *name;

  RenderStats stats;
  std::string plain = prepared.compiled->Render(
      prepared.context,
      BuildRequestLayer(prepared.context, cluster, now, prepared.shows_time),
      &stats);
  if (stats.too_large) {
    return FailedPreconditionError("device " + prepared.mac + ": template " + prepared.template_id +
                                   " renders more than " + std::to_string(kMaxRenderBytes) +
                                   " bytes");
  }
  StatusOr<VendorCipher> cipher = ParseVendorCipher(prepared.encryption);
  if (!cipher.ok()) return cipher.status();
  out.plain_bytes = plain.size();
  if (*cipher != VendorCipher::kNone) {
    StatusOr<std::string> encrypted = VendorEncrypt(*cipher, prepared.secret, plain);
    if (!encrypted.ok()) {
      return FailedPreconditionError("device " + prepared.mac + ": " +
                                     encrypted.status().message());
    }
    out.content = std::move(*encrypted);
  } else {
    out.content = std::move(plain);
  }
  out.model = prepared.model;
  out.template_id = prepared.template_id;
  out.template_version = prepared.template_version;
  out.package = prepared.package;
  out.client_class = prepared.client_class;
  out.encryption = prepared.encryption;
  out.missing_names = std::move(stats.missing);
  out.stand_in = prepared.stand_in;
  return out;
}

StatusOr<DeviceRender> RenderDevice(const EntitySource& source, const std::string& mac,
                                    ClusterInfo cluster, const ResyncNameFn& resync_name,
                                    WallTime now, TemplateLookup* templates, ZoneCache* zones,
                                    const std::string& default_class) {
  StatusOr<PreparedDevice> prepared =
      PrepareDevice(source, mac, now, templates, zones, default_class);
  if (!prepared.ok()) return prepared.status();
  return RenderPrepared(*prepared, std::move(cluster), resync_name, now);
}

}  // namespace provisor
