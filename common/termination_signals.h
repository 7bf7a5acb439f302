// TerminationSignals: how a daemon's main thread waits for SIGTERM/SIGINT.
// Construct it first thing in main(), before any thread starts: it blocks
// both signals (every thread started later inherits the mask, so only
// Wait() takes them) and ignores SIGPIPE (a peer closing a socket is an
// error value, not a death).
//
// Thread-safety: construct and Wait on the main thread.
#ifndef PROVISOR_COMMON_TERMINATION_SIGNALS_H_
#define PROVISOR_COMMON_TERMINATION_SIGNALS_H_

#include <signal.h>

namespace provisor {

class TerminationSignals {
 public:
  TerminationSignals() {
    sigemptyset(&set_);
    sigaddset(&set_, SIGTERM);
    sigaddset(&set_, SIGINT);
    pthread_sigmask(SIG_BLOCK, &set_, nullptr);
    signal(SIGPIPE, SIG_IGN);
  }
  // Blocks until SIGTERM or SIGINT arrives; returns its number.
  int Wait() {
    int number = 0;
    sigwait(&set_, &number);
    return number;
  }

 private:
  sigset_t set_;
};

}  // namespace provisor

#endif  // PROVISOR_COMMON_TERMINATION_SIGNALS_H_
