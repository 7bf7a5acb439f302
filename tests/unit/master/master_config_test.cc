#include "master/master_config.h"

#include <catch2/catch.hpp>

namespace provisor {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

StatusOr<MasterConfig> Load(const std::string& text) {
  auto reader = ConfigReader::FromString(text, "master.toml");
  if (!reader.ok()) return reader.status();
  return LoadMasterConfig(**reader);
}

std::string Error(const std::string& text) {
  StatusOr<MasterConfig> c = Load(text);
  return c.ok() ? "OK" : c.status().message();
}

const std::string kBase = "data_dir = \"/var/lib/provisor\"\n";

TEST_CASE("master config: cluster upstream and tls defaults") {
  auto c = Load(kBase);
  REQUIRE(c.ok());
  CHECK(c->upstream.empty());
  CHECK(c->cluster.heartbeat_interval == seconds(2));
  CHECK(c->cluster.dead_after == seconds(6));
  CHECK(c->cluster.max_slaves == 16);
  CHECK(c->stall_timeout == seconds(30));
  CHECK_FALSE(c->tls.enabled());
  CHECK(c->tls.cert.empty());
  CHECK(c->tls.key.empty());
  CHECK(c->tls.ca.empty());
}

TEST_CASE("master config: cluster upstream and tls overrides") {
  auto c = Load(kBase + R"(
upstream = "10.0.0.1:7400"
[cluster]
heartbeat_interval = "500ms"
dead_after = "10s"
max_slaves = 64
stall_timeout = "1m"
[tls]
cert = "/etc/provisor/master.pem"
key = "/etc/provisor/master.key"
ca = "/etc/provisor/ca.pem"
)");
  REQUIRE(c.ok());
  CHECK(c->upstream == "10.0.0.1:7400");
  CHECK(c->cluster.heartbeat_interval == milliseconds(500));
  CHECK(c->cluster.dead_after == seconds(10));
  CHECK(c->cluster.max_slaves == 64);
  CHECK(c->stall_timeout == seconds(60));
  CHECK(c->tls.enabled());
  CHECK(c->tls.cert == "/etc/provisor/master.pem");
  CHECK(c->tls.key == "/etc/provisor/master.key");
  CHECK(c->tls.ca == "/etc/provisor/ca.pem");

  auto v6 = Load(kBase + "upstream = \"[fd00::1]:7400\"\n");
  REQUIRE(v6.ok());
  CHECK(v6->upstream == "[fd00::1]:7400");
}

TEST_CASE("master config: dead_after defaults to three heartbeat intervals") {
  auto c = Load(kBase + "[cluster]\nheartbeat_interval = \"500ms\"\n");
  REQUIRE(c.ok());
  CHECK(c->cluster.dead_after == milliseconds(1500));
  auto whole = Load(kBase + "[cluster]\nheartbeat_interval = 5\n");  // integer seconds
  REQUIRE(whole.ok());
  CHECK(whole->cluster.heartbeat_interval == seconds(5));
  CHECK(whole->cluster.dead_after == seconds(15));
  auto edges = Load(kBase +
                    "[cluster]\nheartbeat_interval = \"100ms\"\ndead_after = \"101ms\"\n"
                    "max_slaves = 1\nstall_timeout = \"1h\"\n");
  REQUIRE(edges.ok());
  CHECK(edges->cluster.dead_after == milliseconds(101));
  CHECK(edges->cluster.max_slaves == 1);
  CHECK(edges->stall_timeout == std::chrono::hours(1));
  auto most = Load(kBase + "[cluster]\nheartbeat_interval = \"1h\"\nmax_slaves = 1024\n");
  REQUIRE(most.ok());
  CHECK(most->cluster.dead_after == std::chrono::hours(3));
  CHECK(most->cluster.max_slaves == 1024);
}

TEST_CASE("master config: bad cluster settings name the key") {
  CHECK(Error(kBase + "[cluster]\nheartbeat_interval = \"50ms\"\n") ==
        "master.toml: cluster.heartbeat_interval is out of range");
  CHECK(Error(kBase + "[cluster]\nheartbeat_interval = \"2h\"\n") ==
        "master.toml: cluster.heartbeat_interval is out of range");
  CHECK(Error(kBase + "[cluster]\nheartbeat_interval = \"often\"\n") ==
        "master.toml: cluster.heartbeat_interval: 'often' is not a duration (examples: "
        "500ms, 2s, 30m, 1h)");
  CHECK(Error(kBase + "[cluster]\ndead_after = \"2s\"\n") ==
        "cluster.dead_after must be longer than cluster.heartbeat_interval");
  CHECK(Error(kBase + "[cluster]\nheartbeat_interval = \"5s\"\ndead_after = \"4s\"\n") ==
        "cluster.dead_after must be longer than cluster.heartbeat_interval");
  CHECK(Error(kBase + "[cluster]\ndead_after = \"0\"\n") ==
        "master.toml: cluster.dead_after is out of range");
  CHECK(Error(kBase + "[cluster]\nmax_slaves = 0\n") ==
        "master.toml: cluster.max_slaves must be between 1 and 1024, not 0");
  CHECK(Error(kBase + "[cluster]\nmax_slaves = 1025\n") ==
        "master.toml: cluster.max_slaves must be between 1 and 1024, not 1025");
  CHECK(Error(kBase + "[cluster]\nmax_slaves = \"16\"\n") ==
        "master.toml: cluster.max_slaves must be an integer");
  CHECK(Error(kBase + "[cluster]\nstall_timeout = \"500ms\"\n") ==
        "master.toml: cluster.stall_timeout is out of range");
  CHECK(Error(kBase + "[cluster]\nstall_timeout = \"2h\"\n") ==
        "master.toml: cluster.stall_timeout is out of range");
  CHECK(Error(kBase + "[cluster]\nheartbeat = \"2s\"\n") ==
        "master.toml: cluster.heartbeat is not a known setting");
  CHECK(Error(kBase + "cluster = 3\n") == "master.toml: cluster must be a table");
}

TEST_CASE("master config: upstream must be an address and a port") {
  CHECK(Error(kBase + "upstream = \"master-1\"\n").rfind("upstream: ", 0) == 0);
  CHECK(Error(kBase + "upstream = \"10.0.0.1\"\n").rfind("upstream: ", 0) == 0);
  CHECK(Error(kBase + "upstream = \"0.0.0.0:7400\"\n") ==
        "upstream: 0.0.0.0:7400 is not a master's address (an IP address and a port)");
  CHECK(Error(kBase + "upstream = \"10.0.0.1:0\"\n") ==
        "upstream: 10.0.0.1:0 is not a master's address (an IP address and a port)");
  CHECK(Error(kBase + "upstream = 7400\n") == "master.toml: upstream must be a string");
}

TEST_CASE("master config: tls needs cert key and ca together") {
  CHECK(Error(kBase + "[tls]\ncert = \"m.pem\"\nkey = \"m.key\"\n") ==
        "tls.ca is not set: [tls] needs cert, key and ca together (or none of them for "
        "plaintext gRPC)");
  CHECK(Error(kBase + "[tls]\nca = \"ca.pem\"\n") ==
        "tls.cert is not set: [tls] needs cert, key and ca together (or none of them for "
        "plaintext gRPC)");
  CHECK(Error(kBase + "[tls]\ncert = \"m.pem\"\nca = \"ca.pem\"\n") ==
        "tls.key is not set: [tls] needs cert, key and ca together (or none of them for "
        "plaintext gRPC)");
  CHECK(Error(kBase + "[tls]\ncert = \"m.pem\"\nkey = \"\"\nca = \"ca.pem\"\n").rfind(
            "tls.key is not set", 0) == 0);
  CHECK(Error(kBase + "[tls]\ncert = \"m.pem\"\nkey = \"m.key\"\nca = \"ca.pem\"\ncrl = \"x\"\n") ==
        "master.toml: tls.crl is not a known setting");
  CHECK(Error(kBase + "[tls]\ncert = 1\n") == "master.toml: tls.cert must be a string");
  CHECK(Error(kBase + "tls = \"on\"\n") == "master.toml: tls must be a table");

  auto empty = Load(kBase + "[tls]\n");
  REQUIRE(empty.ok());
  CHECK_FALSE(empty->tls.enabled());
}

}  // namespace
}  // namespace provisor

namespace provisor {
namespace {

TEST_CASE("master config: the HTTP listener and its admin token") {
  auto defaults = Load(kBase);
  REQUIRE(defaults.ok());
  CHECK(defaults->http_listen == "127.0.0.1:7480");
  CHECK(defaults->http_admin_token.empty());

  auto off = Load(kBase + "http_listen = \"off\"\n");
  REQUIRE(off.ok());
  CHECK(off->http_listen.empty());

  auto set = Load(kBase + "http_listen = \"0.0.0.0:8080\"\n[http]\nadmin_token = "
                          "\"0123456789abcdef\"\ncert = \"m.pem\"\nkey = \"m.key\"\n");
  REQUIRE(set.ok());
  CHECK(set->http_listen == "0.0.0.0:8080");
  CHECK(set->http_admin_token == "0123456789abcdef");
  CHECK(set->api_tokens.Find("0123456789abcdef")->roles == RoleSet::Of(Role::kOperator));

  CHECK(Error(kBase + "http_listen = \"nowhere\"\n").find("http_listen: ") == 0);
  CHECK(Error(kBase + "[http]\nadmin_token = \"short\"\n") ==
        "http.admin_token must be at least 16 characters");
  CHECK(Error(kBase + "[http]\nadmin = true\n") ==
        "master.toml: http.admin is not a known setting");
}

TEST_CASE("master config: plaintext listeners off loopback need [auth] insecure") {
  CHECK(Error(kBase + "grpc_listen = \"0.0.0.0:7400\"\n") ==
        "grpc_listen 0.0.0.0:7400 is not a loopback address: configure [tls] (mutual TLS) or, "
        "to accept anyone who reaches it, set [auth] insecure = true");
  CHECK(Error(kBase + "http_listen = \"10.1.2.3:7480\"\n") ==
        "http_listen 10.1.2.3:7480 is not a loopback address: configure [http] cert and key "
        "(HTTPS) or set [auth] insecure = true");
  auto insecure = Load(kBase + "grpc_listen = \"0.0.0.0:7400\"\nhttp_listen = \"[::]:7480\"\n"
                               "[auth]\ninsecure = true\n");
  REQUIRE(insecure.ok());
  CHECK(insecure->insecure);
  auto loopback = Load(kBase + "grpc_listen = \"[::1]:7400\"\nhttp_listen = \"127.0.0.9:0\"\n");
  REQUIRE(loopback.ok());
  CHECK_FALSE(loopback->insecure);
}

TEST_CASE("master config: [auth.tokens] are named, with a role and a SHA-256") {
  const std::string hash = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
  auto set = Load(kBase + "[auth.tokens.alice]\nrole = \"operator\"\nsha256 = \"" + hash +
                  "\"\n[auth.tokens.prometheus]\nrole = \"reader\"\nsha256 = \"" + hash + "\"\n");
  REQUIRE(set.ok());
  REQUIRE(set->api_tokens.tokens().size() == 2);
  CHECK(set->api_tokens.tokens()[0].name == "alice");
  CHECK(set->api_tokens.tokens()[1].role == Role::kReader);
  CHECK(Error(kBase + "[auth.tokens.x]\nrole = \"slave\"\nsha256 = \"" + hash + "\"\n") ==
        "auth.tokens.x.role must be dhcp, reader, operator or admin, not \"slave\"");
  CHECK(Error(kBase + "[auth.tokens.x]\nrole = \"reader\"\nsha256 = \"abc\"\n") ==
        "auth.tokens.x.sha256: a SHA-256 is 64 hex digits, not 3 characters "
        "(printf %s TOKEN | sha256sum)");
  CHECK(Error(kBase + "[auth.tokens.x]\nrole = \"reader\"\nsha256 = \"" + hash +
              "\"\npassword = \"p\"\n") == "master.toml: auth.tokens.x.password is not a known setting");
}

TEST_CASE("master config: [http] TLS, client CA, allowed hosts and the per-address cap") {
  auto defaults = Load(kBase);
  REQUIRE(defaults.ok());
  CHECK_FALSE(defaults->http.tls());
  CHECK(defaults->http.allowed_hosts.empty());
  CHECK(defaults->http.max_connections_per_ip == 64);

  auto set = Load(kBase + "[http]\ncert = \"/etc/provisor/master.pem\"\n"
                          "key = \"/etc/provisor/master.key\"\nclient_ca = \"/etc/provisor/ca.pem\"\n"
                          "allowed_hosts = [\"noc.example.net\", \"noc\"]\n"
                          "max_connections_per_ip = 8\n");
  REQUIRE(set.ok());
  CHECK(set->http.tls());
  CHECK(set->http.cert == "/etc/provisor/master.pem");
  CHECK(set->http.key == "/etc/provisor/master.key");
  CHECK(set->http.client_ca == "/etc/provisor/ca.pem");
  CHECK(set->http.allowed_hosts == std::vector<std::string>{"noc.example.net", "noc"});
  CHECK(set->http.max_connections_per_ip == 8);

  CHECK(Error(kBase + "[http]\ncert = \"a.pem\"\n") == "http.cert is set but http.key is not");
  CHECK(Error(kBase + "[http]\nclient_ca = \"ca.pem\"\n") ==
        "http.client_ca needs http.cert and http.key (HTTPS)");
  CHECK(Error(kBase + "[http]\nallowed_hosts = [\"https://noc.example.net\"]\n") ==
        "http.allowed_hosts: \"https://noc.example.net\" is not a host name (no scheme, port or "
        "path)");
  CHECK(Error(kBase + "[http]\nmax_connections_per_ip = 0\n").find("http.max_connections_per_ip") !=
        std::string::npos);
}

}  // namespace
}  // namespace provisor

namespace provisor {
namespace {

TEST_CASE("master config: [keys] master_key_file defaults next to data_dir") {
  auto c = Load("data_dir = \"/var/lib/provisor\"\n");
  REQUIRE(c.ok());
  CHECK(c->master_key_file == "/var/lib/provisor-keys/token-master.key");
  c = Load(
      "data_dir = \"/var/lib/provisor\"\n[keys]\nmaster_key_file = \"/etc/provisor/k\"\n");
  REQUIRE(c.ok());
  CHECK(c->master_key_file == "/etc/provisor/k");
  c = Load("data_dir = \"/d\"\n[keys]\nmaster_key = \"/k\"\n");
  CHECK_FALSE(c.ok());
}

}  // namespace
}  // namespace provisor
