#include "slave/slave_config.h"

namespace provisor {

StatusOr<SlaveConfig> LoadSlaveConfig(ConfigReader& reader) {
  SlaveConfig c;
  std::vector<std::string> listen = {"0.0.0.0:69"};
  PROVISOR_RETURN_IF_ERROR(reader.GetString("id", &c.id));
  PROVISOR_RETURN_IF_ERROR(reader.GetString("master", &c.master));
  PROVISOR_RETURN_IF_ERROR(reader.GetStringList("tftp_listen", &listen));
  PROVISOR_RETURN_IF_ERROR(reader.GetString("advertise", &c.advertise));
  PROVISOR_RETURN_IF_ERROR(reader.GetInt("weight", 0, 10000, &c.weight));
  PROVISOR_RETURN_IF_ERROR(reader.GetString("log_level", &c.log_level));
  PROVISOR_RETURN_IF_ERROR(reader.GetString("metrics_listen", &c.metrics_listen));
  if (c.metrics_listen == "off") c.metrics_listen.clear();
  if (!c.metrics_listen.empty()) {
    StatusOr<SocketAddress> metrics = SocketAddress::Parse(c.metrics_listen);
    if (!metrics.ok()) return InvalidArgumentError("metrics_listen: " + metrics.status().message());
  }

  StatusOr<std::unique_ptr<ConfigReader>> tftp = reader.Table("tftp");
  if (!tftp.ok()) return tftp.status();
  ConfigReader& t = **tftp;
  int64_t max_blksize = c.tftp.option_limits.max_blksize;
  int64_t max_windowsize = c.tftp.option_limits.max_windowsize;
  int64_t retries = c.tftp.session.max_retries;
  int64_t max_sessions = static_cast<int64_t>(c.tftp.max_sessions);
  int64_t per_client = static_cast<int64_t>(c.tftp.max_sessions_per_client);
  int64_t threads = c.tftp.threads;
  int64_t rollover = c.tftp.session.rollover_to;
  int64_t receive_buffer = c.tftp.receive_buffer_bytes;
  PROVISOR_RETURN_IF_ERROR(t.GetInt("max_blksize", tftp::kMinBlockSize, tftp::kMaxBlockSize,
                                    &max_blksize));
  PROVISOR_RETURN_IF_ERROR(t.GetInt("max_windowsize", 1, 1024, &max_windowsize));
  PROVISOR_RETURN_IF_ERROR(t.GetDuration("timeout", std::chrono::milliseconds(10),
                                         std::chrono::seconds(255), &c.tftp.session.timeout));
  PROVISOR_RETURN_IF_ERROR(t.GetInt("retries", 0, 100, &retries));
  Duration max_timeout = std::chrono::seconds(c.tftp.option_limits.max_timeout_s);
  PROVISOR_RETURN_IF_ERROR(t.GetDuration("max_timeout", std::chrono::seconds(1),
                                         std::chrono::seconds(255), &max_timeout));
  if (max_timeout % std::chrono::seconds(1) != Duration::zero()) {
    return InvalidArgumentError(
        "tftp.max_timeout must be whole seconds (RFC 2349 timeouts are), e.g. \"10s\"");
  }
  PROVISOR_RETURN_IF_ERROR(t.GetDuration("max_session_lifetime", std::chrono::seconds(1),
                                         std::chrono::hours(24),
                                         &c.tftp.session.max_lifetime));
  PROVISOR_RETURN_IF_ERROR(t.GetInt("max_sessions", 0, 10'000'000, &max_sessions));
  PROVISOR_RETURN_IF_ERROR(t.GetInt("max_sessions_per_ip", 0, 10'000'000, &per_client));
  PROVISOR_RETURN_IF_ERROR(t.GetInt("threads", 0, 256, &threads));
  PROVISOR_RETURN_IF_ERROR(t.GetInt("rollover", 0, 1, &rollover));
  PROVISOR_RETURN_IF_ERROR(t.GetInt("receive_buffer", 0, 1 << 30, &receive_buffer));
  PROVISOR_RETURN_IF_ERROR(t.Finish());
  c.tftp.option_limits.max_blksize = static_cast<uint32_t>(max_blksize);
  c.tftp.option_limits.max_windowsize = static_cast<uint32_t>(max_windowsize);
  c.tftp.option_limits.max_timeout_s = static_cast<uint32_t>(
      std::chrono::duration_cast<std::chrono::seconds>(max_timeout).count());
  c.tftp.session.max_retries = static_cast<uint32_t>(retries);
  c.tftp.session.rollover_to = static_cast<uint16_t>(rollover);
  c.tftp.max_sessions = static_cast<size_t>(max_sessions);
  c.tftp.max_sessions_per_client = static_cast<size_t>(per_client);
  c.tftp.threads = static_cast<int>(threads);
  c.tftp.receive_buffer_bytes = static_cast<int>(receive_buffer);

  StatusOr<std::unique_ptr<ConfigReader>> diag = reader.Table("diagnostic");
  if (!diag.ok()) return diag.status();
  PROVISOR_RETURN_IF_ERROR((*diag)->GetBool("enabled", &c.diagnostic_enabled));
  PROVISOR_RETURN_IF_ERROR((*diag)->Finish());
  StatusOr<std::unique_ptr<ConfigReader>> metrics_http = reader.Table("metrics_http");
  if (!metrics_http.ok()) return metrics_http.status();
  PROVISOR_RETURN_IF_ERROR(LoadHttpListenerKeys(**metrics_http, "metrics_http", &c.metrics_http));
  PROVISOR_RETURN_IF_ERROR((*metrics_http)->Finish());
  PROVISOR_RETURN_IF_ERROR(LoadTlsTable(reader, &c.tls));
  PROVISOR_RETURN_IF_ERROR(reader.Finish());

  if (listen.empty()) return InvalidArgumentError("tftp_listen must name at least one address");
  for (const std::string& text : listen) {
    StatusOr<SocketAddress> address = SocketAddress::Parse(text);
    if (!address.ok()) {
      return InvalidArgumentError("tftp_listen: " + address.status().message());
    }
    c.tftp.listen.push_back(*address);
  }
  if (c.advertise.empty() && !c.tftp.listen.front().is_any()) {
    c.advertise = c.tftp.listen.front().ToString();
  }
  if (!c.diagnostic_enabled) {
    if (c.master.empty()) {
      return InvalidArgumentError(
          "master is not set: a slave needs a master, unless [diagnostic] enabled = true");
    }
    if (c.id.empty()) {
      return InvalidArgumentError(
          "id is not set: a slave that follows a master needs a unique id (e.g. id = \"tftp-1\")");
    }
  }
  return c;
}

StatusOr<SlaveConfig> LoadSlaveConfigFile(const std::string& path) {
  StatusOr<std::unique_ptr<ConfigReader>> reader = ConfigReader::FromFile(path);
  if (!reader.ok()) return reader.status();
  return LoadSlaveConfig(**reader);
}

}  // namespace provisor
