#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "tests/simulator/sim_data.h"

namespace sim {

/// A report query that breaks the API's rules: answered with this TikTok code and message.
struct ReportError {
  long code;
  std::string message;
};

/// One answer of the report endpoint: the `data` object, and whether it was cut to the newest
/// `report_id_limit` ids (the X-Tt-Ads-Throttle header, §9.1).
struct ReportPage {
  std::string data;
  bool truncated = false;
};

/// The `data` object of GET /report/integrated/get/ over `data`, as reference/tiktok_api.md §4
/// describes it: BASIC and AUDIENCE reports at the four AUCTION levels; daily, hourly, lifetime
/// and plain range queries with their span limits; metric validity from schemas/metrics.json and
/// a metrics-per-request limit; 40067 above a row threshold; deleted-object filtering; rows only
/// for days an object was active, in the advertiser's time zone; values as strings with varying
/// decimals and "-"; conversions of the last days that change with `generation` (restatement).
/// Promote objects only with the campaign_system_origins filter, and only as Promote supports
/// (§9.1); at most `report_id_limit` ids, newest first, after the filters; advertiser-level daily
/// spend that is the sum of every ad's (any origin, deleted or not).
/// `params` is the query; `now` is epoch seconds. Throws ReportError.
ReportPage IntegratedReport(const SimData& data, const SimConfig& config, int generation,
                            int64_t now, const std::multimap<std::string, std::string>& params);

}  // namespace sim
