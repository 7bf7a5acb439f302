// HttpServer over TLS on 127.0.0.1 with real clients (curl, openssl
// s_client) and deploy/make-certs.sh's certificates: with and without a
// client certificate, the verified one handed to the handler, a foreign
// one, TLS 1.1 and plain HTTP refused and counted; and the master's
// dashboard over HTTPS from its [http] keys.
#include <sys/stat.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "common/http_server.h"
#include "tests/support/cluster.h"
#include "tests/support/process.h"
#include "tests/support/temp_dir.h"

namespace provisor {
namespace {

using std::chrono::seconds;
using testing::CommandResult;
using testing::RunCommand;
using testing::TempDir;

// Polls with a deadline (tests/support/cluster.h).
using testing::WaitFor;

std::string ReadText(const std::string& path) {
  std::ifstream in(path);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

TEST_CASE("https server: with and without a client certificate") {
  if (!testing::HaveProgram("curl") || !testing::HaveProgram("openssl")) {
    WARN("skipped: curl and openssl are needed");
    return;
  }
  TempDir dir;
  const std::string certs = dir.path() + "/certs";
  const std::string other = dir.path() + "/other";
  for (const std::string& d : {certs, other}) {
    CommandResult made = RunCommand({PROVISOR_SOURCE_DIR "/deploy/make-certs.sh", d});
    REQUIRE(made.exit_code == 0);
  }
  HttpServerOptions options;
  options.tls_cert_pem = ReadText(certs + "/master.pem");
  options.tls_key_pem = ReadText(certs + "/master.key");
  options.tls_client_ca_pem = ReadText(certs + "/ca.pem");
  HttpServer server(
      [](const HttpRequest& r) {
        std::string subject = "none";
        if (!r.peer_certificate_pem.empty()) subject = "pem";
        return HttpResponse::Text(200, std::string(r.tls ? "tls" : "plain") + " " + subject + " " +
                                           r.path);
      },
      options);
  StatusOr<SocketAddress> bound = server.Listen("127.0.0.1:0");
  REQUIRE(bound.ok());
  CHECK(server.tls());
  const std::string url = "https://127.0.0.1:" + std::to_string(bound->port());
  const std::string local = "https://localhost:" + std::to_string(bound->port());

  CommandResult anonymous = RunCommand({"curl", "-sS", "--cacert", certs + "/ca.pem", url + "/a"});
  CHECK(anonymous.exit_code == 0);
  CHECK(anonymous.out == "tls none /a");

  CommandResult with_cert =
      RunCommand({"curl", "-sS", "--cacert", certs + "/ca.pem", "--cert", certs + "/reader.pem",
                  "--key", certs + "/reader.key", local + "/b", local + "/c"});
  CHECK(with_cert.exit_code == 0);
  CHECK(with_cert.out == "tls pem /btls pem /c");  // two requests, one connection

  // The certificate the handler sees is the client's.
  HttpServer echo_cert([&](const HttpRequest& r) { return HttpResponse::Text(200, r.peer_certificate_pem); },
                       options);
  StatusOr<SocketAddress> echo_bound = echo_cert.Listen("127.0.0.1:0");
  REQUIRE(echo_bound.ok());
  CommandResult pem = RunCommand({"curl", "-sS", "--cacert", certs + "/ca.pem", "--cert",
                                  certs + "/reader.pem", "--key", certs + "/reader.key",
                                  "https://127.0.0.1:" + std::to_string(echo_bound->port()) + "/"});
  CHECK(pem.exit_code == 0);
  CHECK(pem.out == ReadText(certs + "/reader.pem"));

  // openssl s_client with a client certificate, speaking HTTP by hand.
  CommandResult s_client = RunCommand(
      {"openssl", "s_client", "-quiet", "-connect", "127.0.0.1:" + std::to_string(bound->port()),
       "-CAfile", certs + "/ca.pem", "-cert", certs + "/reader.pem", "-key", certs + "/reader.key",
       "-verify_return_error"},
      seconds(20), "GET /s HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
  CHECK(s_client.out.find("HTTP/1.1 200 OK") != std::string::npos);
  CHECK(s_client.out.find("tls pem /s") != std::string::npos);

  // A certificate from another CA fails the handshake; so do TLS 1.1 and
  // plain HTTP on the TLS port.
  const uint64_t failures_before = server.counters().tls_handshake_failures.load();
  CommandResult foreign =
      RunCommand({"curl", "-sS", "--cacert", certs + "/ca.pem", "--cert", other + "/reader.pem",
                  "--key", other + "/reader.key", url + "/d"});
  CHECK(foreign.exit_code != 0);
  CHECK(foreign.out.empty());
  CommandResult old_tls = RunCommand(
      {"openssl", "s_client", "-connect", "127.0.0.1:" + std::to_string(bound->port()), "-tls1_1",
       "-cipher", "DEFAULT@SECLEVEL=0"},
      seconds(20), "");
  CHECK(old_tls.exit_code != 0);
  CHECK(old_tls.out.find("Cipher is (NONE)") != std::string::npos);
  CHECK(old_tls.err.find("protocol version") != std::string::npos);  // the server's alert
  CommandResult plain =
      RunCommand({"curl", "-sS", "http://127.0.0.1:" + std::to_string(bound->port()) + "/e"});
  CHECK(plain.exit_code != 0);
  CHECK(WaitFor([&] { return server.counters().tls_handshake_failures.load() >= failures_before + 2; }));
  std::fprintf(stderr, "TLS handshake failures counted: %llu\n",
               static_cast<unsigned long long>(server.counters().tls_handshake_failures.load()));
  CHECK(server.counters().requests.load() == 4);
}

TEST_CASE("https server: the master serves its dashboard over HTTPS with [http] cert, key and hosts") {
  if (!testing::HaveProgram("curl")) {
    WARN("skipped: curl is needed");
    return;
  }
  TempDir dir;
  const std::string certs = dir.path() + "/certs";
  REQUIRE(RunCommand({PROVISOR_SOURCE_DIR "/deploy/make-certs.sh", certs}).exit_code == 0);
  const std::string data = dir.path() + "/data";
  REQUIRE(::mkdir(data.c_str(), 0700) == 0);
  const std::string config = dir.WriteFile(
      "master.toml", "data_dir = \"" + data + "\"\ngrpc_listen = \"127.0.0.1:0\"\n"
                     "log_level = \"warn\"\nhttp_listen = \"127.0.0.1:0\"\n[http]\n"
                     "cert = \"" + certs + "/master.pem\"\nkey = \"" + certs + "/master.key\"\n"
                     "client_ca = \"" + certs + "/ca.pem\"\n"
                     "allowed_hosts = [\"noc.example.net\"]\nmax_connections_per_ip = 16\n");
  testing::Daemon master("provisor-master", {"--config", config}, 2);
  REQUIRE(master.ready());
  INFO(master.output());
  REQUIRE(master.output().find("listening master https 127.0.0.1:") != std::string::npos);
  const std::string base = "https://127.0.0.1:" + std::to_string(master.Address("master https").port());
  auto code = [&](const std::vector<std::string>& extra, const std::string& path) {
    std::vector<std::string> argv = {"curl", "-sS", "-o", "/dev/null", "-w", "%{http_code}",
                                     "--cacert", certs + "/ca.pem"};
    argv.insert(argv.end(), extra.begin(), extra.end());
    argv.push_back(base + path);
    return RunCommand(argv).out;
  };
  CHECK(code({}, "/api/v1/cluster") == "200");
  CHECK(code({"--cert", certs + "/reader.pem", "--key", certs + "/reader.key"}, "/metrics") == "200");
  CHECK(code({"-H", "Host: noc.example.net"}, "/") == "200");
  // Actions need role operator: a reader's certificate is refused, an
  // operator's gets as far as the (unknown) slave.
  CHECK(code({"-X", "POST", "--cert", certs + "/reader.pem", "--key", certs + "/reader.key"},
             "/api/v1/slaves/s1/drain") == "403");
  CHECK(code({"-X", "POST", "--cert", certs + "/operator.pem", "--key", certs + "/operator.key"},
             "/api/v1/slaves/s1/drain") == "404");
  CHECK(code({"-H", "Host: evil.example.com"}, "/api/v1/cluster") == "421");
  // Plain HTTP is not served on that port.
  CHECK(RunCommand({"curl", "-sS", "http://127.0.0.1:" +
                                       std::to_string(master.Address("master https").port()) +
                                       "/"}).exit_code != 0);
}

}  // namespace
}  // namespace provisor
