#include "tests/support/diag_slave.h"

#include <stdexcept>

namespace provisor::testing {

std::unique_ptr<DiagSlave> StartDiagSlave(const std::string& tftp_settings,
                                          const std::vector<std::string>& listen,
                                          const std::vector<std::string>& wrapper) {
  auto slave = std::make_unique<DiagSlave>();
  std::string list;
  for (const std::string& l : listen) list += (list.empty() ? "\"" : ", \"") + l + "\"";
  std::string config = "id = \"test\"\nlog_level = \"warn\"\ntftp_listen = [" + list +
                       "]\n[tftp]\n" + tftp_settings + "\n[diagnostic]\nenabled = true\n";
  std::string path = slave->dir.WriteFile("slave.toml", config);
  slave->daemon = std::make_unique<Daemon>("provisor-slave", std::vector<std::string>{"--config", path},
                                           static_cast<int>(listen.size()), wrapper);
  if (!slave->daemon->ready()) {
    throw std::runtime_error("provisor-slave did not start: " + slave->daemon->output());
  }
  slave->tftp = slave->daemon->Address("slave tftp");
  return slave;
}

}  // namespace provisor::testing
