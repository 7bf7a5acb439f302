#include "master/auth/roles.h"

namespace provisor {

std::string_view RoleName(Role role) {
  switch (role) {
    case Role::kSlave: return "slave";
    case Role::kDhcp: return "dhcp";
    case Role::kReader: return "reader";
    case Role::kOperator: return "operator";
    case Role::kAdmin: return "admin";
  }
  return "unknown";
}

std::optional<Role> ParseRole(std::string_view name) {
  for (int i = 0; i < kRoleCount; ++i) {
    const Role role = static_cast<Role>(i);
    if (RoleName(role) == name) return role;
  }
  return std::nullopt;
}

bool RoleSet::Grants(Role needed) const {
  if (Holds(needed)) return true;
  switch (needed) {
    case Role::kReader: return Holds(Role::kOperator) || Holds(Role::kAdmin);
    case Role::kOperator: return Holds(Role::kAdmin);
    default: return false;
  }
}

std::string RoleSet::ToString() const {
  std::string out;
  for (int i = 0; i < kRoleCount; ++i) {
    const Role role = static_cast<Role>(i);
    if (!Holds(role)) continue;
    if (!out.empty()) out += ",";
    out += RoleName(role);
  }
  return out.empty() ? "none" : out;
}

}  // namespace provisor
