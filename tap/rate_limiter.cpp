#include "tap/rate_limiter.h"

#include <algorithm>

namespace tap {

RateLimiter::RateLimiter(int per_second, int per_minute, Env& env)
    : per_second_(static_cast<size_t>(std::max(1, per_second))),
      per_minute_(static_cast<size_t>(std::max(1, per_minute))),
      env_(env) {}

bool RateLimiter::Acquire(const std::atomic<bool>* stop) {
  using std::chrono::minutes;
  using std::chrono::seconds;
  while (true) {
    if (stop != nullptr && stop->load()) return false;
    Env::SteadyTime wait_until;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      Env::SteadyTime now = env_.SteadyNow();
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
    env_.SleepUntil(wait_until, stop);
  }
}

void RateLimiter::PauseUntil(Env::SteadyTime until) {
  std::lock_guard<std::mutex> lock(mutex_);
  paused_until_ = std::max(paused_until_, until);
}

}  // namespace tap
