#pragma once

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
/// the work, reads every page of every unit, writes SCHEMA, RECORD and STATE lines, and commits
/// a unit's bookmark only after all its records are written.
class Sync {
 public:
  Sync(const Settings& settings, const Catalog& catalog, State& state, Api& api,
       SingerWriter& writer);

  Status Run();

  /// The advertisers to extract: the configured ones, or all the token is authorized for.
  Result<std::vector<std::string>> ResolveAdvertisers();

  /// Each advertiser's report time zone: display_timezone, else timezone, else UTC (warned).
  Result<ZoneMap> ResolveZones(const std::vector<std::string>& advertisers);

 private:
  Status RunEntityUnit(const WorkUnit& unit, Transformer& transformer);
  Status RunReportUnit(const WorkUnit& unit, Transformer& transformer);
  Status RunReportWindow(const WorkUnit& unit, std::optional<Date> from, std::optional<Date> to,
                         Transformer& transformer);
  Status FetchReport(const WorkUnit& unit, std::optional<Date> from, std::optional<Date> to,
                     Transformer& transformer, long long* rows);
  Status WriteRow(const CatalogStream& cs, const std::string& advertiser, Transformer& transformer,
                  const rapidjson::Value& row, const std::string& extracted);
  Status CheckWriter() const;

  const Settings& settings_;
  const Catalog& catalog_;
  State& state_;
  Api& api_;
  SingerWriter& writer_;
  Timestamp signpost_;  // the sync's start: no entity bookmark moves past it
};

}  // namespace tap
