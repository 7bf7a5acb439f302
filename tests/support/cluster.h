// Cluster test helpers: a provisor-slave following a master (real process
// on 127.0.0.1, port 0), fetching from it with the real tftp client, the
// master's `provisorctl status --json`, and polling with a deadline for
// real processes to converge.
#ifndef PROVISOR_TESTS_SUPPORT_CLUSTER_H_
#define PROVISOR_TESTS_SUPPORT_CLUSTER_H_

#include <chrono>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "tests/support/master_process.h"
#include "tests/support/process.h"
#include "tests/support/temp_dir.h"

namespace provisor::testing {

struct SlaveProcess {
  // Starts a slave `id` following `master`, serving TFTP on `tftp_listen`;
  // `extra` is appended to slave.toml. Throws if it does not start.
  SlaveProcess(const std::string& id, const std::string& master, const std::string& extra = "",
               const std::vector<std::string>& wrapper = {},
               const std::string& tftp_listen = "127.0.0.1:0");
  void Stop(int signal);
  void Start();  // again, same config (a new TFTP port)

  // tftp-hpa `get name`; the bytes, or "ERROR: ..." with what tftp said.
  std::string Fetch(const std::string& name) const;

  std::string id;
  TempDir dir;
  std::string config_path;
  std::string stderr_path;
  std::vector<std::string> wrapper;
  std::unique_ptr<Daemon> daemon;
  SocketAddress tftp;
};

// Polls `done` until it is true or `deadline` passes; true if it held.
bool WaitFor(const std::function<bool()>& done,
             std::chrono::milliseconds deadline = std::chrono::seconds(20));

// `provisorctl status --json` (throws when it fails).
nlohmann::json Status(const MasterProcess& master);
// The status row of slave `id`, or null.
nlohmann::json SlaveRow(const nlohmann::json& status, const std::string& id);
// True when every slave in `ids` is up and has applied the master's revision.
bool AllCaughtUp(const MasterProcess& master, const std::vector<std::string>& ids);

// Imports deploy/examples (templates, models, packages, subscribers,
// devices) in order; throws on failure.
void ImportExamples(const MasterProcess& master, const std::string& source_dir);

// provisorctl render --mac MAC --ip 127.0.0.1: {filename, bytes}.
struct Rendered {
  std::string filename;
  std::string content;
};
Rendered Render(const MasterProcess& master, const std::string& mac);

}  // namespace provisor::testing

#endif  // PROVISOR_TESTS_SUPPORT_CLUSTER_H_
