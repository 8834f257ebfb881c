#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <string>

#include "tap/api.h"
#include "tap/catalog.h"
#include "tap/committer.h"
#include "tap/env.h"
#include "tap/output_queue.h"
#include "tap/reconciliation.h"
#include "tap/settings.h"
#include "tap/singer_writer.h"
#include "tap/state.h"

namespace tap {

/// Runs a sync: resolves the accounts, writes every selected stream's SCHEMA, then runs the
/// plan cursor's units on `max_concurrency` workers (Scheduler). This thread owns stdout: it
/// writes records as they arrive (one unit's records stay in order) and feeds the Committer,
/// which alone moves bookmarks and writes STATE.
class Sync {
 public:
  /// `stop` (may be nullptr) asks the run to end early: no new requests, records already
  /// received are written, and the final STATE covers only completed work.
  Sync(const Settings& settings, const Catalog& catalog, State& state, ApiClient& api,
       SingerWriter& writer, Env& env, std::atomic<bool>* stop = nullptr);

  /// The whole sync. Always ends with exactly one final STATE line.
  Status Run();

  /// What the run read, for its summary (complete once Run has returned).
  struct Facts {
    size_t advertisers = 0;
    std::vector<std::string> skipped;         // advertisers the token could not read
    std::optional<Date> first_day, last_day;  // the report days read
  };
  const Facts& facts() const { return facts_; }

  /// Adds `detail()` (e.g. "120 requests, 3 retries") to every progress line.
  void SetProgressDetail(std::function<std::string()> detail) { detail_ = std::move(detail); }

 private:
  Status RunUnits(Committer& committer);
  std::map<const CatalogStream*, Shape> WriteSchemas();
  void Handle(OutputQueue::Event& event, Committer& committer, OutputQueue& queue);
  Status Outcome(const Committer& committer);
  void NoteDays(const OutputQueue::End& end);
  void LogIssues() const;
  void LogReconciliation() const;
  void LogProgress(bool final);

  const Settings& settings_;
  const Catalog& catalog_;
  State& state_;
  ApiClient& api_;
  SingerWriter& writer_;
  Env& env_;
  std::atomic<bool> own_stop_{false};
  std::atomic<bool>* stop_;  // set by a signal, or here when a unit fails
  Timestamp signpost_;       // the sync's start: "now" for the plan and for entity bookmarks
  Status failure_;           // the first unit failure
  std::map<std::string, std::map<std::string, Transformer::Issue>> issues_;  // by stream
  Reconciler reconciler_;  // daily spend of the finished advertiser- and ad-level units
  Env::SteadyTime started_;
  Env::SteadyTime last_progress_;
  std::function<std::string()> detail_;
  Facts facts_;
};

}  // namespace tap
