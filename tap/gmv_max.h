#pragma once

#include <vector>

#include "tap/plan.h"
#include "tap/rate_buckets.h"
#include "tap/report_streams.h"
#include "tap/status.h"

namespace tap {

class UnitReader;

// GMV Max (TikTok Shop, §9.3): stores, campaigns and the reports of /gmv_max/report/get/, which
// answers for one store per request and has rate limits of its own.

/// The GMV Max report streams: campaign × day (Product and LIVE campaigns), product (SPU) × day
/// and LIVE room × day, each with store_id and gmv_max_promotion_type filled in.
const std::vector<ReportStream>& GmvMaxReports();

/// /gmv_max/report/get/'s own limits from the settings (StreamDef::endpoint_limit).
EndpointLimit GmvMaxLimit(const Settings& settings);

// The hooks of the GMV Max stream rows.

/// /gmv_max/campaign/get/: one request per campaign type (and, with include_deleted, one more
/// for each type's deleted campaigns), only for advertisers with TikTok Shops.
StreamRequests PrepareGmvMaxCampaigns(const Settings& settings, const CatalogStream& stream);
/// The report's series: one per campaign type of its level, each asking for the selected
/// metrics valid for that type.
StreamRequests PrepareGmvMaxReport(const Settings& settings, const CatalogStream& stream);
/// The details of one GMV Max campaign row: /campaign/gmv_max/info/ (its shop, budget, ROI
/// target, schedule, targeting), which /gmv_max/campaign/get/ does not return.
ApiRequest GmvMaxCampaignDetails(const rapidjson::Value& row);
/// One date window: every store of the advertiser, every series, page by page; product and
/// LIVE rows by the ids of the store's campaigns of that type, 100 a request (TikTok requires
/// them).
Status ReadGmvMaxReport(UnitReader& reader);

}  // namespace tap
