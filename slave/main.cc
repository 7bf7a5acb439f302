// provisor-slave: wiring only. Loads slave.toml, starts the TFTP engine with
// the right content provider (diagnostic, or the master's devices rendered
// per request), follows the master over Cluster.Sync, reports heartbeats,
// prints one "listening ..." line per listener, and stops cleanly on
// SIGTERM/SIGINT. Nothing is written to disk.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <iostream>

#include "common/clock.h"
#include "common/cluster/follower.h"
#include "common/logging.h"
#include "common/systemd_notify.h"
#include "common/termination_signals.h"
#include "slave/diagnostic_provider.h"
#include "slave/generation/provider.h"
#include "slave/generation/snapshot_sink.h"
#include "slave/heartbeat_sender.h"
#include "slave/load_report.h"
#include "slave/slave_config.h"
#include "slave/slave_metrics.h"
#include "common/http_config.h"
#include "common/http_server.h"
#include "slave/tftp/delivery_content_provider.h"
#include "slave/tftp/server.h"

namespace {

int Fail(const std::string& message) {
  std::cerr << "provisor-slave: " << message << "\n";
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"provisor-slave: serves device configurations over TFTP from memory"};
  std::string config_path;
  app.add_option("--config", config_path, "path to slave.toml")->required();
  CLI11_PARSE(app, argc, argv);

  provisor::StatusOr<provisor::SlaveConfig> config = provisor::LoadSlaveConfigFile(config_path);
  if (!config.ok()) return Fail(config.status().message());
  provisor::StatusOr<provisor::Logger> logger =
      provisor::MakeStderrLogger("slave", config->log_level);
  if (!logger.ok()) return Fail(logger.status().message());
  auto loaded_tls = provisor::LoadTls(config->tls);
  if (!loaded_tls.ok()) return Fail(loaded_tls.status().message());
  const std::shared_ptr<const provisor::TlsMaterial> tls = *loaded_tls;

  provisor::TerminationSignals signals;

  provisor::SystemClock clock;
  provisor::DiagnosticProvider diagnostic;
  provisor::SnapshotHolder snapshots;
  provisor::ProviderOptions provider_options;
  std::optional<provisor::StatusOr<provisor::SocketAddress>> advertised;
  if (!config->advertise.empty()) {
    advertised = provisor::SocketAddress::Parse(config->advertise);
    if (!advertised->ok()) return Fail("advertise: " + advertised->status().message());
  }
  provisor::GenerationProvider generation(&snapshots, provider_options, &clock);
  // TFTP is a door to the delivery core.
  provisor::tftp::DeliveryContentProvider generation_over_tftp(&generation);
  provisor::tftp::ContentProvider* provider = &generation_over_tftp;
  if (config->diagnostic_enabled) provider = &diagnostic;

  provisor::tftp::TftpServer server(config->tftp, provider, &clock, *logger);
  provisor::Status started = server.Start();
  if (!started.ok()) return Fail(started.message());

  // What devices are told to use: advertise, with the bound port when it
  // says 0, else the first bound address.
  std::string advertise = config->advertise;
  if (advertised.has_value()) {
    provisor::SocketAddress a = **advertised;
    if (a.port() == 0) a.set_port(server.bound_addresses().front().port());
    advertise = a.ToString();
  } else if (!config->diagnostic_enabled) {
    provisor::SocketAddress a = server.bound_addresses().front();
    if (a.HostString() != "0.0.0.0" && a.HostString() != "::") advertise = a.ToString();
  }
  if (!advertise.empty()) {
    provisor::SocketAddress a = *provisor::SocketAddress::Parse(advertise);
    generation.SetCluster(a.HostString(), a.port());
  }

  std::unique_ptr<provisor::SnapshotSink> sink;
  std::unique_ptr<provisor::Follower> follower;
  std::unique_ptr<provisor::LoadReport> report;
  std::unique_ptr<provisor::HeartbeatSender> heartbeats;
  if (!config->diagnostic_enabled) {
    sink = std::make_unique<provisor::SnapshotSink>(&snapshots, *logger);
    const std::string instance = provisor::RandomInstanceId();
    provisor::FollowerOptions follow;
    follow.id = config->id;
    follow.instance = instance;
    follow.kind = provisor::v1::FOLLOWER_KIND_SLAVE;
    follow.master = config->master;
    follow.address = advertise;
    follow.tls = tls;
    follower = std::make_unique<provisor::Follower>(follow, sink.get(), *logger);
    follower->Start();
    report = std::make_unique<provisor::LoadReport>(
        provisor::LoadReportIdentity{config->id, instance, advertise,
                                     static_cast<uint32_t>(config->weight)},
        &server, &generation, &snapshots, &clock);
    provisor::HeartbeatOptions beat;
    beat.master = config->master;
    beat.tls = tls;
    beat.clock = &clock;
    heartbeats = std::make_unique<provisor::HeartbeatSender>(
        beat,
        [&](provisor::v1::HeartbeatRequest* request) {
          report->Fill(request);
          sink->ReleaseRetired();
        },
        *logger);
    heartbeats->Start();
    (*logger)->info("SLAVE_STARTED slave '{}' following {} as {} on {} loop(s)", config->id,
                    config->master, advertise.empty() ? "(peer address)" : advertise,
                    server.threads());
  } else {
    (*logger)->info("SLAVE_STARTED slave '{}' serving diagnostic content on {} loop(s)",
                    config->id, server.threads());
  }
  // Prometheus /metrics on metrics_listen (off by default).
  provisor::SlaveMetricsSources sources;
  sources.server = &server;
  sources.provider = config->diagnostic_enabled ? nullptr : &generation;
  sources.snapshots = config->diagnostic_enabled ? nullptr : &snapshots;
  sources.follower = follower.get();
  sources.heartbeats = heartbeats.get();
  sources.sink = sink.get();
  sources.clock = &clock;
  provisor::SlaveMetrics metrics(sources);
  provisor::HttpServerOptions metrics_options;
  metrics_options.clock = &clock;
  if (provisor::Status s = provisor::ApplyHttpListenerConfig(config->metrics_http, &metrics_options);
      !s.ok()) {
    return Fail("[metrics_http]: " + s.message());
  }
  provisor::HttpServer metrics_http(
      [&metrics](const provisor::HttpRequest& request) {
        if (request.path != "/metrics") {
          return provisor::HttpResponse::Text(404, "only /metrics is served here\n");
        }
        provisor::HttpResponse response;
        response.content_type = provisor::kExpositionContentType;
        response.body = metrics.Exposition();
        return response;
      },
      metrics_options);
  metrics.set_http(&metrics_http.counters());
  std::optional<provisor::SocketAddress> metrics_address;
  if (!config->metrics_listen.empty()) {
    provisor::StatusOr<provisor::SocketAddress> bound = metrics_http.Listen(config->metrics_listen);
    if (!bound.ok()) return Fail("metrics_listen: " + bound.status().message());
    metrics_address = *bound;
    // Only now: a failed start above returns while the loops still serve.
    generation.set_render_seconds(metrics.render_seconds());
  }
  for (const provisor::SocketAddress& address : server.bound_addresses()) {
    std::printf("listening slave tftp %s\n", address.ToString().c_str());
  }
  if (metrics_address) {
    std::printf("listening slave %s %s\n", metrics_http.tls() ? "metrics-https" : "metrics",
                metrics_address->ToString().c_str());
  }
  std::fflush(stdout);

  // systemd (Type=notify): ready once every listener is printed above; the
  // watchdog is fed while every TFTP loop runs what is posted to it.
  provisor::ServiceNotifier notifier(
      [&server] { return server.Responsive(std::chrono::seconds(2)); }, *logger);
  notifier.Ready("slave '" + config->id + "' serving TFTP");

  const int signal_number = signals.Wait();
  notifier.Stopping();
  (*logger)->info("SLAVE_SHUTDOWN signal {}: stopping", signal_number);
  metrics_http.Stop();
  if (heartbeats != nullptr) heartbeats->Stop();
  if (follower != nullptr) follower->Stop();
  server.Stop();
  provisor::tftp::TftpStats stats = server.Stats();
  (*logger)->info("SLAVE_STOPPED {} transfers started, {} completed",
                  provisor::tftp::Get(stats, provisor::tftp::Counter::kTransfersStarted),
                  provisor::tftp::Get(stats, provisor::tftp::Outcome::kCompleted));
  return 0;
}
