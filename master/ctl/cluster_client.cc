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
  return CallUnary(stub_->cluster.get(), &v1::Cluster::Stub::Status, v1::StatusRequest(),
                   options_, "cluster status");
}

StatusOr<v1::EventsResponse> ClusterClient::Events(uint64_t after_seq, uint32_t limit) {
  v1::EventsRequest request;
  request.set_after_seq(after_seq);
  request.set_limit(limit);
  return CallUnary(stub_->cluster.get(), &v1::Cluster::Stub::Events, request, options_,
                   "cluster events");
}

StatusOr<v1::SlaveStatusProto> ClusterClient::SetSlaveWeight(const std::string& id,
                                                             uint32_t weight) {
  v1::SetSlaveWeightRequest request;
  request.set_id(id);
  request.set_weight(weight);
  return CallUnary(stub_->cluster.get(), &v1::Cluster::Stub::SetSlaveWeight, request, options_,
                   "slave weights");
}

StatusOr<v1::SlaveStatusProto> ClusterClient::SetSlaveDrained(const std::string& id,
                                                              bool drained) {
  v1::SetSlaveDrainedRequest request;
  request.set_id(id);
  request.set_drained(drained);
  return CallUnary(stub_->cluster.get(), &v1::Cluster::Stub::SetSlaveDrained, request, options_,
                   "draining slaves");
}

Status ClusterClient::ForgetSlave(const std::string& id) {
  v1::ForgetSlaveRequest request;
  request.set_id(id);
  return CallUnary(stub_->cluster.get(), &v1::Cluster::Stub::ForgetSlave, request, options_,
                   "forgetting slaves")
      .status();
}

StatusOr<v1::NextServerResponse> ClusterClient::NextServer(const v1::NextServerRequest& request) {
  return CallUnary(stub_->balancer.get(), &v1::Balancer::Stub::NextServer, request, options_,
                   "the next server");
}

}  // namespace provisor::ctl
