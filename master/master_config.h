// MasterConfig: the typed contents of master.toml (see README
// "Configuration"). Every key has a default except data_dir; unknown keys
// and out-of-range values are errors that name the key. `upstream` (a
// relay or warm standby follows that master) must be an IP:port when set;
// [cluster] dead_after defaults to 3 x heartbeat_interval and must exceed
// it; [tls] is all of cert, key and ca, or none; [dhcp] unknown_devices is
// "default-class" or "refuse".
//
// Thread-safety: value type.
#ifndef PROVISOR_MASTER_MASTER_CONFIG_H_
#define PROVISOR_MASTER_MASTER_CONFIG_H_

#include <string>

#include "common/config_reader.h"
#include "common/http_config.h"
#include "common/status.h"
#include "common/tls_config.h"
#include "master/cluster/registry.h"
#include "master/generation.h"
#include "master/store/lmdb_store.h"

namespace provisor {

struct MasterConfig {
  std::string grpc_listen = "127.0.0.1:7400";
  std::string log_level = "info";
  // Dashboard, JSON API and /metrics; "off" in the file: no HTTP listener
  // (empty here).
  std::string http_listen = "127.0.0.1:7480";
  // [http] admin_token: with it, drain/undrain/weight from the dashboard
  // (Authorization: Bearer <token>); without, the dashboard is read-only.
  std::string http_admin_token;
  // [http] cert, key, client_ca, allowed_hosts, max_connections_per_ip
  // (common/http_config.h): HTTPS and who may connect.
  HttpListenerConfig http;
  StoreOptions store;  // data_dir is required
  GenerationOptions generation;  // [tokens]
  std::string upstream;  // host:port of the master to follow; empty: this is a root
  // [cluster] heartbeat_interval (2s), dead_after (3 x heartbeat_interval),
  // max_slaves (16); max_events keeps the registry's default.
  RegistryOptions cluster;
  Duration stall_timeout = std::chrono::seconds(30);  // [cluster] stall_timeout
  TlsFiles tls;  // [tls]; all empty: plaintext gRPC
  // [dhcp] unknown_devices = "default-class" (serve the client class named
  // by default_class, "default") or "refuse"; sets generation.default_class.
  // binding_refresh (1h): a renewal with the same IP rewrites the device's
  // binding only when the stored one is older than this.
  Duration binding_refresh = std::chrono::hours(1);
};

StatusOr<MasterConfig> LoadMasterConfig(ConfigReader& reader);
StatusOr<MasterConfig> LoadMasterConfigFile(const std::string& path);

}  // namespace provisor

#endif  // PROVISOR_MASTER_MASTER_CONFIG_H_
