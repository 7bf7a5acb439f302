#include "master/master_config.h"

#include "common/socket_address.h"
#include "master/keys/master_key_file.h"

namespace provisor {

StatusOr<MasterConfig> LoadMasterConfig(ConfigReader& reader) {
  MasterConfig c;
  PROVISOR_RETURN_IF_ERROR(reader.GetString("data_dir", &c.store.data_dir));
  PROVISOR_RETURN_IF_ERROR(reader.GetString("grpc_listen", &c.grpc_listen));
  PROVISOR_RETURN_IF_ERROR(reader.GetString("log_level", &c.log_level));
  PROVISOR_RETURN_IF_ERROR(reader.GetString("http_listen", &c.http_listen));
  PROVISOR_RETURN_IF_ERROR(reader.GetString("upstream", &c.upstream));
  StatusOr<std::unique_ptr<ConfigReader>> store = reader.Table("store");
  if (!store.ok()) return store.status();
  int64_t max_changes = static_cast<int64_t>(c.store.changelog_max_changes);
  int64_t map_mib = static_cast<int64_t>(c.store.map_size >> 20);
  PROVISOR_RETURN_IF_ERROR(
      (*store)->GetInt("changelog_max_changes", 1000, 1'000'000'000, &max_changes));
  PROVISOR_RETURN_IF_ERROR((*store)->GetDuration("changelog_max_age", std::chrono::minutes(1),
                                                 std::chrono::hours(24 * 3650),
                                                 &c.store.changelog_max_age));
  PROVISOR_RETURN_IF_ERROR((*store)->GetInt("initial_map_mib", 1, 1 << 24, &map_mib));
  PROVISOR_RETURN_IF_ERROR((*store)->Finish());
  StatusOr<std::unique_ptr<ConfigReader>> tokens = reader.Table("tokens");
  if (!tokens.ok()) return tokens.status();
  PROVISOR_RETURN_IF_ERROR((*tokens)->GetDuration("rotate_every", std::chrono::minutes(1),
                                                  std::chrono::hours(24 * 7),
                                                  &c.generation.rotate_every));
  PROVISOR_RETURN_IF_ERROR((*tokens)->GetDuration("ttl", std::chrono::minutes(1),
                                                  std::chrono::hours(24 * 30),
                                                  &c.generation.policy.ttl));
  PROVISOR_RETURN_IF_ERROR((*tokens)->GetBool("bind_client_ip", &c.generation.policy.bind_client_ip));
  PROVISOR_RETURN_IF_ERROR((*tokens)->Finish());
  StatusOr<std::unique_ptr<ConfigReader>> cluster = reader.Table("cluster");
  if (!cluster.ok()) return cluster.status();
  Duration dead_after{0};  // 0: not set
  int64_t max_slaves = static_cast<int64_t>(c.cluster.max_slaves);
  PROVISOR_RETURN_IF_ERROR((*cluster)->GetDuration(
      "heartbeat_interval", std::chrono::milliseconds(100), std::chrono::hours(1),
      &c.cluster.heartbeat_interval));
  PROVISOR_RETURN_IF_ERROR((*cluster)->GetDuration("dead_after", std::chrono::milliseconds(100),
                                                   std::chrono::hours(24), &dead_after));
  PROVISOR_RETURN_IF_ERROR((*cluster)->GetInt("max_slaves", 1, 1024, &max_slaves));
  PROVISOR_RETURN_IF_ERROR((*cluster)->GetDuration("stall_timeout", std::chrono::seconds(1),
                                                   std::chrono::hours(1), &c.stall_timeout));
  int64_t max_lag = static_cast<int64_t>(c.cluster.max_revision_lag);
  PROVISOR_RETURN_IF_ERROR((*cluster)->GetInt("max_revision_lag", 1, 1'000'000'000, &max_lag));
  c.cluster.max_revision_lag = static_cast<uint64_t>(max_lag);
  PROVISOR_RETURN_IF_ERROR((*cluster)->Finish());
  StatusOr<std::unique_ptr<ConfigReader>> dhcp = reader.Table("dhcp");
  if (!dhcp.ok()) return dhcp.status();
  std::string unknown_devices = "default-class";
  std::string default_class = "default";
  PROVISOR_RETURN_IF_ERROR((*dhcp)->GetString("unknown_devices", &unknown_devices));
  PROVISOR_RETURN_IF_ERROR((*dhcp)->GetString("default_class", &default_class));
  PROVISOR_RETURN_IF_ERROR((*dhcp)->GetDuration("binding_refresh", std::chrono::seconds(0),
                                                std::chrono::hours(24 * 30), &c.binding_refresh));
  PROVISOR_RETURN_IF_ERROR((*dhcp)->Finish());
  if (unknown_devices == "default-class") {
    if (default_class.empty()) return InvalidArgumentError("dhcp.default_class is empty");
    c.generation.default_class = default_class;
  } else if (unknown_devices != "refuse") {
    return InvalidArgumentError("dhcp.unknown_devices must be \"default-class\" or \"refuse\", not \"" +
                                unknown_devices + "\"");
  }
  StatusOr<std::unique_ptr<ConfigReader>> http = reader.Table("http");
  if (!http.ok()) return http.status();
  PROVISOR_RETURN_IF_ERROR((*http)->GetString("admin_token", &c.http_admin_token));
  PROVISOR_RETURN_IF_ERROR(LoadHttpListenerKeys(**http, "http", &c.http));
  PROVISOR_RETURN_IF_ERROR((*http)->Finish());
  if (!c.http_admin_token.empty() && c.http_admin_token.size() < 16) {
    return InvalidArgumentError("http.admin_token must be at least 16 characters");
  }
  StatusOr<std::unique_ptr<ConfigReader>> auth = reader.Table("auth");
  if (!auth.ok()) return auth.status();
  PROVISOR_RETURN_IF_ERROR((*auth)->GetBool("insecure", &c.insecure));
  std::vector<ApiToken> api_tokens;
  if (!c.http_admin_token.empty()) {
    api_tokens.push_back(ApiToken{"http-admin-token", Role::kOperator, Sha256(c.http_admin_token)});
  }
  StatusOr<std::unique_ptr<ConfigReader>> token_table = (*auth)->Table("tokens");
  if (!token_table.ok()) return token_table.status();
  for (const std::string& name : (*token_table)->Keys()) {
    StatusOr<std::unique_ptr<ConfigReader>> entry = (*token_table)->Table(name);
    if (!entry.ok()) return entry.status();
    std::string role_name, sha256;
    PROVISOR_RETURN_IF_ERROR((*entry)->GetString("role", &role_name));
    PROVISOR_RETURN_IF_ERROR((*entry)->GetString("sha256", &sha256));
    PROVISOR_RETURN_IF_ERROR((*entry)->Finish());
    const std::string where = "auth.tokens." + name;
    std::optional<Role> role = ParseRole(role_name);
    if (!role || *role == Role::kSlave) {
      return InvalidArgumentError(where + ".role must be dhcp, reader, operator or admin, not \"" +
                                  role_name + "\"");
    }
    StatusOr<Sha256Digest> digest = ParseSha256Hex(sha256);
    if (!digest.ok()) {
      return InvalidArgumentError(where + ".sha256: " + digest.status().message() +
                                  " (printf %s TOKEN | sha256sum)");
    }
    api_tokens.push_back(ApiToken{name, *role, *digest});
  }
  PROVISOR_RETURN_IF_ERROR((*token_table)->Finish());
  PROVISOR_RETURN_IF_ERROR((*auth)->Finish());
  c.api_tokens = ApiTokens(std::move(api_tokens));
  StatusOr<std::unique_ptr<ConfigReader>> keys = reader.Table("keys");
  if (!keys.ok()) return keys.status();
  PROVISOR_RETURN_IF_ERROR((*keys)->GetString("master_key_file", &c.master_key_file));
  PROVISOR_RETURN_IF_ERROR((*keys)->Finish());
  PROVISOR_RETURN_IF_ERROR(LoadTlsTable(reader, &c.tls));
  PROVISOR_RETURN_IF_ERROR(reader.Finish());
  c.cluster.max_slaves = static_cast<size_t>(max_slaves);
  if (dead_after == Duration(0)) {
    c.cluster.dead_after = 3 * c.cluster.heartbeat_interval;
  } else if (dead_after <= c.cluster.heartbeat_interval) {
    return InvalidArgumentError(
        "cluster.dead_after must be longer than cluster.heartbeat_interval");
  } else {
    c.cluster.dead_after = dead_after;
  }
  c.store.changelog_max_changes = static_cast<uint64_t>(max_changes);
  c.store.map_size = static_cast<uint64_t>(map_mib) << 20;
  if (c.store.data_dir.empty()) return InvalidArgumentError("data_dir is not set");
  if (c.master_key_file.empty()) c.master_key_file = DefaultMasterKeyPath(c.store.data_dir);
  StatusOr<SocketAddress> listen = SocketAddress::Parse(c.grpc_listen);
  if (!listen.ok()) return InvalidArgumentError("grpc_listen: " + listen.status().message());
  if (!listen->is_loopback() && !c.tls.enabled() && !c.insecure) {
    return InvalidArgumentError("grpc_listen " + c.grpc_listen +
                                " is not a loopback address: configure [tls] (mutual TLS) or, "
                                "to accept anyone who reaches it, set [auth] insecure = true");
  }
  if (c.http_listen == "off") c.http_listen.clear();
  if (!c.http_listen.empty()) {
    StatusOr<SocketAddress> http_address = SocketAddress::Parse(c.http_listen);
    if (!http_address.ok()) {
      return InvalidArgumentError("http_listen: " + http_address.status().message());
    }
    if (!http_address->is_loopback() && !c.http.tls() && !c.insecure) {
      return InvalidArgumentError("http_listen " + c.http_listen +
                                  " is not a loopback address: configure [http] cert and key "
                                  "(HTTPS) or set [auth] insecure = true");
    }
  }
  if (!c.upstream.empty()) {
    StatusOr<SocketAddress> upstream = SocketAddress::Parse(c.upstream);
    if (!upstream.ok()) return InvalidArgumentError("upstream: " + upstream.status().message());
    if (upstream->is_any() || upstream->port() == 0) {
      return InvalidArgumentError("upstream: " + c.upstream +
                                  " is not a master's address (an IP address and a port)");
    }
  }
  return c;
}

StatusOr<MasterConfig> LoadMasterConfigFile(const std::string& path) {
  StatusOr<std::unique_ptr<ConfigReader>> reader = ConfigReader::FromFile(path);
  if (!reader.ok()) return reader.status();
  return LoadMasterConfig(**reader);
}

}  // namespace provisor
