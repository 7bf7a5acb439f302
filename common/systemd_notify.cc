#include "common/systemd_notify.h"

#include <systemd/sd-daemon.h>

#include <chrono>
#include <cstdlib>

namespace provisor {

ServiceNotifier::ServiceNotifier(std::function<bool()> alive, Logger logger,
                                 ServiceNotifierOptions options)
    : alive_(std::move(alive)), logger_(std::move(logger)), send_(std::move(options.send)) {
  if (send_ == nullptr) {
    const char* socket = std::getenv("NOTIFY_SOCKET");
    enabled_ = socket != nullptr && socket[0] != '\0';
    send_ = [](const std::string& state) { sd_notify(0, state.c_str()); };
  } else {
    enabled_ = true;
  }
  if (!enabled_) return;
  period_ = options.watchdog_period;
  uint64_t usec = 0;
  // > 0 only when WATCHDOG_USEC is set (and WATCHDOG_PID, if set, is us).
  if (period_ <= Duration::zero() && sd_watchdog_enabled(0, &usec) > 0) {
    period_ = std::chrono::microseconds(usec);
  }
  if (period_ < Duration::zero()) period_ = Duration::zero();
}

ServiceNotifier::~ServiceNotifier() { StopWatchdog(); }

void ServiceNotifier::Ready(std::string_view status) {
  if (!enabled_) return;
  Send("READY=1\nSTATUS=" + std::string(status));
  if (period_ > Duration::zero() && !watchdog_.joinable()) {
    logger_->debug("WATCHDOG_STARTED keep-alive every {} ms",
                   std::chrono::duration_cast<std::chrono::milliseconds>(period_ / 2).count());
    watchdog_ = std::thread([this] { RunWatchdog(); });
  }
}

void ServiceNotifier::SetStatus(std::string_view status) {
  if (!enabled_) return;
  Send("STATUS=" + std::string(status));
}

void ServiceNotifier::Stopping() {
  if (!enabled_) return;
  StopWatchdog();
  Send("STOPPING=1");
}

void ServiceNotifier::Send(const std::string& state) { send_(state); }

void ServiceNotifier::StopWatchdog() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  if (watchdog_.joinable()) watchdog_.join();
}

void ServiceNotifier::RunWatchdog() {
  const Duration half = period_ / 2;
  bool stalled = false;
  std::unique_lock<std::mutex> lock(mu_);
  while (!cv_.wait_for(lock, half, [this] { return stop_; })) {
    lock.unlock();
    const bool alive = alive_ == nullptr || alive_();
    if (alive) {
      Send("WATCHDOG=1");
      if (stalled) logger_->warn("WATCHDOG_RECOVERED liveness check passes again");
    } else if (!stalled) {
      logger_->error("WATCHDOG_STALLED liveness check failed: withholding keep-alives, the "
                     "service manager restarts the daemon if this lasts {} ms",
                     std::chrono::duration_cast<std::chrono::milliseconds>(period_).count());
    }
    stalled = !alive;
    lock.lock();
  }
}

}  // namespace provisor
