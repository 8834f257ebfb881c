#pragma once

#include <optional>
#include <string>
#include <vector>

#include "tap/api.h"
#include "tap/catalog.h"
#include "tap/settings.h"
#include "tap/state.h"
#include "tap/timestamp.h"

namespace tap {

/// One unit of work: one stream for one advertiser (or, for `advertisers`, one batch of ids).
/// Its request series are read page by page; the unit's bookmark is committed when all of them
/// are done.
struct WorkUnit {
  const CatalogStream* stream = nullptr;
  std::vector<std::string> advertiser_ids;  // one, except for advertiser batches
  std::optional<Timestamp> start;           // incremental: keep records at or after this
  std::vector<ApiRequest> series;           // each without `page`; the sync adds it
  bool paged = true;
};

/// Turns the selected streams × advertisers into work units, in sync order. Pure: the same
/// inputs give the same plan.
std::vector<WorkUnit> MakePlan(const Settings& settings, const Catalog& catalog, const State& state,
                               const std::vector<std::string>& advertiser_ids);

/// The fields to ask the API for: the selected properties plus what the tap itself needs (keys,
/// replication key and its fallback), minus values the tap injects. Schema order.
std::vector<std::string> RequestedFields(const CatalogStream& stream);

}  // namespace tap
