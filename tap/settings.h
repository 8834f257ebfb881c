#pragma once

#include <rapidjson/document.h>

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tap/log.h"
#include "tap/report_streams.h"
#include "tap/secret.h"
#include "tap/status.h"
#include "tap/timestamp.h"

namespace tap {

/// No TikTok ad account has data before this (TikTok Ads did not exist): an earlier start_date
/// is a typo, and would plan years of empty requests.
inline const Timestamp kEarliestStartDate{std::chrono::sys_days{std::chrono::year{2012} / 1 / 1}};

/// The kinds of config values, named as Meltano names setting kinds.
enum class SettingKind { kString, kInteger, kNumber, kBoolean, kDate, kArray, kObjectArray };

/// One config key: the table below drives validation, --about and the README settings table.
struct SettingSpec {
  std::string_view name;
  SettingKind kind;
  bool required;
  bool secret;
  std::string_view default_value = {};  // as JSON text; empty when there is no default
  std::string_view description = {};
  std::vector<std::string_view> aliases = {};
};

/// Every config key the tap understands, in the order users see them.
const std::vector<SettingSpec>& SettingSpecs();

/// The validated config. Built once at start-up; read-only afterwards.
struct Settings {
  Secret access_token;
  std::vector<std::string> advertiser_ids;  // empty: discover them with app_id + secret
  std::vector<std::string> bc_ids;          // their ad accounts are extracted too
  bool discover_bc_advertisers = false;     // with no bc_ids: every BC the token sees
  std::string app_id;
  Secret secret;
  Timestamp start_date{};
  std::optional<Timestamp> end_date;
  bool include_deleted = false;
  bool include_promote_ads = true;  // Promote (TikTok app) objects too, read by their own requests
  bool include_topview = true;      // TopView objects too, read by their own requests
  int report_id_limit = 20000;      // §9.1: a sync report returns at most this many ids
  bool sandbox = false;
  std::string api_base_url;  // always ends in "/open_api/v1.3/"
  int page_size = 1000;
  int request_timeout = 300;
  int max_response_mb = 64;
  int lookback_days = 7;              // report days re-read before each bookmark
  int max_metrics_per_request = 100;  // more selected metrics are split over requests
  int max_concurrency = 8;            // requests in flight
  int max_requests_per_second = 10;   // TikTok's basic tier
  int max_requests_per_minute = 600;
  // GMV Max reports' own limits (§9.3, basic tier), on top of the app's.
  int gmv_max_requests_per_second = 8;
  int gmv_max_requests_per_minute = 240;
  int gmv_max_requests_per_day = 20000;
  int max_retries = 8;
  double retry_base_delay = 1.0;  // seconds before the first retry; doubles each time
  double state_interval = 5.0;    // seconds between STATE messages while syncing
  bool skip_inaccessible_advertisers = false;
  std::vector<ReportStream> custom_reports;
  LogLevel log_level = LogLevel::kInfo;
  bool log_request_metrics = false;  // a METRIC line per request
};

/// How a config key is named in problems; empty: as it is. (Under Meltano: with the
/// environment variable the user sets it with.)
using KeyLabel = std::function<std::string(std::string_view key)>;

/// Validates a parsed config object. Every problem is reported at once, each naming its key
/// (through `label`) and what was expected. Unknown keys are appended to `warnings`.
Result<Settings> ParseSettings(const rapidjson::Value& config, std::vector<std::string>* warnings,
                               const KeyLabel& label = nullptr);

/// Only the custom reports of a config file, for --discover (which needs no credentials).
/// A missing file or key gives none.
Result<std::vector<ReportStream>> LoadCustomReports(const std::string& path,
                                                    std::vector<std::string>* warnings);

/// Reads and validates a config file; its problems name the keys through `label` and the
/// source as `what` (empty: "config file '<path>'").
Result<Settings> LoadSettings(const std::string& path, std::vector<std::string>* warnings,
                              const KeyLabel& label = nullptr, std::string_view what = {});

/// Resolves the API root for `api_base_url` / `sandbox`: production, the sandbox host, or a
/// user-given host (https anywhere, plain http only to loopback). Returns an error message or
/// the root URL ending in "/open_api/v1.3/".
Result<std::string> ResolveApiBaseUrl(std::string_view configured, bool sandbox);

}  // namespace tap
