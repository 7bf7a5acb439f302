// SlaveConfig: the typed contents of slave.toml (see README "Configuration").
// Every key has a default; unknown keys and out-of-range values are errors
// that name the key.
//
// Thread-safety: value type.
#ifndef PROVISOR_SLAVE_SLAVE_CONFIG_H_
#define PROVISOR_SLAVE_SLAVE_CONFIG_H_

#include <string>
#include <vector>

#include "common/config_reader.h"
#include "common/status.h"
#include "slave/tftp/server.h"

namespace provisor {

struct SlaveConfig {
  std::string id;
  std::string master;      // host:port of the master; empty in diagnostic mode
  std::string advertise;   // address DHCP hands to devices; default: tftp_listen
  int64_t weight = 100;
  std::string log_level = "info";
  bool diagnostic_enabled = false;
  tftp::TftpServerOptions tftp;  // listen defaults to 0.0.0.0:69
};

StatusOr<SlaveConfig> LoadSlaveConfig(ConfigReader& reader);
StatusOr<SlaveConfig> LoadSlaveConfigFile(const std::string& path);

}  // namespace provisor

#endif  // PROVISOR_SLAVE_SLAVE_CONFIG_H_
