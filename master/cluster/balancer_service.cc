#include "master/cluster/balancer_service.h"

#include <prometheus/histogram.h>

#include <chrono>

#include "common/mac.h"
#include "master/admin_service.h"
#include "master/auth/rpc_roles.h"

namespace provisor {

grpc::Status BalancerService::NextServer(grpc::ServerContext* context,
                                         const v1::NextServerRequest* request,
                                         v1::NextServerResponse* response) {
  StatusOr<Identity> who = authorizer_->Authenticate(*context, rpc::kBalancerNextServer);
  if (!who.ok()) return ToGrpc(who.status());
  if (!who->roles.Holds(Role::kDhcp) &&
      !(who->roles.Grants(Role::kOperator) && !request->ack())) {
    return ToGrpc(authorizer_->Deny(*context, rpc::kBalancerNextServer, *who,
                                    request->ack() ? "binding reports need role dhcp"
                                                   : "needs role dhcp (or operator without ack)"));
  }
  if (latency_ == nullptr) return Answer(request, response);
  // A measurement for the latency histogram only, not logic: read the
  // monotonic clock directly.
  const auto start = std::chrono::steady_clock::now();
  grpc::Status status = Answer(request, response);
  latency_->Observe(
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  return status;
}

grpc::Status BalancerService::Answer(const v1::NextServerRequest* request,
                                     v1::NextServerResponse* response) {
  if (front_ends_ != nullptr && request->front_end_counts_size() > 0) {
    // A bad report is counted and dropped; the device is answered anyway.
    (void)front_ends_->Record(request->front_end(),
                              std::map<std::string, uint64_t>(request->front_end_counts().begin(),
                                                              request->front_end_counts().end()));
  }
  StatusOr<std::string> mac = CanonicalMac(request->mac());
  if (!mac.ok()) {
    counters_.bad_request.fetch_add(1, std::memory_order_relaxed);
    return ToGrpc(InvalidArgumentError("mac: " + mac.status().message()));
  }
  // IPv4 or IPv6 (::ffff:a.b.c.d is the IPv4 address); never a wildcard,
  // broadcast or multicast address, which would bind the token to nobody
  // or to anybody.
  StatusOr<ClientIp> client = ParseBindableClientIp(request->client_ip());
  if (!client.ok()) {
    counters_.bad_request.fetch_add(1, std::memory_order_relaxed);
    return ToGrpc(client.status());
  }
  bool stand_in = false;
  StatusOr<std::string> filename = generator_->Filename(*mac, *client, &stand_in);
  if (!filename.ok()) {
    if (filename.status().code() == StatusCode::kNotFound) {
      counters_.unknown_device.fetch_add(1, std::memory_order_relaxed);
      return ToGrpc(filename.status());
    }
    counters_.error.fetch_add(1, std::memory_order_relaxed);
    return ToGrpc(filename.status());
  }
  std::optional<BalancerPick> pick = balancer_->Next();
  if (!pick.has_value()) {
    counters_.no_slave.fetch_add(1, std::memory_order_relaxed);
    return ToGrpc(UnavailableError("no slave is up and undrained"));
  }
  if (stand_in) {
    counters_.default_class.fetch_add(1, std::memory_order_relaxed);
    response->set_default_class(true);
  } else if (request->ack() && bindings_ != nullptr) {
    bindings_->Record(*mac, client->ToString());
  }
  response->set_server(pick->host);
  response->set_port(pick->port);
  response->set_filename(*filename);
  response->set_slave(pick->slave_id);
  response->set_option66(pick->host);
  response->set_option67(*filename);
  if (pick->ipv4) {
    response->set_siaddr(pick->host);
    response->add_option150(pick->host);
  }
  for (const std::string& other : pick->other_ipv4) response->add_option150(other);
  if (!stand_in) counters_.answered.fetch_add(1, std::memory_order_relaxed);
  return grpc::Status::OK;
}

}  // namespace provisor
