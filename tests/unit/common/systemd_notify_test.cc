#include "common/systemd_notify.h"

#include <catch2/catch.hpp>
#include <atomic>
#include <cstdlib>
#include <mutex>
#include <vector>

#include "tests/support/cluster.h"

namespace provisor {
namespace {

using testing::WaitFor;

// Collects the state lines a ServiceNotifier sends (from any thread).
class Recorder {
 public:
  ServiceNotifierOptions Options(Duration period) {
    ServiceNotifierOptions options;
    options.watchdog_period = period;
    options.send = [this](const std::string& state) {
      std::lock_guard<std::mutex> lock(mu_);
      sent_.push_back(state);
    };
    return options;
  }
  std::vector<std::string> sent() const {
    std::lock_guard<std::mutex> lock(mu_);
    return sent_;
  }
  size_t Count(const std::string& state) const {
    size_t n = 0;
    for (const std::string& s : sent()) n += s == state;
    return n;
  }

 private:
  mutable std::mutex mu_;
  std::vector<std::string> sent_;
};

}  // namespace

TEST_CASE("without NOTIFY_SOCKET the notifier does nothing", "[systemd]") {
  unsetenv("NOTIFY_SOCKET");
  ServiceNotifier notifier(nullptr, MakeNullLogger());
  CHECK_FALSE(notifier.enabled());
  CHECK(notifier.watchdog_period() == Duration::zero());
  notifier.Ready("serving");
  notifier.Stopping();
}

TEST_CASE("ready and stopping without a watchdog", "[systemd]") {
  unsetenv("WATCHDOG_USEC");
  Recorder recorder;
  {
    ServiceNotifier notifier(nullptr, MakeNullLogger(), recorder.Options(Duration::zero()));
    CHECK(notifier.enabled());
    CHECK(notifier.watchdog_period() == Duration::zero());
    notifier.Ready("root master serving at revision 7");
    notifier.SetStatus("draining");
    notifier.Stopping();
  }
  CHECK(recorder.sent() == std::vector<std::string>{"READY=1\nSTATUS=root master serving at revision 7",
                                                    "STATUS=draining", "STOPPING=1"});
}

TEST_CASE("keep-alives flow only while the liveness check passes", "[systemd]") {
  Recorder recorder;
  std::atomic<bool> alive{true};
  std::atomic<int> checks{0};
  ServiceNotifier notifier(
      [&] {
        checks.fetch_add(1);
        return alive.load();
      },
      MakeNullLogger(), recorder.Options(std::chrono::milliseconds(20)));
  REQUIRE(notifier.watchdog_period() == std::chrono::milliseconds(20));
  // Nothing before Ready().
  CHECK(recorder.sent().empty());
  CHECK(checks.load() == 0);

  notifier.Ready("serving");
  CHECK(recorder.sent().front() == "READY=1\nSTATUS=serving");
  REQUIRE(WaitFor([&] { return recorder.Count("WATCHDOG=1") >= 3; }));

  // Stuck: once a check has seen it, keep-alives stop however many checks run.
  alive = false;
  // A check that began before the flip may still send; the next one began
  // after that one finished.
  const int flipped_at = checks.load();
  REQUIRE(WaitFor([&] { return checks.load() > flipped_at; }));
  const size_t kept = recorder.Count("WATCHDOG=1");
  const int later = checks.load();
  REQUIRE(WaitFor([&] { return checks.load() >= later + 3; }));
  CHECK(recorder.Count("WATCHDOG=1") == kept);

  // Alive again: they resume.
  alive = true;
  REQUIRE(WaitFor([&] { return recorder.Count("WATCHDOG=1") >= kept + 2; }));

  notifier.Stopping();
  const std::vector<std::string> sent = recorder.sent();
  CHECK(sent.back() == "STOPPING=1");
  CHECK(recorder.Count("READY=1\nSTATUS=serving") == 1);
}

TEST_CASE("the watchdog period comes from WATCHDOG_USEC", "[systemd]") {
  Recorder recorder;
  unsetenv("WATCHDOG_PID");
  setenv("WATCHDOG_USEC", "400000", 1);
  ServiceNotifier notifier(nullptr, MakeNullLogger(), recorder.Options(Duration::zero()));
  unsetenv("WATCHDOG_USEC");
  CHECK(notifier.watchdog_period() == std::chrono::milliseconds(400));
}

}  // namespace provisor
