// provisor-slave: wiring only. Loads slave.toml, starts the TFTP engine with
// the right content provider, prints one "listening ..." line per listener,
// and stops cleanly on SIGTERM/SIGINT.
#include <signal.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <iostream>

#include "common/clock.h"
#include "common/logging.h"
#include "slave/diagnostic_provider.h"
#include "slave/slave_config.h"
#include "slave/tftp/server.h"

int main(int argc, char** argv) {
  CLI::App app{"provisor-slave: serves device configurations over TFTP from memory"};
  std::string config_path;
  app.add_option("--config", config_path, "path to slave.toml")->required();
  CLI11_PARSE(app, argc, argv);

  provisor::StatusOr<provisor::SlaveConfig> config = provisor::LoadSlaveConfigFile(config_path);
  if (!config.ok()) {
    std::cerr << "provisor-slave: " << config.status().message() << "\n";
    return 1;
  }
  provisor::StatusOr<provisor::Logger> logger =
      provisor::MakeStderrLogger("slave", config->log_level);
  if (!logger.ok()) {
    std::cerr << "provisor-slave: " << logger.status().message() << "\n";
    return 1;
  }

  // Signals are taken synchronously by this thread; every other thread
  // inherits the blocked mask.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  signal(SIGPIPE, SIG_IGN);

  provisor::SystemClock clock;
  provisor::DiagnosticProvider diagnostic;
  provisor::tftp::TftpServer server(config->tftp, &diagnostic, &clock, *logger);
  provisor::Status started = server.Start();
  if (!started.ok()) {
    std::cerr << "provisor-slave: " << started.message() << "\n";
    return 1;
  }
  (*logger)->info("slave '{}' serving diagnostic content on {} loop(s)", config->id,
                  server.threads());
  for (const provisor::SocketAddress& address : server.bound_addresses()) {
    std::printf("listening slave tftp %s\n", address.ToString().c_str());
  }
  std::fflush(stdout);

  int signal_number = 0;
  sigwait(&signals, &signal_number);
  (*logger)->info("signal {}: stopping", signal_number);
  server.Stop();
  provisor::tftp::TftpStats stats = server.Stats();
  (*logger)->info("stopped: {} transfers started, {} completed",
                  provisor::tftp::Get(stats, provisor::tftp::Counter::kTransfersStarted),
                  provisor::tftp::Get(stats, provisor::tftp::Outcome::kCompleted));
  return 0;
}
