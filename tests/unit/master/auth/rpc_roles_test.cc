// The role table covers every RPC the master serves: a new method without a
// row fails here, and every row names a method that exists.
#include <catch2/catch.hpp>
#include <google/protobuf/descriptor.h>

#include <set>
#include <string>

#include "master/auth/rpc_roles.h"
#include "provisor/v1/admin.pb.h"
#include "provisor/v1/balancer.pb.h"
#include "provisor/v1/cluster.pb.h"

namespace provisor {
namespace {

// Every method of every service in the master's proto files, as gRPC names
// it on the wire: "/provisor.v1.Admin/Create".
std::set<std::string> ServedMethods() {
  std::set<std::string> methods;
  for (const google::protobuf::FileDescriptor* file :
       {v1::WriteRequest::descriptor()->file(), v1::SyncRequest::descriptor()->file(),
        v1::NextServerRequest::descriptor()->file()}) {
    for (int s = 0; s < file->service_count(); ++s) {
      const google::protobuf::ServiceDescriptor* service = file->service(s);
      for (int m = 0; m < service->method_count(); ++m) {
        methods.insert("/" + service->full_name() + "/" + service->method(m)->name());
      }
    }
  }
  return methods;
}

TEST_CASE("every RPC of every service has a role, and every row is an RPC") {
  const std::set<std::string> methods = ServedMethods();
  REQUIRE(methods.size() >= 17);
  for (const std::string& method : methods) {
    INFO(method);
    CHECK(RequiredRole(method).has_value());
  }
  std::set<std::string> rows;
  for (const RpcRole& row : RpcRoleTable()) {
    INFO(row.method);
    CHECK(methods.count(std::string(row.method)) == 1);
    CHECK(rows.insert(std::string(row.method)).second);  // no duplicates
    CHECK_FALSE(row.why.empty());
  }
  CHECK_FALSE(RequiredRole("/provisor.v1.Admin/Unknown").has_value());
}

TEST_CASE("the table gives the roles the security model names") {
  CHECK(RequiredRole("/provisor.v1.Cluster/Sync") == Role::kSlave);
  CHECK(RequiredRole("/provisor.v1.Cluster/Heartbeat") == Role::kSlave);
  CHECK(RequiredRole("/provisor.v1.Balancer/NextServer") == Role::kDhcp);
  CHECK(RequiredRole("/provisor.v1.Admin/Get") == Role::kReader);
  CHECK(RequiredRole("/provisor.v1.Cluster/Status") == Role::kReader);
  CHECK(RequiredRole("/provisor.v1.Admin/Create") == Role::kOperator);
  CHECK(RequiredRole("/provisor.v1.Cluster/SetSlaveDrained") == Role::kOperator);
  CHECK(RequiredRole("/provisor.v1.Admin/Render") == Role::kOperator);
}

TEST_CASE("roles imply only down the people's ladder") {
  const RoleSet admin = RoleSet::Of(Role::kAdmin);
  CHECK(admin.Grants(Role::kAdmin));
  CHECK(admin.Grants(Role::kOperator));
  CHECK(admin.Grants(Role::kReader));
  CHECK_FALSE(admin.Grants(Role::kSlave));
  CHECK_FALSE(admin.Grants(Role::kDhcp));
  const RoleSet reader = RoleSet::Of(Role::kReader);
  CHECK_FALSE(reader.Grants(Role::kOperator));
  const RoleSet slave = RoleSet::Of(Role::kSlave);
  CHECK(slave.Grants(Role::kSlave));
  CHECK_FALSE(slave.Grants(Role::kReader));
  CHECK_FALSE(RoleSet::Of(Role::kDhcp).Grants(Role::kReader));
  CHECK(RoleSet().ToString() == "none");
  CHECK(RoleSet::Of(Role::kOperator).With(Role::kSlave).ToString() == "slave,operator");
  CHECK(ParseRole("operator") == Role::kOperator);
  CHECK_FALSE(ParseRole("root").has_value());
  CHECK_FALSE(ParseRole("Admin").has_value());
}

}  // namespace
}  // namespace provisor
