#include "master/ctl/cluster_client.h"

#include <grpcpp/grpcpp.h>

#include "master/ctl/grpc_call.h"
#include "proto/rpc_channel.h"
#include "provisor/v1/balancer.grpc.pb.h"
#include "provisor/v1/cluster.grpc.pb.h"

namespace provisor::ctl {

struct ClusterClient::Stub {
  std::unique_ptr<v1::Cluster::Stub> cluster;
  std::unique_ptr<v1::Balancer::Stub> balancer;
};

ClusterClient::ClusterClient(ClientOptions options)
    : options_(std::move(options)), stub_(std::make_unique<Stub>()) {
  auto channel = MakeChannel(options_.master, options_.tls ? &*options_.tls : nullptr);
  stub_->cluster = v1::Cluster::NewStub(channel);
  stub_->balancer = v1::Balancer::NewStub(channel);
}

ClusterClient::~ClusterClient() = default;

StatusOr<v1::StatusResponse> ClusterClient::ClusterStatus() {
  grpc::ClientContext context;
  SetDeadline(&context, options_);
  v1::StatusResponse response;
  provisor::Status status = FromGrpc(
      stub_->cluster->Status(&context, v1::StatusRequest(), &response), options_, "cluster status");
  if (!status.ok()) return status;
  return response;
}

StatusOr<v1::SlaveStatusProto> ClusterClient::SetSlaveWeight(const std::string& id,
                                                             uint32_t weight) {
  grpc::ClientContext context;
  SetDeadline(&context, options_);
  v1::SetSlaveWeightRequest request;
  request.set_id(id);
  request.set_weight(weight);
  v1::SlaveStatusProto response;
  provisor::Status status = FromGrpc(stub_->cluster->SetSlaveWeight(&context, request, &response),
                                     options_, "slave weights");
  if (!status.ok()) return status;
  return response;
}

StatusOr<v1::SlaveStatusProto> ClusterClient::SetSlaveDrained(const std::string& id,
                                                              bool drained) {
  grpc::ClientContext context;
  SetDeadline(&context, options_);
  v1::SetSlaveDrainedRequest request;
  request.set_id(id);
  request.set_drained(drained);
  v1::SlaveStatusProto response;
  provisor::Status status = FromGrpc(stub_->cluster->SetSlaveDrained(&context, request, &response),
                                     options_, "draining slaves");
  if (!status.ok()) return status;
  return response;
}

StatusOr<v1::NextServerResponse> ClusterClient::NextServer(const v1::NextServerRequest& request) {
  grpc::ClientContext context;
  SetDeadline(&context, options_);
  v1::NextServerResponse response;
  provisor::Status status = FromGrpc(stub_->balancer->NextServer(&context, request, &response),
                                     options_, "the next server");
  if (!status.ok()) return status;
  return response;
}

}  // namespace provisor::ctl
