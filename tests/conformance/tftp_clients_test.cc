// Real TFTP clients (tftp-hpa, atftp, curl) fetching from the real
// provisor-slave binary in diagnostic mode; the received bytes are compared
// with the reference diagnostic text exactly.
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "tests/bench/diagnostic_bytes.h"
#include "tests/support/diag_slave.h"
#include "tests/support/process.h"

namespace provisor {
namespace {

using bench::DiagnosticBytes;
using testing::CommandResult;
using testing::RunCommand;
using testing::StartDiagSlave;

std::string Port(const SocketAddress& a) { return std::to_string(a.port()); }

void RequireProgram(const std::string& program) {
  // CI installs every client through deploy/setup.sh; a missing one is a failure.
  INFO(program << " is not installed: run deploy/setup.sh");
  REQUIRE(testing::HaveProgram(program));
}

TEST_CASE("tftp-hpa fetches the diagnostic file in binary and ascii mode") {
  RequireProgram("tftp");
  auto slave = StartDiagSlave();
  for (uint64_t size : {3000ull, 0ull, 512ull, 200'000ull}) {
    for (const char* mode : {"binary", "ascii"}) {
      INFO("size " << size << " mode " << mode);
      std::string name = "diag/" + std::to_string(size) + "/x";
      CommandResult r = RunCommand({"tftp", "-m", mode, "127.0.0.1", Port(slave->tftp), "-c",
                                    "get", name, "out"},
                                   std::chrono::seconds(30), "", slave->dir.path());
      INFO(r.out << r.err);
      REQUIRE(r.exit_code == 0);
      CHECK(slave->dir.ReadFile("out") == DiagnosticBytes(size));
    }
  }
}

TEST_CASE("tftp-hpa exactly as an operator types it") {
  RequireProgram("tftp");
  auto slave = StartDiagSlave();
  CommandResult r = RunCommand({"tftp", "127.0.0.1", Port(slave->tftp), "-c", "get",
                                "diag/3000/x"},
                               std::chrono::seconds(30), "", slave->dir.path());
  INFO(r.out << r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(slave->dir.ReadFile("x") == DiagnosticBytes(3000));
}

TEST_CASE("tftp-hpa reports a missing file") {
  RequireProgram("tftp");
  auto slave = StartDiagSlave();
  CommandResult r = RunCommand({"tftp", "127.0.0.1", Port(slave->tftp), "-c", "get",
                                "nothing/here", "out"},
                               std::chrono::seconds(30), "", slave->dir.path());
  CHECK((r.out + r.err).find("Error code 1: File not found") != std::string::npos);
}

TEST_CASE("atftp with and without options") {
  RequireProgram("atftp");
  auto slave = StartDiagSlave();
  const std::vector<std::vector<std::string>> variants = {
      {},
      {"--option", "blksize 1428"},
      {"--option", "tsize 0", "--option", "blksize 1428"},
      {"--option", "windowsize 8", "--option", "blksize 1428"},
      {"--option", "windowsize 8", "--option", "tsize 0"},
      {"--option", "timeout 3"},
  };
  for (const auto& options : variants) {
    for (uint64_t size : {3000ull, 2856ull, 300'000ull}) {
      std::string joined;
      for (const auto& o : options) joined += o + " ";
      INFO("options: " << joined << " size " << size);
      std::vector<std::string> argv = {"atftp"};
      argv.insert(argv.end(), options.begin(), options.end());
      std::string name = "diag/" + std::to_string(size) + "/x";
      argv.insert(argv.end(), {"-g", "-r", name, "-l", "out", "127.0.0.1", Port(slave->tftp)});
      CommandResult r = RunCommand(argv, std::chrono::seconds(30), "", slave->dir.path());
      INFO(r.out << r.err);
      REQUIRE(r.exit_code == 0);
      CHECK(slave->dir.ReadFile("out") == DiagnosticBytes(size));
    }
  }
}

TEST_CASE("atftp asking for timeout 255: the option is declined and the file still arrives") {
  RequireProgram("atftp");
  auto slave = StartDiagSlave();  // max_timeout defaults to 10 s
  for (const std::vector<std::string>& options :
       std::vector<std::vector<std::string>>{{"--option", "timeout 255"},
                                             {"--option", "timeout 255", "--option", "tsize 0"},
                                             {"--option", "timeout 10", "--option", "tsize 0"}}) {
    std::vector<std::string> argv = {"atftp", "--verbose"};
    argv.insert(argv.end(), options.begin(), options.end());
    argv.insert(argv.end(), {"-g", "-r", "diag/3000/x", "-l", "out", "127.0.0.1",
                             Port(slave->tftp)});
    CommandResult r = RunCommand(argv, std::chrono::seconds(30), "", slave->dir.path());
    INFO(options[1] << ": " << r.out << r.err);
    REQUIRE(r.exit_code == 0);
    CHECK(slave->dir.ReadFile("out") == DiagnosticBytes(3000));
  }
}

TEST_CASE("max_session_lifetime: curl at blksize 8 is cut off with ERROR 0") {
  RequireProgram("curl");
  auto slave = StartDiagSlave("max_session_lifetime = \"1s\"");
  // 4 MB in 8-byte blocks is 500,000 round trips: far more than a second.
  CommandResult r = RunCommand({"curl", "-sS", "-o", "out", "--tftp-blksize", "8",
                                "tftp://127.0.0.1:" + Port(slave->tftp) + "/diag/4000000/x"},
                               std::chrono::seconds(30), "", slave->dir.path());
  INFO(r.out << r.err);
  // 71 is CURLE_TFTP_ILLEGAL, curl's code for a server's ERROR 0 or 4 (its
  // message text is not the server's); a timeout would be 28.
  CHECK(r.exit_code == 71);
  CHECK(slave->dir.ReadFile("out").size() < 4'000'000);
  // The same file at a normal block size is well inside the default lifetime.
  auto normal = StartDiagSlave();
  CommandResult ok = RunCommand({"curl", "-sS", "-o", "out", "--tftp-blksize", "1428",
                                 "tftp://127.0.0.1:" + Port(normal->tftp) + "/diag/4000000/x"},
                                std::chrono::seconds(60), "", normal->dir.path());
  INFO(ok.err);
  REQUIRE(ok.exit_code == 0);
  CHECK(normal->dir.ReadFile("out") == DiagnosticBytes(4'000'000));
}

TEST_CASE("curl tftp:// default, with --tftp-blksize 1428, and over IPv6") {
  RequireProgram("curl");
  auto slave = StartDiagSlave("", {"127.0.0.1:0", "[::1]:0"});
  SocketAddress v6 = slave->daemon->Address("slave tftp", 1);
  struct Variant {
    std::string url_host;
    std::vector<std::string> flags;
  };
  const std::vector<Variant> variants = {
      {"127.0.0.1:" + Port(slave->tftp), {}},
      {"127.0.0.1:" + Port(slave->tftp), {"--tftp-blksize", "1428"}},
      {"127.0.0.1:" + Port(slave->tftp), {"--tftp-no-options"}},
      {"[::1]:" + Port(v6), {"--tftp-blksize", "1428"}},
  };
  for (const Variant& v : variants) {
    for (uint64_t size : {3000ull, 1428ull, 100'000ull}) {
      INFO(v.url_host << " size " << size);
      std::vector<std::string> argv = {"curl", "-sS", "-g", "-o", "out"};
      argv.insert(argv.end(), v.flags.begin(), v.flags.end());
      argv.push_back("tftp://" + v.url_host + "/diag/" + std::to_string(size) + "/x");
      CommandResult r = RunCommand(argv, std::chrono::seconds(30), "", slave->dir.path());
      INFO(r.out << r.err);
      REQUIRE(r.exit_code == 0);
      CHECK(slave->dir.ReadFile("out") == DiagnosticBytes(size));
    }
  }
}

TEST_CASE("block numbers roll over: a 40 MB file at blksize 512 through curl") {
  RequireProgram("curl");
  auto slave = StartDiagSlave();
  // 40,000,000 / 512 = 78,125 blocks: past 65,535, so the numbers wrap to 0.
  CommandResult r = RunCommand({"curl", "-sS", "-o", "out", "--tftp-blksize", "512",
                                "tftp://127.0.0.1:" + Port(slave->tftp) + "/diag/40000000/x"},
                               std::chrono::seconds(120), "", slave->dir.path());
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(slave->dir.ReadFile("out") == DiagnosticBytes(40'000'000));
}

}  // namespace
}  // namespace provisor
