// The role every gRPC method of the master requires, in one table (README
// "Security" prints the same table). A method missing from the table is
// refused for everyone, and tests/unit/master/auth/rpc_roles_test.cc walks
// the services' descriptors so that a new RPC without a row fails the build's
// tests. Writes of templates need admin even through the operator-level
// Create/Update/Delete/Import (AdminService checks the entity kind).
//
// Thread-safety: immutable data and pure functions.
#ifndef PROVISOR_MASTER_AUTH_RPC_ROLES_H_
#define PROVISOR_MASTER_AUTH_RPC_ROLES_H_

#include <optional>
#include <string_view>
#include <vector>

#include "master/auth/roles.h"

namespace provisor {

struct RpcRole {
  std::string_view method;  // "/provisor.v1.Admin/Create"
  Role role;                // the least role allowed to call it
  std::string_view why;     // one line for the README table
};

const std::vector<RpcRole>& RpcRoleTable();
// nullopt: not in the table (refused).
std::optional<Role> RequiredRole(std::string_view method);

}  // namespace provisor

#endif  // PROVISOR_MASTER_AUTH_RPC_ROLES_H_
