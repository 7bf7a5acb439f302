// provisor-next-server-bench: Balancer.NextServer throughput and latency
// with the async gRPC API (one client thread keeping --outstanding calls in
// flight), against a master it starts on 127.0.0.1 with the sample data and
// two slaves (real processes), or against --master ADDR.
//
//   build/bin/provisor-next-server-bench [--seconds 5] [--outstanding 64]
//
// Run from the repository root (it reads deploy/examples).
#include <grpcpp/grpcpp.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "provisor/v1/balancer.grpc.pb.h"
#include "tests/support/cluster.h"
#include "tests/support/master_process.h"

namespace provisor {
namespace {

using Clock = std::chrono::steady_clock;

const std::vector<std::string> kMacs = {"e0:5f:b9:a1:00:01", "00:04:f2:a1:00:02",
                                        "80:5e:c0:a1:00:03", "80:5e:c0:a1:00:04",
                                        "00:0b:82:a1:00:05", "00:04:13:a1:00:06",
                                        "7c:2f:80:a1:00:07", "02:a0:7a:a1:00:08"};

struct Call {
  grpc::ClientContext context;
  v1::NextServerResponse response;
  grpc::Status status;
  std::unique_ptr<grpc::ClientAsyncResponseReader<v1::NextServerResponse>> rpc;
  Clock::time_point start;
};

int Run(const std::string& master, double seconds, int outstanding) {
  auto stub = v1::Balancer::NewStub(
      grpc::CreateChannel(master, grpc::InsecureChannelCredentials()));
  grpc::CompletionQueue cq;
  uint64_t sent = 0, ok = 0, failed = 0;
  std::vector<double> latencies_us;
  latencies_us.reserve(1 << 20);
  auto start_call = [&]() {
    auto* call = new Call;
    v1::NextServerRequest request;
    request.set_mac(kMacs[sent % kMacs.size()]);
    request.set_client_ip("10.1." + std::to_string((sent >> 8) & 255) + "." +
                          std::to_string(sent & 255));
    call->start = Clock::now();
    call->rpc = stub->AsyncNextServer(&call->context, request, &cq);
    call->rpc->Finish(&call->response, &call->status, call);
    ++sent;
  };
  const Clock::time_point begin = Clock::now();
  const Clock::time_point end = begin + std::chrono::duration_cast<Clock::duration>(
                                            std::chrono::duration<double>(seconds));
  for (int i = 0; i < outstanding; ++i) start_call();
  uint64_t in_flight = static_cast<uint64_t>(outstanding);
  Clock::time_point last = begin;
  while (in_flight > 0) {
    void* tag = nullptr;
    bool done = false;
    if (!cq.Next(&tag, &done)) break;
    auto* call = static_cast<Call*>(tag);
    last = Clock::now();
    --in_flight;
    if (call->status.ok()) {
      ++ok;
      latencies_us.push_back(std::chrono::duration<double, std::micro>(last - call->start).count());
    } else {
      if (failed == 0) std::cerr << "first failure: " << call->status.error_message() << "\n";
      ++failed;
    }
    delete call;
    if (last < end) {
      start_call();
      ++in_flight;
    }
  }
  const double elapsed = std::chrono::duration<double>(last - begin).count();
  std::sort(latencies_us.begin(), latencies_us.end());
  auto pct = [&](double p) {
    return latencies_us.empty()
               ? 0.0
               : latencies_us[std::min(latencies_us.size() - 1,
                                       static_cast<size_t>(p * (latencies_us.size() - 1)))];
  };
  std::printf(
      "NextServer: %llu ok, %llu failed in %.2f s: %.0f calls/s, p50 %.2f ms, p99 %.2f ms "
      "(%d in flight)\n",
      static_cast<unsigned long long>(ok), static_cast<unsigned long long>(failed), elapsed,
      ok / elapsed, pct(0.5) / 1000, pct(0.99) / 1000, outstanding);
  return failed == 0 ? 0 : 1;
}

int Main(int argc, char** argv) {
  CLI::App app{"Balancer.NextServer throughput (async gRPC client)"};
  std::string master;
  double seconds = 5;
  int outstanding = 64;
  app.add_option("--master", master, "a running master (default: start one here)");
  app.add_option("--seconds", seconds)->capture_default_str();
  app.add_option("--outstanding", outstanding, "calls kept in flight")->capture_default_str();
  CLI11_PARSE(app, argc, argv);
  try {
    if (!master.empty()) return Run(master, seconds, outstanding);
    testing::MasterProcess m;
    testing::ImportExamples(m, ".");
    testing::SlaveProcess s1("s1", m.address), s2("s2", m.address);
    if (!testing::WaitFor([&] { return testing::AllCaughtUp(m, {"s1", "s2"}); })) return 1;
    Run(m.address, 0.5, outstanding);  // warm-up
    return Run(m.address, seconds, outstanding);
  } catch (const std::exception& e) {
    std::cerr << "provisor-next-server-bench: " << e.what() << "\n";
    return 1;
  }
}

}  // namespace
}  // namespace provisor

int main(int argc, char** argv) { return provisor::Main(argc, argv); }
