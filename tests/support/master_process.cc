#include "tests/support/master_process.h"

#include <stdexcept>

namespace provisor::testing {

MasterProcess::MasterProcess(const std::string& extra_config, std::vector<std::string> wrapper)
    : extra(extra_config), wrapper(std::move(wrapper)) {
  Start("127.0.0.1:0");
}

void MasterProcess::Start(const std::string& listen) {
  const std::string where = listen.empty() ? address : listen;
  // Top-level keys must come before any table: extra goes last. The HTTP
  // listener is off unless `extra` sets http_listen (then it is awaited).
  const bool http = extra.find("http_listen") != std::string::npos;
  // The key file goes in conf, which the test removes (the default is a
  // directory next to data_dir).
  key_file = extra.find("[keys]") == std::string::npos ? conf.path() + "/token-master.key" : "";
  config_path = conf.WriteFile(
      "master.toml", "data_dir = \"" + data.path() + "\"\ngrpc_listen = \"" + where + "\"\n"
                     "log_level = \"warn\"\n" + (http ? "" : "http_listen = \"off\"\n") + extra +
                     (key_file.empty() ? "" : "\n[keys]\nmaster_key_file = \"" + key_file + "\"\n"));
  daemon = std::make_unique<Daemon>("provisor-master",
                                    std::vector<std::string>{"--config", config_path},
                                    http ? 2 : 1, wrapper);
  if (!daemon->ready()) {
    throw std::runtime_error("provisor-master did not start: " + daemon->output());
  }
  address = daemon->Address("master grpc").ToString();
  http_address = http ? daemon->Address("master http").ToString() : std::string();
}

void MasterProcess::Stop(int signal) {
  if (daemon != nullptr) daemon->Stop(signal);
  daemon.reset();
}

CommandResult MasterProcess::Ctl(std::vector<std::string> args) const {
  args.insert(args.begin(),
              {std::string(PROVISOR_BIN_DIR) + "/provisorctl", "--master", address});
  return RunCommand(args, std::chrono::seconds(120));
}

}  // namespace provisor::testing
