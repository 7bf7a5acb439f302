// The master's control plane under attack: a real provisor-master with
// mutual TLS and make-certs.sh's per-role certificates. Every RPC the master
// serves (walked from the service descriptors, so a new RPC is covered
// without touching this file) is called with every role's certificate and
// must be refused exactly when the role table says so; then the attacks that
// worked before roles existed are replayed: a slave certificate heartbeating
// as another slave or with a huge weight, an operator writing templates, a
// reader reading SIP passwords, a plaintext listener off loopback.
#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/grpcpp.h>
#include <google/protobuf/descriptor.h>
#include <google/protobuf/message.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <fstream>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "common/tls_config.h"
#include "proto/rpc_channel.h"
#include "provisor/v1/admin.grpc.pb.h"
#include "provisor/v1/balancer.pb.h"
#include "provisor/v1/cluster.grpc.pb.h"
#include "tests/support/cluster.h"
#include "tests/support/master_process.h"
#include "tests/support/process.h"
#include "tests/support/temp_dir.h"

namespace provisor {
namespace {

using testing::CommandResult;
using testing::MasterProcess;
using testing::RunCommand;
using testing::TempDir;

const std::string kMakeCerts = std::string(PROVISOR_SOURCE_DIR) + "/deploy/make-certs.sh";

// make-certs.sh's certificates, each as the TLS material of a client.
class Certs {
 public:
  Certs() {
    CommandResult r = RunCommand({"bash", kMakeCerts, dir_.path(), "--slaves", "s1"});
    INFO(r.out << r.err);
    REQUIRE(r.exit_code == 0);
  }
  std::string Path(const std::string& name) const { return dir_.path() + "/" + name; }
  TlsMaterial Material(const std::string& name) const {
    StatusOr<TlsMaterial> m =
        ReadTlsMaterial(TlsFiles{Path(name + ".pem"), Path(name + ".key"), Path("ca.pem")});
    REQUIRE(m.ok());
    return *m;
  }
  std::string TlsTable(const std::string& name) const {
    return "[tls]\ncert = \"" + Path(name + ".pem") + "\"\nkey = \"" + Path(name + ".key") +
           "\"\nca = \"" + Path("ca.pem") + "\"\n";
  }

 private:
  TempDir dir_;
};

struct Outcome {
  grpc::StatusCode code;
  std::string message;
};

// Calls `method` ("/provisor.v1.Admin/Get") with `request` as any RPC is
// called on the wire (one message, then half-close), reading whatever comes
// back until the status (at most `deadline`).
Outcome Call(const std::string& target, const TlsMaterial& tls, const std::string& method,
             const google::protobuf::Message& request,
             std::chrono::milliseconds deadline = std::chrono::milliseconds(1000)) {
  grpc::GenericStub stub(MakeChannel(target, &tls));
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + deadline);
  grpc::CompletionQueue cq;
  std::unique_ptr<grpc::GenericClientAsyncReaderWriter> call =
      stub.PrepareCall(&context, method, &cq);
  void* tag = nullptr;
  bool ok = false;
  auto step = [&](intptr_t want) {
    REQUIRE(cq.Next(&tag, &ok));
    REQUIRE(reinterpret_cast<intptr_t>(tag) == want);
    return ok;
  };
  call->StartCall(reinterpret_cast<void*>(1));
  step(1);
  const std::string bytes = request.SerializeAsString();
  grpc::Slice slice(bytes);
  grpc::ByteBuffer buffer(&slice, 1);
  call->Write(buffer, reinterpret_cast<void*>(2));
  step(2);
  call->WritesDone(reinterpret_cast<void*>(3));
  step(3);
  for (;;) {
    grpc::ByteBuffer reply;
    call->Read(&reply, reinterpret_cast<void*>(4));
    if (!step(4)) break;
  }
  grpc::Status status;
  call->Finish(&status, reinterpret_cast<void*>(5));
  step(5);
  cq.Shutdown();
  while (cq.Next(&tag, &ok)) {
  }
  return Outcome{status.error_code(), status.error_message()};
}

// Every method the master serves, with its request type.
std::vector<const google::protobuf::MethodDescriptor*> ServedMethods() {
  std::vector<const google::protobuf::MethodDescriptor*> methods;
  for (const google::protobuf::FileDescriptor* file :
       {v1::WriteRequest::descriptor()->file(), v1::SyncRequest::descriptor()->file(),
        v1::NextServerRequest::descriptor()->file()}) {
    for (int s = 0; s < file->service_count(); ++s) {
      for (int m = 0; m < file->service(s)->method_count(); ++m) {
        methods.push_back(file->service(s)->method(m));
      }
    }
  }
  return methods;
}

// An empty request of the method's type, naming slave "s1" where it has a
// slave id (so a slave's certificate is checked for its role, not its name).
std::unique_ptr<google::protobuf::Message> RequestFor(
    const google::protobuf::MethodDescriptor* method) {
  std::unique_ptr<google::protobuf::Message> request(
      google::protobuf::MessageFactory::generated_factory()
          ->GetPrototype(method->input_type())
          ->New());
  for (const char* name : {"follower_id", "slave_id"}) {
    if (const auto* field = method->input_type()->FindFieldByName(name)) {
      request->GetReflection()->SetString(request.get(), field, "s1");
    }
  }
  return request;
}

const char kFast[] = "[cluster]\nheartbeat_interval = \"200ms\"\ndead_after = \"600ms\"\n";

TEST_CASE("every RPC refuses every certificate whose role the table does not grant") {
  Certs certs;
  MasterProcess m(kFast + certs.TlsTable("master"));
  // name -> the roles make-certs.sh gives it (the master's own certificate
  // is a slave-role certificate named "master", not "s1").
  const std::map<std::string, std::vector<std::string>> allowed = {
      {"slave-s1", {"Sync", "Heartbeat"}},
      {"master", {}},
      {"dhcp", {"NextServer"}},
      {"reader", {"Get", "List", "Watch", "Info", "Status", "Events"}},
      {"operator", {"Get", "List", "Watch", "Info", "Status", "Events", "Create", "Update",
                    "Delete", "Import", "Render", "SetSlaveWeight", "SetSlaveDrained",
                    "ForgetSlave", "NextServer"}},
      {"admin", {"Get", "List", "Watch", "Info", "Status", "Events", "Create", "Update",
                 "Delete", "Import", "Render", "SetSlaveWeight", "SetSlaveDrained",
                 "ForgetSlave", "NextServer", "RotateKeys"}},
  };
  const std::vector<const google::protobuf::MethodDescriptor*> methods = ServedMethods();
  REQUIRE(methods.size() >= 17);
  for (const auto& [name, may] : allowed) {
    const TlsMaterial tls = certs.Material(name);
    for (const google::protobuf::MethodDescriptor* method : methods) {
      const std::string path = "/" + method->service()->full_name() + "/" + method->name();
      const bool expect_allowed =
          std::find(may.begin(), may.end(), method->name()) != may.end();
      Outcome outcome = Call(m.address, tls, path, *RequestFor(method));
      INFO(name << " calls " << path << ": " << outcome.code << " " << outcome.message);
      if (expect_allowed) {
        CHECK(outcome.code != grpc::StatusCode::PERMISSION_DENIED);
        CHECK(outcome.code != grpc::StatusCode::UNAUTHENTICATED);
      } else {
        CHECK(outcome.code == grpc::StatusCode::PERMISSION_DENIED);
        CHECK(outcome.message.rfind(path + " refused for certificate", 0) == 0);
      }
    }
  }
}

TEST_CASE("a slave certificate speaks only for its own slave, within the weight range") {
  Certs certs;
  MasterProcess m(kFast + certs.TlsTable("master"));
  const TlsMaterial slave = certs.Material("slave-s1");
  v1::HeartbeatRequest rogue;
  rogue.set_slave_id("s2");
  rogue.set_address("10.0.0.66:69");
  rogue.set_weight(100);
  Outcome impersonating = Call(m.address, slave, "/provisor.v1.Cluster/Heartbeat", rogue);
  CHECK(impersonating.code == grpc::StatusCode::PERMISSION_DENIED);
  CHECK(impersonating.message ==
        "/provisor.v1.Cluster/Heartbeat refused for certificate s1 (slave): the certificate "
        "names 's1', not 's2'");
  v1::SyncRequest sync;
  sync.set_follower_id("s2");
  CHECK(Call(m.address, slave, "/provisor.v1.Cluster/Sync", sync).code ==
        grpc::StatusCode::PERMISSION_DENIED);

  v1::HeartbeatRequest heavy;
  heavy.set_slave_id("s1");
  heavy.set_address("10.0.0.1:69");
  heavy.set_weight(1'000'000);
  Outcome weighed = Call(m.address, slave, "/provisor.v1.Cluster/Heartbeat", heavy);
  CHECK(weighed.code == grpc::StatusCode::INVALID_ARGUMENT);
  CHECK(weighed.message == "slave s1: weight 1000000 is out of range (0..10000)");

  // Neither is registered: the NOC sees no slave at all.
  v1::StatusRequest status_request;
  const TlsMaterial reader = certs.Material("reader");
  auto stub = v1::Cluster::NewStub(MakeChannel(m.address, &reader));
  grpc::ClientContext context;
  v1::StatusResponse status;
  REQUIRE(stub->Status(&context, status_request, &status).ok());
  CHECK(status.slaves_size() == 0);
}

TEST_CASE("templates need admin, and secrets are redacted below operator") {
  Certs certs;
  MasterProcess m(certs.TlsTable("master"));
  auto admin_stub = [&](const std::string& name) {
    const TlsMaterial tls = certs.Material(name);
    return v1::Admin::NewStub(MakeChannel(m.address, &tls));
  };
  v1::WriteRequest tpl;
  tpl.mutable_entity()->mutable_template_()->set_id("t1");
  tpl.mutable_entity()->mutable_template_()->set_body("user={{line1_user}}\n");
  {
    grpc::ClientContext context;
    v1::WriteResponse response;
    grpc::Status refused = admin_stub("operator")->Create(&context, tpl, &response);
    CHECK(refused.error_code() == grpc::StatusCode::PERMISSION_DENIED);
    CHECK(refused.error_message() ==
          "/provisor.v1.Admin/Create refused for certificate operator (operator): template "
          "writes need role admin");
  }
  {
    grpc::ClientContext context;
    v1::WriteResponse response;
    grpc::Status created = admin_stub("admin")->Create(&context, tpl, &response);
    INFO(created.error_message());
    CHECK(created.ok());
  }
  v1::WriteRequest subscriber;
  v1::Subscriber* s = subscriber.mutable_entity()->mutable_subscriber();
  s->set_id("sub1");
  s->set_sip_domain("voice.example.net");
  v1::Line* line = s->add_lines();
  line->set_index(1);
  line->set_directory_number("+15551234567");
  line->set_sip_user("15551234567");
  line->set_auth_user("15551234567");
  line->set_password("s3cret-sip-password");
  {
    grpc::ClientContext context;
    v1::WriteResponse response;
    grpc::Status created = admin_stub("operator")->Create(&context, subscriber, &response);
    INFO(created.error_message());
    REQUIRE(created.ok());
  }
  auto get = [&](const std::string& who) {
    grpc::ClientContext context;
    v1::GetRequest request;
    request.set_kind(v1::ENTITY_KIND_SUBSCRIBER);
    request.set_key("sub1");
    v1::Entity entity;
    REQUIRE(admin_stub(who)->Get(&context, request, &entity).ok());
    return entity.subscriber().lines(0).password();
  };
  CHECK(get("reader").empty());
  CHECK(get("operator") == "s3cret-sip-password");
  CHECK(get("admin") == "s3cret-sip-password");
  // Watch from revision 0 as a reader: no password anywhere in the stream.
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::milliseconds(800));
  v1::WatchRequest watch;
  std::unique_ptr<grpc::ClientReader<v1::Change>> reader =
      admin_stub("reader")->Watch(&context, watch);
  v1::Change change;
  int subscribers = 0;
  while (reader->Read(&change)) {
    CHECK(change.SerializeAsString().find("s3cret-sip-password") == std::string::npos);
    if (change.kind() == v1::ENTITY_KIND_SUBSCRIBER) ++subscribers;
  }
  CHECK(subscribers == 1);
}

TEST_CASE("a plaintext listener off loopback is refused unless insecure is explicit") {
  TempDir dir;
  const std::string config = dir.WriteFile(
      "master.toml", "data_dir = \"" + dir.path() + "\"\ngrpc_listen = \"0.0.0.0:0\"\n"
                     "http_listen = \"off\"\n");
  CommandResult refused =
      RunCommand({std::string(PROVISOR_BIN_DIR) + "/provisor-master", "--config", config});
  CHECK(refused.exit_code == 1);
  CHECK(refused.err ==
        "provisor-master: grpc_listen 0.0.0.0:0 is not a loopback address: configure [tls] "
        "(mutual TLS) or, to accept anyone who reaches it, set [auth] insecure = true\n");

  TempDir data;
  const std::string stderr_path = dir.path() + "/stderr";
  const std::string insecure = dir.WriteFile(
      "insecure.toml", "data_dir = \"" + data.path() + "\"\ngrpc_listen = \"0.0.0.0:0\"\n"
                       "http_listen = \"off\"\n[auth]\ninsecure = true\n"
                       "[keys]\nmaster_key_file = \"" + dir.path() + "/master.key\"\n");
  {
    testing::Daemon daemon("provisor-master", {"--config", insecure}, 1, {}, stderr_path);
    REQUIRE(daemon.ready());
  }
  std::ifstream in(stderr_path);
  std::string log((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  CHECK(log.find("AUTH_INSECURE [auth] insecure = true: plaintext gRPC on 0.0.0.0:0 trusts "
                 "every caller as admin") != std::string::npos);
}

std::string ReadAll(const std::string& path) {
  std::ifstream in(path);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

TEST_CASE("a second slave process with a live slave's id is refused, and a stopped one hands over") {
  MasterProcess m(kFast);
  testing::ImportExamples(m, PROVISOR_SOURCE_DIR);
  auto first = std::make_unique<testing::SlaveProcess>("s1", m.address);
  REQUIRE(testing::WaitFor([&] { return testing::AllCaughtUp(m, {"s1"}); }));
  const std::string first_address = first->tftp.ToString();

  testing::SlaveProcess second("s1", m.address);
  // The second process is told why, and the master records it once.
  REQUIRE(testing::WaitFor([&] {
    return ReadAll(second.stderr_path).find("already running as another process") !=
           std::string::npos;
  }));
  nlohmann::json status = testing::Status(m);
  REQUIRE(status.at("slaves").size() == 1);
  CHECK(testing::SlaveRow(status, "s1").at("address") == first_address);
  bool evented = false;
  for (const nlohmann::json& e : status.at("events")) {
    if (e.at("id") == "SLAVE_DUPLICATE") evented = true;
  }
  CHECK(evented);
  // Every answer still names the first.
  for (int i = 0; i < 10; ++i) {
    CommandResult next = m.Ctl({"next-server", "--mac", "80:5e:c0:a1:00:03", "--ip", "127.0.0.1"});
    REQUIRE(next.exit_code == 0);
    CHECK(nlohmann::json::parse(next.out).at("port") == first->tftp.port());
  }

  // The first stops cleanly: it is down at once and the second takes over.
  REQUIRE(first->daemon->Terminate() == 0);
  REQUIRE(testing::WaitFor([&] {
    nlohmann::json row = testing::SlaveRow(testing::Status(m), "s1");
    return !row.is_null() && row.at("state") == "up" &&
           row.at("address") == second.tftp.ToString();
  }));
}

}  // namespace
}  // namespace provisor
