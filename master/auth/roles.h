// Roles: what an authenticated caller of the master may do. A role is bound
// to an identity (a client certificate's subject Organization entries, or a
// named API token in master.toml), never chosen by the caller.
//   slave     Cluster.Sync and Cluster.Heartbeat, as the slave (or relay)
//             its certificate names
//   dhcp      Balancer.NextServer with binding reports (the Kea hook)
//   reader    status, events, entities with secrets redacted, the dashboard
//   operator  reader + entity writes (not templates), drain, weights,
//             renders with secrets, forgetting a slave
//   admin     operator + templates and token keys
// admin implies operator, operator implies reader; slave and dhcp are
// machine roles that imply nothing else and are implied by nothing.
//
// Thread-safety: value types and pure functions.
#ifndef PROVISOR_MASTER_AUTH_ROLES_H_
#define PROVISOR_MASTER_AUTH_ROLES_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace provisor {

enum class Role : uint8_t { kSlave = 0, kDhcp, kReader, kOperator, kAdmin };
inline constexpr int kRoleCount = 5;

std::string_view RoleName(Role role);
// "slave", "dhcp", "reader", "operator", "admin"; nullopt for anything else.
std::optional<Role> ParseRole(std::string_view name);

// The roles an identity holds, as given (implications are applied by
// Grants).
class RoleSet {
 public:
  RoleSet() = default;
  static RoleSet Of(Role role) { return RoleSet().With(role); }
  // Every role: the trusted-plaintext identity (loopback, or insecure = true).
  static RoleSet All() { return RoleSet((1u << kRoleCount) - 1); }
  RoleSet With(Role role) const {
    return RoleSet(bits_ | (1u << static_cast<unsigned>(role)));
  }
  bool Holds(Role role) const { return (bits_ & (1u << static_cast<unsigned>(role))) != 0; }
  // Holds `needed` itself or a role that implies it.
  bool Grants(Role needed) const;
  bool empty() const { return bits_ == 0; }
  // "operator,slave"; "none" when empty.
  std::string ToString() const;
  bool operator==(const RoleSet&) const = default;

 private:
  explicit RoleSet(uint32_t bits) : bits_(bits) {}
  uint32_t bits_ = 0;
};

}  // namespace provisor

#endif  // PROVISOR_MASTER_AUTH_ROLES_H_
