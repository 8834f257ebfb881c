#include "tap/env.h"

#include <algorithm>
#include <random>
#include <thread>

namespace tap {

Timestamp SystemEnv::WallNow() {
  return std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
}

Env::SteadyTime SystemEnv::SteadyNow() { return std::chrono::steady_clock::now(); }

void SystemEnv::SleepUntil(SteadyTime deadline, const std::atomic<bool>* stop) {
  constexpr auto kSlice = std::chrono::milliseconds(50);
  while (SteadyNow() < deadline) {
    if (stop != nullptr && stop->load()) return;
    std::this_thread::sleep_for(
        std::min<std::chrono::steady_clock::duration>(kSlice, deadline - SteadyNow()));
  }
}

double SystemEnv::Random01() {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  return std::uniform_real_distribution<double>(0.0, 1.0)(rng);
}

}  // namespace tap
