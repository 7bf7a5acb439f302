#include "tests/support/webdriver.h"

#include <fcntl.h>
#include <httplib.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <regex>
#include <sstream>
#include <stdexcept>
#include <thread>
#include <vector>

namespace provisor::testing {
namespace {

using Clock = std::chrono::steady_clock;
using Json = nlohmann::json;

// The full path of `program` in PATH, or "".
std::string FindInPath(const std::string& program) {
  const char* path = std::getenv("PATH");
  std::stringstream dirs(path != nullptr ? path : "/usr/bin:/bin");
  std::string dir;
  while (std::getline(dirs, dir, ':')) {
    if (dir.empty()) continue;
    std::string candidate = dir + "/" + program;
    struct stat st;
    if (stat(candidate.c_str(), &st) == 0 && S_ISREG(st.st_mode) && access(candidate.c_str(), X_OK) == 0) {
      return candidate;
    }
  }
  return "";
}

std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream bytes;
  bytes << in.rdbuf();
  return bytes.str();
}

// Waits up to `deadline` for `pid` to exit; true if it did (and was reaped).
bool Reap(pid_t pid, std::chrono::milliseconds deadline) {
  const auto end = Clock::now() + deadline;
  while (true) {
    int status;
    pid_t r = waitpid(pid, &status, WNOHANG);
    if (r == pid || r < 0) return true;
    if (Clock::now() >= end) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

}  // namespace

bool HaveBrowser() {
  return !FindInPath("chromium").empty() && !FindInPath("chromedriver").empty();
}

WebDriver::WebDriver(BrowserOptions options) {
  const std::string chromedriver = FindInPath("chromedriver");
  const std::string chromium = FindInPath("chromium");
  if (chromedriver.empty() || chromium.empty()) {
    throw std::runtime_error("chromium or chromedriver is not installed");
  }
  // --port=0: chromedriver picks a free port and prints it. It listens on
  // IPv6 and IPv4 with the same number, and the IPv4 one may be taken by
  // another process by then ("Address already in use"): start it again.
  for (int attempt = 1; port_ == 0; ++attempt) {
    const std::string log_path =
        dir_.path() + "/chromedriver-" + std::to_string(attempt) + ".log";
    log_path_ = log_path;
    pid_ = fork();
    if (pid_ < 0) throw std::runtime_error("fork failed");
    if (pid_ == 0) {
      setpgid(0, 0);  // its own group: chromium and its helpers go with it
      int out = open(log_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
      if (out >= 0) {
        dup2(out, 1);
        dup2(out, 2);
      }
      execl(chromedriver.c_str(), chromedriver.c_str(), "--port=0", static_cast<char*>(nullptr));
      _exit(127);
    }
    setpgid(pid_, pid_);

    const std::regex started("started successfully on port ([0-9]+)");
    const auto deadline = Clock::now() + std::chrono::seconds(20);
    while (port_ == 0) {
      std::smatch m;
      const std::string log = ReadAll(log_path);
      if (std::regex_search(log, m, started)) {
        port_ = std::stoi(m[1].str());
        break;
      }
      int status;
      if (waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        if (attempt < 5 && log.find("Address already in use") != std::string::npos) break;
        throw std::runtime_error("chromedriver exited: " + log);
      }
      if (Clock::now() >= deadline) {
        Quit();
        throw std::runtime_error("chromedriver did not report its port: " + log);
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  }

  client_ = std::make_unique<httplib::Client>("127.0.0.1", port_);
  client_->set_connection_timeout(5, 0);
  client_->set_read_timeout(120, 0);
  client_->set_write_timeout(10, 0);

  const std::string size = std::to_string(options.width) + "," + std::to_string(options.height);
  Json chrome_options = {
      {"binary", chromium},
      {"args",
       {"--headless=new", "--no-sandbox", "--disable-gpu", "--window-size=" + size,
        "--disable-dev-shm-usage", "--no-first-run", "--no-default-browser-check",
        "--disable-extensions", "--disable-background-networking", "--disable-sync",
        "--user-data-dir=" + dir_.path() + "/profile"}},
  };
  Json capabilities = {
      {"capabilities",
       {{"alwaysMatch",
         {{"goog:chromeOptions", chrome_options},
          {"pageLoadStrategy", "normal"},
          {"timeouts", {{"script", 30000}, {"pageLoad", 60000}}}}}}},
  };
  try {
    Json value = Command("POST", "/session", capabilities);
    session_ = value.at("sessionId").get<std::string>();
  } catch (const std::exception& e) {
    Quit();
    throw std::runtime_error(std::string("no WebDriver session: ") + e.what() + "\n" +
                             ReadAll(log_path_));
  }
}

WebDriver::~WebDriver() { Quit(); }

void WebDriver::Quit() {
  if (!session_.empty() && client_ != nullptr) {
    try {
      Command("DELETE", "/session/" + session_);
    } catch (const std::exception&) {
      // chromedriver is stopped below regardless.
    }
    session_.clear();
  }
  if (pid_ > 0) {
    kill(pid_, SIGTERM);
    if (!Reap(pid_, std::chrono::seconds(10))) {
      kill(-pid_, SIGKILL);
      Reap(pid_, std::chrono::seconds(10));
    }
    kill(-pid_, SIGKILL);  // whatever is left of chromium
    pid_ = -1;
  }
}

Json WebDriver::Command(const std::string& method, const std::string& path, const Json& body) {
  httplib::Result result =
      method == "GET"      ? client_->Get(path)
      : method == "DELETE" ? client_->Delete(path)
                           : client_->Post(path, body.is_null() ? std::string("{}") : body.dump(),
                                           "application/json");
  if (!result) {
    throw std::runtime_error("WebDriver " + method + " " + path + ": " +
                             httplib::to_string(result.error()));
  }
  Json answer = Json::parse(result->body, nullptr, /*allow_exceptions=*/false);
  if (answer.is_discarded() || !answer.is_object()) {
    throw std::runtime_error("WebDriver " + method + " " + path + ": HTTP " +
                             std::to_string(result->status) + ": " + result->body);
  }
  Json value = answer.value("value", Json());
  if (result->status != 200 || (value.is_object() && value.contains("error"))) {
    std::string error = value.is_object() ? value.value("error", std::string("error")) : "error";
    std::string message = value.is_object() ? value.value("message", std::string()) : "";
    throw std::runtime_error("WebDriver " + method + " " + path + ": HTTP " +
                             std::to_string(result->status) + ": " + error + ": " + message);
  }
  return value;
}

void WebDriver::Navigate(const std::string& url) {
  Command("POST", "/session/" + session_ + "/url", {{"url", url}});
}

Json WebDriver::Execute(const std::string& script, const Json& args) {
  return Command("POST", "/session/" + session_ + "/execute/sync",
                 {{"script", script}, {"args", args}});
}

std::string WebDriver::Screenshot() {
  return Base64Decode(Command("GET", "/session/" + session_ + "/screenshot").get<std::string>());
}

std::string WebDriver::Log() const { return ReadAll(log_path_); }

std::string Base64Decode(const std::string& text) {
  std::string out;
  out.reserve(text.size() / 4 * 3);
  uint32_t bits = 0;
  int count = 0;
  int padding = 0;
  for (char c : text) {
    int v;
    if (c >= 'A' && c <= 'Z') {
      v = c - 'A';
    } else if (c >= 'a' && c <= 'z') {
      v = c - 'a' + 26;
    } else if (c >= '0' && c <= '9') {
      v = c - '0' + 52;
    } else if (c == '+') {
      v = 62;
    } else if (c == '/') {
      v = 63;
    } else if (c == '=') {
      ++padding;
      continue;
    } else if (c == '\n' || c == '\r') {
      continue;
    } else {
      throw std::runtime_error("bad base64 character");
    }
    if (padding > 0) throw std::runtime_error("base64 data after padding");
    bits = (bits << 6) | static_cast<uint32_t>(v);
    if (++count == 4) {
      out.push_back(static_cast<char>((bits >> 16) & 0xff));
      out.push_back(static_cast<char>((bits >> 8) & 0xff));
      out.push_back(static_cast<char>(bits & 0xff));
      bits = 0;
      count = 0;
    }
  }
  if (count == 1 || padding > 2) throw std::runtime_error("truncated base64");
  if (count == 2) {
    out.push_back(static_cast<char>((bits >> 4) & 0xff));
  } else if (count == 3) {
    out.push_back(static_cast<char>((bits >> 10) & 0xff));
    out.push_back(static_cast<char>((bits >> 2) & 0xff));
  }
  return out;
}

}  // namespace provisor::testing
