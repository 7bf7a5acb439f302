// RpcAuthorizer: authentication and authorisation of every gRPC call to the
// master. A handler's first act is Authorize(context, method): the caller's
// identity comes from the channel (the verified client certificate under
// mutual TLS; on a trusted plaintext listener, the "local" identity with
// every role) and must hold the role RpcRoleTable() names for the method.
// A refusal is PERMISSION_DENIED (UNAUTHENTICATED when the caller has no
// identity), counted by method and logged as AUTH_DENIED (at most 20 lines a
// second; the rest are counted and summarised). Handlers that refine the
// check (a slave id that must match the certificate, templates that need
// admin) refuse through Deny() so every refusal is counted the same way.
//
// Thread-safety: thread-safe.
#ifndef PROVISOR_MASTER_AUTH_RPC_AUTHORIZER_H_
#define PROVISOR_MASTER_AUTH_RPC_AUTHORIZER_H_

#include <atomic>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <functional>
#include <unordered_map>

#include "common/clock.h"
#include "common/logging.h"
#include "common/status.h"
#include "master/auth/identity.h"

namespace grpc {
class ServerContext;
}  // namespace grpc

namespace provisor {

struct RpcAuthorizerOptions {
  // Plaintext callers are "local" with every role: a loopback listener
  // without TLS, or `[auth] insecure = true`. Without it a plaintext caller
  // is anonymous and refused.
  bool trust_plaintext = false;
};

class RpcAuthorizer {
 public:
  RpcAuthorizer(RpcAuthorizerOptions options, const Clock* clock, Logger logger);

  // The caller's identity when it may call `method`; PERMISSION_DENIED or
  // UNAUTHENTICATED otherwise (counted and logged).
  StatusOr<Identity> Authorize(const grpc::ServerContext& context, std::string_view method);
  // The caller's identity, refusing (UNAUTHENTICATED) only a caller without
  // one: for a handler whose rule is more than one role (NextServer).
  StatusOr<Identity> Authenticate(const grpc::ServerContext& context, std::string_view method);
  // Refuses a call Authorize let through, for `reason` (counted, logged).
  Status Deny(const grpc::ServerContext& context, std::string_view method,
              const Identity& identity, const std::string& reason);

  // Refusals by method since start (metrics).
  std::map<std::string, uint64_t> Denied() const;
  uint64_t denied_total() const { return denied_total_.load(std::memory_order_relaxed); }

 private:
  Identity IdentityOf(const grpc::ServerContext& context);
  Status Refuse(const grpc::ServerContext& context, std::string_view method,
                const Identity& identity, StatusCode code, const std::string& reason);

  const RpcAuthorizerOptions options_;
  const Clock* clock_;
  Logger logger_;
  std::atomic<uint64_t> denied_total_{0};
  mutable std::mutex mu_;
  // Parsed certificates by their PEM text (bounded), refusals by method and
  // the log-line budget: protected by mu_.
  static constexpr size_t kMaxCachedCertificates = 1024;
  // Looked up by the PEM's view, without copying it, on every call.
  struct PemHash {
    using is_transparent = void;
    size_t operator()(std::string_view pem) const { return std::hash<std::string_view>{}(pem); }
  };
  std::unordered_map<std::string, Identity, PemHash, std::equal_to<>> certificates_;
  std::map<std::string, uint64_t, std::less<>> denied_;
  MonoTime log_window_{};
  int log_lines_ = 0;
  uint64_t log_suppressed_ = 0;
};

}  // namespace provisor

#endif  // PROVISOR_MASTER_AUTH_RPC_AUTHORIZER_H_
