#include "master/cluster/balancer_service.h"

#include <arpa/inet.h>

#include "common/mac.h"
#include "common/socket_address.h"
#include "master/admin_service.h"

namespace provisor {

grpc::Status BalancerService::NextServer(grpc::ServerContext*, const v1::NextServerRequest* request,
                                         v1::NextServerResponse* response) {
  StatusOr<std::string> mac = CanonicalMac(request->mac());
  if (!mac.ok()) {
    counters_.bad_request.fetch_add(1, std::memory_order_relaxed);
    return ToGrpc(InvalidArgumentError("mac: " + mac.status().message()));
  }
  in_addr client{};
  if (inet_pton(AF_INET, request->client_ip().c_str(), &client) != 1) {
    counters_.bad_request.fetch_add(1, std::memory_order_relaxed);
    return ToGrpc(InvalidArgumentError("client_ip '" + request->client_ip() +
                                       "' is not an IPv4 address"));
  }
  StatusOr<std::string> filename = generator_->Filename(*mac, ntohl(client.s_addr));
  if (!filename.ok()) {
    if (filename.status().code() == StatusCode::kNotFound) {
      counters_.unknown_device.fetch_add(1, std::memory_order_relaxed);
      return ToGrpc(NotFoundError("device " + *mac + " is not known to this master"));
    }
    return ToGrpc(filename.status());
  }
  std::optional<BalancerPick> pick = balancer_->Next();
  if (!pick.has_value()) {
    counters_.no_slave.fetch_add(1, std::memory_order_relaxed);
    return ToGrpc(UnavailableError("no slave is up and undrained"));
  }
  StatusOr<SocketAddress> address = SocketAddress::Parse(pick->address);
  if (!address.ok()) return ToGrpc(InternalError("slave address: " + address.status().message()));
  const std::string host = address->HostString();
  const bool v4 = address->family() == AF_INET;
  response->set_server(host);
  response->set_port(address->port());
  response->set_filename(*filename);
  response->set_slave(pick->slave_id);
  if (v4) response->set_siaddr(host);
  response->set_option66(host);
  response->set_option67(*filename);
  if (v4) response->add_option150(host);
  for (const std::string& other : pick->others) {
    StatusOr<SocketAddress> o = SocketAddress::Parse(other);
    if (o.ok() && o->family() == AF_INET) response->add_option150(o->HostString());
  }
  counters_.answered.fetch_add(1, std::memory_order_relaxed);
  return grpc::Status::OK;
}

}  // namespace provisor
