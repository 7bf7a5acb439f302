// provisor-master: wiring only. Loads master.toml, opens the store, serves
// the Admin and Cluster APIs over gRPC (mutual TLS when [tls] is set),
// follows an upstream master when `upstream` is set (a relay: read-only
// admin, keys and revisions from the upstream), runs the periodic cluster
// chores (failure detection, stalled followers, token keys), prints one
// "listening ..." line per listener, and stops cleanly on SIGTERM/SIGINT.
#include <grpcpp/grpcpp.h>
#include <CLI/CLI.hpp>
#include <condition_variable>
#include <cstdio>
#include <iostream>
#include <thread>

#include "common/clock.h"
#include "common/cluster/follower.h"
#include "common/logging.h"
#include "common/termination_signals.h"
#include "common/socket_address.h"
#include "master/admin_service.h"
#include "master/cluster/balancer.h"
#include "master/cluster/balancer_service.h"
#include "master/cluster/cluster_service.h"
#include "master/cluster/registry.h"
#include "master/cluster/store_sink.h"
#include "master/cluster/sync_streamer.h"
#include "master/master_config.h"
#include "master/store/lmdb_store.h"
#include "proto/rpc_channel.h"

namespace {

int Fail(const std::string& message) {
  std::cerr << "provisor-master: " << message << "\n";
  return 1;
}

// Runs `chore` every `period` on its own thread until destroyed.
class Periodic {
 public:
  Periodic(provisor::Duration period, std::function<void()> chore)
      : thread_([this, period, chore = std::move(chore)] {
          std::unique_lock<std::mutex> lock(mu_);
          while (!cv_.wait_for(lock, period, [this] { return stop_; })) {
            lock.unlock();
            chore();
            lock.lock();
          }
        }) {}
  ~Periodic() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      stop_ = true;
    }
    cv_.notify_all();
    thread_.join();
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  std::thread thread_;
};

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"provisor-master: the system of record of a provisor farm"};
  std::string config_path;
  app.add_option("--config", config_path, "path to master.toml")->required();
  CLI11_PARSE(app, argc, argv);

  provisor::StatusOr<provisor::MasterConfig> config =
      provisor::LoadMasterConfigFile(config_path);
  if (!config.ok()) return Fail(config.status().message());
  provisor::StatusOr<provisor::Logger> logger =
      provisor::MakeStderrLogger("master", config->log_level);
  if (!logger.ok()) return Fail(logger.status().message());
  auto loaded_tls = provisor::LoadTls(config->tls);
  if (!loaded_tls.ok()) return Fail(loaded_tls.status().message());
  const std::shared_ptr<const provisor::TlsMaterial> tls = *loaded_tls;
  const bool relay = !config->upstream.empty();

  provisor::TerminationSignals signals;

  provisor::SystemClock clock;
  auto store = provisor::LmdbStore::Open(config->store, &clock);
  if (!store.ok()) return Fail(store.status().message());
  provisor::Store* db = store->get();

  provisor::GenerationOptions generation = config->generation;
  generation.create_keys = !relay;
  provisor::Generator generator(db, &clock, generation);
  provisor::AdminService admin(db, &generator, *logger, /*read_only=*/relay);
  provisor::SlaveRegistry registry(config->cluster, &clock);
  provisor::SyncOptions sync;
  sync.stall_timeout = config->stall_timeout;
  sync.rotate_every = generation.rotate_every;
  sync.token_ttl = generation.policy.ttl;
  sync.bind_client_ip = generation.policy.bind_client_ip;
  sync.default_class = generation.default_class;
  provisor::SyncStreamer streamer(db, &registry, &clock, sync, *logger);
  if (db->restoring()) streamer.SetUnavailable("this relay is restoring a snapshot");

  std::unique_ptr<provisor::StoreSink> sink;
  std::unique_ptr<provisor::Follower> follower;
  provisor::ClusterServiceInfo info;
  info.role = relay ? "relay" : "root";
  info.upstream = config->upstream;
  info.upstream_connected = [&follower] {
    return follower != nullptr && follower->stats().connected;
  };
  provisor::ClusterService cluster(&registry, db, &streamer, &clock, info);
  provisor::Balancer balancer(&registry, &clock);
  // A relay's store only follows its upstream: bindings are the root's.
  provisor::BindingRecorderOptions binding_options;
  binding_options.refresh = config->binding_refresh;
  provisor::BindingRecorder bindings(db, &clock, binding_options);
  provisor::BalancerService balancer_service(&balancer, &generator,
                                             relay ? nullptr : &bindings);

  grpc::ServerBuilder builder;
  int port = 0;
  builder.AddListeningPort(config->grpc_listen, provisor::MakeServerCredentials(tls.get()), &port);
  provisor::ConfigureServerBuilder(builder);
  builder.RegisterService(&admin);
  builder.RegisterService(&cluster);
  builder.RegisterService(&balancer_service);
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  if (server == nullptr || port == 0) return Fail("cannot listen on " + config->grpc_listen);
  provisor::StatusOr<provisor::SocketAddress> address =
      provisor::SocketAddress::Parse(config->grpc_listen);
  address->set_port(static_cast<uint16_t>(port));

  if (relay) {
    sink = std::make_unique<provisor::StoreSink>(db, &streamer, *logger);
    provisor::FollowerOptions follow;
    follow.id = "relay-" + address->ToString();
    follow.kind = provisor::v1::FOLLOWER_KIND_RELAY;
    follow.master = config->upstream;
    follow.address = address->ToString();
    follow.tls = tls;
    follower = std::make_unique<provisor::Follower>(follow, sink.get(), *logger);
    follower->Start();
  }
  // Failure detection and stalled followers at a fraction of the interval;
  // the root also keeps keys for the current and the next epoch in the
  // store, so every slave has them before tokens of that epoch exist.
  if (!relay) {
    provisor::StatusOr<provisor::KeyRing> keys = generator.Keys();
    if (!keys.ok()) (*logger)->error("token keys: {}", keys.status().message());
  }
  const provisor::Duration tick =
      std::max<provisor::Duration>(std::chrono::milliseconds(50), config->cluster.heartbeat_interval / 4);
  provisor::MonoTime last_keys = clock.Now();
  provisor::MonoTime last_bindings = clock.Now();
  Periodic chores(tick, [&] {
    registry.Tick();
    streamer.CancelStalled();
    if (clock.Now() - last_bindings >= std::chrono::seconds(1)) {
      last_bindings = clock.Now();
      bindings.Flush();
    }
    if (!relay && clock.Now() - last_keys >= std::chrono::seconds(10)) {
      last_keys = clock.Now();
      provisor::StatusOr<provisor::KeyRing> keys = generator.Keys();
      if (!keys.ok()) (*logger)->error("token keys: {}", keys.status().message());
    }
  });

  (*logger)->info("{} master serving {} at revision {}{}", info.role, config->store.data_dir,
                  db->revision(), relay ? " following " + config->upstream : std::string());
  std::printf("listening master grpc %s\n", address->ToString().c_str());
  std::fflush(stdout);

  const int signal_number = signals.Wait();
  (*logger)->info("signal {}: stopping", signal_number);
  if (follower != nullptr) follower->Stop();
  // In-flight calls get half a second, then are cancelled (an import in
  // progress keeps its committed batches; followers resume by delta).
  server->Shutdown(std::chrono::system_clock::now() + std::chrono::milliseconds(500));
  server->Wait();
  if (!relay) bindings.Flush();
  return 0;
}
