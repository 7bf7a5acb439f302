#include "master/cluster/cluster_service.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <chrono>
#include <cmath>

#include "common/socket_address.h"
#include "common/utf8.h"
#include "master/admin_service.h"  // ToGrpc
#include "master/auth/rpc_roles.h"
#include "master/cluster/sync_streamer.h"

namespace provisor {
namespace {

constexpr size_t kMaxSlaveIdLength = 64;

// A slave's instance id: what Sync and Heartbeat report, bounded.
constexpr size_t kMaxInstanceLength = 64;

// Peer input quoted in a message: one line, bounded.
std::string Quote(std::string_view text) {
  std::string out = "'";
  for (char c : text.substr(0, 80))
    out.push_back(std::isprint(static_cast<unsigned char>(c)) ? c : '?');
  if (text.size() > 80) out += "...";
  return out + "'";
}

bool IsDnsName(std::string_view host) {
  if (host.empty() || host.size() > 253) return false;
  bool has_letter = false;
  size_t label = 0;
  char previous = '.';
  for (char c : host) {
    const bool alnum = std::isalnum(static_cast<unsigned char>(c)) != 0;
    if (std::isalpha(static_cast<unsigned char>(c)) != 0) has_letter = true;
    if (c == '.') {
      if (previous == '.' || previous == '-') return false;
      label = 0;
    } else if (alnum || c == '-') {
      if (c == '-' && previous == '.') return false;
      if (++label > 63) return false;
    } else {
      return false;
    }
    previous = c;
  }
  // All digits and dots would be a (bad) IPv4 address, not a name.
  return has_letter && previous != '-';
}

double SecondsOf(Duration d) { return std::chrono::duration<double>(d).count(); }

void FillEvent(const ClusterEvent& event, v1::ClusterEventProto* out) {
  out->set_time_unix_ms(
      std::chrono::duration_cast<std::chrono::milliseconds>(event.time.time_since_epoch()).count());
  out->set_slave_id(event.slave_id);
  out->set_kind(event.kind);
  out->set_reason(event.reason);
  out->set_seq(event.seq);
  out->set_id(EventId(event.kind));
}

int64_t Millis(Duration d) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(d).count();
}

bool FiniteNonNegative(double v) { return std::isfinite(v) && v >= 0; }

StatusOr<provisor::Heartbeat> FromRequest(const v1::HeartbeatRequest& request) {
  provisor::Status id = ValidateSlaveId(request.slave_id());
  if (!id.ok()) return id;
  const std::string who = "slave " + request.slave_id() + ": ";
  if (!request.address().empty()) {
    provisor::Status address = ValidateSlaveAddress(request.address());
    if (!address.ok()) return InvalidArgumentError(who + address.message());
  }
  if (request.weight() > kMaxOperatorWeight) {
    return InvalidArgumentError(who + "weight " + std::to_string(request.weight()) +
                                " is out of range (0.." + std::to_string(kMaxOperatorWeight) +
                                ")");
  }
  if (request.instance().size() > kMaxInstanceLength) {
    return InvalidArgumentError(who + "instance id longer than " +
                                std::to_string(kMaxInstanceLength) + " characters");
  }
  if (!FiniteNonNegative(request.transfers_per_s()) || !FiniteNonNegative(request.cpu_load())) {
    return InvalidArgumentError(who + "transfers_per_s and cpu_load must be finite and >= 0");
  }
  provisor::Heartbeat h;
  h.slave_id = request.slave_id();
  h.instance = request.instance();
  h.address = request.address();
  h.weight = request.weight();
  h.active_sessions = request.active_sessions();
  h.transfers_per_s = request.transfers_per_s();
  h.applied_revision = request.applied_revision();
  h.cpu_load = request.cpu_load();
  // Reasons become metric labels and JSON keys: a few short names only.
  if (request.failures_size() > kMaxFailureReasons) {
    return InvalidArgumentError(who + std::to_string(request.failures_size()) +
                                " failure reasons (at most " +
                                std::to_string(kMaxFailureReasons) + ")");
  }
  for (const auto& [reason, count] : request.failures()) {
    const bool ok = !reason.empty() && reason.size() <= 48 &&
                    std::all_of(reason.begin(), reason.end(), [](char c) {
                      return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
                    });
    if (!ok) {
      return InvalidArgumentError(who + "failure reason " + Quote(reason) +
                                  " is not 1..48 of [a-z0-9_]");
    }
  }
  h.failures.insert(request.failures().begin(), request.failures().end());
  h.transfers_total = request.transfers_total();
  h.stopping = request.stopping();
  return h;
}

}  // namespace

Status ValidateSlaveId(std::string_view id) {
  if (id.empty()) return InvalidArgumentError("slave id is empty");
  if (id.size() > kMaxSlaveIdLength) {
    return InvalidArgumentError("slave id " + Quote(id) + " is " + std::to_string(id.size()) +
                                " characters long (at most " + std::to_string(kMaxSlaveIdLength) +
                                ")");
  }
  for (char c : id) {
    if (std::isalnum(static_cast<unsigned char>(c)) == 0 && c != '.' && c != '_' && c != '-') {
      return InvalidArgumentError("slave id " + Quote(id) +
                                  " may only contain letters, digits, '.', '_' and '-'");
    }
  }
  return Status::Ok();
}

Status ValidateSlaveAddress(std::string_view address) {
  const std::string bad = "address " + Quote(address) + " is not host:port";
  const size_t colon = address.rfind(':');
  if (colon == std::string_view::npos || colon == 0) {
    return InvalidArgumentError(bad + " (missing host or :port)");
  }
  StatusOr<SocketAddress> parsed = SocketAddress::Parse(address);
  uint16_t port = 0;
  if (parsed.ok()) {
    port = parsed->port();
  } else {
    const std::string_view host = address.substr(0, colon);
    const std::string_view port_text = address.substr(colon + 1);
    unsigned value = 0;
    auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), value);
    if (!IsDnsName(host) || ec != std::errc() || end != port_text.data() + port_text.size() ||
        port_text.empty() || value > 65535) {
      return InvalidArgumentError(bad + " (a numeric IP or DNS name, and a port 1..65535)");
    }
    port = static_cast<uint16_t>(value);
  }
  if (port == 0) return InvalidArgumentError(bad + " (port 0)");
  return Status::Ok();
}

ClusterService::ClusterService(SlaveRegistry* registry, Store* store, SyncStreamer* streamer,
                               const Clock* clock, RpcAuthorizer* authorizer,
                               ClusterServiceInfo info)
    : registry_(registry),
      store_(store),
      streamer_(streamer),
      authorizer_(authorizer),
      clock_(clock),
      info_(std::move(info)) {}

provisor::Status ClusterService::AuthorizeAs(grpc::ServerContext* context,
                                             std::string_view method, const std::string& id) {
  StatusOr<Identity> who = authorizer_->Authorize(*context, method);
  if (!who.ok()) return who.status();
  if (who->source == Identity::Source::kCertificate && who->name != id) {
    return authorizer_->Deny(*context, method, *who,
                             "the certificate names " + QuoteForMessage(who->name) +
                                 ", not " + QuoteForMessage(id));
  }
  return provisor::Status::Ok();
}

grpc::Status ClusterService::Sync(grpc::ServerContext* context, const v1::SyncRequest* request,
                                  grpc::ServerWriter<v1::SyncMessage>* writer) {
  provisor::Status allowed = AuthorizeAs(context, rpc::kClusterSync, request->follower_id());
  if (!allowed.ok()) return ToGrpc(allowed);
  if (request->instance().size() > kMaxInstanceLength) {
    return ToGrpc(InvalidArgumentError("instance id longer than " +
                                       std::to_string(kMaxInstanceLength) + " characters"));
  }
  if (streamer_ == nullptr) {
    return grpc::Status(grpc::StatusCode::UNIMPLEMENTED, "this master does not serve Sync");
  }
  return streamer_->Serve(context, request, writer);
}

grpc::Status ClusterService::Heartbeat(grpc::ServerContext* context,
                                       const v1::HeartbeatRequest* request,
                                       v1::HeartbeatResponse* response) {
  provisor::Status allowed = AuthorizeAs(context, rpc::kClusterHeartbeat, request->slave_id());
  if (!allowed.ok()) return ToGrpc(allowed);
  StatusOr<provisor::Heartbeat> heartbeat = FromRequest(*request);
  if (!heartbeat.ok()) return ToGrpc(heartbeat.status());
  provisor::Status recorded = registry_->RecordHeartbeat(*heartbeat);
  if (!recorded.ok()) return ToGrpc(recorded);
  response->set_master_revision(store_->revision());
  response->set_heartbeat_interval_ms(Millis(registry_->options().heartbeat_interval));
  return grpc::Status::OK;
}

void ClusterService::FillSlave(const SlaveStatus& slave, uint64_t revision,
                               v1::SlaveStatusProto* out) const {
  out->set_id(slave.id);
  out->set_address(slave.address);
  out->set_state(std::string(SlaveStateName(slave.state)));
  out->set_weight(slave.weight);
  out->set_effective_weight(registry_->EffectiveWeight(slave));
  std::optional<Duration> age = registry_->HeartbeatAge(slave);
  out->set_heartbeat_age_s(age ? SecondsOf(*age) : -1.0);
  out->set_active_sessions(slave.last.active_sessions);
  out->set_transfers_per_s(slave.last.transfers_per_s);
  out->set_applied_revision(slave.last.applied_revision);
  out->set_revision_lag(RevisionLag(slave, revision));
  out->set_cpu_load(slave.last.cpu_load);
  out->mutable_failures()->insert(slave.last.failures.begin(), slave.last.failures.end());
  out->set_weight_overridden(slave.weight_overridden);
  out->set_syncing(slave.syncing);
}

grpc::Status ClusterService::Status(grpc::ServerContext* context, const v1::StatusRequest*,
                                    v1::StatusResponse* response) {
  StatusOr<Identity> who = authorizer_->Authorize(*context, rpc::kClusterStatus);
  if (!who.ok()) return ToGrpc(who.status());
  const uint64_t revision = store_->revision();
  response->set_revision(revision);
  response->set_store_id(store_->store_id());
  response->set_role(info_.role);
  response->set_upstream(info_.upstream);
  response->set_upstream_connected(info_.upstream_connected ? info_.upstream_connected() : false);
  std::vector<SlaveStatus> slaves = registry_->Slaves();
  std::sort(slaves.begin(), slaves.end(),
            [](const SlaveStatus& a, const SlaveStatus& b) { return a.id < b.id; });
  for (const SlaveStatus& slave : slaves) FillSlave(slave, revision, response->add_slaves());
  const EventLog* log = registry_->event_log();
  const uint64_t last = log->last_seq();
  for (const ClusterEvent& event :
       log->Since(last > kMaxStatusEvents ? last - kMaxStatusEvents : 0)) {
    FillEvent(event, response->add_events());
  }
  const RegistryOptions& options = registry_->options();
  response->set_heartbeat_interval_ms(Millis(options.heartbeat_interval));
  response->set_dead_after_ms(Millis(options.dead_after));
  response->set_max_slaves(static_cast<uint32_t>(options.max_slaves));
  if (streamer_ != nullptr) {
    const SyncCounters& c = streamer_->counters();
    auto& sync = *response->mutable_sync();
    sync["streams_opened"] = c.streams_opened.load();
    sync["open_streams"] = streamer_->open_streams();
    sync["snapshots_sent"] = c.snapshots_sent.load();
    sync["deltas_started"] = c.deltas_started.load();
    sync["changes_sent"] = c.changes_sent.load();
    sync["stalled_dropped"] = c.stalled_dropped.load();
    sync["refused"] = c.refused.load();
  }
  return grpc::Status::OK;
}

grpc::Status ClusterService::Events(grpc::ServerContext* context,
                                    const v1::EventsRequest* request,
                                    v1::EventsResponse* response) {
  StatusOr<Identity> who = authorizer_->Authorize(*context, rpc::kClusterEvents);
  if (!who.ok()) return ToGrpc(who.status());
  const size_t limit = request->limit() == 0
                           ? kMaxEventsPerCall
                           : std::min<size_t>(request->limit(), kMaxEventsPerCall);
  const EventLog* log = registry_->event_log();
  response->set_last_seq(log->last_seq());
  for (const ClusterEvent& event : log->Since(request->after_seq(), limit)) {
    FillEvent(event, response->add_events());
  }
  return grpc::Status::OK;
}

grpc::Status ClusterService::Reply(const std::string& id, v1::SlaveStatusProto* response) const {
  std::optional<SlaveStatus> slave = registry_->Find(id);
  if (!slave) return ToGrpc(NotFoundError("slave " + id + " not found"));
  FillSlave(*slave, store_->revision(), response);
  return grpc::Status::OK;
}

grpc::Status ClusterService::SetSlaveWeight(grpc::ServerContext* context,
                                            const v1::SetSlaveWeightRequest* request,
                                            v1::SlaveStatusProto* response) {
  StatusOr<Identity> who = authorizer_->Authorize(*context, rpc::kClusterSetSlaveWeight);
  if (!who.ok()) return ToGrpc(who.status());
  if (request->id().empty()) return ToGrpc(InvalidArgumentError("slave id is empty"));
  if (request->weight() > kMaxOperatorWeight) {
    return ToGrpc(InvalidArgumentError("weight " + std::to_string(request->weight()) +
                                       " is out of range (0.." + std::to_string(kMaxOperatorWeight) +
                                       ")"));
  }
  provisor::Status set = registry_->SetWeight(request->id(), request->weight());
  if (!set.ok()) return ToGrpc(set);
  return Reply(request->id(), response);
}

grpc::Status ClusterService::SetSlaveDrained(grpc::ServerContext* context,
                                             const v1::SetSlaveDrainedRequest* request,
                                             v1::SlaveStatusProto* response) {
  StatusOr<Identity> who = authorizer_->Authorize(*context, rpc::kClusterSetSlaveDrained);
  if (!who.ok()) return ToGrpc(who.status());
  if (request->id().empty()) return ToGrpc(InvalidArgumentError("slave id is empty"));
  provisor::Status set = registry_->SetDrained(request->id(), request->drained());
  if (!set.ok()) return ToGrpc(set);
  return Reply(request->id(), response);
}

grpc::Status ClusterService::ForgetSlave(grpc::ServerContext* context,
                                         const v1::ForgetSlaveRequest* request,
                                         v1::ForgetSlaveResponse*) {
  StatusOr<Identity> who = authorizer_->Authorize(*context, rpc::kClusterForgetSlave);
  if (!who.ok()) return ToGrpc(who.status());
  if (request->id().empty()) return ToGrpc(InvalidArgumentError("slave id is empty"));
  return ToGrpc(registry_->Forget(request->id()));
}

}  // namespace provisor
