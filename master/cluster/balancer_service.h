// BalancerService: the gRPC Balancer API (proto/provisor/v1/balancer.proto)
// the DHCP front end asks for each offer: the next slave (Balancer) and a
// fresh encoded filename for the device, bound to its client IP, with the
// DHCP values (siaddr, options 66, 67, 150) ready to set. An ACK's binding
// is queued in the BindingRecorder (none on a relay: its store follows).
//
// Thread-safety: thread-safe (gRPC calls handlers from its thread pool).
// Includes the generated .grpc.pb.h: only master wiring includes this header.
#ifndef PROVISOR_MASTER_CLUSTER_BALANCER_SERVICE_H_
#define PROVISOR_MASTER_CLUSTER_BALANCER_SERVICE_H_

#include <grpcpp/grpcpp.h>

#include <atomic>

#include "master/auth/rpc_authorizer.h"
#include "master/cluster/balancer.h"
#include "master/cluster/binding_recorder.h"
#include "master/cluster/front_end_stats.h"
#include "master/generation.h"
#include "provisor/v1/balancer.grpc.pb.h"

namespace prometheus {
class Histogram;
}  // namespace prometheus

namespace provisor {

struct BalancerCounters {
  // Each answer counts once: `answered` (a known device) or `default_class`.
  std::atomic<uint64_t> answered{0};
  std::atomic<uint64_t> unknown_device{0};   // refused: not a device, no default class
  std::atomic<uint64_t> default_class{0};    // not a device: served the default class
  std::atomic<uint64_t> no_slave{0};
  std::atomic<uint64_t> bad_request{0};
  std::atomic<uint64_t> error{0};            // the store or key ring failed
};

class BalancerService final : public v1::Balancer::Service {
 public:
  // Callers need role dhcp; an operator may ask without `ack` (a dry run
  // that records no binding: `provisorctl next-server`).
  BalancerService(Balancer* balancer, Generator* generator, BindingRecorder* bindings,
                  RpcAuthorizer* authorizer)
      : balancer_(balancer), generator_(generator), bindings_(bindings), authorizer_(authorizer) {}

  grpc::Status NextServer(grpc::ServerContext* context, const v1::NextServerRequest* request,
                          v1::NextServerResponse* response) override;
  const BalancerCounters& counters() const { return counters_; }
  // Every call's duration, in seconds, goes to `latency` (may be null).
  void set_latency(prometheus::Histogram* latency) { latency_ = latency; }
  // Front ends' reports of their own tallies go to `front_ends` (may be
  // null: ignored).
  void set_front_ends(FrontEndStats* front_ends) { front_ends_ = front_ends; }

 private:
  Balancer* balancer_;
  Generator* generator_;
  grpc::Status Answer(const v1::NextServerRequest* request, v1::NextServerResponse* response);

  BindingRecorder* bindings_;
  RpcAuthorizer* authorizer_;
  BalancerCounters counters_;
  prometheus::Histogram* latency_ = nullptr;
  FrontEndStats* front_ends_ = nullptr;
};

}  // namespace provisor

#endif  // PROVISOR_MASTER_CLUSTER_BALANCER_SERVICE_H_
