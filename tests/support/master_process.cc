#include "tests/support/master_process.h"

#include <stdexcept>

namespace provisor::testing {

MasterProcess::MasterProcess(const std::string& extra_config) {
  config_path = conf.WriteFile("master.toml", "data_dir = \"" + data.path() +
                                                  "\"\ngrpc_listen = \"127.0.0.1:0\"\n"
                                                  "log_level = \"warn\"\n" + extra_config);
  daemon = std::make_unique<Daemon>("provisor-master",
                                    std::vector<std::string>{"--config", config_path}, 1);
  if (!daemon->ready()) {
    throw std::runtime_error("provisor-master did not start: " + daemon->output());
  }
  address = daemon->Address("master grpc").ToString();
}

CommandResult MasterProcess::Ctl(std::vector<std::string> args) const {
  args.insert(args.begin(),
              {std::string(PROVISOR_BIN_DIR) + "/provisorctl", "--master", address});
  return RunCommand(args, std::chrono::seconds(120));
}

}  // namespace provisor::testing
