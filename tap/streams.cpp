#include "tap/streams.h"

#include <algorithm>
#include <stdexcept>

#include "tap/bc_report.h"
#include "tap/business_center.h"
#include "tap/embedded_schemas.h"
#include "tap/gmv_max.h"
#include "tap/json.h"
#include "tap/metric_catalog.h"
#include "tap/pixel_stats.h"
#include "tap/plan.h"
#include "tap/report_reader.h"
#include "tap/unit_reader.h"

namespace tap {

namespace {

// Endpoint facts: reference/tiktok_api.md §3 (page_size maxima, buying types, filtering).
void AddAccountStreams(std::vector<StreamDef>& streams) {
  const StreamHooks kAdObjects{PrepareAdObjects, PartitionSince, ReadEntities, EntityRow};
  streams.insert(streams.end(),
                 {
                     {.name = "advertisers",
                      .key_properties = {"advertiser_id"},
                      .path = "advertiser/info/",
                      .max_page_size = 100,
                      .advertisers_per_unit = 100,
                      .hooks = {PrepareWithFields, PartitionWhole, ReadAdvertisers, EntityRow}},
                     {.name = "campaigns",
                      .key_properties = {"campaign_id"},
                      .replication_key = "modify_time",
                      .replication_fallback = "create_time",
                      .path = "campaign/get/",
                      .injected = {"campaign_system_origin"},
                      .hooks = kAdObjects},
                     {.name = "adgroups",
                      .key_properties = {"adgroup_id"},
                      .replication_key = "modify_time",
                      .replication_fallback = "create_time",
                      .path = "adgroup/get/",
                      .injected = {"campaign_system_origin"},
                      .hooks = kAdObjects},
                     {.name = "ads",
                      .key_properties = {"ad_id"},
                      .replication_key = "modify_time",
                      .replication_fallback = "create_time",
                      .path = "ad/get/",
                      .injected = {"campaign_system_origin"},
                      .server_modified_after = true,
                      .hooks = kAdObjects},
                     {.name = "audiences",
                      .key_properties = {"advertiser_id", "audience_id"},
                      .path = "dmp/custom_audience/list/",
                      .max_page_size = 100,
                      .injected = {"advertiser_id"},
                      .hooks = {PreparePaged, PartitionWhole, ReadEntities, EntityRow}},
                 });
}

// Upgraded Smart+ (§9.1): the campaigns, ad groups and ads of /smart_plus/*/get/. Their
// campaigns and ad groups are also in campaigns and adgroups; their ads (asset groups) only
// here, and in reports under ad_id_v2 (smart_plus_ad_insights_daily).
void AddSmartPlusStreams(std::vector<StreamDef>& streams) {
  const StreamHooks kChildren{PrepareSmartPlusChildren, PartitionSince, ReadEntities, EntityRow};
  streams.insert(
      streams.end(),
      {
          {.name = "smart_plus_campaigns",
           .key_properties = {"campaign_id"},
           .replication_key = "modify_time",
           .replication_fallback = "create_time",
           .path = "smart_plus/campaign/get/",
           .hooks = {PrepareSmartPlusCampaigns, PartitionSince, ReadEntities, EntityRow}},
          {.name = "smart_plus_adgroups",
           .key_properties = {"adgroup_id"},
           .replication_key = "modify_time",
           .replication_fallback = "create_time",
           .path = "smart_plus/adgroup/get/",
           .hooks = kChildren},
          {.name = "smart_plus_ads",
           .key_properties = {"smart_plus_ad_id"},
           .replication_key = "modify_time",
           .replication_fallback = "create_time",
           .path = "smart_plus/ad/get/",
           .max_page_size = 100,
           .server_modified_after = true,
           .hooks = kChildren},
      });
}

// GMV Max (TikTok Shop, §9.3): its campaigns are not in campaign/get/ and report only through
// gmv_max/report/get/ (see gmv_max.h).
void AddGmvMaxStreams(std::vector<StreamDef>& streams) {
  streams.insert(streams.end(),
                 {
                     {.name = "gmv_max_stores",
                      .key_properties = {"advertiser_id", "store_id"},
                      .path = "gmv_max/store/list/",
                      .list_key = "store_list",
                      .injected = {"advertiser_id"},
                      .hooks = {PrepareUnpaged, PartitionWhole, ReadEntities, EntityRow}},
                     {.name = "gmv_max_campaigns",
                      .key_properties = {"campaign_id"},
                      .replication_key = "modify_time",
                      .replication_fallback = "create_time",
                      .path = "gmv_max/campaign/get/",
                      .max_page_size = 100,
                      .injected = {"gmv_max_promotion_type"},
                      .hooks = {PrepareGmvMaxCampaigns, PartitionSince, ReadEntities, EntityRow},
                      .details = GmvMaxCampaignDetails},
                 });
}

// Paged lists of an advertiser's assets; incremental ones filtered on modify_time here.
constexpr StreamHooks kLibrary{PreparePaged, PartitionSince, ReadEntities, EntityRow};

void AddLibraryStreams(std::vector<StreamDef>& streams) {
  streams.insert(
      streams.end(),
      {
          // The creative library (§3.8): ids unique per advertiser; times RFC 3339 already.
          {.name = "creative_images",
           .key_properties = {"advertiser_id", "image_id"},
           .replication_key = "modify_time",
           .path = "file/image/ad/search/",
           .max_page_size = 100,
           .injected = {"advertiser_id"},
           .hooks = kLibrary},
          {.name = "creative_videos",
           .key_properties = {"advertiser_id", "video_id"},
           .replication_key = "modify_time",
           .path = "file/video/ad/search/",
           .max_page_size = 100,
           .injected = {"advertiser_id"},
           .hooks = kLibrary},
          // The account's own uploads; TikTok's system music catalog is not the advertiser's data.
          {.name = "creative_music",
           .key_properties = {"advertiser_id", "music_id"},
           .replication_key = "modify_time",
           .selected_by_default = false,
           .path = "file/music/get/",
           .list_key = "musics",
           .injected = {"advertiser_id"},
           .params = {{"filtering", R"({"sources":["USER"]})"}},
           .hooks = kLibrary},
          {.name = "creative_portfolios",
           .key_properties = {"advertiser_id", "creative_portfolio_id"},
           .selected_by_default = false,
           .path = "creative/portfolio/list/",
           .list_key = "creative_portfolios",
           .max_page_size = 100,
           .injected = {"advertiser_id"},
           .hooks = kLibrary},
          // Rows are {item_info, auth_info, user_info, video_info}: item_info's members are read as
          // the record's own (SparkPostRow).
          {.name = "spark_ads_posts",
           .key_properties = {"advertiser_id", "item_id"},
           .selected_by_default = false,
           .path = "tt_video/list/",
           .max_page_size = 50,
           .injected = {"advertiser_id"},
           .hooks = {PreparePaged, PartitionWhole, ReadEntities, SparkPostRow}},
          {.name = "identities",
           .key_properties = {"advertiser_id", "identity_id"},
           .selected_by_default = false,
           .path = "identity/get/",
           .list_key = "identity_list",
           .max_page_size = 100,
           .injected = {"advertiser_id"},
           .hooks = kLibrary},
      });
}

void AddPixelAndBusinessCenterStreams(std::vector<StreamDef>& streams) {
  streams.insert(
      streams.end(),
      {
          // §3.9: pixels can be shared with other advertisers, so the advertiser is in the key.
          {.name = "pixels",
           .key_properties = {"advertiser_id", "pixel_id"},
           .path = "pixel/list/",
           .list_key = "pixels",
           .max_page_size = 20,
           .injected = {"advertiser_id"},
           .hooks = kLibrary},
          {.name = "pixel_event_stats",
           .key_properties = {"advertiser_id", "pixel_id", "stat_date", "event_type"},
           .replication_key = "stat_date",
           .selected_by_default = false,
           .path = "pixel/event/stats/",
           .max_page_size = kPixelsPerStatsRequest,
           .injected = {"advertiser_id", "pixel_id", "stat_date", "event_type"},
           // Each request names its pixels and its day; the pixels are listed per advertiser.
           .hooks = {PrepareUnpaged, PartitionUtcDays, ReadPixelStats, EntityRow}},
          // Business Center (§9.3): the token's, not an advertiser's.
          {.name = "business_centers",
           .key_properties = {"bc_id"},
           .selected_by_default = false,
           .path = "bc/get/",
           .max_page_size = 50,
           .advertisers_per_unit = 0,
           .hooks = {PreparePaged, PartitionWhole, ReadEntities, BusinessCenterRow}},
          {.name = "bc_advertisers",
           .key_properties = {"bc_id", "advertiser_id"},
           .selected_by_default = false,
           .path = "bc/asset/get/",
           .max_page_size = 50,
           .advertisers_per_unit = 0,
           .injected = {"bc_id", "advertiser_id", "advertiser_name"},
           .params = {{"asset_type", "ADVERTISER"}},
           .hooks = {PrepareBcAssets, PartitionWhole, ReadBcAdvertisers, EntityRow}},
      });
}

}  // namespace

const std::vector<StreamDef>& EntityStreams() {
  static const std::vector<StreamDef> streams = [] {
    std::vector<StreamDef> out;
    AddAccountStreams(out);
    AddSmartPlusStreams(out);
    AddGmvMaxStreams(out);
    AddLibraryStreams(out);
    AddPixelAndBusinessCenterStreams(out);
    return out;
  }();
  return streams;
}

rapidjson::Document StreamDef::Schema() const {
  if (report != nullptr) return ReportSchema(*report);
  std::string file = name + ".json";
  auto doc = ParseJson(EmbeddedSchema(file), file);
  if (!doc.ok()) throw std::logic_error("embedded schema " + file + " is broken");
  return std::move(doc).value();
}

bool StreamDef::PropertySelectedByDefault(std::string_view property) const {
  if (report == nullptr) return true;
  const auto& metrics = report->metrics;
  if (std::find(metrics.begin(), metrics.end(), property) == metrics.end()) return true;
  const auto& defaults = report->default_metrics;
  return std::find(defaults.begin(), defaults.end(), property) != defaults.end();
}

bool StreamDef::Injects(std::string_view property) const {
  return std::find(injected.begin(), injected.end(), property) != injected.end();
}

StreamDef ReportStreamDef(const ReportStream& r) {
  StreamDef d;
  d.name = r.name;
  d.key_properties = r.KeyProperties();
  d.replication_key = r.ReplicationKey();
  // Hourly and breakdown reports multiply requests: available, not synced unless selected.
  d.selected_by_default = r.custom || (r.report_type == "BASIC" && r.dimensions.size() <= 2 &&
                                       r.granularity != Granularity::kHour);
  d.path = "report/integrated/get/";
  d.injected = {"advertiser_id"};
  d.hooks = {PrepareReport, PartitionReportDays, ReadReport, ReportRow};
  d.report = &r;
  return d;
}

std::vector<StreamDef> AllStreams(const std::vector<ReportStream>& custom) {
  std::vector<StreamDef> out = EntityStreams();
  for (const ReportStream& r : BuiltinReportStreams()) out.push_back(ReportStreamDef(r));
  StreamDef smart_plus = ReportStreamDef(SmartPlusAdReport());
  smart_plus.hooks = {PrepareSmartPlusReport, PartitionReportDays, ReadReportByListedIds,
                      ReportRow};
  out.push_back(std::move(smart_plus));
  for (const ReportStream& r : GmvMaxReports()) {
    StreamDef d = ReportStreamDef(r);
    d.path = "gmv_max/report/get/";
    d.injected = {"advertiser_id", "store_id", "gmv_max_promotion_type"};
    d.selected_by_default = r.level->level_bit == kCampaignLevel;  // GMV Max spend
    d.hooks = {PrepareGmvMaxReport, PartitionReportDays, ReadGmvMaxReport, ReportRow};
    d.endpoint_limit = GmvMaxLimit;
    out.push_back(std::move(d));
  }
  for (const ReportStream& r : custom) {
    StreamDef d = ReportStreamDef(r);
    if (const ReportTypeRules* rules = FindReportType(r.report_type); rules && rules->by_bc) {
      d.advertisers_per_unit = 0;  // the token's Business Centers, not an ad account's data
      d.injected = {"bc_id"};
      d.hooks = {PrepareBcReport, PartitionBcReportDays, ReadBcReport, ReportRow};
    }
    out.push_back(std::move(d));
  }
  return out;
}

}  // namespace tap
