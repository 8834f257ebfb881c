#pragma once

#include <rapidjson/document.h>

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "tap/decimal.h"
#include "tap/log.h"
#include "tap/time_zone.h"
#include "tap/timestamp.h"

namespace tap {

struct CatalogStream;

/// The levels whose daily spend is compared.
enum class SpendLevel { kAdvertiser = 0, kAd = 1 };

/// The daily spend of one report unit's rows at one level, and the days the unit covered (a
/// day without rows spent nothing).
struct SpendTally {
  std::string advertiser;
  SpendLevel level = SpendLevel::kAdvertiser;
  Date first{}, last{};
  struct Day {
    Decimal spend;
    long long rows = 0;
    bool readable = true;  // false: a value was not a decimal; the day is not compared
  };
  std::map<Date, Day> days;

  /// Adds one row's `spend` (TikTok's digits) to `day`.
  void Add(Date day, const rapidjson::Value* spend);
};

/// The level a stream's rows are tallied at: the built-in BASIC daily reports without
/// breakdowns at advertiser and ad level, when `spend` is selected; nullopt for every other.
std::optional<SpendLevel> ReconciledLevel(const CatalogStream& stream);

/// What the run did that can explain a difference.
struct ReconciliationContext {
  bool include_deleted = false;
  bool include_promote_ads = true;
  Date unsettled_from{};  // days from here on may change until TikTok's 12:00 UTC data fix
};

/// One line the reconciliation logs.
struct ReconciliationLine {
  LogLevel level;
  std::string text;
};

/// Compares, per advertiser and day, the spend of the advertiser-level daily rows with the sum
/// of the ad-level daily rows, exactly, over the days both levels covered in this run. It proves
/// that the ad rows add up to the account's total on those days (so no ad's spend is missing,
/// Promote and deleted ads included when extracted); it cannot see rows TikTok restates later,
/// nor fields other than spend.
class Reconciler {
 public:
  /// Adds a finished unit's tally.
  void Add(const SpendTally& tally);

  /// One INFO line for the advertisers that agree, one WARNING per advertiser that does not
  /// (its days, the difference, the likely cause), and METRIC counters; none when no advertiser
  /// has both levels.
  std::vector<ReconciliationLine> Lines(const ReconciliationContext& context) const;

 private:
  struct Side {
    std::map<Date, SpendTally::Day> days;  // every covered day, with or without rows
  };
  std::map<std::string, std::map<SpendLevel, Side>> by_advertiser_;
};

}  // namespace tap
