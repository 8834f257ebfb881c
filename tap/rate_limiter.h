#pragma once

#include <atomic>
#include <deque>
#include <mutex>

#include "tap/env.h"

namespace tap {

/// Paces requests shared by all workers: at most `per_second` in any one-second window and
/// `per_minute` in any one-minute window (sliding windows, so the limit holds exactly, not on
/// average), and a shared pause after TikTok says a limit was hit. Thread-safe.
class RateLimiter {
 public:
  RateLimiter(int per_second, int per_minute, Env& env);

  /// Blocks until a request may start, and counts it. False when `stop` became true first.
  bool Acquire(const std::atomic<bool>* stop);

  /// Nobody starts a request before `until`: a rate-limit answer slows everyone.
  void PauseUntil(Env::SteadyTime until);

 private:
  const size_t per_second_;
  const size_t per_minute_;
  Env& env_;
  std::mutex mutex_;
  std::deque<Env::SteadyTime> recent_;  // start times within the last minute
  Env::SteadyTime paused_until_{};
};

}  // namespace tap
