// provisor-cluster-bench: the cluster's speed with real processes on
// 127.0.0.1.
//
//   propagation: a master and --slaves slaves; --changes times, update a
//     subscriber's name over the Admin API and measure until every slave
//     serves the new bytes over TFTP (p50/p99/max).
//   snapshot: a master holding --devices devices and as many subscribers;
//     a fresh slave's time to take the snapshot and serve, and its RSS per
//     device over a slave holding only the sample data.
//   prepare-tftp: fills a running master with --devices devices on the
//     vendor templates of deploy/templates, mints a token for each (bound
//     to 127.0.0.1) and writes each token's render into --out/files and
//     the tokens into --out/names.txt (tests/bench/cluster_tftp_bench.sh
//     then serves the same bytes from a slave and from dnsmasq).
//
// Run from the repository root (it reads deploy/examples and
// deploy/templates).
#include <grpcpp/grpcpp.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "provisor/v1/admin.grpc.pb.h"
#include "tests/bench/tftp_load.h"
#include "tests/support/cluster.h"
#include "tests/support/master_process.h"

namespace provisor {
namespace {

using Clock = std::chrono::steady_clock;
using testing::MasterProcess;
using testing::SlaveProcess;

double Ms(Clock::duration d) { return std::chrono::duration<double, std::milli>(d).count(); }

double Percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  size_t i = static_cast<size_t>(p * static_cast<double>(v.size() - 1) + 0.5);
  return v[std::min(i, v.size() - 1)];
}

std::unique_ptr<v1::Admin::Stub> Admin(const std::string& address) {
  grpc::ChannelArguments args;
  args.SetMaxReceiveMessageSize(64 << 20);
  return v1::Admin::NewStub(
      grpc::CreateCustomChannel(address, grpc::InsecureChannelCredentials(), args));
}

std::string FetchOnce(uint16_t port, const std::string& name) {
  bench::LoadOptions o;
  o.port = port;
  o.names = {name};
  o.concurrency = 1;
  o.duration_s = 0;
  o.total = 1;
  o.keep_bytes = true;
  o.timeout_s = 0.2;
  bench::LoadReport r = bench::RunLoad(o);
  auto it = r.files.find(name);
  return it == r.files.end() ? std::string() : it->second;
}

uint64_t RssKiB(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("VmRSS:", 0) == 0) return std::stoull(line.substr(6));
  }
  return 0;
}

// Streams `rows` through Admin.Import in batches of 10,000.
bool Import(v1::Admin::Stub& admin, const std::vector<v1::Entity>& rows) {
  grpc::ClientContext context;
  auto stream = admin.Import(&context);
  v1::ImportChunk chunk;
  chunk.set_batch_size(10000);
  uint64_t n = 0;
  for (const v1::Entity& e : rows) {
    v1::ImportRow* row = chunk.add_rows();
    row->set_row(++n);
    *row->mutable_entity() = e;
    if (chunk.rows_size() == 10000) {
      if (!stream->Write(chunk)) return false;
      chunk.Clear();
    }
  }
  if (chunk.rows_size() > 0 && !stream->Write(chunk)) return false;
  stream->WritesDone();
  v1::ImportBatchResult result;
  bool ok = true;
  while (stream->Read(&result)) {
    if (!result.committed()) {
      std::cerr << "import batch rejected: "
                << (result.errors_size() > 0 ? result.errors(0).message() : "") << "\n";
      ok = false;
    }
  }
  return stream->Finish().ok() && ok;
}

std::string Mac(uint64_t i) {
  char buf[18];
  std::snprintf(buf, sizeof(buf), "02:%02x:%02x:%02x:%02x:%02x",
                static_cast<unsigned>((i >> 32) & 0xff), static_cast<unsigned>((i >> 24) & 0xff),
                static_cast<unsigned>((i >> 16) & 0xff), static_cast<unsigned>((i >> 8) & 0xff),
                static_cast<unsigned>(i & 0xff));
  return buf;
}

v1::Entity Subscriber(uint64_t i) {
  v1::Entity e;
  v1::Subscriber* s = e.mutable_subscriber();
  s->set_id("bench-" + std::to_string(i));
  s->set_name("Subscriber " + std::to_string(i));
  s->set_sip_domain("voip.example.net");
  v1::Line* line = s->add_lines();
  line->set_index(1);
  line->set_directory_number("+1555" + std::to_string(1000000 + i));
  line->set_sip_user("u" + std::to_string(i));
  line->set_auth_user("u" + std::to_string(i));
  line->set_password("pw" + std::to_string(i * 7919 % 100000));
  line->set_display_name("Line " + std::to_string(i));
  return e;
}

v1::Entity Device(uint64_t i, const std::string& model) {
  v1::Entity e;
  v1::Device* d = e.mutable_device();
  d->set_mac(Mac(i));
  d->set_model(model);
  d->set_subscriber_id("bench-" + std::to_string(i));
  v1::LineMapping* map = d->add_line_map();
  map->set_port(1);
  map->set_subscriber_line(1);
  return e;
}

bool Populate(v1::Admin::Stub& admin, uint64_t devices, const std::vector<std::string>& models) {
  std::vector<v1::Entity> rows;
  rows.reserve(devices);
  for (uint64_t i = 0; i < devices; ++i) rows.push_back(Subscriber(i));
  if (!Import(admin, rows)) return false;
  rows.clear();
  for (uint64_t i = 0; i < devices; ++i) rows.push_back(Device(i, models[i % models.size()]));
  return Import(admin, rows);
}

int Propagation(int slaves_n, int changes) {
  MasterProcess m("[cluster]\nheartbeat_interval = \"500ms\"\n");
  testing::ImportExamples(m, ".");
  std::vector<std::unique_ptr<SlaveProcess>> slaves;
  std::vector<std::string> ids;
  for (int i = 1; i <= slaves_n; ++i) {
    slaves.push_back(std::make_unique<SlaveProcess>("s" + std::to_string(i), m.address));
    ids.push_back(slaves.back()->id);
  }
  if (!testing::WaitFor([&] { return testing::AllCaughtUp(m, ids); })) {
    std::cerr << "slaves did not catch up\n";
    return 1;
  }
  auto admin = Admin(m.address);
  const std::string token = testing::Render(m, "e0:5f:b9:a1:00:01").filename;
  v1::Entity subscriber;
  {
    grpc::ClientContext c;
    v1::GetRequest get;
    get.set_kind(v1::ENTITY_KIND_SUBSCRIBER);
    get.set_key("sub-0001");
    if (!admin->Get(&c, get, &subscriber).ok()) return 1;
  }
  std::vector<double> latencies;
  for (int i = 0; i < changes; ++i) {
    const std::string name = "Bench Name " + std::to_string(i);
    subscriber.mutable_subscriber()->set_name(name);
    v1::WriteRequest request;
    *request.mutable_entity() = subscriber;
    v1::WriteResponse response;
    grpc::ClientContext c;
    const Clock::time_point start = Clock::now();
    if (!admin->Update(&c, request, &response).ok()) return 1;
    for (const auto& slave : slaves) {
      const Clock::time_point give_up = Clock::now() + std::chrono::seconds(10);
      while (FetchOnce(slave->tftp.port(), token).find(name) == std::string::npos) {
        if (Clock::now() > give_up) {
          std::cerr << slave->id << " never served change " << i << "\n";
          return 1;
        }
      }
    }
    latencies.push_back(Ms(Clock::now() - start));
  }
  std::printf(
      "propagation: %d changes, %d slaves: change -> every slave serving it p50 %.2f ms, "
      "p99 %.2f ms, max %.2f ms\n",
      changes, slaves_n, Percentile(latencies, 0.5), Percentile(latencies, 0.99),
      Percentile(latencies, 1.0));
  return 0;
}

int Snapshot(uint64_t devices) {
  // The baseline: a slave holding only the sample data.
  uint64_t base_kib = 0;
  {
    MasterProcess m0;
    testing::ImportExamples(m0, ".");
    SlaveProcess base("base", m0.address);
    if (!testing::WaitFor([&] { return testing::AllCaughtUp(m0, {"base"}); })) return 1;
    base_kib = RssKiB(base.daemon->pid());
  }
  MasterProcess m("[store]\ninitial_map_mib = 4096\n");
  testing::ImportExamples(m, ".");
  auto admin = Admin(m.address);
  const Clock::time_point fill = Clock::now();
  if (!Populate(*admin, devices, {"cisco-spa504g", "polycom-vvx411", "grandstream-grp2614"})) {
    std::cerr << "populating the master failed\n";
    return 1;
  }
  std::printf("snapshot: master filled with %llu devices + %llu subscribers in %.1f s\n",
              static_cast<unsigned long long>(devices), static_cast<unsigned long long>(devices),
              Ms(Clock::now() - fill) / 1000);
  const Clock::time_point start = Clock::now();
  SlaveProcess slave("fresh", m.address);
  if (!testing::WaitFor([&] { return testing::AllCaughtUp(m, {"fresh"}); },
                        std::chrono::minutes(5))) {
    std::cerr << "the slave did not catch up\n";
    return 1;
  }
  const double seconds = Ms(Clock::now() - start) / 1000;
  const std::string token = testing::Render(m, Mac(devices / 2)).filename;
  const bool serves = !FetchOnce(slave.tftp.port(), token).empty();
  const uint64_t kib = RssKiB(slave.daemon->pid());
  std::printf(
      "snapshot: fresh slave took %llu devices + %llu subscribers and served in %.2f s; "
      "RSS %.1f MiB (baseline %.1f MiB): %.0f bytes per device (device + subscriber)%s\n",
      static_cast<unsigned long long>(devices), static_cast<unsigned long long>(devices), seconds,
      kib / 1024.0, base_kib / 1024.0,
      (static_cast<double>(kib) - static_cast<double>(base_kib)) * 1024.0 /
          static_cast<double>(devices),
      serves ? "" : " (BUT A FETCH FAILED)");
  return serves ? 0 : 1;
}

int PrepareTftp(const std::string& master, uint64_t devices, const std::string& templates_dir,
                const std::string& out) {
  auto admin = Admin(master);
  std::vector<std::string> models;
  for (const auto& entry : std::filesystem::directory_iterator(templates_dir)) {
    if (entry.path().extension() != ".mustache") continue;
    std::string stem = entry.path().stem().string();  // e.g. cisco-spa.xml
    const std::string id = "bench-" + stem.substr(0, stem.find('.'));
    std::ifstream in(entry.path());
    std::stringstream body;
    body << in.rdbuf();
    v1::WriteRequest t;
    t.mutable_entity()->mutable_template_()->set_id(id);
    t.mutable_entity()->mutable_template_()->set_body(body.str());
    t.mutable_entity()->mutable_template_()->set_content_type(
        stem.find(".xml") != std::string::npos ? "application/xml" : "text/plain");
    v1::WriteResponse r;
    grpc::ClientContext c1;
    grpc::Status s = admin->Create(&c1, t, &r);
    if (!s.ok()) {
      std::cerr << "template " << id << ": " << s.error_message() << "\n";
      continue;
    }
    v1::WriteRequest model;
    model.mutable_entity()->mutable_model()->set_id(id);
    model.mutable_entity()->mutable_model()->set_vendor(stem.substr(0, stem.find('-')));
    model.mutable_entity()->mutable_model()->set_model("bench");
    model.mutable_entity()->mutable_model()->set_template_id(id);
    grpc::ClientContext c2;
    s = admin->Create(&c2, model, &r);
    if (!s.ok()) {
      std::cerr << "model " << id << ": " << s.error_message() << "\n";
      return 1;
    }
    models.push_back(id);
  }
  if (models.empty() || !Populate(*admin, devices, models)) return 1;
  std::filesystem::create_directories(out + "/files");
  std::ofstream names(out + "/names.txt");
  uint64_t bytes = 0;
  for (uint64_t i = 0; i < devices; ++i) {
    v1::RenderRequest request;
    request.set_mac(Mac(i));
    request.set_client_ip("127.0.0.1");
    request.set_server("127.0.0.1");
    v1::RenderResponse response;
    grpc::ClientContext c;
    grpc::Status s = admin->Render(&c, request, &response);
    if (!s.ok()) {
      std::cerr << "render " << Mac(i) << ": " << s.error_message() << "\n";
      return 1;
    }
    std::ofstream(out + "/files/" + response.filename(), std::ios::binary) << response.content();
    names << response.filename() << "\n";
    bytes += response.content().size();
  }
  std::printf("prepared %llu devices on %zu templates, average render %llu bytes\n",
              static_cast<unsigned long long>(devices), models.size(),
              static_cast<unsigned long long>(bytes / std::max<uint64_t>(devices, 1)));
  return 0;
}

int Main(int argc, char** argv) {
  CLI::App app{"provisor cluster benchmarks (real processes on 127.0.0.1)"};
  app.require_subcommand(1);
  int slaves = 4;
  int changes = 1000;
  uint64_t devices = 1'000'000;
  std::string master;
  std::string templates = "deploy/templates";
  std::string out;
  CLI::App* propagation = app.add_subcommand("propagation", "change -> every slave serving it");
  propagation->add_option("--slaves", slaves)->capture_default_str();
  propagation->add_option("--changes", changes)->capture_default_str();
  CLI::App* snapshot = app.add_subcommand("snapshot", "a fresh slave taking a big snapshot");
  snapshot->add_option("--devices", devices)->capture_default_str();
  CLI::App* prepare = app.add_subcommand("prepare-tftp", "devices, tokens and files for the "
                                                         "real-path TFTP benchmark");
  prepare->add_option("--master", master)->required();
  prepare->add_option("--devices", devices)->capture_default_str();
  prepare->add_option("--templates", templates)->capture_default_str();
  prepare->add_option("--out", out)->required();
  CLI11_PARSE(app, argc, argv);
  try {
    if (propagation->parsed()) return Propagation(slaves, changes);
    if (snapshot->parsed()) return Snapshot(devices);
    if (prepare->parsed()) return PrepareTftp(master, devices, templates, out);
  } catch (const std::exception& e) {
    std::cerr << "provisor-cluster-bench: " << e.what() << "\n";
    return 1;
  }
  return 2;
}

}  // namespace
}  // namespace provisor

int main(int argc, char** argv) { return provisor::Main(argc, argv); }
