// Clock: the only source of time in provisor. Production code takes a Clock*
// and never calls std::chrono::*::now() itself; tests pass a FakeClock and
// advance it explicitly instead of sleeping.
//
// Thread-safety: SystemClock and FakeClock are safe to call from any thread.
#ifndef PROVISOR_COMMON_CLOCK_H_
#define PROVISOR_COMMON_CLOCK_H_

#include <atomic>
#include <chrono>

namespace provisor {

using MonoTime = std::chrono::steady_clock::time_point;
using WallTime = std::chrono::system_clock::time_point;
using Duration = std::chrono::nanoseconds;

class Clock {
 public:
  virtual ~Clock() = default;
  // Monotonic time, for timeouts and intervals.
  virtual MonoTime Now() const = 0;
  // Calendar time, for anything stored or shown to people.
  virtual WallTime WallNow() const = 0;
};

class SystemClock final : public Clock {
 public:
  MonoTime Now() const override { return std::chrono::steady_clock::now(); }
  WallTime WallNow() const override { return std::chrono::system_clock::now(); }
};

// Starts at an arbitrary fixed point; moves only when told to.
class FakeClock final : public Clock {
 public:
  FakeClock() = default;
  MonoTime Now() const override {
    return MonoTime(Duration(mono_ns_.load(std::memory_order_relaxed)));
  }
  WallTime WallNow() const override {
    return WallTime(std::chrono::duration_cast<WallTime::duration>(
        Duration(wall_ns_.load(std::memory_order_relaxed))));
  }
  void Advance(Duration d) {
    mono_ns_.fetch_add(d.count(), std::memory_order_relaxed);
    wall_ns_.fetch_add(d.count(), std::memory_order_relaxed);
  }
  void SetWall(WallTime t) {
    wall_ns_.store(std::chrono::duration_cast<Duration>(t.time_since_epoch()).count(),
                   std::memory_order_relaxed);
  }

 private:
  // 1,000,000 s after the epoch of each clock: far from zero, fixed.
  std::atomic<int64_t> mono_ns_{1'000'000'000'000'000};
  std::atomic<int64_t> wall_ns_{1'800'000'000'000'000'000};
};

}  // namespace provisor

#endif  // PROVISOR_COMMON_CLOCK_H_
