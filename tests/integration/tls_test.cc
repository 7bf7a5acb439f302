// Mutual TLS end to end: deploy/make-certs.sh makes the certificates;
// ReadTlsMaterial loads them; an in-process gRPC server built with
// MakeServerCredentials (the generated Admin service, which answers
// UNIMPLEMENTED: reaching it proves the handshake passed) is called through
// MakeChannel with good and bad client credentials, and through provisorctl's
// --tls-* flags and PROVISOR_TLS_* variables.
#include <grpcpp/grpcpp.h>
#include <sys/stat.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <memory>
#include <map>
#include <string>

#include "common/tls_config.h"
#include "proto/rpc_channel.h"
#include "provisor/v1/admin.grpc.pb.h"
#include "tests/support/process.h"
#include "tests/support/temp_dir.h"

namespace provisor {
namespace {

using testing::CommandResult;
using testing::RunCommand;
using testing::TempDir;

const std::string kMakeCerts = std::string(PROVISOR_SOURCE_DIR) + "/deploy/make-certs.sh";
const std::string kCtl = std::string(PROVISOR_BIN_DIR) + "/provisorctl";

CommandResult MakeCerts(const std::string& dir, const std::vector<std::string>& extra = {}) {
  std::vector<std::string> argv = {"bash", kMakeCerts, dir};
  argv.insert(argv.end(), extra.begin(), extra.end());
  return RunCommand(argv, std::chrono::seconds(60));
}

// A directory of certificates from deploy/make-certs.sh (its own CA).
class Certs {
 public:
  Certs() {
    CommandResult r = MakeCerts(dir_.path());
    INFO(r.out << r.err);
    REQUIRE(r.exit_code == 0);
  }
  std::string Path(const std::string& name) const { return dir_.path() + "/" + name; }
  TlsFiles Files(const std::string& role) const {
    return TlsFiles{Path(role + ".pem"), Path(role + ".key"), Path("ca.pem")};
  }
  TlsMaterial Material(const std::string& role) const {
    StatusOr<TlsMaterial> material = ReadTlsMaterial(Files(role));
    INFO(material.status().ToString());
    REQUIRE(material.ok());
    return *material;
  }
  const TempDir& dir() const { return dir_; }

 private:
  TempDir dir_;
};

// The generated Admin service as-is on 127.0.0.1:0: every call that gets
// through the transport ends UNIMPLEMENTED.
class TestServer {
 public:
  explicit TestServer(const TlsMaterial* tls) {
    grpc::ServerBuilder builder;
    ConfigureServerBuilder(builder);
    builder.AddListeningPort("127.0.0.1:0", MakeServerCredentials(tls), &port_);
    builder.RegisterService(&service_);
    server_ = builder.BuildAndStart();
    REQUIRE(server_ != nullptr);
    REQUIRE(port_ > 0);
  }
  ~TestServer() {
    server_->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(1));
  }
  std::string target() const { return "127.0.0.1:" + std::to_string(port_); }

 private:
  v1::Admin::Service service_;
  int port_ = 0;
  std::unique_ptr<grpc::Server> server_;
};

// One Info call; the status code it ends with (and its message, for INFO).
grpc::Status CallInfo(const std::shared_ptr<grpc::Channel>& channel) {
  std::unique_ptr<v1::Admin::Stub> stub = v1::Admin::NewStub(channel);
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(20));
  v1::InfoRequest request;
  v1::InfoResponse response;
  return stub->Info(&context, request, &response);
}

grpc::StatusCode Call(const std::string& target, const TlsMaterial* tls) {
  grpc::Status status = CallInfo(MakeChannel(target, tls));
  UNSCOPED_INFO("status " << status.error_code() << ": " << status.error_message());
  return status.error_code();
}

std::string Output(const std::vector<std::string>& argv) {
  CommandResult r = RunCommand(argv);
  REQUIRE(r.exit_code == 0);
  return r.out;
}

TEST_CASE("make-certs.sh makes a CA and a certificate per role, the role in the subject's O") {
  TempDir dir;
  const std::string certs = dir.path() + "/certs";
  CommandResult first = MakeCerts(certs, {"--hosts", "10.9.8.7, tftp.example.net"});
  INFO(first.out << first.err);
  REQUIRE(first.exit_code == 0);
  CHECK(first.out.find("made CA") != std::string::npos);
  const std::map<std::string, std::string> subjects = {
      {"master", "O = slave, CN = master"},   {"slave-s1", "O = slave, CN = s1"},
      {"dhcp", "O = dhcp, CN = kea"},         {"reader", "O = reader, CN = reader"},
      {"operator", "O = operator, CN = operator"}, {"admin", "O = admin, CN = admin"}};
  for (const std::string name :
       {"ca", "master", "slave-s1", "dhcp", "reader", "operator", "admin"}) {
    INFO(name);
    struct stat key_stat {};
    REQUIRE(stat((certs + "/" + name + ".key").c_str(), &key_stat) == 0);
    CHECK((key_stat.st_mode & 0777) == 0600);
    CHECK(dir.ReadFile("certs/" + name + ".pem").rfind("-----BEGIN CERTIFICATE-----", 0) == 0);
    if (name == "ca") continue;
    CHECK(first.out.find("made " + name) != std::string::npos);
    CHECK(Output({"openssl", "verify", "-CAfile", certs + "/ca.pem", certs + "/" + name + ".pem"})
              .find(": OK") != std::string::npos);
    const std::string text =
        Output({"openssl", "x509", "-in", certs + "/" + name + ".pem", "-noout", "-text"});
    CHECK(text.find("IP Address:127.0.0.1") != std::string::npos);
    CHECK(text.find("IP Address:0:0:0:0:0:0:0:1") != std::string::npos);
    CHECK(text.find("DNS:localhost") != std::string::npos);
    CHECK(text.find("IP Address:10.9.8.7") != std::string::npos);
    CHECK(text.find("DNS:tftp.example.net") != std::string::npos);
    CHECK(text.find("TLS Web Server Authentication, TLS Web Client Authentication") !=
          std::string::npos);
    CHECK(text.find("Subject: " + subjects.at(name)) != std::string::npos);
  }

  // A second run keeps everything: same CA, same leaves.
  const std::string ca = dir.ReadFile("certs/ca.pem");
  const std::string master = dir.ReadFile("certs/master.pem");
  CommandResult second = MakeCerts(certs, {"--hosts", "10.9.8.7,tftp.example.net"});
  INFO(second.out << second.err);
  REQUIRE(second.exit_code == 0);
  CHECK(second.out.find("kept CA") != std::string::npos);
  CHECK(second.out.find("kept master") != std::string::npos);
  CHECK(second.out.find("made") == std::string::npos);
  CHECK(dir.ReadFile("certs/ca.pem") == ca);
  CHECK(dir.ReadFile("certs/master.pem") == master);

  // Other names: the CA stays, the leaves are re-issued by it.
  CommandResult third = MakeCerts(certs);
  REQUIRE(third.exit_code == 0);
  CHECK(third.out.find("kept CA") != std::string::npos);
  CHECK(third.out.find("made master") != std::string::npos);
  CHECK(dir.ReadFile("certs/ca.pem") == ca);
  CHECK(Output({"openssl", "verify", "-CAfile", certs + "/ca.pem", certs + "/master.pem"})
            .find(": OK") != std::string::npos);

  // --force: a new CA.
  CommandResult forced = MakeCerts(certs, {"--force"});
  REQUIRE(forced.exit_code == 0);
  CHECK(forced.out.find("made CA") != std::string::npos);
  CHECK(dir.ReadFile("certs/ca.pem") != ca);

  // One certificate per slave id, named by it.
  CommandResult slaves = MakeCerts(certs, {"--slaves", "edge-1,edge-2"});
  REQUIRE(slaves.exit_code == 0);
  CHECK(Output({"openssl", "x509", "-in", certs + "/slave-edge-2.pem", "-noout", "-subject"})
            .find("CN = edge-2") != std::string::npos);
  CHECK(MakeCerts(certs, {"--slaves", "bad id"}).exit_code == 2);

  CHECK(MakeCerts(certs, {"--hosts", "not a host"}).exit_code == 2);
  CHECK(RunCommand({"bash", kMakeCerts}).exit_code == 2);
}

TEST_CASE("ReadTlsMaterial loads make-certs.sh output and names bad files") {
  Certs certs;
  TlsMaterial master = certs.Material("master");
  CHECK(master.cert_pem == certs.dir().ReadFile("master.pem"));
  CHECK(master.key_pem == certs.dir().ReadFile("master.key"));
  CHECK(master.ca_pem == certs.dir().ReadFile("ca.pem"));

  TlsFiles missing = certs.Files("master");
  missing.key = certs.Path("nowhere.key");
  StatusOr<TlsMaterial> m = ReadTlsMaterial(missing);
  REQUIRE_FALSE(m.ok());
  CHECK(m.status().code() == StatusCode::kNotFound);
  CHECK(m.status().message() ==
        "cannot read TLS key " + missing.key + ": No such file or directory");

  TlsFiles not_pem = certs.Files("master");
  not_pem.ca = certs.dir().WriteFile("ca.txt", "not a certificate\n");
  m = ReadTlsMaterial(not_pem);
  REQUIRE_FALSE(m.ok());
  CHECK(m.status().code() == StatusCode::kInvalidArgument);
  CHECK(m.status().message() == "TLS CA " + not_pem.ca +
                                    " holds no PEM certificate (-----BEGIN CERTIFICATE-----)");

  TlsFiles key_as_cert = certs.Files("master");
  key_as_cert.cert = certs.Path("master.key");
  m = ReadTlsMaterial(key_as_cert);
  REQUIRE_FALSE(m.ok());
  CHECK(m.status().message() == "TLS certificate " + key_as_cert.cert +
                                    " holds no PEM certificate (-----BEGIN CERTIFICATE-----)");

  TlsFiles cert_as_key = certs.Files("master");
  cert_as_key.key = certs.Path("master.pem");
  m = ReadTlsMaterial(cert_as_key);
  REQUIRE_FALSE(m.ok());
  CHECK(m.status().message() ==
        "TLS key " + cert_as_key.key + " holds no unencrypted PEM private key");

  TlsFiles mismatched = certs.Files("master");
  mismatched.key = certs.Path("slave-s1.key");
  m = ReadTlsMaterial(mismatched);
  REQUIRE_FALSE(m.ok());
  CHECK(m.status().message() == "TLS key " + mismatched.key + " does not belong to certificate " +
                                    mismatched.cert);

  CHECK(ReadTlsMaterial(TlsFiles{}).status().code() == StatusCode::kInvalidArgument);
}

TEST_CASE("mutual TLS: a client certificate from the same CA reaches the handler") {
  Certs certs;
  TlsMaterial server_tls = certs.Material("master");
  TestServer server(&server_tls);
  for (const std::string role : {"admin", "slave-s1", "master"}) {
    INFO(role);
    TlsMaterial client = certs.Material(role);
    CHECK(Call(server.target(), &client) == grpc::StatusCode::UNIMPLEMENTED);
  }
  // The server certificate names localhost too.
  TlsMaterial client = certs.Material("admin");
  const std::string port = server.target().substr(server.target().find(':') + 1);
  CHECK(Call("localhost:" + port, &client) == grpc::StatusCode::UNIMPLEMENTED);
}

TEST_CASE("mutual TLS: a plaintext client is refused") {
  Certs certs;
  TlsMaterial server_tls = certs.Material("master");
  TestServer server(&server_tls);
  CHECK(Call(server.target(), nullptr) == grpc::StatusCode::UNAVAILABLE);
}

TEST_CASE("mutual TLS: a client certificate from another CA is refused") {
  Certs certs;
  Certs other;
  TlsMaterial server_tls = certs.Material("master");
  TestServer server(&server_tls);
  // Trusts the server's CA but presents a certificate the server's CA did
  // not sign.
  TlsMaterial foreign = other.Material("admin");
  foreign.ca_pem = certs.Material("admin").ca_pem;
  CHECK(Call(server.target(), &foreign) == grpc::StatusCode::UNAVAILABLE);
  // Entirely the other CA's: the client refuses the server too.
  TlsMaterial stranger = other.Material("admin");
  CHECK(Call(server.target(), &stranger) == grpc::StatusCode::UNAVAILABLE);
}

TEST_CASE("mutual TLS: a client without a certificate and key is refused") {
  Certs certs;
  TlsMaterial server_tls = certs.Material("master");
  TestServer server(&server_tls);
  TlsMaterial ca_only;
  ca_only.ca_pem = certs.Material("admin").ca_pem;
  CHECK(Call(server.target(), &ca_only) == grpc::StatusCode::UNAVAILABLE);
}

TEST_CASE("plaintext channels when TLS is off") {
  TestServer plain(nullptr);
  CHECK(Call(plain.target(), nullptr) == grpc::StatusCode::UNIMPLEMENTED);
  Certs certs;
  TlsMaterial client = certs.Material("admin");
  CHECK(Call(plain.target(), &client) == grpc::StatusCode::UNAVAILABLE);
}

TEST_CASE("provisorctl --tls-ca --tls-cert --tls-key and PROVISOR_TLS variables") {
  Certs certs;
  TlsMaterial server_tls = certs.Material("master");
  TestServer server(&server_tls);
  const std::vector<std::string> flags = {"--tls-ca", certs.Path("ca.pem"), "--tls-cert",
                                          certs.Path("admin.pem"), "--tls-key",
                                          certs.Path("admin.key")};
  auto ctl = [&](std::vector<std::string> args, const std::vector<std::string>& env = {}) {
    std::vector<std::string> argv = {"env"};
    argv.insert(argv.end(), env.begin(), env.end());
    argv.push_back(kCtl);
    argv.push_back("--master");
    argv.push_back(server.target());
    argv.insert(argv.end(), args.begin(), args.end());
    return RunCommand(argv);
  };

  // Through TLS the call reaches the (UNIMPLEMENTED) handler.
  std::vector<std::string> with_flags = flags;
  with_flags.push_back("info");
  CommandResult r = ctl(with_flags);
  CHECK(r.exit_code == 1);
  CHECK(r.err == "provisorctl: the master at " + server.target() + " does not support info\n");

  r = ctl({"info"}, {"PROVISOR_TLS_CA=" + certs.Path("ca.pem"),
                     "PROVISOR_TLS_CERT=" + certs.Path("admin.pem"),
                     "PROVISOR_TLS_KEY=" + certs.Path("admin.key")});
  CHECK(r.exit_code == 1);
  CHECK(r.err == "provisorctl: the master at " + server.target() + " does not support info\n");

  // Without TLS the handshake fails.
  r = ctl({"info"});
  CHECK(r.exit_code == 1);
  CHECK(r.err.rfind("provisorctl: cannot reach the master at " + server.target(), 0) == 0);

  // All three or none.
  r = ctl({"--tls-ca", certs.Path("ca.pem"), "--tls-cert", certs.Path("admin.pem"), "info"});
  CHECK(r.exit_code == 2);
  CHECK(r.err ==
        "provisorctl: --tls-key is not set: --tls-ca, --tls-cert and --tls-key go together (or "
        "PROVISOR_TLS_CA/CERT/KEY)\n");
  r = ctl({"info"}, {"PROVISOR_TLS_CERT=" + certs.Path("admin.pem")});
  CHECK(r.exit_code == 2);
  CHECK(r.err.rfind("provisorctl: --tls-ca is not set", 0) == 0);

  // A file that is not there.
  r = ctl({"--tls-ca", certs.Path("ca.pem"), "--tls-cert", certs.Path("admin.pem"), "--tls-key",
           certs.Path("gone.key"), "info"});
  CHECK(r.exit_code == 1);
  CHECK(r.err == "provisorctl: cannot read TLS key " + certs.Path("gone.key") +
                     ": No such file or directory\n");
}

}  // namespace
}  // namespace provisor
