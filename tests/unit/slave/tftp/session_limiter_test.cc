#include "slave/tftp/session_limiter.h"

#include <catch2/catch.hpp>

namespace provisor::tftp {
namespace {

SocketAddress Addr(const char* text) { return *SocketAddress::Parse(text); }

TEST_CASE("total limit refuses as busy and recovers on release") {
  SessionLimiter limiter(2, 0);
  CHECK(limiter.Acquire(Addr("10.0.0.1:1")) == SessionLimiter::Verdict::kAdmitted);
  CHECK(limiter.Acquire(Addr("10.0.0.2:1")) == SessionLimiter::Verdict::kAdmitted);
  CHECK(limiter.Acquire(Addr("10.0.0.3:1")) == SessionLimiter::Verdict::kBusy);
  CHECK(limiter.total() == 2);
  limiter.Release(Addr("10.0.0.1:1"));
  CHECK(limiter.Acquire(Addr("10.0.0.3:1")) == SessionLimiter::Verdict::kAdmitted);
}

TEST_CASE("per-client limit counts by IP, whatever the port") {
  SessionLimiter limiter(0, 2);
  CHECK(limiter.Acquire(Addr("10.0.0.1:1000")) == SessionLimiter::Verdict::kAdmitted);
  CHECK(limiter.Acquire(Addr("10.0.0.1:1001")) == SessionLimiter::Verdict::kAdmitted);
  CHECK(limiter.Acquire(Addr("10.0.0.1:1002")) == SessionLimiter::Verdict::kClientBusy);
  CHECK(limiter.Acquire(Addr("10.0.0.2:1000")) == SessionLimiter::Verdict::kAdmitted);
  CHECK(limiter.total() == 3);
  limiter.Release(Addr("10.0.0.1:1000"));
  CHECK(limiter.Acquire(Addr("10.0.0.1:1003")) == SessionLimiter::Verdict::kAdmitted);
}

}  // namespace
}  // namespace provisor::tftp
