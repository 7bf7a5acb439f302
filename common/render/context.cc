#include "common/render/context.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>
#include <cstdio>
#include <ctime>

#include "common/mac.h"

namespace provisor {
namespace {

using kainjow::mustache::data;

constexpr const char* kKnownCodecs[] = {"PCMU", "PCMA", "G722", "G729", "G726_32", "ILBC", "OPUS"};

std::string Clean(std::string_view v) {
  std::string out(v);
  for (char& c : out) {
    unsigned char u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f) c = ' ';
  }
  return out;
}

// Strings are set only when non-empty.
void Str(data& obj, const std::string& key, std::string_view value) {
  if (!value.empty()) obj.set(key, Clean(value));
}
void Num(data& obj, const std::string& key, int64_t value) {
  obj.set(key, std::to_string(value));
}
void Bool(data& obj, const std::string& key, bool value) {
  obj.set(key, value ? data::type::bool_true : data::type::bool_false);
}

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

// host[:port], IPv6 literals in brackets; port 5060 by default.
void HostPort(data& obj, const std::string& prefix, const std::string& value) {
  if (value.empty()) return;
  Str(obj, prefix, value);
  std::string host = value;
  std::string port = "5060";
  size_t colon = value.rfind(':');
  size_t bracket = value.rfind(']');
  if (colon != std::string::npos && (bracket == std::string::npos || colon > bracket)) {
    host = value.substr(0, colon);
    port = value.substr(colon + 1);
  }
  Str(obj, prefix + "_host", host);
  Str(obj, prefix + "_port", port);
}

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

std::string Two(int v) {
  char buf[8];
  std::snprintf(buf, sizeof(buf), "%02d", v);
  return buf;
}

data Change(const DstChange& c) {
  data out{data::type::object};
  Num(out, "month", c.month);
  Str(out, "month_02", Two(c.month));
  Num(out, "week", c.week);
  Str(out, "week_02", Two(c.week));
  Bool(out, "last", c.week == 5);
  Num(out, "day", c.week == 5 ? -1 : 7 * (c.week - 1) + 1);
  int iso = c.weekday == 0 ? 7 : c.weekday;
  Num(out, "wday_iso", iso);
  Str(out, "wday_iso_02", Two(iso));
  Num(out, "wday_sun1", c.weekday + 1);
  Num(out, "hour", c.hour);
  Str(out, "time", Two(c.hour) + ":00:00");
  return out;
}

// Four decimal digits derived from the admin password (for devices that
// only take a PIN), stable for a given password.
std::string DerivedPin(const std::string& password) {
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  static constexpr char kLabel[] = "provisor admin pin";
  HMAC(EVP_sha256(), kLabel, sizeof(kLabel) - 1,
       reinterpret_cast<const unsigned char*>(password.data()), password.size(), mac, &len);
  uint32_t v = (uint32_t{mac[0]} << 24) | (uint32_t{mac[1]} << 16) | (uint32_t{mac[2]} << 8) | mac[3];
  char pin[8];
  std::snprintf(pin, sizeof(pin), "%04u", v % 10000);
  return pin;
}

data Lines(const RenderInput& in, const v1::Subscriber& s, data* by_port_out) {
  const v1::Device& device = *in.device;
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
  data list{data::type::list};
  data by_port_map{data::type::object};
  for (size_t i = 0; i < by_port.size(); ++i) {
    const auto& [port, line] = by_port[i];
    data l{data::type::object};
    Num(l, "index", line->index());
    Num(l, "port", port);
    Str(l, "directory_number", line->directory_number());
    std::string user = line->sip_user().empty() ? line->directory_number() : line->sip_user();
    Str(l, "sip_user", user);
    Str(l, "auth_user", line->auth_user().empty() ? user : line->auth_user());
    Str(l, "password", line->password());
    Str(l, "display_name", line->display_name().empty() ? s.name() : line->display_name());
    Bool(l, "first", i == 0);
    Bool(l, "last", i + 1 == by_port.size());
    by_port_map.set(std::to_string(port), l);
    list.push_back(l);
  }
  *by_port_out = std::move(by_port_map);
  return list;
}

data Package(const RenderInput& in) {
  const v1::ServicePackage& p = *in.package;
  data pkg{data::type::object};
  Str(pkg, "id", p.id());
  Str(pkg, "description", p.description());
  data params{data::type::object};
  data flags{data::type::object};
  for (const auto& [k, v] : p.parameters()) {
    Str(params, k, v);
    std::string l = Lower(v);
    if (l == "on" || l == "yes" || l == "true" || l == "1") Bool(flags, k, true);
    if (l == "off" || l == "no" || l == "false" || l == "0") Bool(flags, k, false);
  }
  pkg.set("params", params);
  pkg.set("flags", flags);

  std::vector<std::string> names;
  std::string list = Param(in, "codecs", "PCMU,PCMA");
  size_t start = 0;
  while (start <= list.size()) {
    size_t comma = list.find(',', start);
    std::string name = list.substr(start, comma == std::string::npos ? std::string::npos
                                                                      : comma - start);
    name.erase(0, name.find_first_not_of(' '));
    name.erase(name.find_last_not_of(' ') + 1);
    std::transform(name.begin(), name.end(), name.begin(),
                   [](unsigned char c) { return std::toupper(c); });
    bool known = std::find(std::begin(kKnownCodecs), std::end(kKnownCodecs), name) !=
                 std::end(kKnownCodecs);
    if (known && std::find(names.begin(), names.end(), name) == names.end()) names.push_back(name);
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  data codecs{data::type::list};
  data by_name{data::type::object};
  data by_slot{data::type::object};
  for (size_t i = 0; i < names.size(); ++i) {
    data c{data::type::object};
    Str(c, "name", names[i]);
    Num(c, "priority", static_cast<int64_t>(i + 1));
    Bool(c, "first", i == 0);
    Bool(c, "last", i + 1 == names.size());
    data is{data::type::object};
    Bool(is, names[i], true);
    c.set("name_is", is);
    codecs.push_back(c);
    by_name.set(names[i], c);
    by_slot.set(std::to_string(i + 1), c);
  }
  pkg.set("codecs", codecs);
  pkg.set("codec", by_name);
  pkg.set("codec_at", by_slot);
  return pkg;
}

void SetNow(data& time, WallTime now) {
  const int64_t now_s =
      std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count();
  std::time_t t = static_cast<std::time_t>(now_s);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char iso[32];
  std::strftime(iso, sizeof(iso), "%Y-%m-%dT%H:%M:%SZ", &tm);
  Num(time, "now_unix", now_s);
  Str(time, "now_iso", iso);
}

data Time(const RenderInput& in) {
  data time{data::type::object};
  Str(time, "ntp_server", Param(in, "ntp_server", "pool.ntp.org"));
  std::string zone = Param(in, "timezone", "UTC");
  Str(time, "timezone", zone);
  std::shared_ptr<const ZoneRule> rule;
  if (in.zones != nullptr) {
    rule = in.zones->Get(zone);
  } else if (auto loaded = LoadZoneRule(zone); loaded.ok()) {
    rule = std::make_shared<const ZoneRule>(std::move(*loaded));
  }
  int offset = rule ? rule->std_offset_s : std::atoi(Param(in, "gmt_offset_s", "0").c_str());
  Num(time, "gmt_offset_s", offset);
  const char sign = offset < 0 ? '-' : '+';
  const int abs = offset < 0 ? -offset : offset;
  char hhmm[16];
  std::snprintf(hhmm, sizeof(hhmm), "%c%02d:%02d", sign, abs / 3600, abs / 60 % 60);
  Str(time, "utc_offset", hhmm);
  char hours[16];
  if (offset == 0) {
    std::snprintf(hours, sizeof(hours), "0");
  } else if (abs / 60 % 60 == 0) {
    std::snprintf(hours, sizeof(hours), "%c%d", sign, abs / 3600);
  } else {
    std::snprintf(hours, sizeof(hours), "%c%d:%02d", sign, abs / 3600, abs / 60 % 60);
  }
  Str(time, "utc_offset_hours", hours);
  data is{data::type::object};
  Bool(is, hhmm, true);
  time.set("offset_is", is);
  if (rule) {
    Str(time, "posix_tz", rule->posix);
    if (rule->has_dst) {
      data dst{data::type::object};
      Num(dst, "save_s", rule->dst_save_s);
      Num(dst, "save_min", rule->dst_save_s / 60);
      char save[16];
      std::snprintf(save, sizeof(save), "%d:%02d", rule->dst_save_s / 3600,
                    rule->dst_save_s / 60 % 60);
      Str(dst, "save_hm", save);
      dst.set("start", Change(rule->start));
      dst.set("end", Change(rule->end));
      time.set("dst", dst);
    }
  }
  SetNow(time, in.now);
  return time;
}

data ClusterObject(const ClusterInfo& c) {
  data cluster{data::type::object};
  const std::string& server = c.server;
  const bool v6 = server.find(':') != std::string::npos;
  const std::string host = v6 ? "[" + server + "]" : server;
  Str(cluster, "server", server);
  Num(cluster, "port", c.port);
  Str(cluster, "host_port", host + ":" + std::to_string(c.port));
  const std::string base =
      "tftp://" + host + (c.port == 69 ? "" : ":" + std::to_string(c.port)) + "/";
  Str(cluster, "base_url", base);
  Str(cluster, "resync_name", c.resync_name);
  Str(cluster, "resync_url", base + c.resync_name);
  Num(cluster, "resync_interval_s", c.resync_interval_s);
  Num(cluster, "resync_interval_min", std::max<int64_t>(1, (c.resync_interval_s + 59) / 60));
  return cluster;
}

}  // namespace

RenderData BuildClusterLayer(const ClusterInfo& cluster) {
  data layer{data::type::object};
  layer.set("cluster", ClusterObject(cluster));
  return layer;
}

RenderData BuildRequestLayer(const RenderData& base, const ClusterInfo& cluster, WallTime now,
                             bool with_time) {
  data layer{data::type::object};
  layer.set("cluster", ClusterObject(cluster));
  if (!with_time) return layer;
  const data* time = base.get("time");
  data fresh = time != nullptr ? *time : data{data::type::object};
  SetNow(fresh, now);
  layer.set("time", fresh);
  return layer;
}

RenderData BuildRenderContext(const RenderInput& in) {
  const v1::Device& device = *in.device;
  const v1::DeviceModel& model = *in.model;
  data root{data::type::object};

  std::string hex = MacHex(device.mac());
  std::string upper = hex;
  std::transform(upper.begin(), upper.end(), upper.begin(), ::toupper);
  data dev{data::type::object};
  Str(dev, "mac", device.mac());
  Str(dev, "mac_hex", hex);
  Str(dev, "mac_upper", upper);
  Str(dev, "serial", device.serial());
  Str(dev, "model", device.model());
  Str(dev, "vendor", model.vendor());
  Str(dev, "client_class", device.client_class());
  Str(dev, "state", StateName(device.state()));
  root.set("device", dev);

  const v1::Subscriber empty_subscriber;
  const v1::Subscriber& s = in.subscriber != nullptr ? *in.subscriber : empty_subscriber;
  if (in.subscriber != nullptr) {
    data sub{data::type::object};
    Str(sub, "id", s.id());
    Str(sub, "account", s.account());
    Str(sub, "name", s.name());
    bool active = s.status() != v1::SUBSCRIBER_STATUS_SUSPENDED;
    Str(sub, "status", active ? "active" : "suspended");
    Bool(sub, "active", active);
    Str(sub, "sip_domain", s.sip_domain());
    HostPort(sub, "registrar", s.registrar().empty() ? s.sip_domain() : s.registrar());
    HostPort(sub, "proxy", s.proxy().empty() ? s.sip_domain() : s.proxy());
    HostPort(sub, "outbound_proxy", s.outbound_proxy());
    Str(sub, "ring_tone", s.ring_tone());
    Str(sub, "class_of_service", s.class_of_service());
    data attributes{data::type::object};
    for (const auto& [k, v] : s.attributes()) Str(attributes, k, v);
    sub.set("attributes", attributes);
    root.set("subscriber", sub);
  }

  data by_port{data::type::object};
  root.set("lines", Lines(in, s, &by_port));
  root.set("line_by_port", by_port);

  data qos{data::type::object};
  uint32_t sip = s.has_qos() ? s.qos().sip_dscp() : 24;  // CS3 for signalling
  uint32_t rtp = s.has_qos() ? s.qos().rtp_dscp() : 46;  // EF for media
  Num(qos, "sip_dscp", sip);
  Num(qos, "rtp_dscp", rtp);
  Num(qos, "sip_tos", sip * 4);
  Num(qos, "rtp_tos", rtp * 4);
  char hexbuf[8];
  std::snprintf(hexbuf, sizeof(hexbuf), "0x%02x", sip * 4);
  Str(qos, "sip_tos_hex", hexbuf);
  std::snprintf(hexbuf, sizeof(hexbuf), "0x%02x", rtp * 4);
  Str(qos, "rtp_tos_hex", hexbuf);
  root.set("qos", qos);

  if (in.package != nullptr) root.set("package", Package(in));

  data mdl{data::type::object};
  Str(mdl, "id", model.id());
  Str(mdl, "vendor", model.vendor());
  Str(mdl, "model", model.model());
  root.set("model", mdl);

  root.set("cluster", ClusterObject(in.cluster));

  root.set("time", Time(in));

  data admin{data::type::object};
  std::string password = Param(in, "admin_password", "");
  Str(admin, "password", password);
  std::string pin = Param(in, "admin_pin", password.empty() ? "" : DerivedPin(password));
  if (pin.size() == 4 && std::all_of(pin.begin(), pin.end(), ::isdigit)) {
    Str(admin, "pin", pin);
    Str(admin, "pin_bcd", "0x" + pin.substr(0, 2) + ",0x" + pin.substr(2, 2));
  }
  root.set("admin", admin);
  return root;
}

}  // namespace provisor
