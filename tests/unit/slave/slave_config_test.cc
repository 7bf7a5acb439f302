#include "slave/slave_config.h"

#include <catch2/catch.hpp>

namespace provisor {
namespace {

StatusOr<SlaveConfig> Load(const std::string& text) {
  auto reader = ConfigReader::FromString(text, "slave.toml");
  if (!reader.ok()) return reader.status();
  return LoadSlaveConfig(**reader);
}

TEST_CASE("diagnostic slave: defaults and overrides") {
  auto c = Load(R"(
id = "s1"
tftp_listen = ["127.0.0.1:0", "[::1]:0"]
[tftp]
max_blksize = 8192
max_windowsize = 16
timeout = "500ms"
retries = 3
max_sessions = 100
max_sessions_per_ip = 4
threads = 1
rollover = 1
max_timeout = "30s"
max_session_lifetime = "5m"
[diagnostic]
enabled = true
)");
  REQUIRE(c.ok());
  CHECK(c->id == "s1");
  CHECK(c->diagnostic_enabled);
  REQUIRE(c->tftp.listen.size() == 2);
  CHECK(c->tftp.listen[1].ToString() == "[::1]:0");
  CHECK(c->tftp.option_limits.max_blksize == 8192);
  CHECK(c->tftp.option_limits.max_windowsize == 16);
  CHECK(c->tftp.session.timeout == std::chrono::milliseconds(500));
  CHECK(c->tftp.session.max_retries == 3);
  CHECK(c->tftp.session.rollover_to == 1);
  CHECK(c->tftp.max_sessions == 100);
  CHECK(c->tftp.max_sessions_per_client == 4);
  CHECK(c->tftp.threads == 1);
  CHECK(c->tftp.option_limits.max_timeout_s == 30);
  CHECK(c->tftp.session.max_lifetime == std::chrono::minutes(5));

  auto d = Load("[diagnostic]\nenabled = true\n");
  REQUIRE(d.ok());
  CHECK(d->tftp.listen.at(0).ToString() == "0.0.0.0:69");
  CHECK(d->tftp.option_limits.max_blksize == 1468);
  CHECK(d->tftp.option_limits.max_windowsize == 64);
  CHECK(d->tftp.max_sessions == 20000);
  CHECK(d->tftp.option_limits.max_timeout_s == 10);
  CHECK(d->tftp.session.max_lifetime == std::chrono::minutes(30));
  CHECK(d->weight == 100);
}

TEST_CASE("bad slave configs name what is wrong") {
  CHECK(Load("[diagnostic]\nenabled = true\nbogus = 1\n").status().message() ==
        "slave.toml: diagnostic.bogus is not a known setting");
  CHECK(Load("[diagnostic]\nenabled = true\n[tftp]\nmax_blksize = 7\n").status().message() ==
        "slave.toml: tftp.max_blksize must be between 8 and 65464, not 7");
  CHECK(Load("tftp_listen = \"nowhere\"\n[diagnostic]\nenabled = true\n")
            .status()
            .message()
            .find("tftp_listen") == 0);
  CHECK(Load("[tftp]\ntimeout = \"soon\"\n[diagnostic]\nenabled = true\n").status().message() ==
        "slave.toml: tftp.timeout: 'soon' is not a duration (examples: 500ms, 2s, 30m, 1h)");
  CHECK(Load("[tftp]\nmax_timeout = 256\n[diagnostic]\nenabled = true\n").status().message() ==
        "slave.toml: tftp.max_timeout is out of range");
  CHECK(Load("[tftp]\nmax_timeout = \"1500ms\"\n[diagnostic]\nenabled = true\n")
            .status()
            .message() ==
        "tftp.max_timeout must be whole seconds (RFC 2349 timeouts are), e.g. \"10s\"");
  CHECK(Load("[tftp]\nmax_session_lifetime = 0\n[diagnostic]\nenabled = true\n")
            .status()
            .message() == "slave.toml: tftp.max_session_lifetime is out of range");
  CHECK(Load("").status().message() ==
        "master is not set: a slave needs a master, unless [diagnostic] enabled = true");
  CHECK(Load("id = \"s1\"\n").status().message() ==
        "master is not set: a slave needs a master, unless [diagnostic] enabled = true");
  CHECK(Load("master = \"10.0.0.1:7400\"\n").status().message() ==
        "id is not set: a slave that follows a master needs a unique id (e.g. id = \"tftp-1\")");
  CHECK(Load("master = \"10.0.0.1:7400\"\nid = \"\"\n").status().message() ==
        "id is not set: a slave that follows a master needs a unique id (e.g. id = \"tftp-1\")");
}

TEST_CASE("slave following a master: master and id are enough") {
  auto c = Load(R"(
id = "tftp-1"
master = "10.0.0.1:7400"
tftp_listen = ["10.0.0.5:69", "[fd00::5]:69"]
weight = 50
)");
  REQUIRE(c.ok());
  CHECK_FALSE(c->diagnostic_enabled);
  CHECK(c->id == "tftp-1");
  CHECK(c->master == "10.0.0.1:7400");
  CHECK(c->weight == 50);
  CHECK(c->advertise == "10.0.0.5:69");  // the first tftp_listen address
  CHECK_FALSE(c->tls.enabled());
}

TEST_CASE("slave advertise: default from tftp_listen unless it is a wildcard") {
  const std::string head = "id = \"s1\"\nmaster = \"10.0.0.1:7400\"\n";
  auto any4 = Load(head);  // tftp_listen defaults to 0.0.0.0:69
  REQUIRE(any4.ok());
  CHECK(any4->advertise.empty());
  auto any6 = Load(head + "tftp_listen = [\"[::]:69\", \"10.0.0.5:69\"]\n");
  REQUIRE(any6.ok());
  CHECK(any6->advertise.empty());
  auto v6 = Load(head + "tftp_listen = \"[fd00::5]:6969\"\n");
  REQUIRE(v6.ok());
  CHECK(v6->advertise == "[fd00::5]:6969");
  auto set = Load(head + "tftp_listen = \"0.0.0.0:69\"\nadvertise = \"192.0.2.7:69\"\n");
  REQUIRE(set.ok());
  CHECK(set->advertise == "192.0.2.7:69");
  auto kept = Load(head + "tftp_listen = \"10.0.0.5:69\"\nadvertise = \"192.0.2.7:69\"\n");
  REQUIRE(kept.ok());
  CHECK(kept->advertise == "192.0.2.7:69");
  auto diag = Load("tftp_listen = \"127.0.0.1:0\"\n[diagnostic]\nenabled = true\n");
  REQUIRE(diag.ok());
  CHECK(diag->id.empty());  // a diagnostic slave needs no id
  CHECK(diag->advertise == "127.0.0.1:0");
}

TEST_CASE("slave tls: all three keys or none") {
  const std::string head = "id = \"s1\"\nmaster = \"10.0.0.1:7400\"\n";
  auto c = Load(head + "[tls]\ncert = \"slave.pem\"\nkey = \"slave.key\"\nca = \"ca.pem\"\n");
  REQUIRE(c.ok());
  CHECK(c->tls.enabled());
  CHECK(c->tls.cert == "slave.pem");
  CHECK(c->tls.key == "slave.key");
  CHECK(c->tls.ca == "ca.pem");
  CHECK(Load(head + "[tls]\ncert = \"slave.pem\"\nca = \"ca.pem\"\n").status().message() ==
        "tls.key is not set: [tls] needs cert, key and ca together (or none of them for "
        "plaintext gRPC)");
  CHECK(Load(head + "[tls]\nkey = \"slave.key\"\n").status().message().rfind(
            "tls.cert is not set", 0) == 0);
  CHECK(Load(head + "[tls]\ncert = \"a\"\nkey = \"b\"\nca = \"c\"\nverify = false\n")
            .status()
            .message() == "slave.toml: tls.verify is not a known setting");
  auto diag = Load("[tls]\n[diagnostic]\nenabled = true\n");
  REQUIRE(diag.ok());
  CHECK_FALSE(diag->tls.enabled());
}

}  // namespace
}  // namespace provisor

namespace provisor {
namespace {

TEST_CASE("slave metrics_listen: off by default, an address when set") {
  const std::string base = "[diagnostic]\nenabled = true\n";
  auto defaults = Load(base);
  REQUIRE(defaults.ok());
  CHECK(defaults->metrics_listen.empty());
  auto set = Load("metrics_listen = \"0.0.0.0:7481\"\n" + base);
  REQUIRE(set.ok());
  CHECK(set->metrics_listen == "0.0.0.0:7481");
  auto off = Load("metrics_listen = \"off\"\n" + base);
  REQUIRE(off.ok());
  CHECK(off->metrics_listen.empty());
  CHECK(Load("metrics_listen = \"x\"\n" + base).status().message().find("metrics_listen: ") == 0);
}

TEST_CASE("slave [metrics_http]: HTTPS, allowed hosts and the per-address cap") {
  const std::string base = "metrics_listen = \"0.0.0.0:7481\"\n[diagnostic]\nenabled = true\n";
  auto defaults = Load(base);
  REQUIRE(defaults.ok());
  CHECK_FALSE(defaults->metrics_http.tls());
  CHECK(defaults->metrics_http.max_connections_per_ip == 64);
  auto set = Load(base + "[metrics_http]\ncert = \"s.pem\"\nkey = \"s.key\"\n"
                         "allowed_hosts = \"slave1.example.net\"\nmax_connections_per_ip = 4\n");
  REQUIRE(set.ok());
  CHECK(set->metrics_http.tls());
  CHECK(set->metrics_http.allowed_hosts == std::vector<std::string>{"slave1.example.net"});
  CHECK(set->metrics_http.max_connections_per_ip == 4);
  CHECK(Load(base + "[metrics_http]\nkey = \"s.key\"\n").status().message() ==
        "metrics_http.key is set but metrics_http.cert is not");
  CHECK(Load(base + "[metrics_http]\nport = 1\n").status().message().find("metrics_http.port") !=
        std::string::npos);
}

}  // namespace
}  // namespace provisor
