#include "tap/rate_limiter.h"

#include <algorithm>
#include <cmath>

namespace tap {
namespace {

constexpr double kMaxSlowdown = 8.0;
// The minute window, with a second to spare: requests that leave a minute apart can arrive less
// than a minute apart on TikTok's clock (its per-minute count, like its per-second one, sees
// arrival jitter), and then a minute there holds one too many.
constexpr std::chrono::milliseconds kMinuteWindow{61000};
constexpr std::chrono::seconds kRecoveryHalfLife{30};

}  // namespace

std::chrono::nanoseconds RateLimiter::Spacing(int per_second) {
  // n evenly spaced requests span (n - 1) spacings; ±50 ms of jitter widens a window to 1.1 s.
  double seconds = per_second <= 1 ? 1.1 : 1.1 / (per_second - 1);
  return std::chrono::nanoseconds(static_cast<long long>(seconds * 1.01e9));  // 1 % to spare
}

RateLimiter::RateLimiter(int per_second, int per_minute, Env& env)
    : per_minute_(static_cast<size_t>(std::max(1, per_minute))),
      spacing_(Spacing(per_second)),
      env_(env) {}

void RateLimiter::Recover(Env::SteadyTime now) {
  if (slowdown_ <= 1.0) return;
  double halves = std::chrono::duration<double>(now - slowed_at_) / kRecoveryHalfLife;
  slowdown_ = std::max(1.0, slowdown_ * std::pow(0.5, halves));
  slowed_at_ = now;
}

bool RateLimiter::Acquire(const std::atomic<bool>* stop) {
  while (true) {
    if (stop != nullptr && stop->load()) return false;
    Env::SteadyTime wait_until;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      Env::SteadyTime now = env_.SteadyNow();
      while (!recent_.empty() && recent_.front() <= now - kMinuteWindow) recent_.pop_front();
      Recover(now);
      wait_until = std::max(paused_until_, next_);
      if (recent_.size() >= per_minute_) {
        wait_until = std::max(wait_until, recent_[recent_.size() - per_minute_] + kMinuteWindow);
      }
      if (wait_until <= now) {
        recent_.push_back(now);
        // No credit for idle time: the next request is one spacing after this one.
        auto spacing = std::chrono::duration_cast<std::chrono::nanoseconds>(spacing_ * slowdown_);
        next_ = now + spacing;
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

void RateLimiter::SlowDown() {
  std::lock_guard<std::mutex> lock(mutex_);
  Env::SteadyTime now = env_.SteadyNow();
  Recover(now);
  slowdown_ = std::min(kMaxSlowdown, slowdown_ * 2);
  slowed_at_ = now;
}

std::chrono::nanoseconds RateLimiter::interval() {
  std::lock_guard<std::mutex> lock(mutex_);
  Recover(env_.SteadyNow());
  return std::chrono::duration_cast<std::chrono::nanoseconds>(spacing_ * slowdown_);
}

}  // namespace tap
