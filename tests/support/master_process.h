// A provisor-master started for a test: a temporary data directory, a
// config on 127.0.0.1 port 0, and a way to run provisorctl against it.
// It can be stopped (cleanly or with SIGKILL) and started again on the same
// data directory and port, as an operator restarts a master. The master key
// file that seals its token keys is conf/token-master.key (made at first
// start) unless `extra_config` has its own [keys] table.
#ifndef PROVISOR_TESTS_SUPPORT_MASTER_PROCESS_H_
#define PROVISOR_TESTS_SUPPORT_MASTER_PROCESS_H_

#include <memory>
#include <string>
#include <vector>

#include "tests/support/process.h"
#include "tests/support/temp_dir.h"

namespace provisor::testing {

struct MasterProcess {
  // `extra_config` is appended to master.toml; `wrapper` goes in front of
  // the command, as for Daemon (e.g. {"env", "NAME=VALUE"}). Throws if it
  // does not start.
  explicit MasterProcess(const std::string& extra_config = "",
                         std::vector<std::string> wrapper = {});

  // Runs build/bin/provisorctl --master <address> args... (deadline 120 s).
  CommandResult Ctl(std::vector<std::string> args) const;

  // Stops the daemon with `signal` (SIGKILL: as a crash).
  void Stop(int signal);
  // Starts it again on the same data directory; `listen` defaults to the
  // address it had (so followers find it again). Throws if it does not start.
  void Start(const std::string& listen = "");

  TempDir data;
  TempDir conf;
  std::string extra;
  std::vector<std::string> wrapper;
  std::string config_path;
  std::string key_file;  // [keys] master_key_file, when this sets it
  std::unique_ptr<Daemon> daemon;
  std::string address;  // host:port of the gRPC listener
  // host:port of the HTTP listener when `extra_config` sets http_listen
  // (e.g. "127.0.0.1:0"), else empty (the listener is off).
  std::string http_address;
};

}  // namespace provisor::testing

#endif  // PROVISOR_TESTS_SUPPORT_MASTER_PROCESS_H_
