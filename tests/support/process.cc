#include "tests/support/process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace provisor::testing {
namespace {

using Clock = std::chrono::steady_clock;

std::vector<char*> Argv(const std::vector<std::string>& args) {
  std::vector<char*> out;
  for (const std::string& a : args) out.push_back(const_cast<char*>(a.c_str()));
  out.push_back(nullptr);
  return out;
}

int RemainingMs(Clock::time_point deadline) {
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
  return left.count() < 0 ? 0 : static_cast<int>(left.count());
}

// Waits for `pid` until `deadline`; returns the exit code, or -1 (killed).
int WaitFor(pid_t pid, Clock::time_point deadline, bool* timed_out) {
  while (true) {
    int status = 0;
    pid_t r = waitpid(pid, &status, WNOHANG);
    if (r == pid) {
      if (WIFEXITED(status)) return WEXITSTATUS(status);
      return -1;
    }
    if (Clock::now() >= deadline) {
      kill(pid, SIGKILL);
      waitpid(pid, &status, 0);
      if (timed_out) *timed_out = true;
      return -1;
    }
    // Poll the child's state with a short wait on nothing (no logic waits here:
    // this is the deadline loop around a real process).
    poll(nullptr, 0, 5);
  }
}

}  // namespace

bool HaveProgram(const std::string& program) {
  CommandResult r = RunCommand({"sh", "-c", "command -v " + program}, std::chrono::seconds(5));
  return r.exit_code == 0;
}

CommandResult RunCommand(const std::vector<std::string>& argv,
                         std::chrono::milliseconds deadline_ms, const std::string& input,
                         const std::string& cwd) {
  CommandResult result;
  int in_pipe[2], out_pipe[2], err_pipe[2];
  if (pipe2(in_pipe, O_CLOEXEC) != 0 || pipe2(out_pipe, O_CLOEXEC) != 0 ||
      pipe2(err_pipe, O_CLOEXEC) != 0) {
    throw std::runtime_error("pipe failed");
  }
  pid_t pid = fork();
  if (pid == 0) {
    dup2(in_pipe[0], 0);
    dup2(out_pipe[1], 1);
    dup2(err_pipe[1], 2);
    if (!cwd.empty() && chdir(cwd.c_str()) != 0) _exit(126);
    std::vector<char*> args = Argv(argv);
    execvp(args[0], args.data());
    _exit(127);
  }
  close(in_pipe[0]);
  close(out_pipe[1]);
  close(err_pipe[1]);
  auto deadline = Clock::now() + deadline_ms;
  size_t written = 0;
  if (input.empty()) {
    close(in_pipe[1]);
    in_pipe[1] = -1;
  } else {
    fcntl(in_pipe[1], F_SETFL, O_NONBLOCK);
  }
  int open_fds = 2;
  char buf[65536];
  while (open_fds > 0 && Clock::now() < deadline) {
    pollfd fds[3] = {{out_pipe[0], POLLIN, 0}, {err_pipe[0], POLLIN, 0}, {in_pipe[1], POLLOUT, 0}};
    int nfds = in_pipe[1] >= 0 ? 3 : 2;
    if (poll(fds, nfds, RemainingMs(deadline)) <= 0) continue;
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
      ssize_t n = read(fds[i].fd, buf, sizeof(buf));
      if (n > 0) {
        (i == 0 ? result.out : result.err).append(buf, static_cast<size_t>(n));
      } else {
        close(fds[i].fd);
        (i == 0 ? out_pipe[0] : err_pipe[0]) = -1;
        --open_fds;
      }
    }
    if (nfds == 3 && (fds[2].revents & (POLLOUT | POLLERR | POLLHUP))) {
      ssize_t n = write(in_pipe[1], input.data() + written, input.size() - written);
      if (n > 0) written += static_cast<size_t>(n);
      if (n < 0 || written == input.size()) {
        close(in_pipe[1]);
        in_pipe[1] = -1;
      }
    }
  }
  for (int fd : {out_pipe[0], err_pipe[0], in_pipe[1]}) {
    if (fd >= 0) close(fd);
  }
  result.exit_code = WaitFor(pid, deadline, &result.timed_out);
  return result;
}

Daemon::Daemon(const std::string& binary, const std::vector<std::string>& args,
               int listeners, const std::vector<std::string>& wrapper,
               const std::string& stderr_path) {
  std::vector<std::string> argv = wrapper;
  argv.push_back(std::string(PROVISOR_BIN_DIR) + "/" + binary);
  argv.insert(argv.end(), args.begin(), args.end());
  int out_pipe[2];
  if (pipe2(out_pipe, O_CLOEXEC) != 0) throw std::runtime_error("pipe failed");
  pid_ = fork();
  if (pid_ == 0) {
    setpgid(0, 0);  // its own group, so nothing it starts outlives the test
    dup2(out_pipe[1], 1);
    if (!stderr_path.empty()) {
      int err = open(stderr_path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
      if (err >= 0) dup2(err, 2);
    }
    std::vector<char*> a = Argv(argv);
    execvp(a[0], a.data());
    _exit(127);
  }
  close(out_pipe[1]);
  stdout_fd_ = out_pipe[0];
  ReadListeners([&] { return static_cast<int>(ordered_.size()) >= listeners; },
                Clock::now() + std::chrono::seconds(20));
  ready_ = static_cast<int>(ordered_.size()) >= listeners;
}

void Daemon::ReadListeners(const std::function<bool()>& enough, Clock::time_point deadline) {
  char buf[4096];
  while (stdout_fd_ >= 0 && !enough() && Clock::now() < deadline) {
    pollfd p{stdout_fd_, POLLIN, 0};
    if (poll(&p, 1, RemainingMs(deadline)) <= 0) continue;
    ssize_t n = read(stdout_fd_, buf, sizeof(buf));
    if (n <= 0) break;  // exited
    output_.append(buf, static_cast<size_t>(n));
    pending_.append(buf, static_cast<size_t>(n));
    size_t nl;
    while ((nl = pending_.find('\n')) != std::string::npos) {
      std::string line = pending_.substr(0, nl);
      pending_.erase(0, nl + 1);
      std::istringstream words(line);
      std::string listening, role, protocol, address;
      if (words >> listening >> role >> protocol >> address && listening == "listening") {
        auto parsed = SocketAddress::Parse(address);
        if (parsed.ok()) ordered_.emplace_back(role + " " + protocol, *parsed);
      }
    }
  }
}

bool Daemon::WaitListener(const std::string& role_protocol, std::chrono::milliseconds deadline) {
  auto announced = [&] {
    for (const auto& entry : ordered_) {
      if (entry.first == role_protocol) return true;
    }
    return false;
  };
  ReadListeners(announced, Clock::now() + deadline);
  return announced();
}

Daemon::~Daemon() {
  if (pid_ > 0) {
    kill(-pid_, SIGKILL);
    int status;
    waitpid(pid_, &status, 0);
  }
  if (stdout_fd_ >= 0) close(stdout_fd_);
}

SocketAddress Daemon::Address(const std::string& role_protocol, size_t index) const {
  for (const auto& [key, address] : ordered_) {
    if (key == role_protocol && index-- == 0) return address;
  }
  throw std::runtime_error("no listener '" + role_protocol + "' in: " + output_);
}

int Daemon::Stop(int signal) {
  if (pid_ <= 0) return -1;
  // Behind a wrapper (strace) the daemon is the wrapper's child: signal the
  // daemon, and the wrapper exits with its status.
  std::ifstream children("/proc/" + std::to_string(pid_) + "/task/" + std::to_string(pid_) +
                         "/children");
  pid_t child = 0;
  if (children >> child && child > 0) {
    kill(child, signal);
  } else {
    kill(pid_, signal);
  }
  int code = WaitFor(pid_, Clock::now() + std::chrono::seconds(20), nullptr);
  pid_ = -1;
  return code;
}

}  // namespace provisor::testing
