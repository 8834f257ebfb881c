#pragma once

#include <rapidjson/document.h>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tap/status.h"

namespace tap {

/// A data level of /report/integrated/get/.
struct ReportLevel {
  std::string_view name;          // "ad"
  std::string_view data_level;    // "AUCTION_AD"
  std::string_view id_dimension;  // "ad_id"
  std::string_view status_field;  // "ad_status"; empty at advertiser level (no such filter)
  std::string_view id_filter;     // "ad_ids": filters rows by id, up to 100; empty: none
  std::string_view entity_path;   // "ad/get/": lists the level's objects; empty: none
  unsigned level_bit;             // LevelBit
  // The id field of the listed objects when it is not `id_dimension` (smart_plus_ad_id).
  std::string_view entity_id_field = {};

  std::string_view EntityIdField() const {
    return entity_id_field.empty() ? id_dimension : entity_id_field;
  }
};

/// What one sync report type of /report/integrated/get/ allows (§4.1, "Run a synchronous
/// report"): custom reports are checked against it, and the report reader follows it.
struct ReportTypeRules {
  std::string_view name;                 // BASIC, AUDIENCE, PLAYABLE_MATERIAL, CATALOG, TT_SHOP
  std::vector<std::string_view> levels;  // the data levels it takes
  bool lifetime = false;                 // query_lifetime
  bool filtering = true;                 // any filtering (TT_SHOP: none)
  bool country_code = true;              // the country_code breakdown
  bool audience = false;                 // audience breakdowns (age, gender, ...)
  bool promote = false;                  // Promote rows (campaign_system_origins filter, §9.1)
  bool by_bc = false;                    // asked for by bc_id, not by ad account (BC)
};

/// The rules of sync report type `name`; nullptr for a type custom reports do not read.
const ReportTypeRules* FindReportType(std::string_view name);

/// The four levels, advertiser first.
const std::vector<ReportLevel>& ReportLevels();
/// The same levels without id filters or listings: for report types TikTok filters not at all
/// (TT_SHOP), whose reports cannot be re-read in id batches.
const std::vector<ReportLevel>& UnfilteredReportLevels();
const ReportLevel* FindReportLevel(std::string_view name_or_data_level);

enum class Granularity { kDay, kHour, kLifetime, kNone };

/// One report stream: a row of the report table, or a custom report from the config. The sync
/// loop reads every report stream the same way.
struct ReportStream {
  std::string name;
  std::string report_type;  // BASIC, AUDIENCE, PLAYABLE_MATERIAL, CATALOG, TT_SHOP or GMV_MAX
  const ReportLevel* level = nullptr;
  std::vector<std::string> dimensions;  // as requested: ID dimension first
  Granularity granularity = Granularity::kDay;
  std::vector<std::string> metrics;          // offered; schema order
  std::vector<std::string> default_metrics;  // selected by default
  std::vector<std::string> injected;         // filled in by the tap, beside advertiser_id
  std::string filtering;                     // extra filters (custom reports): JSON array text
  std::optional<int> lookback_days;          // overrides the config's (custom reports)
  bool custom = false;

  /// advertiser_id, then the dimensions (the ID dimension, time, audience breakdowns).
  std::vector<std::string> KeyProperties() const;
  /// stat_time_day / stat_time_hour; empty for lifetime and for reports without a time
  /// dimension (FULL_TABLE).
  std::string ReplicationKey() const;
  /// The time dimension, if any.
  std::string TimeDimension() const;
};

/// The 29 built-in report streams: BASIC daily, hourly, lifetime and by-country daily, and
/// AUDIENCE by age and gender and by platform, at each level; AUDIENCE by province and by
/// language at campaign and ad level; BASIC by country hourly at ad level.
const std::vector<ReportStream>& BuiltinReportStreams();

/// Upgraded Smart+ ads' daily report at ad (asset group) level, under ad_id_v2 (§9.1), which
/// joins to smart_plus_ads.smart_plus_ad_id; ad_insights_daily has their creatives under ad_id.
const ReportStream& SmartPlusAdReport();

/// Every catalog metric valid for `s` (its report type, level and granularity) into s.metrics,
/// and those selected by default into s.default_metrics.
void OfferMetrics(ReportStream& s);

/// Parses the config's `custom_reports`. Every problem names the report and the field; unknown
/// metrics become nullable strings with a warning.
Result<std::vector<ReportStream>> ParseCustomReports(const rapidjson::Value& list,
                                                     std::vector<std::string>* warnings);

/// The JSON Schema of a report stream, composed from the metric and dimension catalog.
rapidjson::Document ReportSchema(const ReportStream& stream);

}  // namespace tap
