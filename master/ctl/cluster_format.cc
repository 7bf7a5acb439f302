#include "master/ctl/cluster_format.h"

#include "common/time_text.h"

#include <cmath>
#include <cstdio>
#include <ctime>
#include <map>
#include <nlohmann/json.hpp>

namespace provisor::ctl {
namespace {

using Json = nlohmann::ordered_json;

std::string Decimal(double value, int digits) {
  char buffer[64];
  std::snprintf(buffer, sizeof(buffer), "%.*f", digits, value);
  return buffer;
}

// 100 -> "100", 12.5 -> "12.5".
std::string Weight(double value) {
  return value == std::floor(value) ? Decimal(value, 0) : Decimal(value, 1);
}

Json SlaveObject(const v1::SlaveStatusProto& slave) {
  Json failures = Json::object();
  std::map<std::string, uint64_t> sorted(slave.failures().begin(), slave.failures().end());
  for (const auto& [reason, count] : sorted) failures[reason] = count;
  return Json{
      {"id", slave.id()},
      {"address", slave.address()},
      {"state", slave.state()},
      {"weight", slave.weight()},
      {"weight_overridden", slave.weight_overridden()},
      {"effective_weight", slave.effective_weight()},
      {"heartbeat_age_s", slave.heartbeat_age_s()},
      {"active_sessions", slave.active_sessions()},
      {"transfers_per_s", slave.transfers_per_s()},
      {"applied_revision", slave.applied_revision()},
      {"revision_lag", slave.revision_lag()},
      {"cpu_load", slave.cpu_load()},
      {"syncing", slave.syncing()},
      {"failures", failures},
  };
}

Json EventObject(const v1::ClusterEventProto& e) {
  return Json{{"time", FormatEventTime(e.time_unix_ms())},
              {"time_unix_ms", e.time_unix_ms()},
              {"seq", e.seq()},
              {"id", e.id()},
              {"slave_id", e.slave_id()},
              {"kind", e.kind()},
              {"reason", e.reason()}};
}

Json EventArray(const std::vector<v1::ClusterEventProto>& events) {
  Json out = Json::array();
  for (const v1::ClusterEventProto& e : events) out.push_back(EventObject(e));
  return out;
}

std::string Dump(const Json& json) {
  return json.dump(2, ' ', false, Json::error_handler_t::replace);
}

}  // namespace

Table MakeSlaveTable() {
  return Table({"ID", "ADDRESS", "STATE", "WEIGHT", "EFFECTIVE", "LAST HEARTBEAT", "SESSIONS",
                "TRANSFERS/S", "REVISION LAG"});
}

std::string StateCell(const std::string& state, bool colour) {
  if (!colour) return state;
  const char* code = state == "up" ? "32" : state == "down" ? "1;31" : "33";
  return std::string("\x1b[") + code + "m" + state + "\x1b[0m";
}

std::vector<std::string> SlaveRow(const v1::SlaveStatusProto& slave, bool colour) {
  return {slave.id(),
          slave.address().empty() ? "-" : slave.address(),
          StateCell(slave.state(), colour),
          std::to_string(slave.weight()) + (slave.weight_overridden() ? "*" : ""),
          Weight(slave.effective_weight()),
          FormatAge(slave.heartbeat_age_s()),
          std::to_string(slave.active_sessions()),
          Decimal(slave.transfers_per_s(), 1),
          std::to_string(slave.revision_lag())};
}

std::string FormatStatus(const v1::StatusResponse& status, bool colour) {
  Table table = MakeSlaveTable();
  bool overridden = false;
  for (const v1::SlaveStatusProto& slave : status.slaves()) {
    table.AddRow(SlaveRow(slave, colour));
    overridden = overridden || slave.weight_overridden();
  }
  std::string out = table.Render();
  std::string role = status.role().empty() ? "root" : status.role();
  if (!status.upstream().empty()) {
    role += " of " + status.upstream() +
            (status.upstream_connected() ? " (connected)" : " (not connected)");
  }
  const int count = status.slaves_size();
  out += "master revision " + std::to_string(status.revision()) + ", role " + role + ", " +
         std::to_string(count) + (count == 1 ? " slave" : " slaves") + " (max " +
         std::to_string(status.max_slaves()) + ")\n";
  if (overridden) out += "* weight set by an operator\n";
  return out;
}

std::string FormatEvents(const std::vector<v1::ClusterEventProto>& events) {
  if (events.empty()) return "no cluster events\n";
  Table table({"TIME", "SLAVE", "EVENT", "REASON"});
  for (const v1::ClusterEventProto& e : events) {
    table.AddRow({FormatEventTime(e.time_unix_ms()), e.slave_id().empty() ? "-" : e.slave_id(),
                  e.id().empty() ? e.kind() : e.id(), e.reason()});
  }
  return table.Render();
}

std::string FormatEventLines(const std::vector<v1::ClusterEventProto>& events) {
  std::string out;
  for (const v1::ClusterEventProto& e : events) {
    out += FormatEventTime(e.time_unix_ms()) + "  " + (e.id().empty() ? e.kind() : e.id()) +
           "  " + (e.slave_id().empty() ? "-" : e.slave_id()) + "  " + e.reason() + "\n";
  }
  return out;
}

std::string FormatTop(const v1::StatusResponse& status, int64_t now_unix_ms, size_t max_events,
                      bool colour) {
  int up = 0, down = 0, draining = 0;
  uint64_t sessions = 0;
  double transfers = 0;
  for (const v1::SlaveStatusProto& slave : status.slaves()) {
    if (slave.state() == "up") ++up;
    if (slave.state() == "down") ++down;
    if (slave.state() == "draining") ++draining;
    if (slave.state() == "down") continue;  // its last report is stale
    sessions += slave.active_sessions();
    transfers += slave.transfers_per_s();
  }
  std::string out = "provisor " + FormatEventTime(now_unix_ms) + "  slaves: " +
                    std::to_string(up) + " up, " + std::to_string(down) + " down, " +
                    std::to_string(draining) + " draining  sessions: " +
                    std::to_string(sessions) + "  transfers/s: " + Decimal(transfers, 1) + "\n\n";
  out += FormatStatus(status, colour);
  std::vector<v1::ClusterEventProto> recent;
  const int first = status.events_size() > static_cast<int>(max_events)
                        ? status.events_size() - static_cast<int>(max_events)
                        : 0;
  for (int i = status.events_size() - 1; i >= first; --i) recent.push_back(status.events(i));
  out += "\nrecent events (newest first)\n";
  out += recent.empty() ? "no cluster events\n" : FormatEventLines(recent);
  return out;
}

std::string StatusJson(const v1::StatusResponse& status) {
  Json slaves = Json::array();
  for (const v1::SlaveStatusProto& slave : status.slaves()) slaves.push_back(SlaveObject(slave));
  std::vector<v1::ClusterEventProto> events(status.events().begin(), status.events().end());
  Json out{
      {"revision", status.revision()},
      {"store_id", status.store_id()},
      {"role", status.role()},
      {"upstream", status.upstream()},
      {"upstream_connected", status.upstream_connected()},
      {"heartbeat_interval_ms", status.heartbeat_interval_ms()},
      {"dead_after_ms", status.dead_after_ms()},
      {"max_slaves", status.max_slaves()},
      {"sync", Json(std::map<std::string, uint64_t>(status.sync().begin(), status.sync().end()))},
      {"slaves", slaves},
      {"events", EventArray(events)},
  };
  return Dump(out);
}

std::string EventsJson(const std::vector<v1::ClusterEventProto>& events) {
  return Dump(Json{{"events", EventArray(events)}});
}

std::string SlaveJson(const v1::SlaveStatusProto& slave) { return Dump(SlaveObject(slave)); }

std::string EventLineJson(const v1::ClusterEventProto& event) {
  return EventObject(event).dump(-1, ' ', false, Json::error_handler_t::replace);
}

std::string FormatAge(double seconds) {
  if (seconds < 0 || !std::isfinite(seconds)) return "never";
  if (seconds < 10) return Decimal(seconds, 1) + "s ago";
  const long long s = std::llround(std::floor(seconds));
  char buffer[64];
  if (s < 60) {
    std::snprintf(buffer, sizeof(buffer), "%llds ago", s);
  } else if (s < 3600) {
    std::snprintf(buffer, sizeof(buffer), "%lldm%02llds ago", s / 60, s % 60);
  } else if (s < 86400 * 2) {
    std::snprintf(buffer, sizeof(buffer), "%lldh%02lldm ago", s / 3600, (s % 3600) / 60);
  } else {
    std::snprintf(buffer, sizeof(buffer), "%lldd ago", s / 86400);
  }
  return buffer;
}

std::string FormatEventTime(int64_t unix_ms) { return IsoTimeFromUnixMillis(unix_ms); }

std::string NextServerJson(const v1::NextServerResponse& answer, bool full) {
  Json out = Json::object();
  out["server"] = answer.server();
  out["port"] = answer.port();
  out["filename"] = answer.filename();
  out["slave"] = answer.slave();
  if (full) {
    out["siaddr"] = answer.siaddr();
    out["option66"] = answer.option66();
    out["option67"] = answer.option67();
    out["option150"] = std::vector<std::string>(answer.option150().begin(), answer.option150().end());
    out["default_class"] = answer.default_class();
  }
  return out.dump();
}

}  // namespace provisor::ctl
