#include "master/auth/rpc_authorizer.h"

#include <grpc/grpc_security_constants.h>
#include <grpcpp/grpcpp.h>

#include "common/utf8.h"
#include "master/auth/rpc_roles.h"

namespace provisor {
namespace {

constexpr int kLogLinesPerSecond = 20;

}  // namespace

RpcAuthorizer::RpcAuthorizer(RpcAuthorizerOptions options, const Clock* clock, Logger logger)
    : options_(options), clock_(clock), logger_(std::move(logger)) {}

Identity RpcAuthorizer::IdentityOf(const grpc::ServerContext& context) {
  std::shared_ptr<const grpc::AuthContext> auth = context.auth_context();
  if (auth == nullptr || !auth->IsPeerAuthenticated()) {
    return options_.trust_plaintext ? Identity::TrustedPlaintext() : Identity{};
  }
  std::vector<grpc::string_ref> pems = auth->FindPropertyValues(GRPC_X509_PEM_CERT_PROPERTY_NAME);
  if (pems.empty()) return Identity{};
  const std::string_view pem(pems.front().data(), pems.front().size());
  std::lock_guard<std::mutex> lock(mu_);
  auto cached = certificates_.find(pem);
  if (cached != certificates_.end()) return cached->second;
  StatusOr<Identity> parsed = IdentityFromCertificate(pem);
  Identity identity = parsed.ok() ? *parsed : Identity{};
  if (certificates_.size() >= kMaxCachedCertificates) certificates_.clear();
  certificates_.emplace(std::string(pem), identity);
  return identity;
}

StatusOr<Identity> RpcAuthorizer::Authenticate(const grpc::ServerContext& context,
                                               std::string_view method) {
  Identity identity = IdentityOf(context);
  if (!identity.authenticated()) {
    return Refuse(context, method, identity, StatusCode::kUnauthenticated,
                  "no client certificate (this master needs mutual TLS)");
  }
  return identity;
}

StatusOr<Identity> RpcAuthorizer::Authorize(const grpc::ServerContext& context,
                                            std::string_view method) {
  StatusOr<Identity> authenticated = Authenticate(context, method);
  if (!authenticated.ok()) return authenticated;
  Identity identity = std::move(*authenticated);
  const std::optional<Role> needed = RequiredRole(method);
  if (!needed) {
    return Refuse(context, method, identity, StatusCode::kPermissionDenied,
                  "the method has no role: nobody may call it");
  }
  if (!identity.roles.Grants(*needed)) {
    return Refuse(context, method, identity, StatusCode::kPermissionDenied,
                  "needs role " + std::string(RoleName(*needed)));
  }
  return identity;
}

Status RpcAuthorizer::Deny(const grpc::ServerContext& context, std::string_view method,
                           const Identity& identity, const std::string& reason) {
  return Refuse(context, method, identity, StatusCode::kPermissionDenied, reason);
}

Status RpcAuthorizer::Refuse(const grpc::ServerContext& context, std::string_view method,
                             const Identity& identity, StatusCode code,
                             const std::string& reason) {
  denied_total_.fetch_add(1, std::memory_order_relaxed);
  bool log = false;
  uint64_t suppressed = 0;
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = denied_.find(method);
    if (it == denied_.end()) it = denied_.emplace(std::string(method), 0).first;
    ++it->second;
    const MonoTime now = clock_->Now();
    if (now - log_window_ >= std::chrono::seconds(1)) {
      log_window_ = now;
      log_lines_ = 0;
    }
    if (log_lines_ < kLogLinesPerSecond) {
      ++log_lines_;
      log = true;
      suppressed = log_suppressed_;
      log_suppressed_ = 0;
    } else {
      ++log_suppressed_;
    }
  }
  const std::string peer = QuoteForMessage(context.peer());
  if (log) {
    logger_->warn("AUTH_DENIED {} from {} as {}: {}{}", method, peer, identity.Describe(), reason,
                  suppressed == 0 ? std::string()
                                  : " (" + std::to_string(suppressed) + " more not logged)");
  }
  const std::string message = std::string(method) + " refused for " + identity.Describe() +
                              ": " + reason;
  return Status(code, message);
}

std::map<std::string, uint64_t> RpcAuthorizer::Denied() const {
  std::lock_guard<std::mutex> lock(mu_);
  return std::map<std::string, uint64_t>(denied_.begin(), denied_.end());
}

}  // namespace provisor
