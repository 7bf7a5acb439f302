// Test helpers for real processes: run a command to completion with a
// deadline (capturing its output), or start a provisor daemon and wait for
// its "listening <role> <protocol> <address>" lines.
#ifndef PROVISOR_TESTS_SUPPORT_PROCESS_H_
#define PROVISOR_TESTS_SUPPORT_PROCESS_H_

#include <signal.h>
#include <sys/types.h>

#include <chrono>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "common/socket_address.h"

namespace provisor::testing {

struct CommandResult {
  int exit_code = -1;      // -1 if killed for running past the deadline
  bool timed_out = false;
  std::string out;
  std::string err;
};

// Runs argv[0] (looked up in PATH) with `input` on stdin, in `cwd` if given.
CommandResult RunCommand(const std::vector<std::string>& argv,
                         std::chrono::milliseconds deadline = std::chrono::seconds(30),
                         const std::string& input = "", const std::string& cwd = "");

// True if `program` is found in PATH.
bool HaveProgram(const std::string& program);

// A daemon started from build/bin whose stdout announces its listeners.
class Daemon {
 public:
  // Starts `binary` (a name in build/bin) with `args`, then waits until it
  // has printed `listeners` "listening ..." lines or exited (deadline 20 s).
  // `wrapper` (e.g. {"strace", "-f", ...}) is put in front of the command.
  // `stderr_path`, when set, receives the daemon's stderr (else inherited).
  Daemon(const std::string& binary, const std::vector<std::string>& args, int listeners,
         const std::vector<std::string>& wrapper = {}, const std::string& stderr_path = "");
  ~Daemon();  // SIGKILL if still running
  Daemon(const Daemon&) = delete;
  Daemon& operator=(const Daemon&) = delete;

  bool ready() const { return ready_; }
  // Output seen so far on stdout (for failure messages).
  const std::string& output() const { return output_; }
  // Address announced for "<role> <protocol>", in order of announcement.
  SocketAddress Address(const std::string& role_protocol, size_t index = 0) const;
  // Reads more of the daemon's stdout until it has announced
  // "<role> <protocol>" (a listener beyond the first `listeners`) or
  // `deadline` passes or it exits; true if it was announced.
  bool WaitListener(const std::string& role_protocol,
                    std::chrono::milliseconds deadline = std::chrono::seconds(20));
  pid_t pid() const { return pid_; }
  // SIGTERM, then wait (deadline 20 s); returns the exit status (or -1).
  int Terminate() { return Stop(SIGTERM); }
  // Sends `signal` to the daemon, then waits as Terminate() does.
  int Stop(int signal);

 private:
  pid_t pid_ = -1;
  int stdout_fd_ = -1;
  bool ready_ = false;
  std::string output_;
  std::string pending_;  // stdout after the last full line
  // Reads stdout until `enough()` or `deadline`; records "listening" lines.
  void ReadListeners(const std::function<bool()>& enough,
                     std::chrono::steady_clock::time_point deadline);
  std::multimap<std::string, SocketAddress> listeners_;
  std::vector<std::pair<std::string, SocketAddress>> ordered_;
};

}  // namespace provisor::testing

#endif  // PROVISOR_TESTS_SUPPORT_PROCESS_H_
