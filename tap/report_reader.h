#pragma once

#include <rapidjson/document.h>

#include "tap/status.h"
#include "tap/streams.h"

namespace tap {

class UnitReader;

// The read hooks of report streams (StreamHooks::read and ::row).

/// /report/integrated/get/: one date window, request by request of the stream's series (TikTok's
/// default objects, then Promote objects), every metric group (merged by dimensions when there
/// are several, never more than a bounded number of rows at once). A request TikTok cut to its
/// newest ids (§9.1) is completed by re-reading the other ids in batches, so every row is
/// emitted exactly once.
Status ReadReport(UnitReader& reader);
/// The same for a level whose unfiltered rows hold other objects too (ad_id_v2: every ad): the
/// ids its series' id_requests list, in batches of 100, and nothing for an advertiser without.
Status ReadReportByListedIds(UnitReader& reader);
bool ReportRow(const rapidjson::Value& row, RowParts* parts);

}  // namespace tap
