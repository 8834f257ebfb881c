#pragma once

#include <atomic>
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "tap/output_queue.h"
#include "tap/plan.h"

namespace tap {

/// Runs work units on worker threads. Units come from the plan cursor, in plan order, and the
/// parts of re-planned units go first; each unit's start is queued in plan order, its end after
/// its records. Workers stop taking units once `stop` is set, and wait while more than
/// `max_pending` units are begun but not yet committed, so memory is set by the work in
/// flight, not by the plan. When every worker is done the output queue is closed.
class Scheduler {
 public:
  /// Reads one unit and says how it ended (parts: the units that replace it).
  using RunUnit = std::function<OutputQueue::End(const WorkUnit&)>;

  Scheduler(PlanCursor& cursor, OutputQueue& out, RunUnit run, const std::atomic<bool>* stop,
            size_t max_pending);
  ~Scheduler();
  Scheduler(const Scheduler&) = delete;
  Scheduler& operator=(const Scheduler&) = delete;

  /// Starts `workers` threads (at least one).
  void Start(size_t workers);
  /// Waits for every worker.
  void Join();
  /// The writer's count of units begun and not yet committed.
  void SetPending(size_t pending);

 private:
  void Work();
  OutputQueue::End Run(const WorkUnit& unit);
  std::optional<WorkUnit> Take();
  void Done(const WorkUnit& unit, OutputQueue::End end);

  PlanCursor& cursor_;
  OutputQueue& out_;
  RunUnit run_;
  const std::atomic<bool>* stop_;
  const size_t max_pending_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<WorkUnit> parts_;
  size_t running_ = 0;  // units taken and not yet done
  size_t pending_ = 0;  // as the writer last said
  size_t begun_ = 0;    // begins since the writer last said
  size_t workers_ = 0;  // still working
  bool exhausted_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace tap
