#include "master/noc/noc_view.h"

#include <algorithm>
#include <ctime>
#include <nlohmann/json.hpp>

#include "common/time_text.h"
#include "master/cluster/balancer.h"
#include "master/cluster/balancer_service.h"
#include "master/cluster/epoch_watch.h"
#include "master/cluster/event_log.h"
#include "master/cluster/front_end_stats.h"
#include "master/cluster/registry.h"
#include "master/noc/history.h"
#include "master/store/store.h"

namespace provisor {
namespace {

using nlohmann::json;

// The window the dashboard's "share of answers" covers.
constexpr Duration kShareWindow = std::chrono::minutes(5);

int64_t UnixMillis(WallTime t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}

int64_t Millis(Duration d) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(d).count();
}

std::string Dump(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

json SlaveObject(const NocContext& noc, const SlaveStatus& slave, uint64_t revision,
                 const std::map<std::string, double>& share,
                 const std::map<std::string, uint64_t>& answers) {
  json out;
  out["id"] = slave.id;
  out["address"] = slave.address;
  out["state"] = std::string(SlaveStateName(slave.state));
  out["weight"] = slave.weight;
  out["weight_overridden"] = slave.weight_overridden;
  out["effective_weight"] = noc.registry->EffectiveWeight(slave);
  auto s = share.find(slave.id);
  out["answer_share"] = s == share.end() ? 0.0 : s->second;
  auto a = answers.find(slave.id);
  out["next_server_answers"] = a == answers.end() ? 0 : a->second;
  out["active_sessions"] = slave.last.active_sessions;
  out["transfers_per_s"] = slave.last.transfers_per_s;
  out["failures_per_s"] = json::object();
  for (const auto& [reason, rate] : slave.failure_rates) out["failures_per_s"][reason] = rate;
  out["failures"] = json::object();
  for (const auto& [reason, total] : slave.last.failures) out["failures"][reason] = total;
  out["applied_revision"] = slave.last.applied_revision;
  out["revision_lag"] = RevisionLag(slave, revision);
  std::optional<Duration> age = noc.registry->HeartbeatAge(slave);
  out["heartbeat_age_s"] = age ? std::chrono::duration<double>(*age).count() : -1.0;
  out["cpu_load"] = slave.last.cpu_load;
  out["syncing"] = slave.syncing;
  return out;
}

std::map<std::string, double> Shares(const NocContext& noc) {
  return noc.history != nullptr ? noc.history->AnswerShare(kShareWindow)
                                : std::map<std::string, double>();
}

std::map<std::string, uint64_t> Answers(const NocContext& noc) {
  return noc.balancer != nullptr ? noc.balancer->AnswerCounts()
                                 : std::map<std::string, uint64_t>();
}

json Series(const std::map<std::string, std::vector<std::optional<double>>>& series) {
  json out = json::object();
  for (const auto& [id, values] : series) {
    json list = json::array();
    for (const std::optional<double>& v : values) {
      if (v.has_value()) {
        list.push_back(*v);
      } else {
        list.push_back(nullptr);
      }
    }
    out[id] = std::move(list);
  }
  return out;
}

}  // namespace

std::string ClusterJson(const NocContext& noc, bool admin) {
  const uint64_t revision = noc.store->revision();
  const WallTime now = noc.clock->WallNow();
  json out;
  out["role"] = noc.role;
  out["revision"] = revision;
  out["store_id"] = noc.store->store_id();
  out["upstream"] = noc.upstream;
  out["upstream_connected"] = noc.upstream_connected ? noc.upstream_connected() : false;
  out["now_unix_ms"] = UnixMillis(now);
  const RegistryOptions& options = noc.registry->options();
  out["heartbeat_interval_ms"] = Millis(options.heartbeat_interval);
  out["dead_after_ms"] = Millis(options.dead_after);
  out["max_slaves"] = options.max_slaves;
  out["admin"] = admin;

  const EpochNow epoch = CurrentEpoch(noc.rotate_every, now);
  out["tokens"] = {
      {"epoch", epoch.epoch},
      {"rotate_every_s", std::chrono::duration_cast<std::chrono::seconds>(noc.rotate_every).count()},
      {"next_rotation_unix_ms", UnixMillis(epoch.next_rotation)},
      {"bind_client_ip", noc.bind_client_ip}};

  std::vector<SlaveStatus> slaves = noc.registry->Slaves();
  std::sort(slaves.begin(), slaves.end(),
            [](const SlaveStatus& a, const SlaveStatus& b) { return a.id < b.id; });
  const std::map<std::string, double> share = Shares(noc);
  const std::map<std::string, uint64_t> answers = Answers(noc);
  json rows = json::array();
  uint64_t sessions = 0;
  double transfers = 0, failures = 0;
  for (const SlaveStatus& slave : slaves) {
    rows.push_back(SlaveObject(noc, slave, revision, share, answers));
    if (slave.state == SlaveState::kDown) continue;  // its last report is stale
    sessions += slave.last.active_sessions;
    transfers += slave.last.transfers_per_s;
    for (const auto& [reason, rate] : slave.failure_rates) failures += rate;
  }
  const StateCounts states = CountStates(slaves);
  out["totals"] = {{"slaves", slaves.size()},
                   {"up", states.up},
                   {"down", states.down},
                   {"draining", states.draining},
                   {"active_sessions", sessions},
                   {"transfers_per_s", transfers},
                   {"failures_per_s", failures},
                   {"next_server_per_s",
                    noc.history != nullptr ? noc.history->LatestAnswersPerSecond() : 0.0}};
  json next = json::object();
  if (noc.next_server != nullptr) {
    const BalancerCounters& c = *noc.next_server;
    next = {{"answered", c.answered.load()},
            {"default_class", c.default_class.load()},
            {"unknown_device", c.unknown_device.load()},
            {"no_slave", c.no_slave.load()},
            {"bad_request", c.bad_request.load()},
            {"error", c.error.load()}};
  }
  out["next_server"] = std::move(next);
  json front_ends = json::array();
  if (noc.front_ends != nullptr) {
    for (const FrontEndTally& f : noc.front_ends->All()) {
      json row = {{"id", f.id},
                  {"report_age_s", std::chrono::duration<double>(noc.clock->Now() - f.reported)
                                       .count()}};
      for (const std::string& name : FrontEndStats::Names()) {
        auto it = f.counts.find(name);
        row[name] = it == f.counts.end() ? 0 : it->second;
      }
      front_ends.push_back(std::move(row));
    }
  }
  out["dhcp_front_ends"] = std::move(front_ends);
  out["slaves"] = std::move(rows);
  return Dump(out);
}

std::string SlaveJsonById(const NocContext& noc, const std::string& id) {
  std::optional<SlaveStatus> slave = noc.registry->Find(id);
  if (!slave.has_value()) return "";
  return Dump(SlaveObject(noc, *slave, noc.store->revision(), Shares(noc), Answers(noc)));
}

std::string EventsJson(const NocContext& noc, uint64_t after_seq, size_t limit) {
  json list = json::array();
  for (const ClusterEvent& e : noc.events->Since(after_seq, limit)) {
    list.push_back({{"seq", e.seq},
                    {"time_unix_ms", UnixMillis(e.time)},
                    {"time", IsoTime(e.time)},
                    {"id", EventId(e.kind)},
                    {"kind", e.kind},
                    {"slave_id", e.slave_id},
                    {"reason", e.reason}});
  }
  json out;
  out["events"] = std::move(list);
  out["last_seq"] = noc.events->last_seq();
  return Dump(out);
}

std::string HistoryJson(const NocContext& noc) {
  HistoryView view = noc.history->View();
  json out;
  out["step_s"] = std::chrono::duration_cast<std::chrono::seconds>(view.step).count();
  out["window_s"] = std::chrono::duration_cast<std::chrono::seconds>(view.window).count();
  json times = json::array();
  for (WallTime t : view.times) times.push_back(UnixMillis(t));
  out["times_unix_ms"] = std::move(times);
  out["series"] = {{"transfers_per_s", Series(view.transfers_per_s)},
                   {"next_server_per_s", Series(view.next_server_per_s)}};
  return Dump(out);
}

}  // namespace provisor
