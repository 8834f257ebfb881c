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

/// Runs a sync: resolves the advertisers, plans the work, reads every page of every unit,
/// writes SCHEMA, RECORD and STATE lines, and commits a unit's bookmark only after all its
/// records are written.
class Sync {
 public:
  Sync(const Settings& settings, const Catalog& catalog, State& state, Api& api,
       SingerWriter& writer);

  Status Run();

  /// The advertisers to extract: the configured ones, or all the token is authorized for.
  Result<std::vector<std::string>> ResolveAdvertisers();

 private:
  Status RunUnit(const WorkUnit& unit, Transformer& transformer);
  Status CheckWriter() const;

  const Settings& settings_;
  const Catalog& catalog_;
  State& state_;
  Api& api_;
  SingerWriter& writer_;
  Timestamp signpost_;  // no bookmark moves past the time the sync started
};

}  // namespace tap
