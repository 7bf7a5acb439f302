#include "master/auth/rpc_roles.h"

namespace provisor {

const std::vector<RpcRole>& RpcRoleTable() {
  static const std::vector<RpcRole> table = {
      {rpc::kAdminCreate, Role::kOperator, "entity writes (templates: admin)"},
      {rpc::kAdminUpdate, Role::kOperator, "entity writes (templates: admin)"},
      {rpc::kAdminDelete, Role::kOperator, "entity writes (templates: admin)"},
      {rpc::kAdminImport, Role::kOperator, "bulk writes (templates: admin)"},
      {rpc::kAdminGet, Role::kReader, "secrets redacted below operator"},
      {rpc::kAdminList, Role::kReader, "secrets redacted below operator"},
      {rpc::kAdminWatch, Role::kReader, "secrets redacted below operator"},
      {rpc::kAdminInfo, Role::kReader, "store revision and counts"},
      {rpc::kAdminRender, Role::kOperator, "a device's whole config, secrets included"},
      {rpc::kAdminRotateKeys, Role::kAdmin, "emergency token key rotation"},
      {rpc::kClusterSync, Role::kSlave, "as the slave or relay the certificate names"},
      {rpc::kClusterHeartbeat, Role::kSlave, "as the slave the certificate names"},
      {rpc::kClusterStatus, Role::kReader, "the NOC view"},
      {rpc::kClusterEvents, Role::kReader, "the NOC event list"},
      {rpc::kClusterSetSlaveWeight, Role::kOperator, "steering the farm"},
      {rpc::kClusterSetSlaveDrained, Role::kOperator, "steering the farm"},
      {rpc::kClusterForgetSlave, Role::kOperator, "removing a dead slave"},
      {rpc::kBalancerNextServer, Role::kDhcp,
       "the DHCP front end; operators may ask without recording a binding"},
  };
  return table;
}

std::optional<Role> RequiredRole(std::string_view method) {
  for (const RpcRole& row : RpcRoleTable()) {
    if (row.method == method) return row.role;
  }
  return std::nullopt;
}

}  // namespace provisor
