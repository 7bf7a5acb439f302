// A small W3C WebDriver client for browser tests: starts Debian's
// chromedriver on a free port (it prints "... started successfully on port
// N"), opens one headless chromium session, and drives it: navigate, run a
// script in the page, take a screenshot. The destructor ends the session
// (chromium quits) and stops chromedriver; anything left of either is
// killed with their process group, and chromium's profile lives in a
// temporary directory removed with the object.
//
// Thread-safety: one test thread uses an instance.
// REQUIRES: HaveBrowser() (chromium and chromedriver in PATH).
#ifndef PROVISOR_TESTS_SUPPORT_WEBDRIVER_H_
#define PROVISOR_TESTS_SUPPORT_WEBDRIVER_H_

#include <sys/types.h>

#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "tests/support/temp_dir.h"

namespace httplib {
class Client;
}

namespace provisor::testing {

// True when both chromium and chromedriver are installed.
bool HaveBrowser();

struct BrowserOptions {
  int width = 1280;
  int height = 900;
};

class WebDriver {
 public:
  // Starts chromedriver and a headless chromium session. Throws
  // std::runtime_error (with chromedriver's output) when either fails.
  explicit WebDriver(BrowserOptions options = {});
  ~WebDriver();
  WebDriver(const WebDriver&) = delete;
  WebDriver& operator=(const WebDriver&) = delete;

  // Loads `url` and waits for the page's load event.
  void Navigate(const std::string& url);

  // Runs `script` in the page as the body of a function with `args` as its
  // `arguments`; returns what it returns (JSON). Throws on a script error.
  nlohmann::json Execute(const std::string& script,
                         const nlohmann::json& args = nlohmann::json::array());

  // The visible page as PNG bytes.
  std::string Screenshot();

  // What chromedriver printed so far (for failure messages).
  std::string Log() const;

 private:
  // One WebDriver command; returns its "value". Throws on an error answer.
  nlohmann::json Command(const std::string& method, const std::string& path,
                         const nlohmann::json& body = nullptr);
  void Quit();

  TempDir dir_;  // chromedriver's output and chromium's profile
  pid_t pid_ = -1;
  std::string log_path_;  // the log of the chromedriver that started
  int port_ = 0;
  std::string session_;
  std::unique_ptr<httplib::Client> client_;
};

// Decodes standard base64 (as WebDriver sends screenshots). Throws on bad input.
std::string Base64Decode(const std::string& text);

}  // namespace provisor::testing

#endif  // PROVISOR_TESTS_SUPPORT_WEBDRIVER_H_
