#include "master/master_server.h"

#include <grpcpp/grpcpp.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <map>
#include <mutex>
#include <thread>

#include "common/cluster/follower.h"
#include "common/http_config.h"
#include "common/http_server.h"
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
#include "master/noc/history.h"
#include "master/noc/master_metrics.h"
#include "master/noc/noc_http.h"
#include "master/noc/noc_view.h"
#include "master/store/lmdb_store.h"
#include "proto/rpc_channel.h"

namespace provisor {
namespace {

// Calls schedule->RunDue() on its own thread, waiting on the injected clock's
// time between runs, until destroyed.
class ChoreRunner {
 public:
  ChoreRunner(ChoreSchedule* schedule, const Clock* clock)
      : thread_([this, schedule, clock] {
          std::unique_lock<std::mutex> lock(mu_);
          while (!stop_) {
            lock.unlock();
            const MonoTime next = schedule->RunDue();
            lock.lock();
            if (next == MonoTime::max()) {
              cv_.wait(lock, [this] { return stop_; });
            } else {
              cv_.wait_for(lock, std::max(Duration::zero(), next - clock->Now()),
                           [this] { return stop_; });
            }
          }
        }) {}
  ~ChoreRunner() {
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
  bool stop_ = false;  // protected by mu_
  std::thread thread_;
};

}  // namespace

// Declared in the order main built them, so they are destroyed in reverse.
struct MasterServer::Parts {
  MasterConfig config;
  std::shared_ptr<const TlsMaterial> tls;
  Clock* clock = nullptr;
  Logger logger;
  bool relay = false;
  Duration tick{};

  std::unique_ptr<LmdbStore> store;
  Store* db = nullptr;
  std::unique_ptr<KeySealer> sealer;
  std::unique_ptr<KeySealingStore> keyed;
  GenerationOptions generation;
  std::unique_ptr<Generator> generator;
  std::unique_ptr<RpcAuthorizer> authorizer;
  std::unique_ptr<AdminService> admin;
  std::unique_ptr<EventLog> events;
  std::unique_ptr<SlaveRegistry> registry;
  std::unique_ptr<SyncStreamer> streamer;
  std::unique_ptr<StoreSink> sink;
  std::unique_ptr<Follower> follower;
  ClusterServiceInfo info;
  // Read from gRPC and HTTP threads, which start before the follower exists
  // (it needs the bound address): published through an atomic.
  std::atomic<const Follower*> follower_view{nullptr};
  std::unique_ptr<ClusterService> cluster;
  std::unique_ptr<Balancer> balancer;
  std::unique_ptr<BindingRecorder> bindings;
  std::unique_ptr<BalancerService> balancer_service;
  ClusterHistory history;
  NocContext noc;
  std::unique_ptr<FrontEndStats> front_ends;
  std::unique_ptr<MasterMetrics> metrics;
  std::unique_ptr<NocHttp> noc_http;
  std::unique_ptr<HttpServer> http;
  std::unique_ptr<grpc::Server> server;
  std::unique_ptr<EpochWatch> epochs;
  std::unique_ptr<ChoreSchedule> chores;
  std::unique_ptr<ChoreRunner> runner;
  bool started = false;
  bool stopped = false;

  void SampleHistory() {
    std::map<std::string, double> transfers;
    for (const SlaveStatus& s : registry->Slaves()) {
      if (s.heard && s.state != SlaveState::kDown) transfers[s.id] = s.last.transfers_per_s;
    }
    history.Record(clock->WallNow(), clock->Now(), transfers, balancer->AnswerCounts());
  }

  void KeepKeys() {
    StatusOr<KeyRing> keys = generator->Keys();
    if (!keys.ok()) logger->error("TOKEN_KEYS_FAILED token keys: {}", keys.status().message());
  }

  // Failure detection and stalled followers at a fraction of the heartbeat
  // interval; the root also keeps keys for the current and the next epoch in
  // the store, so every slave has them before tokens of that epoch exist.
  void AddChores() {
    chores = std::make_unique<ChoreSchedule>(clock);
    chores->Add("registry-tick", tick, [this] {
      registry->Tick();
      return Status::Ok();
    });
    chores->Add("stalled-followers", tick, [this] {
      streamer->CancelStalled();
      return Status::Ok();
    });
    chores->Add("binding-flush", std::chrono::seconds(1), [this] {
      bindings->Flush();
      return Status::Ok();
    });
    if (!relay) {
      chores->Add("token-keys", std::chrono::seconds(10), [this] {
        KeepKeys();  // logs its own failure (TOKEN_KEYS_FAILED)
        return Status::Ok();
      });
    }
    chores->Add("history-sample", history.options().step, [this] {
      SampleHistory();
      return Status::Ok();
    });
    chores->Add("epoch-rotation", tick, [this] {
      if (std::optional<std::string> rotated = epochs->Check(clock->WallNow())) {
        events->Add("key-rotation", "", *rotated);
      }
      return Status::Ok();
    });
  }
};

StatusOr<std::unique_ptr<MasterServer>> MasterServer::Create(
    const MasterConfig& config, std::shared_ptr<const TlsMaterial> tls, Clock* clock,
    Logger logger) {
  auto p = std::make_unique<Parts>();
  p->config = config;
  p->tls = std::move(tls);
  p->clock = clock;
  p->logger = std::move(logger);
  p->relay = !config.upstream.empty();
  p->tick = std::max<Duration>(std::chrono::milliseconds(50),
                               config.cluster.heartbeat_interval / 4);
  const bool relay = p->relay;
  const Logger& log = p->logger;

  auto store = LmdbStore::Open(config.store, clock);
  if (!store.ok()) return store.status();
  p->store = std::move(*store);
  p->db = p->store.get();
  Store* db = p->db;
  // Token keys are sealed at rest under the master key file; only the
  // generator, the Sync streamer and a relay's sink see them opened.
  auto sealer =
      OpenTokenKeyVault(config.master_key_file, config.store.data_dir, p->store.get(), log);
  if (!sealer.ok()) return sealer.status();
  p->sealer = std::move(*sealer);
  p->keyed = std::make_unique<KeySealingStore>(db, p->sealer.get());

  p->generation = config.generation;
  p->generation.create_keys = !relay;
  const GenerationOptions& generation = p->generation;
  p->generator = std::make_unique<Generator>(p->keyed.get(), clock, generation);
  // Without TLS the listener is loopback (or the operator said insecure):
  // plaintext callers are trusted with every role.
  if (p->tls == nullptr) {
    if (config.insecure) {
      log->warn("AUTH_INSECURE [auth] insecure = true: plaintext gRPC on {} trusts every caller as admin; "
                "HTTP on {} may be plaintext (its reads still need a token off loopback)",
                config.grpc_listen, config.http_listen.empty() ? "off" : config.http_listen);
    } else {
      log->info("AUTH_LOOPBACK gRPC on {} is plaintext on loopback: local callers are "
                "trusted with every role", config.grpc_listen);
    }
  }
  p->authorizer = std::make_unique<RpcAuthorizer>(
      RpcAuthorizerOptions{/*trust_plaintext=*/p->tls == nullptr}, clock, log);
  p->admin = std::make_unique<AdminService>(db, p->generator.get(), p->authorizer.get(), log,
                                            /*read_only=*/relay);
  // Slave transitions, key rotations and imports: the NOC's event list and
  // one log line each.
  p->events = std::make_unique<EventLog>(clock, config.cluster.max_events, log);
  p->admin->set_events(p->events.get());
  p->registry = std::make_unique<SlaveRegistry>(config.cluster, clock, p->events.get());
  p->registry->set_store_revision([db] { return db->revision(); });
  SyncOptions sync;
  sync.stall_timeout = config.stall_timeout;
  sync.rotate_every = generation.rotate_every;
  sync.token_ttl = generation.policy.ttl;
  sync.bind_client_ip = generation.policy.bind_client_ip;
  sync.default_class = generation.default_class;
  p->streamer =
      std::make_unique<SyncStreamer>(p->keyed.get(), p->registry.get(), clock, sync, log);
  if (db->restoring()) p->streamer->SetUnavailable("this relay is restoring a snapshot");

  p->info.role = relay ? "relay" : "root";
  p->info.upstream = config.upstream;
  Parts* raw = p.get();
  p->info.upstream_connected = [raw] {
    const Follower* f = raw->follower_view.load(std::memory_order_acquire);
    return f != nullptr && f->stats().connected;
  };
  p->cluster = std::make_unique<ClusterService>(p->registry.get(), db, p->streamer.get(), clock,
                                                p->authorizer.get(), p->info);
  p->balancer = std::make_unique<Balancer>(p->registry.get(), clock);
  // A relay's store only follows its upstream: bindings are the root's.
  BindingRecorderOptions binding_options;
  binding_options.refresh = config.binding_refresh;
  p->bindings = std::make_unique<BindingRecorder>(db, clock, binding_options);
  p->balancer_service = std::make_unique<BalancerService>(
      p->balancer.get(), p->generator.get(), relay ? nullptr : p->bindings.get(),
      p->authorizer.get());

  // The NOC: dashboard, JSON API and /metrics on http_listen.
  NocContext& noc = p->noc;
  noc.clock = clock;
  noc.registry = p->registry.get();
  noc.store = db;
  noc.balancer = p->balancer.get();
  noc.next_server = &p->balancer_service->counters();
  noc.imports = &p->admin->import_counters();
  noc.history = &p->history;
  noc.events = p->events.get();
  noc.role = p->info.role;
  noc.upstream = p->info.upstream;
  noc.upstream_connected = p->info.upstream_connected;
  noc.rotate_every = generation.rotate_every;
  noc.bind_client_ip = generation.policy.bind_client_ip;
  noc.bindings = relay ? nullptr : &p->bindings->counters();
  p->front_ends = std::make_unique<FrontEndStats>(clock);
  p->balancer_service->set_front_ends(p->front_ends.get());
  noc.front_ends = p->front_ends.get();
  noc.authorizer = p->authorizer.get();
  p->metrics = std::make_unique<MasterMetrics>(&noc);
  p->balancer_service->set_latency(p->metrics->next_server_latency());
  p->noc_http =
      std::make_unique<NocHttp>(&noc, p->metrics.get(), NocHttpOptions{config.api_tokens, log});
  noc.http = &p->noc_http->counters();
  HttpServerOptions http_options;
  http_options.clock = clock;
  if (Status s = ApplyHttpListenerConfig(config.http, &http_options); !s.ok()) {
    return Status(s.code(), "[http]: " + s.message());
  }
  NocHttp* noc_http = p->noc_http.get();
  p->http = std::make_unique<HttpServer>(
      [noc_http](const HttpRequest& request) { return noc_http->Handle(request); },
      http_options);
  noc.http_server = &p->http->counters();

  p->epochs = std::make_unique<EpochWatch>(generation.rotate_every, clock->WallNow());
  p->SampleHistory();  // the baseline for the first rates
  p->AddChores();
  return std::unique_ptr<MasterServer>(new MasterServer(std::move(p)));
}

MasterServer::MasterServer(std::unique_ptr<Parts> parts) : parts_(std::move(parts)) {}

MasterServer::~MasterServer() { Stop(); }

StatusOr<MasterAddresses> MasterServer::Start() {
  Parts& p = *parts_;
  const MasterConfig& config = p.config;
  if (p.started) return FailedPreconditionError("the master was started already");
  p.started = true;

  grpc::ServerBuilder builder;
  int port = 0;
  builder.AddListeningPort(config.grpc_listen, MakeServerCredentials(p.tls.get()), &port);
  ConfigureServerBuilder(builder);
  builder.RegisterService(p.admin.get());
  builder.RegisterService(p.cluster.get());
  builder.RegisterService(p.balancer_service.get());
  p.server = builder.BuildAndStart();
  if (p.server == nullptr || port == 0) {
    return UnavailableError("cannot listen on " + config.grpc_listen);
  }
  StatusOr<SocketAddress> address = SocketAddress::Parse(config.grpc_listen);
  if (!address.ok()) return address.status();
  address->set_port(static_cast<uint16_t>(port));
  MasterAddresses bound;
  bound.grpc = *address;
  if (!config.http_listen.empty()) {
    StatusOr<SocketAddress> http_address = p.http->Listen(config.http_listen);
    if (!http_address.ok()) {
      return Status(http_address.status().code(),
                    "http_listen: " + http_address.status().message());
    }
    bound.http = *http_address;
    bound.https = p.http->tls();
  }

  if (p.relay) {
    p.sink = std::make_unique<StoreSink>(p.keyed.get(), p.streamer.get(), p.logger);
    FollowerOptions follow;
    // Under mutual TLS the upstream accepts a relay only under the name its
    // certificate gives.
    follow.id = "relay-" + address->ToString();
    if (p.tls != nullptr) {
      StatusOr<Identity> own = IdentityFromCertificate(p.tls->cert_pem);
      if (!own.ok()) return Status(own.status().code(), "[tls] cert: " + own.status().message());
      follow.id = own->name;
    }
    follow.kind = v1::FOLLOWER_KIND_RELAY;
    follow.master = config.upstream;
    follow.address = address->ToString();
    follow.tls = p.tls;
    p.follower = std::make_unique<Follower>(follow, p.sink.get(), p.logger);
    p.follower_view.store(p.follower.get(), std::memory_order_release);
    p.follower->Start();
  }
  if (!p.relay) p.KeepKeys();
  p.runner = std::make_unique<ChoreRunner>(p.chores.get(), p.clock);

  p.logger->info("MASTER_STARTED {} master serving {} at revision {}{}", p.info.role,
                 config.store.data_dir, p.db->revision(),
                 p.relay ? " following " + config.upstream : std::string());
  return bound;
}

void MasterServer::Stop() {
  Parts& p = *parts_;
  if (!p.started || p.stopped) return;
  p.stopped = true;
  if (p.follower != nullptr) p.follower->Stop();
  // In-flight calls get half a second, then are cancelled (an import in
  // progress keeps its committed batches; followers resume by delta). The
  // deadline is gRPC's own, on the real clock.
  if (p.server != nullptr) {
    p.server->Shutdown(std::chrono::system_clock::now() + std::chrono::milliseconds(500));
    p.server->Wait();
  }
  p.http->Stop();
  p.runner.reset();
  if (!p.relay) p.bindings->Flush();
}

bool MasterServer::Healthy() const {
  // A chore may take a while (an fsync of bindings or keys): allow 3 ticks
  // or 5 s, whichever is longer.
  const Parts& p = *parts_;
  const Duration slack = std::max<Duration>(3 * p.tick, std::chrono::seconds(5));
  return p.clock->Now() - p.chores->last_run() <= slack;
}

const std::string& MasterServer::role() const { return parts_->info.role; }
uint64_t MasterServer::revision() const { return parts_->db->revision(); }
Duration MasterServer::chore_tick() const { return parts_->tick; }
ChoreSchedule& MasterServer::chores() { return *parts_->chores; }

}  // namespace provisor
