// SlaveConfig: the typed contents of slave.toml (see README "Configuration").
// Every key has a default; unknown keys and out-of-range values are errors
// that name the key. A slave that serves devices (not [diagnostic]) needs
// `master` and `id`; a diagnostic slave needs neither. [tls] is all of
// cert, key and ca, or none.
//
// Thread-safety: value type.
#ifndef PROVISOR_SLAVE_SLAVE_CONFIG_H_
#define PROVISOR_SLAVE_SLAVE_CONFIG_H_

#include <string>
#include <vector>

#include "common/config_reader.h"
#include "common/http_config.h"
#include "common/status.h"
#include "common/tls_config.h"
#include "slave/tftp/server.h"

namespace provisor {

struct SlaveConfig {
  std::string id;          // required unless diagnostic
  std::string master;      // host:port of the master; empty in diagnostic mode
  // host:port DHCP hands to devices (reported in heartbeats). Default: the
  // first tftp_listen address, as written (port 0 stays 0: the wiring puts
  // the bound port in); left empty when that address is 0.0.0.0 or ::, and
  // the master then shows the slave's peer address instead.
  std::string advertise;
  int64_t weight = 100;
  std::string log_level = "info";
  // Prometheus /metrics (HTTP, nothing else); empty ("off" in the file):
  // no listener.
  std::string metrics_listen;
  // [metrics_http] cert, key, client_ca, allowed_hosts,
  // max_connections_per_ip for that listener (common/http_config.h).
  HttpListenerConfig metrics_http;
  bool diagnostic_enabled = false;
  tftp::TftpServerOptions tftp;  // listen defaults to 0.0.0.0:69
  TlsFiles tls;  // [tls] for the gRPC channel to the master; empty: plaintext
};

StatusOr<SlaveConfig> LoadSlaveConfig(ConfigReader& reader);
StatusOr<SlaveConfig> LoadSlaveConfigFile(const std::string& path);

}  // namespace provisor

#endif  // PROVISOR_SLAVE_SLAVE_CONFIG_H_
