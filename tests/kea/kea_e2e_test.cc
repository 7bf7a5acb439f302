// The DHCP front end end to end, with real peers: kea-dhcp4 loads
// libdhcp_provisor.so (configured from deploy/kea/kea-dhcp4.conf), a master
// and two slaves serve TFTP on addresses of a veth pair, and on the far
// side, in a network namespace of its own, perfdhcp runs full DORA
// exchanges for 2,000 clients and provisor-dhcp-probe does one exchange as
// a device would, whose ACK is decoded: siaddr, options 66, 67 and 150
// name an up slave and the provisor filename. That file is then fetched
// with tftp from the leased address and must equal `provisorctl render`.
// A slave is killed: after dead_after, new ACKs no longer name it. The
// master is killed: Kea answers at once from the hook's fallback.
//
// Needs root (network namespaces, port 69). Without it the test fails and
// says so: it is never skipped.
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>
#include <sstream>
#include <string>

#include "tests/support/cluster.h"
#include "tests/support/master_process.h"
#include "tests/support/temp_dir.h"

namespace provisor {
namespace {

using testing::CommandResult;
using testing::RunCommand;
using testing::TempDir;
using testing::WaitFor;

const std::string kBin = PROVISOR_BIN_DIR;
const char kMac[] = "e0:5f:b9:a1:00:01";  // a Cisco SPA504G of deploy/examples

std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

CommandResult Must(const std::vector<std::string>& argv) {
  CommandResult r = RunCommand(argv);
  if (r.exit_code != 0) {
    std::string line;
    for (const std::string& a : argv) line += a + " ";
    FAIL("`" << line << "` failed: " << r.out << r.err);
  }
  return r;
}

// A network namespace for the devices and a veth pair into it: the server
// side (10.77.0.1 for Kea, .11 and .12 for the slaves) stays in this
// namespace, the device side (10.77.0.2, for perfdhcp as a relay) moves
// into the new one. Everything is removed on destruction.
class DeviceNetwork {
 public:
  DeviceNetwork()
      : ns_("pvk" + std::to_string(getpid())),
        server_if_("pvk" + std::to_string(getpid()) + "s"),
        device_if_("pvk" + std::to_string(getpid()) + "d") {
    CommandResult add = RunCommand({"ip", "netns", "add", ns_});
    if (add.exit_code != 0) {
      FAIL("cannot create a network namespace (the Kea end-to-end test needs root, "
           "CAP_NET_ADMIN and iproute2): "
           << add.err);
    }
    created_ = true;
    Must({"ip", "link", "add", server_if_, "type", "veth", "peer", "name", device_if_});
    Must({"ip", "link", "set", device_if_, "netns", ns_});
    for (const char* address : {"10.77.0.1/16", "10.77.0.11/16", "10.77.0.12/16"}) {
      Must({"ip", "addr", "add", address, "dev", server_if_});
    }
    Must({"ip", "link", "set", server_if_, "up"});
    InNs({"ip", "link", "set", "lo", "up"});
    InNs({"ip", "link", "set", device_if_, "up"});
    InNs({"ip", "addr", "add", "10.77.0.2/16", "dev", device_if_});
  }
  ~DeviceNetwork() {
    if (!created_) return;
    RunCommand({"ip", "netns", "del", ns_});  // takes the device end with it
    RunCommand({"ip", "link", "del", server_if_});
  }
  CommandResult InNs(std::vector<std::string> argv, bool must = true) const {
    argv.insert(argv.begin(), {"ip", "netns", "exec", ns_});
    return must ? Must(argv) : RunCommand(argv, std::chrono::seconds(60));
  }
  const std::string& server_if() const { return server_if_; }
  const std::string& device_if() const { return device_if_; }

 private:
  std::string ns_, server_if_, device_if_;
  bool created_ = false;
};

// kea-dhcp4 with the sample configuration adapted to this network.
class KeaProcess {
 public:
  KeaProcess(const std::string& server_if, const std::string& master) {
    std::string conf = ReadAll(std::string(PROVISOR_SOURCE_DIR) + "/deploy/kea/kea-dhcp4.conf");
    auto replace = [&](const std::string& pattern, const std::string& with) {
      const std::string before = conf;
      conf = std::regex_replace(conf, std::regex(pattern), with);
      if (conf == before) FAIL("the sample kea-dhcp4.conf has no " << pattern);
    };
    replace("\"eth1\"", "\"" + server_if + "/10.77.0.1\"");
    replace("/usr/local/lib/provisor/libdhcp_provisor.so", kBin + "/libdhcp_provisor.so");
    replace("\"masters\": \\[[^\\]]*\\]", "\"masters\": [ \"" + master + "\" ]");
    replace("\"fallback-servers\": \\[[^\\]]*\\]", "\"fallback-servers\": [ \"10.77.0.11\" ]");
    replace("\"type\": \"memfile\",", "\"type\": \"memfile\", \"persist\": false,");
    const std::string path = dir_.WriteFile("kea-dhcp4.conf", conf);
    log_ = dir_.path() + "/kea.log";
    pid_ = fork();
    if (pid_ == 0) {
      setenv("KEA_LOCKFILE_DIR", dir_.path().c_str(), 1);
      setenv("KEA_PIDFILE_DIR", dir_.path().c_str(), 1);
      const int fd = open(log_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
      dup2(fd, 1);
      dup2(fd, 2);
      execlp("kea-dhcp4", "kea-dhcp4", "-c", path.c_str(), nullptr);
      _exit(127);
    }
  }
  ~KeaProcess() { Stop(); }
  // The log so far (stdout and stderr).
  std::string Log() const { return ReadAll(log_); }
  bool Running() const { return pid_ > 0 && waitpid(pid_, nullptr, WNOHANG) == 0; }
  void Stop() {
    if (pid_ <= 0) return;
    kill(pid_, SIGTERM);
    const bool stopped = WaitFor([&] { return waitpid(pid_, nullptr, WNOHANG) == pid_; });
    if (!stopped) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
    pid_ = -1;
  }

 private:
  TempDir dir_;
  std::string log_;
  pid_t pid_ = -1;
};

int Field(const std::string& text, const std::string& label) {
  std::smatch m;
  if (!std::regex_search(text, m, std::regex(label + ": ([0-9]+)"))) return -1;
  return std::stoi(m[1]);
}

TEST_CASE("kea-dhcp4 with the hook hands devices an up slave and a filename it serves") {
  DeviceNetwork net;
  testing::MasterProcess m(
      "http_listen = \"127.0.0.1:0\"\n[cluster]\nheartbeat_interval = \"200ms\"\n"
      "dead_after = \"1s\"\n");
  testing::ImportExamples(m, PROVISOR_SOURCE_DIR);
  testing::SlaveProcess s1("s1", m.address, "", {}, "10.77.0.11:69");
  testing::SlaveProcess s2("s2", m.address, "", {}, "10.77.0.12:69");
  REQUIRE(WaitFor([&] { return testing::AllCaughtUp(m, {"s1", "s2"}); }));
  KeaProcess kea(net.server_if(), m.address);
  REQUIRE(WaitFor([&] { return kea.Log().find("DHCP4_STARTED") != std::string::npos ||
                               !kea.Running(); }));
  INFO(kea.Log());
  REQUIRE(kea.Running());

  // Many devices at once: 2,000 full DORA exchanges from 2,000 MACs (unknown
  // to the master: they get the default class's config).
  CommandResult load = net.InNs({"perfdhcp", "-4", "-l", net.device_if(), "-r", "400", "-n",
                                 "2000", "-R", "2000", "-W", "1000000", "10.77.0.1"},
                                /*must=*/false);
  INFO(load.out << load.err);
  const size_t ack_stats = load.out.find("REQUEST-ACK");
  REQUIRE(ack_stats != std::string::npos);
  CHECK(Field(load.out.substr(0, ack_stats), "sent packets") == 2000);
  CHECK(Field(load.out.substr(0, ack_stats), "received packets") >= 1980);
  CHECK(Field(load.out.substr(ack_stats), "received packets") >= 1960);

  // One device, decoded.
  auto probe = [&](const std::string& mac) {
    CommandResult r = net.InNs(
        {kBin + "/provisor-dhcp-probe", "--iface", net.device_if(), "--mac", mac}, false);
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    return nlohmann::json::parse(r.out);
  };
  nlohmann::json ack = probe(kMac);
  INFO(ack.dump());
  CHECK(ack.at("requests") == 1);  // the parked ACK resumes as soon as the master answers
  CHECK(ack.at("ack_ms").get<double>() < 400);
  const std::string siaddr = ack.at("siaddr");
  CHECK((siaddr == "10.77.0.11" || siaddr == "10.77.0.12"));
  CHECK(ack.at("option66") == siaddr);
  CHECK(ack.at("option67") == ack.at("file"));
  const std::string other = siaddr == "10.77.0.11" ? "10.77.0.12" : "10.77.0.11";
  CHECK(ack.at("option150") == nlohmann::json::array({siaddr, other}));
  const std::string file = ack.at("file");
  CHECK(file.size() == 81);
  CHECK(file.substr(77) == ".xml");
  CHECK(ack.at("offer_file").get<std::string>().size() == 81);  // the OFFER has one too

  // The device fetches it from its leased address.
  const std::string leased = ack.at("yiaddr");
  net.InNs({"ip", "addr", "add", leased + "/16", "dev", net.device_if()});
  net.InNs({"ip", "route", "replace", "10.77.0.0/16", "dev", net.device_if(), "src", leased});
  TempDir out;
  net.InNs({"tftp", siaddr, "-c", "get", file, out.path() + "/config.xml"});
  CHECK(ReadAll(out.path() + "/config.xml") == testing::Render(m, kMac).content);
  net.InNs({"ip", "route", "replace", "10.77.0.0/16", "dev", net.device_if(), "src", "10.77.0.2"});
  net.InNs({"ip", "addr", "del", leased + "/16", "dev", net.device_if()});

  // The master recorded the ACK's binding.
  REQUIRE(WaitFor([&] {
    CommandResult d = m.Ctl({"--json", "device", "get", kMac});
    if (d.exit_code != 0) return false;
    nlohmann::json device = nlohmann::json::parse(d.out);
    return device.contains("last_binding") && device["last_binding"].value("ip", "") == leased;
  }));

  // The chosen slave dies: once the master marks it down, no ACK names it.
  testing::SlaveProcess& chosen = siaddr == "10.77.0.11" ? s1 : s2;
  chosen.Stop(SIGKILL);
  REQUIRE(WaitFor([&] {
    return testing::SlaveRow(testing::Status(m), chosen.id).at("state") == "down";
  }));
  for (int i = 0; i < 4; ++i) {
    nlohmann::json later = probe(kMac);
    CHECK(later.at("siaddr") == other);
    CHECK(later.at("option150") == nlohmann::json::array({other}));
  }

  // The master goes away: Kea still answers at once, with the servers of
  // the subnet's last good answer and no provisor filename.
  m.Stop(SIGKILL);
  nlohmann::json fallback = probe(kMac);
  INFO(fallback.dump());
  CHECK(fallback.at("discovers") == 1);  // each answered within the hook's 200 ms
  CHECK(fallback.at("requests") == 1);
  CHECK(fallback.at("offer_ms").get<double>() < 400);
  CHECK(fallback.at("ack_ms").get<double>() < 400);
  CHECK(fallback.at("siaddr") == other);
  CHECK(fallback.at("option150") == nlohmann::json::array({other}));
  CHECK(fallback.at("file") == "");

  // The master comes back: the hook's report (with its next ask, once the
  // master's 5 s hold-down has passed) shows what it did meanwhile.
  m.Start();
  nlohmann::json front_end;
  const bool reported = WaitFor([&] {
    probe(kMac);
    CommandResult r = testing::RunCommand(
        {"curl", "-s", "http://" + m.http_address + "/api/v1/cluster"});
    if (r.exit_code != 0) return false;
    nlohmann::json cluster = nlohmann::json::parse(r.out, nullptr, false);
    if (cluster.is_discarded() || cluster["dhcp_front_ends"].empty()) return false;
    front_end = cluster["dhcp_front_ends"][0];
    return front_end["fallback"].get<uint64_t>() >= 2;
  }, std::chrono::seconds(30));
  INFO(front_end.dump());
  REQUIRE(reported);
  CHECK(front_end["id"].get<std::string>().rfind("kea@", 0) == 0);
  CHECK(front_end["answered"].get<uint64_t>() >= 3900);  // 2 x 1,960 DORA at least
  CHECK(front_end["report_age_s"].get<double>() < 5);
  CommandResult metrics =
      testing::RunCommand({"curl", "-s", "http://" + m.http_address + "/metrics"});
  CHECK(metrics.out.find("provisor_master_dhcp_front_end_packets_total{front_end=\"" +
                         front_end["id"].get<std::string>() + "\",result=\"fallback\"}") !=
        std::string::npos);

  kea.Stop();
  const std::string log = kea.Log();
  CHECK(log.find("libdhcp_provisor: ") != std::string::npos);  // the latency summary
  // No errors but stray frames on the veth, which Kea's raw socket reports
  // (DHCP4_BUFFER_RECEIVE_FAIL) and which are not the hook's doing.
  std::istringstream lines(log);
  std::string line;
  while (std::getline(lines, line)) {
    if (line.find(" ERROR ") == std::string::npos) continue;
    std::string detail;
    std::getline(lines, detail);
    INFO(line << detail);
    CHECK((line + detail).find("DHCP4_BUFFER_RECEIVE_FAIL") != std::string::npos);
  }
}

}  // namespace
}  // namespace provisor
