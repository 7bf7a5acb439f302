// ClusterService: the gRPC Cluster API (proto/provisor/v1/cluster.proto)
// over a SlaveRegistry and a Store. Heartbeat validates the slave's report
// (id, advertised address) and records it; Status is the NOC view (every
// slave, the recent events, the master's revision and role); SetSlaveWeight
// and SetSlaveDrained steer the farm; Sync is delegated to a SyncStreamer.
// Registry and store errors keep their code and one-line message. Every call
// is authorised first (RpcAuthorizer); a caller authenticated by certificate
// may Sync and Heartbeat only as the slave (or relay) its CommonName names.
//
// Thread-safety: thread-safe (gRPC calls handlers from its thread pool).
// REQUIRES: registry, store and clock outlive the service; `streamer` may be
// null (Sync then answers UNIMPLEMENTED).
// Includes the generated .grpc.pb.h: only master wiring includes this header.
#ifndef PROVISOR_MASTER_CLUSTER_CLUSTER_SERVICE_H_
#define PROVISOR_MASTER_CLUSTER_CLUSTER_SERVICE_H_

#include <grpcpp/grpcpp.h>

#include <functional>
#include <string>
#include <string_view>

#include "common/clock.h"
#include "common/status.h"
#include "master/auth/rpc_authorizer.h"
#include "master/cluster/registry.h"
#include "master/store/store.h"
#include "provisor/v1/cluster.grpc.pb.h"

namespace provisor {

class SyncStreamer;

struct ClusterServiceInfo {
  std::string role = "root";                 // "root" or "relay"
  std::string upstream;                      // relay: the host:port it follows
  std::function<bool()> upstream_connected;  // may be empty (then false)
};

// At most this many events are returned by Status (the newest).
inline constexpr size_t kMaxStatusEvents = 200;
// At most this many events are returned by one Events call.
inline constexpr size_t kMaxEventsPerCall = 1000;
// A heartbeat may report at most this many failure reasons.
inline constexpr int kMaxFailureReasons = 32;
// SetSlaveWeight's range (a slave's own configured weight may be larger).
inline constexpr uint32_t kMaxOperatorWeight = 10000;

// 1..64 characters of [A-Za-z0-9._-].
Status ValidateSlaveId(std::string_view id);
// "host:port": a numeric IPv4/IPv6 address ([v6]:port) or a DNS name, and a
// port 1..65535.
Status ValidateSlaveAddress(std::string_view address);

class ClusterService final : public v1::Cluster::Service {
 public:
  ClusterService(SlaveRegistry* registry, Store* store, SyncStreamer* streamer, const Clock* clock,
                 RpcAuthorizer* authorizer, ClusterServiceInfo info);

  grpc::Status Sync(grpc::ServerContext* context, const v1::SyncRequest* request,
                    grpc::ServerWriter<v1::SyncMessage>* writer) override;
  grpc::Status Heartbeat(grpc::ServerContext* context, const v1::HeartbeatRequest* request,
                         v1::HeartbeatResponse* response) override;
  grpc::Status Status(grpc::ServerContext* context, const v1::StatusRequest* request,
                      v1::StatusResponse* response) override;
  grpc::Status SetSlaveWeight(grpc::ServerContext* context,
                              const v1::SetSlaveWeightRequest* request,
                              v1::SlaveStatusProto* response) override;
  grpc::Status SetSlaveDrained(grpc::ServerContext* context,
                               const v1::SetSlaveDrainedRequest* request,
                               v1::SlaveStatusProto* response) override;
  grpc::Status ForgetSlave(grpc::ServerContext* context, const v1::ForgetSlaveRequest* request,
                           v1::ForgetSlaveResponse* response) override;
  grpc::Status Events(grpc::ServerContext* context, const v1::EventsRequest* request,
                      v1::EventsResponse* response) override;

 private:
  // The status row of one slave against the store's `revision`.
  void FillSlave(const SlaveStatus& slave, uint64_t revision, v1::SlaveStatusProto* out) const;
  // The row of `id` after a change; NOT_FOUND if it went away.
  grpc::Status Reply(const std::string& id, v1::SlaveStatusProto* response) const;
  // Authorises `method` for a caller acting as follower `id`: a caller
  // authenticated by certificate must be named `id`.
  provisor::Status AuthorizeAs(grpc::ServerContext* context, std::string_view method,
                               const std::string& id);

  SlaveRegistry* registry_;
  Store* store_;
  SyncStreamer* streamer_;
  RpcAuthorizer* authorizer_;
  const Clock* clock_;
  const ClusterServiceInfo info_;
};

}  // namespace provisor

#endif  // PROVISOR_MASTER_CLUSTER_CLUSTER_SERVICE_H_
