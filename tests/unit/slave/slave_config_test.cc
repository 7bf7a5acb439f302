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

  auto d = Load("[diagnostic]\nenabled = true\n");
  REQUIRE(d.ok());
  CHECK(d->tftp.listen.at(0).ToString() == "0.0.0.0:69");
  CHECK(d->tftp.option_limits.max_blksize == 1468);
  CHECK(d->tftp.option_limits.max_windowsize == 64);
  CHECK(d->tftp.max_sessions == 20000);
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
  CHECK(Load("").status().message() ==
        "master is not set: a slave needs a master, unless [diagnostic] enabled = true");
}

}  // namespace
}  // namespace provisor
