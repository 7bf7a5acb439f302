// provisor-master: wiring only. Loads master.toml, opens the store, serves
// the Admin and Cluster APIs over gRPC (mutual TLS when [tls] is set),
// follows an upstream master when `upstream` is set (a relay: read-only
// admin, keys and revisions from the upstream), runs the periodic cluster
// chores (failure detection, stalled followers, token keys), prints one
// "listening ..." line per listener, and stops cleanly on SIGTERM/SIGINT.
#include <grpcpp/grpcpp.h>
#include <CLI/CLI.hpp>
#include <atomic>
#include <condition_variable>
#include <cstdio>
#include <iostream>
#include <thread>

#include "common/clock.h"
#include "common/cluster/follower.h"
#include "common/logging.h"
#include "common/termination_signals.h"
#include "common/socket_address.h"
#include "common/systemd_notify.h"
#include "master/admin_service.h"
#include "master/auth/rpc_authorizer.h"
#include "master/cluster/balancer.h"
#include "master/cluster/balancer_service.h"
#include "master/cluster/cluster_service.h"
#include "master/cluster/epoch_watch.h"
#include "master/cluster/event_log.h"
#include "master/cluster/registry.h"
#include "master/cluster/store_sink.h"
#include "master/cluster/sync_streamer.h"
#include "master/keys/sealing_store.h"
#include "master/keys/token_key_vault.h"
#include "master/master_config.h"
#include "master/noc/history.h"
#include "master/noc/master_metrics.h"
#include "master/noc/noc_http.h"
#include "master/noc/noc_view.h"
#include "common/http_config.h"
#include "common/http_server.h"
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
  // Token keys are sealed at rest under the master key file; only the
  // generator, the Sync streamer and a relay's sink see them opened.
  auto sealer = provisor::OpenTokenKeyVault(config->master_key_file, config->store.data_dir,
                                            store->get(), *logger);
  if (!sealer.ok()) return Fail(sealer.status().message());
  provisor::KeySealingStore keyed(db, sealer->get());

  provisor::GenerationOptions generation = config->generation;
  generation.create_keys = !relay;
  provisor::Generator generator(&keyed, &clock, generation);
  // Without TLS the listener is loopback (or the operator said insecure):
  // plaintext callers are trusted with every role.
  if (tls == nullptr) {
    if (config->insecure) {
      (*logger)->warn("AUTH_INSECURE [auth] insecure = true: plaintext gRPC on {} trusts every caller as admin; "
                      "HTTP on {} may be plaintext (its reads still need a token off loopback)",
                      config->grpc_listen, config->http_listen.empty() ? "off" : config->http_listen);
    } else {
      (*logger)->info("AUTH_LOOPBACK gRPC on {} is plaintext on loopback: local callers are "
                      "trusted with every role", config->grpc_listen);
    }
  }
  provisor::RpcAuthorizer authorizer(
      provisor::RpcAuthorizerOptions{/*trust_plaintext=*/tls == nullptr}, &clock, *logger);
  provisor::AdminService admin(db, &generator, &authorizer, *logger, /*read_only=*/relay);
  // Slave transitions, key rotations and imports: the NOC's event list and
  // one log line each.
  provisor::EventLog events(&clock, config->cluster.max_events, *logger);
  admin.set_events(&events);
  provisor::SlaveRegistry registry(config->cluster, &clock, &events);
  registry.set_store_revision([db] { return db->revision(); });
  provisor::SyncOptions sync;
  sync.stall_timeout = config->stall_timeout;
  sync.rotate_every = generation.rotate_every;
  sync.token_ttl = generation.policy.ttl;
  sync.bind_client_ip = generation.policy.bind_client_ip;
  sync.default_class = generation.default_class;
  provisor::SyncStreamer streamer(&keyed, &registry, &clock, sync, *logger);
  if (db->restoring()) streamer.SetUnavailable("this relay is restoring a snapshot");

  std::unique_ptr<provisor::StoreSink> sink;
  std::unique_ptr<provisor::Follower> follower;
  provisor::ClusterServiceInfo info;
  info.role = relay ? "relay" : "root";
  info.upstream = config->upstream;
  // Read from gRPC and HTTP threads, which start before the follower exists
  // (it needs the bound address): published through an atomic.
  std::atomic<const provisor::Follower*> follower_view{nullptr};
  info.upstream_connected = [&follower_view] {
    const provisor::Follower* f = follower_view.load(std::memory_order_acquire);
    return f != nullptr && f->stats().connected;
  };
  provisor::ClusterService cluster(&registry, db, &streamer, &clock, &authorizer, info);
  provisor::Balancer balancer(&registry, &clock);
  // A relay's store only follows its upstream: bindings are the root's.
  provisor::BindingRecorderOptions binding_options;
  binding_options.refresh = config->binding_refresh;
  provisor::BindingRecorder bindings(db, &clock, binding_options);
  provisor::BalancerService balancer_service(&balancer, &generator,
                                             relay ? nullptr : &bindings, &authorizer);

  // The NOC: dashboard, JSON API and /metrics on http_listen.
  provisor::ClusterHistory history;
  provisor::NocContext noc;
  noc.clock = &clock;
  noc.registry = &registry;
  noc.store = db;
  noc.balancer = &balancer;
  noc.next_server = &balancer_service.counters();
  noc.imports = &admin.import_counters();
  noc.history = &history;
  noc.events = &events;
  noc.role = info.role;
  noc.upstream = info.upstream;
  noc.upstream_connected = info.upstream_connected;
  noc.rotate_every = generation.rotate_every;
  noc.bind_client_ip = generation.policy.bind_client_ip;
  noc.bindings = relay ? nullptr : &bindings.counters();
  provisor::FrontEndStats front_ends(&clock);
  balancer_service.set_front_ends(&front_ends);
  noc.front_ends = &front_ends;
  noc.authorizer = &authorizer;
  provisor::MasterMetrics metrics(&noc);
  balancer_service.set_latency(metrics.next_server_latency());
  provisor::NocHttp noc_http(&noc, &metrics,
                             provisor::NocHttpOptions{config->api_tokens, *logger});
  noc.http = &noc_http.counters();
  provisor::HttpServerOptions http_options;
  http_options.clock = &clock;
  if (provisor::Status s = provisor::ApplyHttpListenerConfig(config->http, &http_options);
      !s.ok()) {
    return Fail("[http]: " + s.message());
  }
  provisor::HttpServer http(
      [&noc_http](const provisor::HttpRequest& request) { return noc_http.Handle(request); },
      http_options);
  noc.http_server = &http.counters();

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
  std::optional<provisor::SocketAddress> http_address;
  if (!config->http_listen.empty()) {
    provisor::StatusOr<provisor::SocketAddress> bound = http.Listen(config->http_listen);
    if (!bound.ok()) return Fail("http_listen: " + bound.status().message());
    http_address = *bound;
  }

  if (relay) {
    sink = std::make_unique<provisor::StoreSink>(&keyed, &streamer, *logger);
    provisor::FollowerOptions follow;
    // Under mutual TLS the upstream accepts a relay only under the name its
    // certificate gives.
    follow.id = "relay-" + address->ToString();
    if (tls != nullptr) {
      provisor::StatusOr<provisor::Identity> own = provisor::IdentityFromCertificate(tls->cert_pem);
      if (!own.ok()) return Fail("[tls] cert: " + own.status().message());
      follow.id = own->name;
    }
    follow.kind = provisor::v1::FOLLOWER_KIND_RELAY;
    follow.master = config->upstream;
    follow.address = address->ToString();
    follow.tls = tls;
    follower = std::make_unique<provisor::Follower>(follow, sink.get(), *logger);
    follower_view.store(follower.get(), std::memory_order_release);
    follower->Start();
  }
  // Failure detection and stalled followers at a fraction of the interval;
  // the root also keeps keys for the current and the next epoch in the
  // store, so every slave has them before tokens of that epoch exist.
  if (!relay) {
    provisor::StatusOr<provisor::KeyRing> keys = generator.Keys();
    if (!keys.ok()) {
      (*logger)->error("TOKEN_KEYS_FAILED token keys: {}", keys.status().message());
    }
  }
  const provisor::Duration tick =
      std::max<provisor::Duration>(std::chrono::milliseconds(50), config->cluster.heartbeat_interval / 4);
  provisor::MonoTime last_keys = clock.Now();
  provisor::MonoTime last_bindings = clock.Now();
  provisor::MonoTime last_sample = clock.Now();
  provisor::EpochWatch epochs(generation.rotate_every, clock.WallNow());
  const auto sample_history = [&] {
    std::map<std::string, double> transfers;
    for (const provisor::SlaveStatus& s : registry.Slaves()) {
      if (s.heard && s.state != provisor::SlaveState::kDown) transfers[s.id] = s.last.transfers_per_s;
    }
    history.Record(clock.WallNow(), clock.Now(), transfers, balancer.AnswerCounts());
  };
  sample_history();  // the baseline for the first rates
  // When the chores last completed: the service watchdog's liveness check.
  std::atomic<int64_t> last_chore_ns{clock.Now().time_since_epoch().count()};
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
      if (!keys.ok()) {
        (*logger)->error("TOKEN_KEYS_FAILED token keys: {}", keys.status().message());
      }
    }
    if (clock.Now() - last_sample >= history.options().step) {
      last_sample = clock.Now();
      sample_history();
    }
    if (std::optional<std::string> rotated = epochs.Check(clock.WallNow())) {
      events.Add("key-rotation", "", *rotated);
    }
    last_chore_ns.store(clock.Now().time_since_epoch().count());
  });

  (*logger)->info("MASTER_STARTED {} master serving {} at revision {}{}", info.role,
                  config->store.data_dir, db->revision(),
                  relay ? " following " + config->upstream : std::string());
  std::printf("listening master grpc %s\n", address->ToString().c_str());
  if (http_address) {
    std::printf("listening master %s %s\n", http.tls() ? "https" : "http",
                http_address->ToString().c_str());
  }
  std::fflush(stdout);

  // systemd (Type=notify): ready once every listener is printed above; the
  // watchdog is fed while the chores keep running: a chore may take a while
  // (an fsync of bindings or keys), so allow 3 ticks or 5 s, whichever is
  // longer.
  provisor::ServiceNotifier notifier(
      [&] {
        const provisor::Duration slack =
            std::max<provisor::Duration>(3 * tick, std::chrono::seconds(5));
        return clock.Now().time_since_epoch().count() - last_chore_ns.load() <= slack.count();
      },
      *logger);
  notifier.Ready(info.role + " master serving at revision " + std::to_string(db->revision()));

  const int signal_number = signals.Wait();
  notifier.Stopping();
  (*logger)->info("MASTER_SHUTDOWN signal {}: stopping", signal_number);
  if (follower != nullptr) follower->Stop();
  // In-flight calls get half a second, then are cancelled (an import in
  // progress keeps its committed batches; followers resume by delta).
  server->Shutdown(std::chrono::system_clock::now() + std::chrono::milliseconds(500));
  server->Wait();
  http.Stop();
  if (!relay) bindings.Flush();
  return 0;
}
