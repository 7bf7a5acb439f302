// provisor-master: CLI, config, logger, signals and wiring only. Loads
// master.toml, builds a MasterServer (store, Admin and Cluster APIs over
// gRPC, mutual TLS when [tls] is set, a relay's follower when `upstream` is
// set, the NOC and the periodic cluster chores), prints one
// "listening ..." line per listener, tells systemd, and stops cleanly on
// SIGTERM/SIGINT.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <iostream>

#include "common/clock.h"
#include "common/logging.h"
#include "common/systemd_notify.h"
#include "common/termination_signals.h"
#include "master/master_config.h"
#include "master/master_server.h"

namespace {

int Fail(const std::string& message) {
  std::cerr << "provisor-master: " << message << "\n";
  return 1;
}

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
  auto tls = provisor::LoadTls(config->tls);
  if (!tls.ok()) return Fail(tls.status().message());

  // Before any thread starts, so that every thread blocks them.
  provisor::TerminationSignals signals;

  provisor::SystemClock clock;
  provisor::StatusOr<std::unique_ptr<provisor::MasterServer>> master =
      provisor::MasterServer::Create(*config, *tls, &clock, *logger);
  if (!master.ok()) return Fail(master.status().message());
  provisor::StatusOr<provisor::MasterAddresses> addresses = (*master)->Start();
  if (!addresses.ok()) return Fail(addresses.status().message());

  std::printf("listening master grpc %s\n", addresses->grpc.ToString().c_str());
  if (addresses->http) {
    std::printf("listening master %s %s\n", addresses->https ? "https" : "http",
                addresses->http->ToString().c_str());
  }
  std::fflush(stdout);

  // systemd (Type=notify): ready once every listener is printed above; the
  // watchdog is fed while the chores keep running.
  provisor::MasterServer* server = master->get();
  provisor::ServiceNotifier notifier([server] { return server->Healthy(); }, *logger);
  notifier.Ready(server->role() + " master serving at revision " +
                 std::to_string(server->revision()));

  const int signal_number = signals.Wait();
  notifier.Stopping();
  (*logger)->info("MASTER_SHUTDOWN signal {}: stopping", signal_number);
  server->Stop();
  return 0;
}
