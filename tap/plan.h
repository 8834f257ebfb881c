#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "tap/api.h"
#include "tap/catalog.h"
#include "tap/settings.h"
#include "tap/state.h"
#include "tap/time_zone.h"
#include "tap/timestamp.h"

namespace tap {

/// One unit of work: one stream for one advertiser (or, for `advertisers`, one batch of ids),
/// and for reports one date window. The unit's bookmark is committed when it is done.
struct WorkUnit {
  const CatalogStream* stream = nullptr;
  std::vector<std::string> advertiser_ids;  // one, except for advertiser batches
  std::vector<ApiRequest> series;           // each without `page`; the sync adds it
  bool paged = true;

  // Entity streams, incremental: keep records at or after this.
  std::optional<Timestamp> start;

  // Report streams: the window in the advertiser's local dates (inclusive; none for lifetime)
  // and the metrics, split into groups of at most max_metrics_per_request. `series` holds the
  // request without dates and metrics.
  std::optional<Date> first_day, last_day;
  std::vector<std::vector<std::string>> metric_groups;
  const TimeZone* zone = nullptr;
};

/// Advertiser time zones, by advertiser id (reports are in local time).
using ZoneMap = std::map<std::string, TimeZone, std::less<>>;

/// Turns the selected streams × advertisers (× report windows) into work units, in sync order:
/// stream by stream, advertiser by advertiser, windows oldest first. Pure: the same inputs give
/// the same plan. `now` decides each advertiser's "today" in its own zone.
std::vector<WorkUnit> MakePlan(const Settings& settings, const Catalog& catalog, const State& state,
                               const std::vector<std::string>& advertiser_ids, const ZoneMap& zones,
                               Timestamp now);

/// The fields to ask the API for: the selected properties plus what the tap itself needs (keys,
/// replication key and its fallback), minus values the tap injects. Schema order.
std::vector<std::string> RequestedFields(const CatalogStream& stream);

/// The selected metrics of a report stream (its schema's properties that are not dimensions).
std::vector<std::string> SelectedMetrics(const CatalogStream& stream);

/// The first day of a report partition: max(start_date, bookmark - lookback_days).
Date ReportStartDay(Date start_date, std::optional<Date> bookmark, int lookback_days);

/// Splits [first, last] into windows of at most `days` days, oldest first.
std::vector<std::pair<Date, Date>> Windows(Date first, Date last, int days);

}  // namespace tap
