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

// The methods' wire names, for the table and for each handler's check.
namespace rpc {
inline constexpr std::string_view kAdminCreate = "/provisor.v1.Admin/Create";
inline constexpr std::string_view kAdminUpdate = "/provisor.v1.Admin/Update";
inline constexpr std::string_view kAdminDelete = "/provisor.v1.Admin/Delete";
inline constexpr std::string_view kAdminImport = "/provisor.v1.Admin/Import";
inline constexpr std::string_view kAdminGet = "/provisor.v1.Admin/Get";
inline constexpr std::string_view kAdminList = "/provisor.v1.Admin/List";
inline constexpr std::string_view kAdminWatch = "/provisor.v1.Admin/Watch";
inline constexpr std::string_view kAdminInfo = "/provisor.v1.Admin/Info";
inline constexpr std::string_view kAdminRender = "/provisor.v1.Admin/Render";
inline constexpr std::string_view kAdminRotateKeys = "/provisor.v1.Admin/RotateKeys";
inline constexpr std::string_view kClusterSync = "/provisor.v1.Cluster/Sync";
inline constexpr std::string_view kClusterHeartbeat = "/provisor.v1.Cluster/Heartbeat";
inline constexpr std::string_view kClusterStatus = "/provisor.v1.Cluster/Status";
inline constexpr std::string_view kClusterEvents = "/provisor.v1.Cluster/Events";
inline constexpr std::string_view kClusterSetSlaveWeight = "/provisor.v1.Cluster/SetSlaveWeight";
inline constexpr std::string_view kClusterSetSlaveDrained = "/provisor.v1.Cluster/SetSlaveDrained";
inline constexpr std::string_view kClusterForgetSlave = "/provisor.v1.Cluster/ForgetSlave";
inline constexpr std::string_view kBalancerNextServer = "/provisor.v1.Balancer/NextServer";
}  // namespace rpc

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
