#pragma once

#include <atomic>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "tap/api.h"
#include "tap/catalog.h"
#include "tap/plan.h"
#include "tap/settings.h"
#include "tap/singer_writer.h"
#include "tap/state.h"

namespace tap {

/// Runs a sync: resolves the advertisers (and their time zones when reports are selected), plans
/// the work, and runs the units on `max_concurrency` workers. The main thread writes each unit's
/// records in plan order, so a partition's records stay in order, and commits a unit's bookmark
/// (then writes STATE) only after all its records are written. Workers may run only a bounded
/// distance ahead, with bounded buffers: a slow stdout slows the fetching.
class Sync {
 public:
  /// `stop` (may be nullptr) asks the run to end early: no new requests, records already
  /// received are written, and a final STATE covers only completed work.
  Sync(const Settings& settings, const Catalog& catalog, State& state, ApiClient& api,
       SingerWriter& writer, std::atomic<bool>* stop = nullptr);

  Status Run();

  /// The advertisers to extract: the configured ones, or all the token is authorized for.
  Result<std::vector<std::string>> ResolveAdvertisers();

  /// Each advertiser's report time zone: display_timezone, else timezone, else UTC (warned).
  Result<ZoneMap> ResolveZones(const std::vector<std::string>& advertisers);

  /// Adds `detail()` (e.g. "120 requests, 3 retries") to every progress line.
  void SetProgressDetail(std::function<std::string()> detail) { detail_ = std::move(detail); }

  /// Advertisers skipped because the token could not read them, with the reason.
  const std::map<std::string, std::string>& skipped() const { return skipped_; }

 private:
  Status CheckWriter() const;
  void LogProgress(bool final);

  const Settings& settings_;
  const Catalog& catalog_;
  State& state_;
  ApiClient& api_;
  SingerWriter& writer_;
  std::atomic<bool>* stop_;  // set by a signal, or here when a unit fails
  Timestamp signpost_;       // the sync's start: no entity bookmark moves past it
  std::map<std::string, std::string> skipped_;
  std::chrono::steady_clock::time_point started_;
  std::chrono::steady_clock::time_point last_progress_;
  std::function<std::string()> detail_;
};

}  // namespace tap
