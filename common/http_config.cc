#include "common/http_config.h"

#include <cctype>
#include <fstream>
#include <sstream>

#include "common/tls_stream.h"

namespace provisor {

namespace {

bool IsHostName(const std::string& name) {
  if (name.empty() || name.size() > 253) return false;
  for (char c : name) {
    if (std::isalnum(static_cast<unsigned char>(c)) == 0 && c != '-' && c != '.') return false;
  }
  return name.front() != '.' && name.front() != '-';
}

StatusOr<std::string> ReadPem(const std::string& key, const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return NotFoundError(key + ": cannot read " + path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace

Status LoadHttpListenerKeys(ConfigReader& table, std::string_view table_name,
                            HttpListenerConfig* out) {
  const std::string t = std::string(table_name) + ".";
  PROVISOR_RETURN_IF_ERROR(table.GetString("cert", &out->cert));
  PROVISOR_RETURN_IF_ERROR(table.GetString("key", &out->key));
  PROVISOR_RETURN_IF_ERROR(table.GetString("client_ca", &out->client_ca));
  PROVISOR_RETURN_IF_ERROR(table.GetStringList("allowed_hosts", &out->allowed_hosts));
  PROVISOR_RETURN_IF_ERROR(
      table.GetInt("max_connections_per_ip", 1, 100000, &out->max_connections_per_ip));
  if (out->cert.empty() != out->key.empty()) {
    return InvalidArgumentError(out->cert.empty() ? t + "key is set but " + t + "cert is not"
                                                  : t + "cert is set but " + t + "key is not");
  }
  if (!out->client_ca.empty() && out->cert.empty()) {
    return InvalidArgumentError(t + "client_ca needs " + t + "cert and " + t + "key (HTTPS)");
  }
  for (const std::string& host : out->allowed_hosts) {
    if (!IsHostName(host)) {
      return InvalidArgumentError(t + "allowed_hosts: \"" + host +
                                  "\" is not a host name (no scheme, port or path)");
    }
  }
  return Status::Ok();
}

Status ApplyHttpListenerConfig(const HttpListenerConfig& config, HttpServerOptions* options) {
  options->limits.allowed_hosts = config.allowed_hosts;
  options->max_connections_per_ip = static_cast<int>(config.max_connections_per_ip);
  if (!config.tls()) return Status::Ok();
  StatusOr<std::string> cert = ReadPem("cert", config.cert);
  if (!cert.ok()) return cert.status();
  StatusOr<std::string> key = ReadPem("key", config.key);
  if (!key.ok()) return key.status();
  std::string client_ca;
  if (!config.client_ca.empty()) {
    StatusOr<std::string> ca = ReadPem("client_ca", config.client_ca);
    if (!ca.ok()) return ca.status();
    client_ca = *ca;
  }
  StatusOr<std::shared_ptr<const TlsServerContext>> check =
      TlsServerContext::Create(*cert, *key, client_ca);
  if (!check.ok()) return check.status();
  options->tls_cert_pem = *cert;
  options->tls_key_pem = *key;
  options->tls_client_ca_pem = client_ca;
  return Status::Ok();
}

}  // namespace provisor
