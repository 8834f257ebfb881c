#include "tap/clock.h"

#include <thread>

namespace tap {

Clock::TimePoint SystemClock::Now() { return std::chrono::steady_clock::now(); }

void SystemClock::SleepUntil(TimePoint deadline, const std::atomic<bool>* stop) {
  constexpr auto kSlice = std::chrono::milliseconds(50);
  while (Now() < deadline) {
    if (stop != nullptr && stop->load()) return;
    std::this_thread::sleep_for(
        std::min<std::chrono::steady_clock::duration>(kSlice, deadline - Now()));
  }
}

}  // namespace tap
