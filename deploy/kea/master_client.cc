#include "deploy/kea/master_client.h"

#include <grpcpp/grpcpp.h>

#include <condition_variable>
#include <fstream>
#include <sstream>

#include "proto/rpc_channel.h"
#include "provisor/v1/balancer.grpc.pb.h"

namespace provisor::kea {
namespace {

using Clock = std::chrono::steady_clock;

bool ReadFile(const std::string& path, std::string* out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  std::ostringstream text;
  text << in.rdbuf();
  *out = text.str();
  return true;
}

// A transport failure: worth another master. Anything else is the
// master's answer about this request.
bool TransportFailure(grpc::StatusCode code) {
  return code == grpc::StatusCode::UNAVAILABLE || code == grpc::StatusCode::DEADLINE_EXCEEDED ||
         code == grpc::StatusCode::UNKNOWN || code == grpc::StatusCode::INTERNAL ||
         code == grpc::StatusCode::CANCELLED || code == grpc::StatusCode::RESOURCE_EXHAUSTED ||
         code == grpc::StatusCode::UNAUTHENTICATED;
}

}  // namespace

struct MasterClient::Master {
  std::string address;
  std::unique_ptr<v1::Balancer::Stub> stub;
  std::atomic<int64_t> held_until_ns{0};  // steady clock
};

struct MasterClient::Call {
  v1::NextServerRequest request;
  std::chrono::system_clock::time_point deadline;  // gRPC deadlines are wall-clock
  std::function<void(Answer)> done;
  int master = -1;
  std::string errors;  // one line per master tried
  // Per attempt:
  std::unique_ptr<grpc::ClientContext> context;
  v1::NextServerResponse response;
};

std::unique_ptr<MasterClient> MasterClient::Create(const MasterClientOptions& options,
                                                   std::string* error) {
  if (options.masters.empty()) {
    *error = "no master address given";
    return nullptr;
  }
  std::unique_ptr<TlsMaterial> tls;
  const bool any_tls = !options.tls_ca.empty() || !options.tls_cert.empty() ||
                       !options.tls_key.empty();
  if (any_tls) {
    tls = std::make_unique<TlsMaterial>();
    if (!ReadFile(options.tls_ca, &tls->ca_pem) || !ReadFile(options.tls_cert, &tls->cert_pem) ||
        !ReadFile(options.tls_key, &tls->key_pem)) {
      *error = "tls-ca, tls-cert and tls-key must all name readable PEM files";
      return nullptr;
    }
  }
  std::unique_ptr<MasterClient> client(new MasterClient(options));
  for (const std::string& address : options.masters) {
    auto master = std::make_unique<Master>();
    master->address = address;
    master->stub = v1::Balancer::NewStub(MakeChannel(address, tls.get()));
    client->masters_.push_back(std::move(master));
  }
  return client;
}

MasterClient::MasterClient(const MasterClientOptions& options) : options_(options) {}
MasterClient::~MasterClient() = default;

int MasterClient::NextMaster(int after) const {
  const int64_t now = Clock::now().time_since_epoch().count();
  for (int i = after + 1; i < static_cast<int>(masters_.size()); ++i) {
    if (masters_[i]->held_until_ns.load(std::memory_order_relaxed) <= now) return i;
  }
  // All held down: a new ask tries the primary anyway (it may be back).
  return after == -1 ? 0 : -1;
}

void MasterClient::Ask(const Query& query, std::function<void(Answer)> done) {
  auto call = std::make_shared<Call>();
  call->request.set_mac(query.mac);
  call->request.set_client_ip(query.client_ip);
  call->request.set_giaddr(query.giaddr);
  call->request.set_vendor_class(query.vendor_class);
  call->request.set_hostname(query.hostname);
  call->request.set_ack(query.ack);
  if (!query.front_end_counts.empty()) {
    call->request.set_front_end(query.front_end);
    call->request.mutable_front_end_counts()->insert(query.front_end_counts.begin(),
                                                     query.front_end_counts.end());
  }
  call->deadline = std::chrono::system_clock::now() + options_.timeout;
  call->done = std::move(done);
  call->master = NextMaster(-1);
  Attempt(std::move(call));
}

void MasterClient::Attempt(std::shared_ptr<Call> call) {
  Master& master = *masters_[call->master];
  call->context = std::make_unique<grpc::ClientContext>();
  call->context->set_deadline(call->deadline);
  call->response.Clear();
  master.stub->async()->NextServer(
      call->context.get(), &call->request, &call->response,
      [this, call](grpc::Status status) {
        Answer answer;
        if (status.ok()) {
          const v1::NextServerResponse& r = call->response;
          answer.kind = Answer::Kind::kAnswered;
          answer.server = r.server();
          answer.filename = r.filename();
          answer.siaddr = r.siaddr();
          answer.option66 = r.option66();
          answer.option67 = r.option67();
          answer.slave = r.slave();
          answer.option150.assign(r.option150().begin(), r.option150().end());
          call->done(std::move(answer));
          return;
        }
        Master& tried = *masters_[call->master];
        call->errors += (call->errors.empty() ? "" : "; ") + tried.address + ": " +
                        status.error_message();
        if (!TransportFailure(status.error_code())) {
          answer.kind = Answer::Kind::kRefused;
          answer.error = call->errors;
          call->done(std::move(answer));
          return;
        }
        tried.held_until_ns.store(
            (Clock::now() + options_.hold_down).time_since_epoch().count(),
            std::memory_order_relaxed);
        const int next = NextMaster(call->master);
        if (next >= 0 && std::chrono::system_clock::now() < call->deadline) {
          call->master = next;
          Attempt(call);
          return;
        }
        answer.kind = Answer::Kind::kFailed;
        answer.error = call->errors;
        call->done(std::move(answer));
      });
}

Answer MasterClient::AskSync(const Query& query) {
  std::mutex mu;
  std::condition_variable cv;
  bool ready = false;
  Answer result;
  Ask(query, [&](Answer answer) {
    std::lock_guard<std::mutex> lock(mu);
    result = std::move(answer);
    ready = true;
    cv.notify_one();
  });
  std::unique_lock<std::mutex> lock(mu);
  cv.wait(lock, [&] { return ready; });
  return result;
}

}  // namespace provisor::kea
