// ServiceNotifier: tells the service manager (systemd, Type=notify) how a
// daemon is doing through sd_notify(3): READY=1 once it serves, WATCHDOG=1
// keep-alives while a caller-supplied liveness check passes, STOPPING=1 when
// it shuts down. Without NOTIFY_SOCKET in the environment every call is a
// no-op, so the daemons run the same way by hand, in tests and under systemd.
//
// The watchdog period comes from WATCHDOG_USEC (sd_watchdog_enabled), or
// from the options (tests). Keep-alives go out every half period from a
// thread of its own, started by Ready() and ended by Stopping() or the
// destructor; a check that fails skips that keep-alive, so a daemon that is
// stuck misses them and systemd restarts it.
//
// Thread-safety: Ready/SetStatus/Stopping from one controlling thread. The
// liveness check runs on the watchdog thread and must be thread-safe.
// REQUIRES: a non-null logger (MakeNullLogger() in tests).
#ifndef PROVISOR_COMMON_SYSTEMD_NOTIFY_H_
#define PROVISOR_COMMON_SYSTEMD_NOTIFY_H_

#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>

#include "common/clock.h"
#include "common/logging.h"

namespace provisor {

struct ServiceNotifierOptions {
  // Zero: the period the service manager asked for (WATCHDOG_USEC), if any.
  Duration watchdog_period = Duration::zero();
  // Where state lines ("READY=1\nSTATUS=...") go. Empty: sd_notify, and only
  // when NOTIFY_SOCKET is set.
  std::function<void(const std::string&)> send;
};

class ServiceNotifier {
 public:
  // `alive` answers "is the daemon still doing its work?"; empty: always.
  ServiceNotifier(std::function<bool()> alive, Logger logger,
                  ServiceNotifierOptions options = {});
  ~ServiceNotifier();  // ends the watchdog thread (sends nothing)
  ServiceNotifier(const ServiceNotifier&) = delete;
  ServiceNotifier& operator=(const ServiceNotifier&) = delete;

  // READY=1 with STATUS=`status`; starts the keep-alives if a watchdog is on.
  void Ready(std::string_view status);
  // STATUS=`status` (shown by systemctl status).
  void SetStatus(std::string_view status);
  // Ends the keep-alives, then STOPPING=1.
  void Stopping();

  // False when there is no service manager to tell (every call a no-op).
  bool enabled() const { return enabled_; }
  // Zero when no watchdog is asked for.
  Duration watchdog_period() const { return period_; }

 private:
  void Send(const std::string& state);
  void StopWatchdog();
  void RunWatchdog();

  std::function<bool()> alive_;
  Logger logger_;
  std::function<void(const std::string&)> send_;
  bool enabled_ = false;
  Duration period_ = Duration::zero();

  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;  // protected by mu_
  std::thread watchdog_;
};

}  // namespace provisor

#endif  // PROVISOR_COMMON_SYSTEMD_NOTIFY_H_
