#include "common/render/device_render.h"

#include "common/vendor_crypto.h"

namespace provisor {

StatusOr<DeviceRender> RenderDevice(const EntitySource& source, const std::string& mac,
                                    ClusterInfo cluster, const ResyncNameFn& resync_name,
                                    WallTime now, TemplateCache* templates, ZoneCache* zones) {
  v1::Entity device, model, subscriber, package, client_class, tmpl;
  PROVISOR_RETURN_IF_ERROR(source.Find(v1::ENTITY_KIND_DEVICE, mac, &device));
  const v1::Device& d = device.device();
  PROVISOR_RETURN_IF_ERROR(source.Find(v1::ENTITY_KIND_MODEL, d.model(), &model));
  DeviceRender out;
  std::string template_id = model.model().template_id();
  std::string package_id;
  if (!d.client_class().empty() &&
      source.Find(v1::ENTITY_KIND_CLIENT_CLASS, d.client_class(), &client_class).ok()) {
    if (!client_class.client_class().template_id().empty()) {
      template_id = client_class.client_class().template_id();
    }
    package_id = client_class.client_class().service_package();
  }
  bool have_subscriber = false;
  if (!d.subscriber_id().empty()) {
    PROVISOR_RETURN_IF_ERROR(source.Find(v1::ENTITY_KIND_SUBSCRIBER, d.subscriber_id(), &subscriber));
    have_subscriber = true;
    if (!subscriber.subscriber().service_package().empty()) {
      package_id = subscriber.subscriber().service_package();
    }
  }
  bool have_package = false;
  if (!package_id.empty()) {
    PROVISOR_RETURN_IF_ERROR(source.Find(v1::ENTITY_KIND_PACKAGE, package_id, &package));
    have_package = true;
  }
  PROVISOR_RETURN_IF_ERROR(source.Find(v1::ENTITY_KIND_TEMPLATE, template_id, &tmpl));
  const v1::Template& t = tmpl.template_();
  StatusOr<std::shared_ptr<const CompiledTemplate>> compiled =
      templates->Get(t.id(), t.version(), t.body());
  if (!compiled.ok()) return compiled.status();

  out.xml = t.content_type().find("xml") != std::string::npos;
  StatusOr<std::string> name = resync_name(out.xml);
  if (!name.ok()) return name.status();
  cluster.resync_name = *name;
  out.resync_name = *name;

  RenderInput in;
  in.device = &d;
  in.model = &model.model();
  in.subscriber = have_subscriber ? &subscriber.subscriber() : nullptr;
  in.package = have_package ? &package.package() : nullptr;
  in.cluster = cluster;
  in.now = now;
  in.zones = zones;
  RenderStats stats;
  std::string plain = (*compiled)->Render(BuildRenderContext(in), &stats);

  StatusOr<VendorCipher> cipher = ParseVendorCipher(model.model().encryption());
  if (!cipher.ok()) return cipher.status();
  out.plain_bytes = plain.size();
  if (*cipher != VendorCipher::kNone) {
    StatusOr<std::string> encrypted = VendorEncrypt(*cipher, d.secret(), plain);
    if (!encrypted.ok()) {
      return FailedPreconditionError("device " + mac + ": " + encrypted.status().message());
    }
    out.content = std::move(*encrypted);
  } else {
    out.content = std::move(plain);
  }
  out.model = d.model();
  out.template_id = t.id();
  out.template_version = t.version();
  out.package = package_id;
  out.client_class = d.client_class();
  out.encryption = model.model().encryption();
  out.missing_names = std::move(stats.missing);
  return out;
}

}  // namespace provisor
