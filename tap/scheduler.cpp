#include "tap/scheduler.h"

#include <new>

namespace tap {

Scheduler::Scheduler(PlanCursor& cursor, OutputQueue& out, RunUnit run,
                     const std::atomic<bool>* stop, size_t max_pending)
    : cursor_(cursor), out_(out), run_(std::move(run)), stop_(stop), max_pending_(max_pending) {}

Scheduler::~Scheduler() { Join(); }

void Scheduler::Start(size_t workers) {
  size_t n = std::max<size_t>(1, workers);
  {
    std::lock_guard<std::mutex> lock(mutex_);
    workers_ = n;  // before any thread can finish and count itself out
  }
  for (size_t i = 0; i < n; ++i) threads_.emplace_back([this] { Work(); });
}

void Scheduler::Join() {
  for (std::thread& t : threads_) t.join();
  threads_.clear();
}

void Scheduler::SetPending(size_t pending) {
  std::lock_guard<std::mutex> lock(mutex_);
  pending_ = pending;
  begun_ = 0;
  changed_.notify_all();
}

// The next unit for a worker: a re-planned part, else the cursor's next unit (when not too far
// ahead of the commits); nullopt when the work is done or stopped.
std::optional<WorkUnit> Scheduler::Take() {
  std::unique_lock<std::mutex> lock(mutex_);
  while (true) {
    bool stopped = stop_ != nullptr && stop_->load();
    if (!stopped && !parts_.empty()) break;
    bool room = pending_ + begun_ < max_pending_;
    if (!stopped && !exhausted_ && room) break;
    if (stopped || (exhausted_ && running_ == 0)) return std::nullopt;
    // Wait for parts of a running unit, for commits, or for a stop (seen within 50 ms).
    changed_.wait_for(lock, std::chrono::milliseconds(50));
  }
  std::optional<WorkUnit> unit;
  if (!parts_.empty()) {
    unit = std::move(parts_.front());
    parts_.pop_front();
  } else {
    unit = cursor_.Next();
    if (!unit) {
      exhausted_ = true;
      lock.unlock();
      return Take();
    }
  }
  ++running_;
  ++begun_;
  out_.Begin(*unit);  // under the lock: begins are queued in the order units are taken
  return unit;
}

void Scheduler::Done(const WorkUnit& unit, OutputQueue::End end) {
  std::vector<WorkUnit> parts = end.parts;
  out_.Finish(unit, std::move(end));  // before any part begins
  std::lock_guard<std::mutex> lock(mutex_);
  for (WorkUnit& part : parts) parts_.push_back(std::move(part));
  --running_;
  changed_.notify_all();
}

// A unit that runs out of memory fails, as any other failure: an exception leaving a worker
// thread would end the process without a final STATE.
OutputQueue::End Scheduler::Run(const WorkUnit& unit) {
  try {
    return run_(unit);
  } catch (const std::bad_alloc&) {
    return OutputQueue::End{
        .status = Status::Error(ErrorKind::kFatal,
                                "out of memory; lower max_concurrency or page_size and run again")};
  }
}

void Scheduler::Work() {
  while (std::optional<WorkUnit> unit = Take()) Done(*unit, Run(*unit));
  std::lock_guard<std::mutex> lock(mutex_);
  if (--workers_ == 0) out_.Close();
  changed_.notify_all();
}

}  // namespace tap
