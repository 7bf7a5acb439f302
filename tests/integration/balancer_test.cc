// The master's Balancer API with real slaves: `provisorctl next-server`
// names an up slave and a filename that slave serves; over 10,000 calls the
// shares follow the operator weights within 2%; drained and dead slaves get
// nothing; unknown devices, bad requests and an empty farm are refused.
#include <grpcpp/grpcpp.h>

#include <catch2/catch.hpp>
#include <map>
#include <string>

#include "provisor/v1/balancer.grpc.pb.h"
#include "tests/support/cluster.h"
#include "tests/support/master_process.h"

namespace provisor {
namespace {

using testing::AllCaughtUp;
using testing::CommandResult;
using testing::MasterProcess;
using testing::SlaveProcess;
using testing::WaitFor;

const char kMac[] = "e0:5f:b9:a1:00:01";

std::map<std::string, int> Shares(const MasterProcess& m, int calls) {
  auto stub = v1::Balancer::NewStub(
      grpc::CreateChannel(m.address, grpc::InsecureChannelCredentials()));
  std::map<std::string, int> counts;
  for (int i = 0; i < calls; ++i) {
    grpc::ClientContext c;
    v1::NextServerRequest request;
    request.set_mac(kMac);
    request.set_client_ip("127.0.0.1");
    v1::NextServerResponse response;
    grpc::Status s = stub->NextServer(&c, request, &response);
    if (!s.ok()) {
      ++counts["error: " + s.error_message()];
      continue;
    }
    ++counts[response.slave()];
  }
  return counts;
}

TEST_CASE("next-server names an up slave and a filename that slave serves") {
  MasterProcess m;
  testing::ImportExamples(m, PROVISOR_SOURCE_DIR);
  SlaveProcess s1("s1", m.address), s2("s2", m.address);
  REQUIRE(WaitFor([&] { return AllCaughtUp(m, {"s1", "s2"}); }));

  CommandResult r = m.Ctl({"next-server", "--mac", "E0-5F-B9-A1-00-01", "--ip", "127.0.0.1"});
  REQUIRE(r.exit_code == 0);
  nlohmann::json answer = nlohmann::json::parse(r.out);
  CHECK(answer.size() == 4);  // exactly the INTERFACES.md fields
  CHECK(answer.at("server") == "127.0.0.1");
  const std::string slave = answer.at("slave");
  const SlaveProcess& chosen = slave == "s1" ? s1 : s2;
  CHECK(answer.at("port") == chosen.tftp.port());
  const std::string filename = answer.at("filename");
  CHECK(filename.size() == 77 + 4);
  CHECK(filename.substr(filename.size() - 4) == ".xml");  // the Cisco template is XML
  CHECK(chosen.Fetch(filename) == testing::Render(m, kMac).content);

  CommandResult full = m.Ctl({"--json", "next-server", "--mac", kMac, "--ip", "127.0.0.1"});
  REQUIRE(full.exit_code == 0);
  nlohmann::json dhcp = nlohmann::json::parse(full.out);
  CHECK(dhcp.at("siaddr") == "127.0.0.1");
  CHECK(dhcp.at("option66") == "127.0.0.1");
  CHECK(dhcp.at("option67") == dhcp.at("filename"));
  CHECK(dhcp.at("option150") == nlohmann::json::array({"127.0.0.1", "127.0.0.1"}));

  CommandResult unknown = m.Ctl({"next-server", "--mac", "02:00:00:00:00:99", "--ip", "10.0.0.9"});
  CHECK(unknown.exit_code == 1);
  CHECK(unknown.err.find("not known") != std::string::npos);
  CommandResult bad_ip = m.Ctl({"next-server", "--mac", kMac, "--ip", "10.0.0"});
  CHECK(bad_ip.exit_code == 1);
  CHECK(bad_ip.err.find("client_ip") != std::string::npos);
  CHECK(m.Ctl({"next-server", "--mac", kMac}).exit_code == 2);
}

TEST_CASE("over 10000 calls slave shares follow the operator weights within 2 percent") {
  MasterProcess m;
  testing::ImportExamples(m, PROVISOR_SOURCE_DIR);
  SlaveProcess s1("s1", m.address), s2("s2", m.address), s3("s3", m.address);
  REQUIRE(WaitFor([&] { return AllCaughtUp(m, {"s1", "s2", "s3"}); }));
  REQUIRE(m.Ctl({"slave", "weight", "s1", "300"}).exit_code == 0);
  REQUIRE(m.Ctl({"slave", "weight", "s2", "100"}).exit_code == 0);
  REQUIRE(m.Ctl({"slave", "drain", "s3"}).exit_code == 0);
  std::map<std::string, int> counts = Shares(m, 10000);
  CHECK(counts.size() == 2);  // no errors, nothing for the drained s3
  CHECK(std::abs(counts["s1"] / 10000.0 - 0.75) <= 0.02 * 0.75);
  CHECK(std::abs(counts["s2"] / 10000.0 - 0.25) <= 0.02 * 0.25);

  REQUIRE(m.Ctl({"slave", "undrain", "s3"}).exit_code == 0);
  REQUIRE(m.Ctl({"slave", "weight", "s1", "100"}).exit_code == 0);
  counts = Shares(m, 300);
  CHECK(counts["s1"] == 100);
  CHECK(counts["s2"] == 100);
  CHECK(counts["s3"] == 100);
}

TEST_CASE("a slave that stops heartbeating gets nothing within dead_after") {
  MasterProcess m("[cluster]\nheartbeat_interval = \"200ms\"\ndead_after = \"600ms\"\n");
  testing::ImportExamples(m, PROVISOR_SOURCE_DIR);
  SlaveProcess s1("s1", m.address), s2("s2", m.address);
  REQUIRE(WaitFor([&] { return AllCaughtUp(m, {"s1", "s2"}); }));
  s2.Stop(SIGKILL);
  const auto killed = std::chrono::steady_clock::now();
  REQUIRE(WaitFor([&] { return Shares(m, 20) == std::map<std::string, int>{{"s1", 20}}; }));
  CHECK(std::chrono::steady_clock::now() - killed < std::chrono::milliseconds(600 + 1000));
  s1.Stop(SIGKILL);
  REQUIRE(WaitFor([&] { return testing::SlaveRow(testing::Status(m), "s1").at("state") == "down"; }));
  CommandResult none = m.Ctl({"next-server", "--mac", kMac, "--ip", "127.0.0.1"});
  CHECK(none.exit_code == 1);
  CHECK(none.err.find("no slave is up") != std::string::npos);
}

}  // namespace
}  // namespace provisor
