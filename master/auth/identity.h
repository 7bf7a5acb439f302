// Identity: who is calling the master, as authenticated by the transport.
//   - a client certificate verified against the master's CA: the subject's
//     CommonName is the name (a slave's certificate names its slave id), and
//     each subject Organization (O) that is a role name grants that role
//     (deploy/make-certs.sh issues such certificates per role);
//   - a named API token from master.toml (`[auth.tokens.NAME]`, stored as its
//     SHA-256, compared in constant time): HTTP only, for people and scrapers;
//   - trusted plaintext: a plaintext listener on loopback (or one the
//     operator explicitly made insecure) treats every caller as "local"
//     holding every role.
//
// Thread-safety: value types; ApiTokens is immutable after construction.
#ifndef PROVISOR_MASTER_AUTH_IDENTITY_H_
#define PROVISOR_MASTER_AUTH_IDENTITY_H_

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "master/auth/roles.h"

namespace provisor {

struct Identity {
  enum class Source { kNone, kCertificate, kToken, kTrustedPlaintext };
  std::string name;  // certificate CN, token name, "local"; empty: anonymous
  RoleSet roles;
  Source source = Source::kNone;

  bool authenticated() const { return source != Source::kNone; }
  // "certificate admin-1 (admin)", "token alice (operator)", "anonymous".
  std::string Describe() const;
  static Identity TrustedPlaintext() {
    return Identity{"local", RoleSet::All(), Source::kTrustedPlaintext};
  }
};

// The identity a verified client certificate (PEM, leaf first) names.
// INVALID_ARGUMENT when it cannot be parsed or has no CommonName. Subject O
// entries that are not role names are ignored (no role, not an error).
StatusOr<Identity> IdentityFromCertificate(std::string_view pem);

using Sha256Digest = std::array<uint8_t, 32>;
Sha256Digest Sha256(std::string_view bytes);
// 64 hex digits (either case). INVALID_ARGUMENT otherwise.
StatusOr<Sha256Digest> ParseSha256Hex(std::string_view hex);

struct ApiToken {
  std::string name;
  Role role = Role::kReader;
  Sha256Digest sha256{};
};

class ApiTokens {
 public:
  ApiTokens() = default;
  explicit ApiTokens(std::vector<ApiToken> tokens) : tokens_(std::move(tokens)) {}
  // The identity whose token is `presented`; nullopt when none matches.
  // Every configured token is compared (constant time per token).
  std::optional<Identity> Find(std::string_view presented) const;
  bool empty() const { return tokens_.empty(); }
  const std::vector<ApiToken>& tokens() const { return tokens_; }

 private:
  std::vector<ApiToken> tokens_;
};

}  // namespace provisor

#endif  // PROVISOR_MASTER_AUTH_IDENTITY_H_
