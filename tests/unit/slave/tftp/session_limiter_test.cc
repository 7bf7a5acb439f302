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

TEST_CASE("an admission slot gives its place back when destroyed, once") {
  SessionLimiter limiter(1, 1);
  {
    SessionLimiter::Admission first = limiter.Admit(Addr("10.0.0.1:1"));
    CHECK(first.verdict == SessionLimiter::Verdict::kAdmitted);
    CHECK(first.slot.held());
    CHECK(limiter.total() == 1);
    // A refusal holds nothing, and dropping it releases nothing.
    {
      SessionLimiter::Admission refused = limiter.Admit(Addr("10.0.0.2:1"));
      CHECK(refused.verdict == SessionLimiter::Verdict::kBusy);
      CHECK_FALSE(refused.slot.held());
    }
    CHECK(limiter.total() == 1);
  }
  CHECK(limiter.total() == 0);
  CHECK(limiter.Admit(Addr("10.0.0.1:2")).verdict == SessionLimiter::Verdict::kAdmitted);
  CHECK(limiter.total() == 0);  // the temporary's slot went back at once
}

TEST_CASE("an admission slot handed on is released by its last owner only") {
  SessionLimiter limiter(0, 1);
  SessionSlot owner;
  CHECK_FALSE(owner.held());
  {
    SessionLimiter::Admission admission = limiter.Admit(Addr("10.0.0.1:1000"));
    REQUIRE(admission.slot.held());
    owner = std::move(admission.slot);
    CHECK_FALSE(admission.slot.held());
  }
  // The moved-from guard released nothing: the client is still at its limit.
  CHECK(limiter.total() == 1);
  CHECK(limiter.Admit(Addr("10.0.0.1:1001")).verdict == SessionLimiter::Verdict::kClientBusy);
  SessionSlot moved(std::move(owner));
  CHECK(moved.held());
  CHECK_FALSE(owner.held());
  moved.Reset();
  CHECK_FALSE(moved.held());
  CHECK(limiter.total() == 0);
  moved.Reset();  // a second Reset is a no-op
  CHECK(limiter.total() == 0);
  SessionLimiter::Admission again = limiter.Admit(Addr("10.0.0.1:1002"));
  CHECK(again.verdict == SessionLimiter::Verdict::kAdmitted);
  // Assigning over a held slot releases the old place first.
  again.slot = SessionSlot();
  CHECK(limiter.total() == 0);
}

}  // namespace
}  // namespace provisor::tftp
