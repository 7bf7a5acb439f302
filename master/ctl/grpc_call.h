// What every provisorctl gRPC call does around the call itself: a deadline
// from --timeout, and a failed status turned into the one-line message
// people read (rpc_error.h). Includes grpcpp: only the client .cc files
// include this header.
//
// Thread-safety: free functions.
#ifndef PROVISOR_MASTER_CTL_GRPC_CALL_H_
#define PROVISOR_MASTER_CTL_GRPC_CALL_H_

#include <grpcpp/grpcpp.h>

#include <chrono>
#include <string_view>

#include "master/ctl/admin_client.h"
#include "master/ctl/rpc_error.h"

namespace provisor::ctl {

inline Status FromGrpc(const grpc::Status& status, const ClientOptions& options,
                       std::string_view what) {
  if (status.ok()) return Status::Ok();
  Status raw(static_cast<StatusCode>(status.error_code()), status.error_message());
  return DescribeRpcError(raw, RpcContext{options.master, options.timeout, what});
}

inline void SetDeadline(grpc::ClientContext* context, const ClientOptions& options) {
  context->set_deadline(std::chrono::system_clock::now() +
                        std::chrono::duration_cast<std::chrono::system_clock::duration>(
                            options.timeout));
}

// One unary call with the deadline and the error mapping above, e.g.
// CallUnary(stub, &v1::Cluster::Stub::Status, request, options, "cluster status").
template <typename Stub, typename Request, typename Response>
StatusOr<Response> CallUnary(Stub* stub,
                             grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&,
                                                          Response*),
                             const Request& request, const ClientOptions& options,
                             std::string_view what) {
  grpc::ClientContext context;
  SetDeadline(&context, options);
  Response response;
  Status status = FromGrpc((stub->*method)(&context, request, &response), options, what);
  if (!status.ok()) return status;
  return response;
}

}  // namespace provisor::ctl

#endif  // PROVISOR_MASTER_CTL_GRPC_CALL_H_
