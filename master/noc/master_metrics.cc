#include "master/noc/master_metrics.h"

#include <prometheus/family.h>

#include <algorithm>

#include "common/http_metrics.h"
#include "master/admin_service.h"
#include "master/auth/rpc_authorizer.h"
#include "master/cluster/balancer.h"
#include "master/cluster/balancer_service.h"
#include "master/cluster/binding_recorder.h"
#include "master/cluster/epoch_watch.h"
#include "master/cluster/event_log.h"
#include "master/cluster/front_end_stats.h"
#include "master/cluster/registry.h"
#include "master/store/store.h"

namespace provisor {

MasterMetrics::MasterMetrics(const NocContext* noc)
    : noc_(noc),
      next_server_latency_(&prometheus::BuildHistogram()
                                .Name("provisor_master_next_server_duration_seconds")
                                .Help("Time to answer a NextServer call (DHCP front end)")
                                .Register(registry_)
                                .Add({}, prometheus::Histogram::BucketBoundaries(LatencyBuckets()))),
      collector_([this](MetricsBuilder& out) { Collect(out); }) {}

std::string MasterMetrics::Exposition() const {
  return ExpositionText({&registry_, &collector_});
}

void MasterMetrics::Collect(MetricsBuilder& out) const {
  const NocContext& noc = *noc_;
  if (noc.next_server != nullptr) {
    const BalancerCounters& c = *noc.next_server;
    out.Counter("provisor_master_next_server_requests_total",
                "NextServer calls by result (answered, default_class: an unknown MAC served "
                "the default class, unknown_device, no_slave, bad_request, error)")
        .Add(static_cast<double>(c.answered.load()), {{"result", "answered"}})
        .Add(static_cast<double>(c.default_class.load()), {{"result", "default_class"}})
        .Add(static_cast<double>(c.unknown_device.load()), {{"result", "unknown_device"}})
        .Add(static_cast<double>(c.no_slave.load()), {{"result", "no_slave"}})
        .Add(static_cast<double>(c.bad_request.load()), {{"result", "bad_request"}})
        .Add(static_cast<double>(c.error.load()), {{"result", "error"}});
  }
  if (noc.balancer != nullptr) {
    out.Counter("provisor_master_next_server_answers_total",
                "NextServer answers naming each slave");
    for (const auto& [slave, n] : noc.balancer->AnswerCounts()) {
      out.Add(static_cast<double>(n), {{"slave", slave}});
    }
  }

  const uint64_t revision = noc.store->revision();
  std::vector<SlaveStatus> slaves = noc.registry->Slaves();
  out.Gauge("provisor_master_slave_up", "1 when the slave is up or draining, 0 when down");
  for (const SlaveStatus& s : slaves) {
    out.Add(s.state == SlaveState::kDown ? 0 : 1, {{"slave", s.id}});
  }
  out.Gauge("provisor_master_slave_draining", "1 when the operator drained the slave");
  for (const SlaveStatus& s : slaves) out.Add(s.drained ? 1 : 0, {{"slave", s.id}});
  out.Gauge("provisor_master_slave_heartbeat_age_seconds",
            "Time since the slave's last heartbeat (absent until its first)");
  for (const SlaveStatus& s : slaves) {
    std::optional<Duration> age = noc.registry->HeartbeatAge(s);
    if (age) out.Add(std::chrono::duration<double>(*age).count(), {{"slave", s.id}});
  }
  out.Gauge("provisor_master_slave_revision_lag",
            "Store revisions the slave has not applied yet (as of its last heartbeat)");
  for (const SlaveStatus& s : slaves) {
    out.Add(static_cast<double>(RevisionLag(s, revision)), {{"slave", s.id}});
  }
  out.Gauge("provisor_master_slave_effective_weight",
            "The weight the balancer uses (operator weight x health x load headroom)");
  for (const SlaveStatus& s : slaves) {
    out.Add(noc.registry->EffectiveWeight(s), {{"slave", s.id}});
  }
  out.Gauge("provisor_master_slave_active_sessions", "TFTP sessions the slave last reported");
  for (const SlaveStatus& s : slaves) {
    out.Add(static_cast<double>(s.last.active_sessions), {{"slave", s.id}});
  }
  out.Gauge("provisor_master_slave_transfers_per_second",
            "Completed transfers per second the slave last reported");
  for (const SlaveStatus& s : slaves) out.Add(s.last.transfers_per_s, {{"slave", s.id}});
  out.Counter("provisor_master_slave_failures_total",
              "Refusals and failed transfers by reason, as reported by each slave since it "
              "started");
  for (const SlaveStatus& s : slaves) {
    for (const auto& [reason, n] : s.last.failures) {
      out.Add(static_cast<double>(n), {{"slave", s.id}, {"reason", reason}});
    }
  }
  const StateCounts states = CountStates(slaves);
  out.Gauge("provisor_master_slaves", "Slaves by state")
      .Add(static_cast<double>(states.up), {{"state", "up"}})
      .Add(static_cast<double>(states.down), {{"state", "down"}})
      .Add(static_cast<double>(states.draining), {{"state", "draining"}});

  out.Gauge("provisor_master_revision", "The store's revision").Add(static_cast<double>(revision));
  StatusOr<StoreInfo> info = noc.store->Info();
  if (info.ok()) {
    out.Gauge("provisor_master_store_size_bytes", "Bytes of the LMDB map in use")
        .Add(static_cast<double>(info->used_bytes));
    out.Gauge("provisor_master_store_entities", "Entities in the store by kind");
    for (const auto& [kind, n] : info->counts) out.Add(static_cast<double>(n), {{"kind", kind}});
  }
  if (noc.imports != nullptr) {
    out.Counter("provisor_master_import_rows_total",
                "Import rows committed, and rejected (rows of batches not committed)")
        .Add(static_cast<double>(noc.imports->committed_rows.load()), {{"result", "imported"}})
        .Add(static_cast<double>(noc.imports->rejected_rows.load()), {{"result", "rejected"}});
  }
  if (noc.events != nullptr) {
    out.Counter("provisor_master_events_total", "Cluster events by kind");
    for (const auto& [kind, n] : noc.events->CountsByKind()) {
      out.Add(static_cast<double>(n), {{"kind", kind}});
    }
  }
  const WallTime now = noc.clock->WallNow();
  const EpochNow epoch = CurrentEpoch(noc.rotate_every, now);
  out.Gauge("provisor_master_token_epoch", "The current token key epoch")
      .Add(static_cast<double>(epoch.epoch));
  out.Gauge("provisor_master_token_next_rotation_seconds",
            "Seconds until the next token key epoch begins")
      .Add(std::chrono::duration<double>(epoch.next_rotation - now).count());
  if (noc.front_ends != nullptr) {
    const std::vector<FrontEndTally> front_ends = noc.front_ends->All();
    out.Counter("provisor_master_dhcp_front_end_packets_total",
                "What each DHCP front end did with the packets it asked about, as it reports "
                "(answered, refused, fallback: served without a master, unanswered)");
    for (const FrontEndTally& f : front_ends) {
      for (const auto& [result, n] : f.counts) {
        out.Add(static_cast<double>(n), {{"front_end", f.id}, {"result", result}});
      }
    }
    out.Gauge("provisor_master_dhcp_front_end_report_age_seconds",
              "Time since each DHCP front end last reported");
    for (const FrontEndTally& f : front_ends) {
      out.Add(std::chrono::duration<double>(noc.clock->Now() - f.reported).count(),
              {{"front_end", f.id}});
    }
  }
  if (noc.http != nullptr) {
    out.Counter("provisor_master_http_requests_total", "Requests to the dashboard, API and metrics")
        .Add(static_cast<double>(noc.http->requests.load()));
    out.Counter("provisor_master_http_admin_actions_total",
                "Drain, undrain and weight changes made from the dashboard or its API, by "
                "result")
        .Add(static_cast<double>(noc.http->admin_actions.load()), {{"result", "done"}})
        .Add(static_cast<double>(noc.http->admin_refused.load()), {{"result", "refused"}});
    out.Counter("provisor_master_http_reads_refused_total",
                "Dashboard, API and metrics reads refused for want of a valid token or role")
        .Add(static_cast<double>(noc.http->read_refused.load()));
  }
  if (noc.http_server != nullptr) {
    AddHttpServerMetrics(*noc.http_server, "provisor_master_http", out);
  }
  if (noc.authorizer != nullptr) {
    out.Counter("provisor_master_grpc_refused_total",
                "gRPC calls refused: no identity or a role too small for the method");
    for (const auto& [method, n] : noc.authorizer->Denied()) {
      out.Add(static_cast<double>(n), {{"method", method}});
    }
  }
  if (noc.bindings != nullptr) {
    out.Counter("provisor_master_bindings_recorded_total",
                "DHCP bindings (MAC -> IP) written to the store")
        .Add(static_cast<double>(noc.bindings->recorded.load()));
    out.Counter("provisor_master_bindings_dropped_total",
                "DHCP bindings dropped because the queue was full")
        .Add(static_cast<double>(noc.bindings->dropped.load()));
  }
}

}  // namespace provisor
