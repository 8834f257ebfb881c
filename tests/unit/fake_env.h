#pragma once

#include <atomic>
#include <mutex>

#include "tap/env.h"

namespace tap {

/// An Env whose clocks move only when someone sleeps (to the deadline, at once) or calls
/// Advance, so tests of time-dependent code never sleep. Random01 returns `random`.
class FakeEnv : public Env {
 public:
  Timestamp WallNow() override {
    std::lock_guard<std::mutex> lock(mutex_);
    return wall_ + std::chrono::duration_cast<std::chrono::seconds>(steady_ - SteadyTime{});
  }
  SteadyTime SteadyNow() override {
    std::lock_guard<std::mutex> lock(mutex_);
    return steady_;
  }
  void SleepUntil(SteadyTime deadline, const std::atomic<bool>* stop) override {
    if (stop != nullptr && stop->load()) return;
    std::lock_guard<std::mutex> lock(mutex_);
    slept_ += deadline > steady_ ? deadline - steady_ : std::chrono::nanoseconds{0};
    if (deadline > steady_) steady_ = deadline;
  }
  double Random01() override { return random; }

  void Advance(std::chrono::nanoseconds d) {
    std::lock_guard<std::mutex> lock(mutex_);
    steady_ += d;
  }
  std::chrono::nanoseconds slept() {
    std::lock_guard<std::mutex> lock(mutex_);
    return slept_;
  }

  double random = 0.5;

 private:
  std::mutex mutex_;
  Timestamp wall_{std::chrono::sys_days{std::chrono::year{2024} / 7 / 1}};
  SteadyTime steady_{};
  std::chrono::nanoseconds slept_{0};
};

}  // namespace tap
