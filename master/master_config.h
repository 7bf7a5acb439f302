// MasterConfig: the typed contents of master.toml (see README
// "Configuration"). Every key has a default except data_dir; unknown keys
// and out-of-range values are errors that name the key. `upstream` (a
// relay or warm standby follows that master) must be an IP:port when set;
// [cluster] dead_after defaults to 3 x heartbeat_interval and must exceed
// it; [tls] is all of cert, key and ca, or none; [dhcp] unknown_devices is
// "default-class" or "refuse"; [keys] master_key_file defaults to
// DefaultMasterKeyPath(data_dir).
//
// Thread-safety: value type.
#ifndef PROVISOR_MASTER_MASTER_CONFIG_H_
#define PROVISOR_MASTER_MASTER_CONFIG_H_

#include <string>

#include "common/config_reader.h"
#include "common/http_config.h"
#include "common/status.h"
#include "common/tls_config.h"
#include "master/auth/identity.h"
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
  // [http] admin_token: a shorthand for an API token named
  // "http-admin-token" with role operator (see `auth`).
  std::string http_admin_token;
  // [auth] insecure = true allows plaintext gRPC/HTTP on a non-loopback
  // address (every caller is then trusted with every role: logged loudly at
  // start). [auth.tokens.NAME] role = "...", sha256 = "<64 hex>": named API
  // tokens for people and scrapers on the HTTP side (Bearer).
  bool insecure = false;
  ApiTokens api_tokens;
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
  // [keys] master_key_file: the key that seals the token keys in data_dir
  // (master/keys/). Default "<data_dir>-keys/token-master.key", created at
  // first start.
  std::string master_key_file;
};

StatusOr<MasterConfig> LoadMasterConfig(ConfigReader& reader);
StatusOr<MasterConfig> LoadMasterConfigFile(const std::string& path);

}  // namespace provisor

#endif  // PROVISOR_MASTER_MASTER_CONFIG_H_
