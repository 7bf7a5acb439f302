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

  CommandResult bad_ip = m.Ctl({"next-server", "--mac", kMac, "--ip", "10.0.0"});
  CHECK(bad_ip.exit_code == 1);
  CHECK(bad_ip.err.find("client_ip") != std::string::npos);
  CHECK(m.Ctl({"next-server", "--mac", kMac}).exit_code == 2);
}

// curl tftp://[host]:port/name: the bytes, or "ERROR: ..." with curl's words.
std::string CurlFetch(const std::string& host, uint16_t port, const std::string& name) {
  testing::TempDir out;
  CommandResult r = testing::RunCommand(
      {"curl", "-sS", "-g", "-o", out.path() + "/file",
       "tftp://" + host + ":" + std::to_string(port) + "/" + name},
      std::chrono::seconds(30));
  if (r.exit_code != 0) return "ERROR: " + r.err;
  return out.ReadFile("file");
}

TEST_CASE("next-server binds IPv6 clients and refuses wildcard, broadcast and multicast IPs") {
  MasterProcess m;
  testing::ImportExamples(m, PROVISOR_SOURCE_DIR);
  SlaveProcess v4("s4", m.address);
  SlaveProcess v6("s6", m.address, "", {}, "[::1]:0");
  REQUIRE(WaitFor([&] { return AllCaughtUp(m, {"s4", "s6"}); }));

  for (const char* ip : {"0.0.0.0", "255.255.255.255", "224.0.0.1", "::", "ff02::1",
                         "::ffff:0.0.0.0"}) {
    INFO(ip);
    CommandResult r = m.Ctl({"next-server", "--mac", kMac, "--ip", ip});
    CHECK(r.exit_code == 1);
    CHECK(r.err.find("client_ip '" + std::string(ip) + "' refused: ") != std::string::npos);
    CommandResult render = m.Ctl({"render", "--mac", kMac, "--ip", ip});
    CHECK(render.exit_code == 1);
    CHECK(render.err.find("client_ip '" + std::string(ip) + "' refused: ") != std::string::npos);
  }
  CommandResult garbage = m.Ctl({"next-server", "--mac", kMac, "--ip", "::1::2"});
  CHECK(garbage.err.find("client_ip '::1::2' is not an IPv4 or IPv6 address") !=
        std::string::npos);

  // An IPv6 client gets a 96-character token bound to its address; the
  // slave serves it over IPv6 and nowhere else.
  auto ask = [&](const std::string& ip) {
    CommandResult r = m.Ctl({"next-server", "--mac", kMac, "--ip", ip});
    REQUIRE(r.exit_code == 0);
    return nlohmann::json::parse(r.out).at("filename").get<std::string>();
  };
  const std::string for_v6 = ask("::1");
  CHECK(for_v6.size() == 96 + 4);
  const std::string served = CurlFetch("[::1]", v6.tftp.port(), for_v6);
  CHECK(served.rfind("ERROR", 0) != 0);
  CHECK(served.size() > 100);
  CHECK(CurlFetch("127.0.0.1", v4.tftp.port(), for_v6).rfind("ERROR", 0) == 0);
  // An IPv4 token (also when asked as ::ffff:127.0.0.1) is 81 characters
  // and is not served to an IPv6 client.
  const std::string for_v4 = ask("::ffff:127.0.0.1");
  CHECK(for_v4.size() == 77 + 4);
  const std::string served_v4 = CurlFetch("127.0.0.1", v4.tftp.port(), for_v4);
  CHECK(served_v4.rfind("ERROR", 0) != 0);
  CHECK(served_v4.size() > 100);
  CHECK(CurlFetch("[::1]", v6.tftp.port(), for_v4).rfind("ERROR", 0) == 0);
  // The suffix is part of the token: another one is refused.
  const std::string other_suffix = for_v4.substr(0, 77) + ".cfg";
  REQUIRE(other_suffix != for_v4);
  CHECK(CurlFetch("127.0.0.1", v4.tftp.port(), other_suffix).rfind("ERROR", 0) == 0);
}

TEST_CASE("an unknown MAC gets the default class config unless the master refuses unknown MACs") {
  MasterProcess m;
  testing::ImportExamples(m, PROVISOR_SOURCE_DIR);
  SlaveProcess s1("s1", m.address);
  REQUIRE(WaitFor([&] { return AllCaughtUp(m, {"s1"}); }));
  const std::string stranger = "02:00:00:00:00:99";
  CommandResult r = m.Ctl({"--json", "next-server", "--mac", stranger, "--ip", "127.0.0.1"});
  REQUIRE(r.exit_code == 0);
  nlohmann::json answer = nlohmann::json::parse(r.out);
  CHECK(answer.at("default_class") == true);
  const std::string filename = answer.at("filename");
  CHECK(filename.substr(filename.size() - 4) == ".cfg");  // tpl-default is plain text
  const std::string served = s1.Fetch(filename);
  CHECK(served.find("device.mac=020000000099\n") != std::string::npos);
  CHECK(served.find("provisioning.url=tftp://127.0.0.1:") != std::string::npos);
  // The master's dry run shows exactly the same config (the resync name differs).
  std::string rendered = testing::Render(m, stranger).content;
  auto without_url = [](std::string text) {
    size_t at = text.find("provisioning.url=");
    return text.erase(at, text.find('\n', at) - at);
  };
  CHECK(without_url(served) == without_url(rendered));

  MasterProcess strict("[dhcp]\nunknown_devices = \"refuse\"\n");
  testing::ImportExamples(strict, PROVISOR_SOURCE_DIR);
  SlaveProcess s2("s2", strict.address);
  REQUIRE(WaitFor([&] { return AllCaughtUp(strict, {"s2"}); }));
  CommandResult refused = strict.Ctl({"next-server", "--mac", stranger, "--ip", "127.0.0.1"});
  CHECK(refused.exit_code == 1);
  CHECK(refused.err ==
        "provisorctl: device 02:00:00:00:00:99 is not known (unknown devices are refused)\n");
  // And its slave refuses a token minted for that MAC elsewhere: the
  // strict master's keys differ, so the name is simply not valid there.
  CHECK(s2.Fetch(filename).rfind("ERROR", 0) == 0);
}

TEST_CASE("an ACK records the device binding and an OFFER or a same-IP renewal does not rewrite it") {
  MasterProcess m;
  testing::ImportExamples(m, PROVISOR_SOURCE_DIR);
  SlaveProcess s1("s1", m.address);
  REQUIRE(WaitFor([&] { return AllCaughtUp(m, {"s1"}); }));
  auto stub = v1::Balancer::NewStub(
      grpc::CreateChannel(m.address, grpc::InsecureChannelCredentials()));
  auto ask = [&](const std::string& ip, bool ack) {
    grpc::ClientContext c;
    v1::NextServerRequest request;
    request.set_mac(kMac);
    request.set_client_ip(ip);
    request.set_ack(ack);
    v1::NextServerResponse response;
    return stub->NextServer(&c, request, &response).ok();
  };
  auto binding = [&] {
    CommandResult r = m.Ctl({"--json", "device", "get", kMac});
    if (r.exit_code != 0) return nlohmann::json();
    nlohmann::json j = nlohmann::json::parse(r.out);
    return j.contains("last_binding") ? j.at("last_binding") : nlohmann::json();
  };
  REQUIRE(ask("10.1.2.3", /*ack=*/false));
  REQUIRE(ask("10.1.2.4", /*ack=*/true));
  REQUIRE(WaitFor([&] { return !binding().is_null(); }));
  CHECK(binding().at("ip") == "10.1.2.4");
  const auto revision = testing::Status(m).at("revision");
  // A renewal with the same IP within binding_refresh writes nothing.
  REQUIRE(ask("10.1.2.4", true));
  REQUIRE(ask("10.9.9.9", false));
  REQUIRE(ask("10.1.2.5", true));  // a new address is recorded
  REQUIRE(WaitFor([&] { return binding().at("ip") == "10.1.2.5"; }));
  CHECK(testing::Status(m).at("revision") == revision.get<uint64_t>() + 1);
  // An OSS update of the device keeps the binding.
  REQUIRE(m.Ctl({"device", "update", "--mac", kMac, "--serial", "SN-NEW"}).exit_code == 0);
  CHECK(binding().at("ip") == "10.1.2.5");
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
