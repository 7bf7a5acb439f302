// Service integration: the systemd units pass `systemd-analyze verify`, and
// the real daemons speak the sd_notify protocol (READY=1 after their
// listeners, WATCHDOG=1 keep-alives, STOPPING=1 on SIGTERM) to a socket the
// test binds where systemd's would be.
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <condition_variable>
#include <fstream>
#include <mutex>
#include <sstream>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/logging.h"
#include "slave/tftp/packet.h"
#include "slave/tftp/server.h"
#include "tests/support/cluster.h"
#include "tests/support/diag_slave.h"
#include "tests/support/master_process.h"
#include "tests/support/process.h"
#include "tests/support/temp_dir.h"
#include "tests/support/udp_peer.h"

namespace provisor::testing {
namespace {

// An AF_UNIX datagram socket standing in for systemd's notification socket.
class NotifySocket {
 public:
  explicit NotifySocket(const std::string& path) : path_(path) {
    fd_ = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    REQUIRE(path.size() < sizeof(address.sun_path));
    path.copy(address.sun_path, path.size());
    REQUIRE(bind(fd_, reinterpret_cast<sockaddr*>(&address), sizeof(address)) == 0);
  }
  ~NotifySocket() { close(fd_); }

  // Receives until `count` messages equal to `state` arrived (deadline 10 s);
  // every message is kept, in order.
  bool WaitFor(const std::string& state, size_t count = 1) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (Count(state) < count) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) return false;
      pollfd p{fd_, POLLIN, 0};
      if (poll(&p, 1, static_cast<int>(left.count())) <= 0) continue;
      char buffer[4096];
      ssize_t n = recv(fd_, buffer, sizeof(buffer), 0);
      if (n > 0) messages_.emplace_back(buffer, static_cast<size_t>(n));
    }
    return true;
  }
  // Messages whose lines include `state` (e.g. "READY=1").
  size_t Count(const std::string& state) const {
    size_t count = 0;
    for (const std::string& message : messages_) {
      std::istringstream lines(message);
      std::string line;
      while (std::getline(lines, line)) count += line == state;
    }
    return count;
  }
  const std::vector<std::string>& messages() const { return messages_; }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
  int fd_ = -1;
  std::vector<std::string> messages_;
};

// `env` in front of a daemon: the notification socket and a 400 ms watchdog.
std::vector<std::string> NotifyEnvironment(const NotifySocket& socket) {
  return {"env", "-u", "WATCHDOG_PID", "NOTIFY_SOCKET=" + socket.path(), "WATCHDOG_USEC=400000"};
}

std::string Joined(const std::vector<std::string>& messages) {
  std::string out;
  for (const std::string& m : messages) out += "[" + m + "] ";
  return out;
}

// READY first (with a STATUS line), then keep-alives, then STOPPING last.
void CheckProtocol(NotifySocket& notify, Daemon& daemon) {
  REQUIRE(notify.WaitFor("READY=1"));
  INFO(Joined(notify.messages()));
  CHECK(notify.messages().front().rfind("READY=1\nSTATUS=", 0) == 0);
  REQUIRE(notify.WaitFor("WATCHDOG=1", 2));
  CHECK(daemon.Terminate() == 0);
  REQUIRE(notify.WaitFor("STOPPING=1"));
  CHECK(notify.messages().back() == "STOPPING=1");
  CHECK(notify.Count("READY=1") == 1);
}

std::string ReadSource(const std::string& relative) {
  std::ifstream in(std::string(PROVISOR_SOURCE_DIR) + "/" + relative);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string Replace(std::string text, const std::string& from, const std::string& to) {
  for (size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) {
    text.replace(at, from.size(), to);
  }
  return text;
}

// A provider that holds the loop calling it until released: a stuck loop.
class BlockingProvider final : public tftp::ContentProvider {
 public:
  tftp::FetchResult Fetch(std::string_view, const SocketAddress&) override {
    std::unique_lock<std::mutex> lock(mu_);
    entered_ = true;
    cv_.wait(lock, [this] { return released_; });
    return tftp::FetchResult::Ok(std::make_shared<tftp::StringContent>("x"));
  }
  bool entered() {
    std::lock_guard<std::mutex> lock(mu_);
    return entered_;
  }
  void Release() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      released_ = true;
    }
    cv_.notify_all();
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  bool entered_ = false;
  bool released_ = false;
};

}  // namespace

TEST_CASE("a TFTP loop stuck in its work fails the slave's liveness check", "[service]") {
  BlockingProvider provider;
  SystemClock clock;
  tftp::TftpServerOptions options;
  options.listen = {*SocketAddress::Parse("127.0.0.1:0")};
  options.threads = 1;
  tftp::TftpServer server(options, &provider, &clock, MakeNullLogger());
  REQUIRE(server.Start().ok());
  // Declared after the server: releases the loop before the server stops.
  struct Releaser {
    BlockingProvider* provider;
    ~Releaser() { provider->Release(); }
  } releaser{&provider};
  const auto max_delay = std::chrono::milliseconds(50);

  // An idle loop answers every ping.
  CHECK(server.Responsive(max_delay));
  CHECK(WaitFor([&] { return server.Responsive(max_delay); }));

  // A request holds the loop inside the provider: a ping goes unanswered.
  UdpPeer client;
  std::vector<uint8_t> rrq;
  tftp::AppendRequest(tftp::Opcode::kRrq, "stuck.cfg", "octet", {}, rrq);
  client.SendTo(server.bound_addresses().front(), rrq);
  REQUIRE(WaitFor([&] { return provider.entered(); }));
  CHECK(WaitFor([&] { return !server.Responsive(max_delay); }));
  CHECK_FALSE(server.Responsive(max_delay));

  // Free again: it answers, the check passes, the transfer completes.
  provider.Release();
  CHECK(WaitFor([&] { return server.Responsive(max_delay); }));
  std::optional<UdpPeer::Datagram> data = client.Receive();
  REQUIRE(data.has_value());
  tftp::ParseResult parsed = tftp::Parse(data->bytes);
  REQUIRE(parsed.ok());
  CHECK(parsed.packet.opcode == tftp::Opcode::kData);
}

TEST_CASE("systemd units pass systemd-analyze verify", "[service]") {
  REQUIRE(HaveProgram("systemd-analyze"));
  TempDir dir;
  std::vector<std::string> argv = {"systemd-analyze", "verify", "--man=no"};
  const std::string bin = std::string(PROVISOR_BIN_DIR) + "/";
  for (const std::string& unit : {"provisor-master.service", "provisor-slave@.service"}) {
    const std::string text = ReadSource("deploy/systemd/" + unit);
    REQUIRE(text.find("ExecStart=/usr/local/bin/") != std::string::npos);
    const std::string local = Replace(text, "/usr/local/bin/", bin);
    // A template is verified through an instance of it.
    const std::string name = Replace(unit, "@.", "@s1.");
    argv.push_back(dir.WriteFile(name, local));
  }
  CommandResult result = RunCommand(argv, std::chrono::seconds(60));
  INFO(result.out << result.err);
  CHECK(result.exit_code == 0);
  std::istringstream lines(result.out + result.err);
  std::string line;
  while (std::getline(lines, line)) {
    INFO(line);
    CHECK(line.find("provisor") == std::string::npos);
  }
}

TEST_CASE("the master tells systemd it is ready, alive and stopping", "[service]") {
  TempDir dir;
  NotifySocket notify(dir.path() + "/notify");
  MasterProcess master("", NotifyEnvironment(notify));
  CheckProtocol(notify, *master.daemon);
}

TEST_CASE("a slave tells systemd it is ready, alive and stopping", "[service]") {
  TempDir dir;
  NotifySocket notify(dir.path() + "/notify");
  std::unique_ptr<DiagSlave> slave = StartDiagSlave("", {"127.0.0.1:0"}, NotifyEnvironment(notify));
  CheckProtocol(notify, *slave->daemon);
}

TEST_CASE("without NOTIFY_SOCKET a daemon runs and stops as before", "[service]") {
  std::unique_ptr<DiagSlave> slave =
      StartDiagSlave("", {"127.0.0.1:0"}, {"env", "-u", "NOTIFY_SOCKET", "WATCHDOG_USEC=400000"});
  CHECK(slave->daemon->Terminate() == 0);
}

}  // namespace provisor::testing
