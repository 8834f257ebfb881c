#pragma once

#include <atomic>
#include <chrono>
#include <deque>
#include <mutex>

#include "tap/env.h"

namespace tap {

/// Paces requests shared by all workers. TikTok counts requests per second on its own clock,
/// where arrival times carry tens of milliseconds of jitter: a burst at the edge of a second
/// can fall into one second there. So requests leave evenly spaced (GCRA without burst), one
/// every 1.1 s / (per_second - 1): then any one-second window of the server's clock holds at
/// most `per_second` of them even with ±50 ms of jitter. At most `per_minute` start in any
/// 61 seconds (a sliding window; the extra second covers the same jitter). A rate-limit answer
/// pauses everyone; a timeout doubles the spacing (up to 8×), which recovers by half every 30 s.
/// Thread-safe.
class RateLimiter {
 public:
  RateLimiter(int per_second, int per_minute, Env& env);

  /// Blocks until a request may start, and counts it. False when `stop` became true first.
  bool Acquire(const std::atomic<bool>* stop);

  /// Nobody starts a request before `until`: a rate-limit answer slows everyone.
  void PauseUntil(Env::SteadyTime until);

  /// A request timed out: TikTok cuts an app's QPS after 10 timeouts in 10 s, so slow down.
  void SlowDown();

  /// The spacing between requests now.
  std::chrono::nanoseconds interval();

  /// The spacing at full speed for a limit of `per_second`.
  static std::chrono::nanoseconds Spacing(int per_second);

 private:
  void Recover(Env::SteadyTime now);  // caller holds mutex_

  const size_t per_minute_;
  const std::chrono::nanoseconds spacing_;
  Env& env_;
  std::mutex mutex_;
  std::deque<Env::SteadyTime> recent_;  // start times within the last minute
  Env::SteadyTime next_{};              // the earliest start of the next request
  Env::SteadyTime paused_until_{};
  double slowdown_ = 1.0;  // multiplies spacing_
  Env::SteadyTime slowed_at_{};
};

}  // namespace tap
