#pragma once

#include <atomic>
#include <chrono>

namespace tap {

/// The seam for time: the rate limiter and the retry backoff wait through it, so tests can
/// inject time.
class Clock {
 public:
  using TimePoint = std::chrono::steady_clock::time_point;
  virtual ~Clock() = default;
  virtual TimePoint Now() = 0;
  /// Waits until `deadline`, or less when `stop` becomes true.
  virtual void SleepUntil(TimePoint deadline, const std::atomic<bool>* stop) = 0;
};

/// The real clock; sleeps in short slices so a stop request is seen quickly.
class SystemClock : public Clock {
 public:
  TimePoint Now() override;
  void SleepUntil(TimePoint deadline, const std::atomic<bool>* stop) override;
};

}  // namespace tap
