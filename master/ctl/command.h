// The shape every provisorctl command shares: what it is handed (the global
// flags, resolved; where to print) and how it ends (an exit code and, when it
// failed, one line for stderr). Commands register their CLI11 subcommand in a
// CommandSet; after parsing, the one whose subcommand was given runs.
//
// Thread-safety: single-threaded use from main().
#ifndef PROVISOR_MASTER_CTL_COMMAND_H_
#define PROVISOR_MASTER_CTL_COMMAND_H_

#include <memory>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include "common/clock.h"
#include "common/status.h"
#include "master/ctl/admin_client.h"

namespace CLI {
class App;
}  // namespace CLI

namespace provisor::ctl {

inline constexpr int kExitOk = 0;
inline constexpr int kExitFailed = 1;
inline constexpr int kExitUsage = 2;

struct CommandResult {
  int exit_code = kExitOk;
  std::string message;  // one line for stderr unless exit_code is 0

  static CommandResult Ok() { return {}; }
  static CommandResult Failed(std::string message) { return {kExitFailed, std::move(message)}; }
  static CommandResult Usage(std::string message) { return {kExitUsage, std::move(message)}; }
  static CommandResult From(const Status& status) {
    return status.ok() ? Ok() : Failed(status.message());
  }
};

struct CommandEnv {
  ClientOptions client;  // --master, --timeout
  bool json = false;     // --json
  bool colour = false;   // stdout is a terminal (and NO_COLOR is not set)
  std::ostream* out = nullptr;
  std::ostream* err = nullptr;
  const Clock* clock = nullptr;
};

class Command {
 public:
  virtual ~Command() = default;
  virtual CommandResult Run(const CommandEnv& env) = 0;
};

class CommandSet {
 public:
  // `app` is the CLI11 subcommand that selects `command`.
  void Add(CLI::App* app, std::unique_ptr<Command> command) {
    commands_.emplace_back(app, std::move(command));
  }
  // The command whose subcommand was parsed, or null.
  Command* Selected() const;

 private:
  std::vector<std::pair<CLI::App*, std::unique_ptr<Command>>> commands_;
};

}  // namespace provisor::ctl

#endif  // PROVISOR_MASTER_CTL_COMMAND_H_
