#pragma once

#include <string>

#include "tap/plan.h"
#include "tap/status.h"

namespace tap {

class UnitReader;

// The hooks of custom reports of report_type BC (§9.3): a Business Center's report, asked for
// with bc_id instead of an ad account, in date ranges of up to 365 days.

/// One request per configured bc_id, or one without a bc_id, which the reader runs for every
/// Business Center the token sees.
StreamRequests PrepareBcReport(const Settings& settings, const CatalogStream& stream);
/// The token's range of UTC days: a Business Center has no time zone of its own. The bookmark
/// is kept under the sync's first advertiser, as for every stream of the token's data.
Partition PartitionBcReportDays(const PlanContext& context, const CatalogStream& stream,
                                const std::string& advertiser_id);
/// Every Business Center of the unit, page by page, each record with its bc_id.
Status ReadBcReport(UnitReader& reader);

}  // namespace tap
