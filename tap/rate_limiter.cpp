#include "tap/rate_limiter.h"

#include <algorithm>

namespace tap {

RateLimiter::RateLimiter(int per_second, int per_minute, Clock& clock)
    : per_second_(static_cast<size_t>(std::max(1, per_second))),
      per_minute_(static_cast<size_t>(std::max(1, per_minute))),
      clock_(clock) {}

bool RateLimiter::Acquire(const std::atomic<bool>* stop) {
  using std::chrono::minutes;
  using std::chrono::seconds;
  while (true) {
    if (stop != nullptr && stop->load()) return false;
    Clock::TimePoint wait_until;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      Clock::TimePoint now = clock_.Now();
      while (!recent_.empty() && recent_.front() <= now - minutes(1)) recent_.pop_front();
      wait_until = paused_until_;
      // The request per_second places back must be a second old, and likewise per minute.
      if (recent_.size() >= per_second_) {
        wait_until = std::max(wait_until, recent_[recent_.size() - per_second_] + seconds(1));
      }
      if (recent_.size() >= per_minute_) {
        wait_until = std::max(wait_until, recent_[recent_.size() - per_minute_] + minutes(1));
      }
      if (wait_until <= now) {
        recent_.push_back(now);
        return true;
      }
    }
    clock_.SleepUntil(wait_until, stop);
  }
}

void RateLimiter::PauseUntil(Clock::TimePoint until) {
  std::lock_guard<std::mutex> lock(mutex_);
  paused_until_ = std::max(paused_until_, until);
}

}  // namespace tap
