#pragma once

#include <atomic>
#include <chrono>

#include "tap/timestamp.h"

namespace tap {

/// The one seam for time: wall-clock "now", steady time and sleeping. Everything in tap/ that
/// needs the time or waits goes through an Env, so tests inject time and never sleep (leveldb's
/// Env is the model). Implementations are thread-safe.
class Env {
 public:
  using SteadyTime = std::chrono::steady_clock::time_point;
  virtual ~Env() = default;

  /// The wall-clock time in UTC, to the second (decides each advertiser's "today").
  virtual Timestamp WallNow() = 0;
  /// A monotonic time for pacing, timeouts and intervals.
  virtual SteadyTime SteadyNow() = 0;
  /// Waits until `deadline`, or less when `stop` (may be nullptr) becomes true.
  virtual void SleepUntil(SteadyTime deadline, const std::atomic<bool>* stop) = 0;
  /// A uniformly distributed number in [0, 1), for retry jitter.
  virtual double Random01() = 0;
};

/// The real clocks; sleeps in short slices so that a stop request is seen quickly.
class SystemEnv : public Env {
 public:
  Timestamp WallNow() override;
  SteadyTime SteadyNow() override;
  void SleepUntil(SteadyTime deadline, const std::atomic<bool>* stop) override;
  double Random01() override;
};

}  // namespace tap
