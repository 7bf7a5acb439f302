// provisor-master: wiring only. Loads master.toml, opens the store, serves
// the Admin API over gRPC, prints one "listening ..." line per listener, and
// stops cleanly on SIGTERM/SIGINT.
#include <grpcpp/grpcpp.h>
#include <signal.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <iostream>

#include "common/clock.h"
#include "common/logging.h"
#include "common/socket_address.h"
#include "master/admin_service.h"
#include "master/master_config.h"
#include "master/store/lmdb_store.h"

int main(int argc, char** argv) {
  CLI::App app{"provisor-master: the system of record of a provisor farm"};
  std::string config_path;
  app.add_option("--config", config_path, "path to master.toml")->required();
  CLI11_PARSE(app, argc, argv);

  auto fail = [](const std::string& message) {
    std::cerr << "provisor-master: " << message << "\n";
    return 1;
  };
  provisor::StatusOr<provisor::MasterConfig> config =
      provisor::LoadMasterConfigFile(config_path);
  if (!config.ok()) return fail(config.status().message());
  provisor::StatusOr<provisor::Logger> logger =
      provisor::MakeStderrLogger("master", config->log_level);
  if (!logger.ok()) return fail(logger.status().message());

  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  signal(SIGPIPE, SIG_IGN);

  provisor::SystemClock clock;
  auto store = provisor::LmdbStore::Open(config->store, &clock);
  if (!store.ok()) return fail(store.status().message());

  provisor::Generator generator(store->get(), &clock, config->generation);
  provisor::AdminService admin(store->get(), &generator, *logger);
  grpc::ServerBuilder builder;
  int port = 0;
  builder.AddListeningPort(config->grpc_listen, grpc::InsecureServerCredentials(), &port);
  builder.RegisterService(&admin);
  builder.SetMaxReceiveMessageSize(16 << 20);
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  if (server == nullptr || port == 0) {
    return fail("cannot listen on " + config->grpc_listen);
  }
  provisor::StatusOr<provisor::SocketAddress> address =
      provisor::SocketAddress::Parse(config->grpc_listen);
  address->set_port(static_cast<uint16_t>(port));
  (*logger)->info("master serving {} at revision {}", config->store.data_dir,
                  (*store)->revision());
  std::printf("listening master grpc %s\n", address->ToString().c_str());
  std::fflush(stdout);

  int signal_number = 0;
  sigwait(&signals, &signal_number);
  (*logger)->info("signal {}: stopping", signal_number);
  // In-flight calls get half a second, then are cancelled (an import in
  // progress keeps its committed batches).
  server->Shutdown(std::chrono::system_clock::now() + std::chrono::milliseconds(500));
  server->Wait();
  return 0;
}
