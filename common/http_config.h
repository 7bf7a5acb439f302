// HttpListenerConfig: the security keys of an HTTP listener's table in a
// config file (master.toml [http], slave.toml [metrics_http]) and how they
// become HttpServerOptions:
//   cert, key        PEM certificate chain and unencrypted key: the
//                    listener speaks HTTPS only (both or neither)
//   client_ca        optional (needs cert): a client certificate is asked
//                    for and, when presented, must chain to this bundle
//   allowed_hosts    host names accepted in Host besides IP literals and
//                    localhost (DNS rebinding needs a name), e.g.
//                    ["noc.example.net"]
//   max_connections_per_ip  connections one address may hold (64)
//
// Thread-safety: value type and free functions, used once at start-up.
#ifndef PROVISOR_COMMON_HTTP_CONFIG_H_
#define PROVISOR_COMMON_HTTP_CONFIG_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/config_reader.h"
#include "common/http_server.h"
#include "common/status.h"

namespace provisor {

struct HttpListenerConfig {
  std::string cert;
  std::string key;
  std::string client_ca;
  std::vector<std::string> allowed_hosts;
  int64_t max_connections_per_ip = 64;

  bool tls() const { return !cert.empty(); }
};

// Reads the keys above from `table`, named `table_name` in messages; the
// caller still calls its Finish(). INVALID_ARGUMENT naming the key: key
// without cert (or the reverse), client_ca without cert, an allowed_hosts
// entry that is not a host name.
Status LoadHttpListenerKeys(ConfigReader& table, std::string_view table_name,
                            HttpListenerConfig* out);

// Fills `options` from `config`, reading the PEM files and checking that
// they make a TLS context: NOT_FOUND naming a file that cannot be read,
// INVALID_ARGUMENT for wrong contents.
Status ApplyHttpListenerConfig(const HttpListenerConfig& config, HttpServerOptions* options);

}  // namespace provisor

#endif  // PROVISOR_COMMON_HTTP_CONFIG_H_
