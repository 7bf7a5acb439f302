// ClusterClient: provisorctl's connection to the master's Cluster API (the
// NOC side: status, events, slave weights and drain) and Balancer API, over
// the same kind of
// channel as AdminClient (mutual TLS when options.tls is set). Every call
// has the configured deadline; failures come back as Status with a message
// for people (rpc_error.h). The generated gRPC header stays in
// cluster_client.cc.
//
// Thread-safety: thread-safe (gRPC stubs are).
#ifndef PROVISOR_MASTER_CTL_CLUSTER_CLIENT_H_
#define PROVISOR_MASTER_CTL_CLUSTER_CLIENT_H_

#include <memory>
#include <string>

#include "common/status.h"
#include "master/ctl/admin_client.h"  // ClientOptions
#include "provisor/v1/balancer.pb.h"
#include "provisor/v1/cluster.pb.h"

namespace provisor::ctl {

class ClusterClient {
 public:
  explicit ClusterClient(ClientOptions options);
  ~ClusterClient();
  ClusterClient(const ClusterClient&) = delete;
  ClusterClient& operator=(const ClusterClient&) = delete;

  StatusOr<v1::StatusResponse> ClusterStatus();
  // Events with seq > after_seq (oldest first), at most `limit` (0: 1000).
  StatusOr<v1::EventsResponse> Events(uint64_t after_seq, uint32_t limit = 0);
  StatusOr<v1::SlaveStatusProto> SetSlaveWeight(const std::string& id, uint32_t weight);
  StatusOr<v1::SlaveStatusProto> SetSlaveDrained(const std::string& id, bool drained);
  Status ForgetSlave(const std::string& id);
  // The Balancer API: what the DHCP front end would get for a device.
  StatusOr<v1::NextServerResponse> NextServer(const v1::NextServerRequest& request);

 private:
  struct Stub;
  ClientOptions options_;
  std::unique_ptr<Stub> stub_;
};

}  // namespace provisor::ctl

#endif  // PROVISOR_MASTER_CTL_CLUSTER_CLIENT_H_
