#include "common/render/context.h"

#include <algorithm>
#include <ctime>

#include "common/mac.h"

namespace provisor {
namespace {

using kainjow::mustache::data;

std::string StateName(v1::DeviceState s) {
  switch (s) {
    case v1::DEVICE_STATE_PREPROVISIONED: return "preprovisioned";
    case v1::DEVICE_STATE_UNBOUND: return "unbound";
    case v1::DEVICE_STATE_ACTIVE: return "active";
    case v1::DEVICE_STATE_SUSPENDED: return "suspended";
    default: return "";
  }
}

std::string Param(const RenderInput& in, const std::string& key, const std::string& fallback) {
  if (in.subscriber != nullptr) {
    auto it = in.subscriber->attributes().find(key);
    if (it != in.subscriber->attributes().end()) return it->second;
  }
  if (in.package != nullptr) {
    auto it = in.package->parameters().find(key);
    if (it != in.package->parameters().end()) return it->second;
  }
  return fallback;
}

data Map(const google::protobuf::Map<std::string, std::string>& m) {
  data out{data::type::object};
  for (const auto& [k, v] : m) out.set(k, v);
  return out;
}

data Flagged(std::vector<data> items) {
  data list{data::type::list};
  for (size_t i = 0; i < items.size(); ++i) {
    items[i].set("first", i == 0 ? data::type::bool_true : data::type::bool_false);
    items[i].set("last", i + 1 == items.size() ? data::type::bool_true : data::type::bool_false);
    list.push_back(items[i]);
  }
  return list;
}

}  // namespace

RenderData BuildRenderContext(const RenderInput& in) {
  const v1::Device& device = *in.device;
  const v1::DeviceModel& model = *in.model;
  data root{data::type::object};

  std::string hex = MacHex(device.mac());
  std::string upper = hex;
  std::transform(upper.begin(), upper.end(), upper.begin(), ::toupper);
  data dev{data::type::object};
  dev.set("mac", device.mac());
  dev.set("mac_hex", hex);
  dev.set("mac_upper", upper);
  dev.set("serial", device.serial());
  dev.set("model", device.model());
  dev.set("vendor", model.vendor());
  dev.set("client_class", device.client_class());
  dev.set("state", StateName(device.state()));
  root.set("device", dev);

  data sub{data::type::object};
  const v1::Subscriber empty_subscriber;
  const v1::Subscriber& s = in.subscriber != nullptr ? *in.subscriber : empty_subscriber;
  sub.set("id", s.id());
  sub.set("account", s.account());
  sub.set("name", s.name());
  sub.set("status", s.status() == v1::SUBSCRIBER_STATUS_SUSPENDED ? "suspended" : "active");
  sub.set("sip_domain", s.sip_domain());
  sub.set("registrar", s.registrar().empty() ? s.sip_domain() : s.registrar());
  sub.set("proxy", s.proxy().empty() ? s.sip_domain() : s.proxy());
  sub.set("outbound_proxy", s.outbound_proxy());
  sub.set("ring_tone", s.ring_tone());
  sub.set("class_of_service", s.class_of_service());
  sub.set("attributes", Map(s.attributes()));
  root.set("subscriber", sub);

  // Lines in port order: the device's port map, or the subscriber's lines
  // on ports 1..n when the device has no map.
  std::vector<std::pair<uint32_t, const v1::Line*>> by_port;
  if (device.line_map_size() > 0) {
    for (const v1::LineMapping& m : device.line_map()) {
      for (const v1::Line& line : s.lines()) {
        if (line.index() == m.subscriber_line()) by_port.emplace_back(m.port(), &line);
      }
    }
    std::sort(by_port.begin(), by_port.end(),
              [](const auto& a, const auto& b) { return a.first < b.first; });
  } else {
    uint32_t port = 1;
    for (const v1::Line& line : s.lines()) by_port.emplace_back(port++, &line);
  }
  std::vector<data> lines;
  for (const auto& [port, line] : by_port) {
    data l{data::type::object};
    l.set("index", std::to_string(line->index()));
    l.set("port", std::to_string(port));
    l.set("directory_number", line->directory_number());
    l.set("sip_user", line->sip_user().empty() ? line->directory_number() : line->sip_user());
    l.set("auth_user", line->auth_user().empty() ? line->sip_user() : line->auth_user());
    l.set("password", line->password());
    l.set("display_name", line->display_name().empty() ? s.name() : line->display_name());
    lines.push_back(std::move(l));
  }
  root.set("lines", Flagged(std::move(lines)));

  data qos{data::type::object};
  uint32_t sip = s.has_qos() ? s.qos().sip_dscp() : 24;  // CS3 for signalling
  uint32_t rtp = s.has_qos() ? s.qos().rtp_dscp() : 46;  // EF for media
  qos.set("sip_dscp", std::to_string(sip));
  qos.set("rtp_dscp", std::to_string(rtp));
  qos.set("sip_tos", std::to_string(sip * 4));
  qos.set("rtp_tos", std::to_string(rtp * 4));
  root.set("qos", qos);

  data pkg{data::type::object};
  const v1::ServicePackage empty_package;
  const v1::ServicePackage& p = in.package != nullptr ? *in.package : empty_package;
  pkg.set("id", p.id());
  pkg.set("description", p.description());
  pkg.set("params", Map(p.parameters()));
  std::vector<data> codecs;
  std::string list = Param(in, "codecs", "PCMU,PCMA");
  size_t start = 0;
  while (start <= list.size()) {
    size_t comma = list.find(',', start);
    std::string name = list.substr(start, comma == std::string::npos ? std::string::npos
                                                                      : comma - start);
    name.erase(0, name.find_first_not_of(' '));
    name.erase(name.find_last_not_of(' ') + 1);
    if (!name.empty()) {
      data c{data::type::object};
      c.set("name", name);
      c.set("priority", std::to_string(codecs.size() + 1));
      codecs.push_back(std::move(c));
    }
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  pkg.set("codecs", Flagged(std::move(codecs)));
  root.set("package", pkg);

  data mdl{data::type::object};
  mdl.set("id", model.id());
  mdl.set("vendor", model.vendor());
  mdl.set("model", model.model());
  root.set("model", mdl);

  data cluster{data::type::object};
  cluster.set("server", in.cluster.server);
  cluster.set("port", std::to_string(in.cluster.port));
  cluster.set("resync_name", in.cluster.resync_name);
  std::string host = in.cluster.server;
  if (in.cluster.port != 69) host += ":" + std::to_string(in.cluster.port);
  cluster.set("resync_url", "tftp://" + host + "/" + in.cluster.resync_name);
  cluster.set("resync_interval_s", std::to_string(in.cluster.resync_interval_s));
  root.set("cluster", cluster);

  const int64_t now_s =
      std::chrono::duration_cast<std::chrono::seconds>(in.now.time_since_epoch()).count();
  std::time_t t = static_cast<std::time_t>(now_s);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char iso[32];
  std::strftime(iso, sizeof(iso), "%Y-%m-%dT%H:%M:%SZ", &tm);
  data time{data::type::object};
  time.set("ntp_server", Param(in, "ntp_server", "pool.ntp.org"));
  time.set("timezone", Param(in, "timezone", "UTC"));
  time.set("gmt_offset_s", Param(in, "gmt_offset_s", "0"));
  time.set("now_unix", std::to_string(now_s));
  time.set("now_iso", iso);
  root.set("time", time);

  data admin{data::type::object};
  admin.set("password", Param(in, "admin_password", ""));
  root.set("admin", admin);
  return root;
}

}  // namespace provisor
