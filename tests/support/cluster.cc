#include "tests/support/cluster.h"

#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace provisor::testing {

SlaveProcess::SlaveProcess(const std::string& slave_id, const std::string& master,
                           const std::string& extra, const std::vector<std::string>& wrap,
                           const std::string& tftp_listen)
    : id(slave_id), wrapper(wrap) {
  config_path = dir.WriteFile("slave.toml", "id = \"" + id + "\"\nmaster = \"" + master +
                                                "\"\ntftp_listen = \"" + tftp_listen + "\"\n"
                                                "log_level = \"info\"\n" + extra);
  stderr_path = dir.path() + "/stderr";
  Start();
}

void SlaveProcess::Start() {
  daemon = std::make_unique<Daemon>("provisor-slave",
                                    std::vector<std::string>{"--config", config_path}, 1, wrapper,
                                    stderr_path);
  if (!daemon->ready()) throw std::runtime_error("provisor-slave did not start: " + daemon->output());
  tftp = daemon->Address("slave tftp");
}

void SlaveProcess::Stop(int signal) {
  if (daemon != nullptr) daemon->Stop(signal);
  daemon.reset();
}

std::string SlaveProcess::Fetch(const std::string& name) const {
  TempDir out;
  CommandResult r = RunCommand({"tftp", "127.0.0.1", std::to_string(tftp.port()), "-c", "get",
                                name, out.path() + "/file"},
                               std::chrono::seconds(30));
  std::ifstream in(out.path() + "/file", std::ios::binary);
  std::stringstream bytes;
  bytes << in.rdbuf();
  if (r.exit_code != 0 || r.out.find("Error") != std::string::npos ||
      r.err.find("Error") != std::string::npos) {
    return "ERROR: " + r.out + r.err;
  }
  return bytes.str();
}

// Polls real processes (not logic under a fake clock): the pause between
// polls only keeps the test from spinning.
bool WaitFor(const std::function<bool()>& done, std::chrono::milliseconds deadline) {
  const auto end = std::chrono::steady_clock::now() + deadline;
  while (std::chrono::steady_clock::now() < end) {
    if (done()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return done();
}

nlohmann::json Status(const MasterProcess& master) {
  CommandResult r = master.Ctl({"--json", "status"});
  if (r.exit_code != 0) throw std::runtime_error("provisorctl status failed: " + r.err);
  return nlohmann::json::parse(r.out);
}

nlohmann::json SlaveRow(const nlohmann::json& status, const std::string& id) {
  for (const nlohmann::json& row : status.at("slaves")) {
    if (row.at("id") == id) return row;
  }
  return nullptr;
}

bool AllCaughtUp(const MasterProcess& master, const std::vector<std::string>& ids) {
  nlohmann::json status = Status(master);
  for (const std::string& id : ids) {
    nlohmann::json row = SlaveRow(status, id);
    if (row.is_null() || row.at("state") != "up") return false;
    if (row.at("applied_revision").get<uint64_t>() != status.at("revision").get<uint64_t>()) {
      return false;
    }
  }
  return true;
}

void ImportExamples(const MasterProcess& master, const std::string& source_dir) {
  const std::string dir = source_dir + "/deploy/examples/";
  const std::vector<std::vector<std::string>> steps = {
      {"import", dir + "templates.jsonl"},
      {"import", dir + "models.csv", "--kind", "model"},
      {"import", dir + "packages.csv", "--kind", "package"},
      {"import", dir + "subscribers.csv", "--kind", "subscriber"},
      {"import", dir + "devices.csv", "--kind", "device"},
  };
  for (const auto& step : steps) {
    CommandResult r = master.Ctl(step);
    if (r.exit_code != 0) throw std::runtime_error("import failed: " + r.out + r.err);
  }
}

Rendered Render(const MasterProcess& master, const std::string& mac) {
  CommandResult r = master.Ctl({"--json", "render", "--mac", mac, "--ip", "127.0.0.1",
                                "--server", "127.0.0.1"});
  if (r.exit_code != 0) throw std::runtime_error("render failed: " + r.err);
  nlohmann::json j = nlohmann::json::parse(r.out);
  CommandResult raw = master.Ctl({"render", "--mac", mac, "--ip", "127.0.0.1", "--server",
                                  "127.0.0.1"});
  if (raw.exit_code != 0) throw std::runtime_error("render failed: " + raw.err);
  return Rendered{j.at("filename").get<std::string>(), raw.out};
}

}  // namespace provisor::testing
