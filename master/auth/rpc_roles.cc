#include "master/auth/rpc_roles.h"

namespace provisor {

const std::vector<RpcRole>& RpcRoleTable() {
  static const std::vector<RpcRole> table = {
      {"/provisor.v1.Admin/Create", Role::kOperator, "entity writes (templates: admin)"},
      {"/provisor.v1.Admin/Update", Role::kOperator, "entity writes (templates: admin)"},
      {"/provisor.v1.Admin/Delete", Role::kOperator, "entity writes (templates: admin)"},
      {"/provisor.v1.Admin/Import", Role::kOperator, "bulk writes (templates: admin)"},
      {"/provisor.v1.Admin/Get", Role::kReader, "secrets redacted below operator"},
      {"/provisor.v1.Admin/List", Role::kReader, "secrets redacted below operator"},
      {"/provisor.v1.Admin/Watch", Role::kReader, "secrets redacted below operator"},
      {"/provisor.v1.Admin/Info", Role::kReader, "store revision and counts"},
      {"/provisor.v1.Admin/Render", Role::kOperator, "a device's whole config, secrets included"},
      {"/provisor.v1.Admin/RotateKeys", Role::kAdmin, "emergency token key rotation"},
      {"/provisor.v1.Cluster/Sync", Role::kSlave, "as the slave or relay the certificate names"},
      {"/provisor.v1.Cluster/Heartbeat", Role::kSlave, "as the slave the certificate names"},
      {"/provisor.v1.Cluster/Status", Role::kReader, "the NOC view"},
      {"/provisor.v1.Cluster/Events", Role::kReader, "the NOC event list"},
      {"/provisor.v1.Cluster/SetSlaveWeight", Role::kOperator, "steering the farm"},
      {"/provisor.v1.Cluster/SetSlaveDrained", Role::kOperator, "steering the farm"},
      {"/provisor.v1.Cluster/ForgetSlave", Role::kOperator, "removing a dead slave"},
      {"/provisor.v1.Balancer/NextServer", Role::kDhcp,
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
