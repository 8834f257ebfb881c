#include "tap/gmv_max.h"

#include <fmt/format.h>

#include "tap/json.h"
#include "tap/log.h"
#include "tap/metric_catalog.h"
#include "tap/unit_reader.h"

namespace tap {
namespace {

constexpr size_t kCampaignsPerFilter = 100;  // filtering.campaign_ids of /gmv_max/report/get/
constexpr int kCampaignPageSize = 100;       // /gmv_max/campaign/get/'s maximum

// A GMV Max campaign type: its name in reports and in /gmv_max/campaign/get/.
struct Promotion {
  PromotionBit bit;
  const char* report_name;
  const char* campaign_name;
};
constexpr Promotion kPromotions[] = {{kProductPromotion, "PRODUCT", "PRODUCT_GMV_MAX"},
                                     {kLivePromotion, "LIVE", "LIVE_GMV_MAX"}};

// The campaign types a level reads: both at campaign level, else the level's own.
unsigned PromotionsOf(const ReportLevel& level) {
  if (level.level_bit == kProductLevel) return kProductPromotion;
  if (level.level_bit == kLiveLevel) return kLivePromotion;
  return kProductPromotion | kLivePromotion;
}

ReportStream MakeReport(std::string name, const ReportLevel& level,
                        std::vector<std::string> dimensions) {
  ReportStream s;
  s.name = std::move(name);
  s.report_type = "GMV_MAX";
  s.level = &level;
  s.dimensions = std::move(dimensions);
  s.injected = {"store_id", "gmv_max_promotion_type"};
  OfferMetrics(s);
  return s;
}

// The store listing every GMV Max stream reads first (shared through the sync's IdDirectory).
ApiRequest StoreListing() { return ApiRequest{"gmv_max/store/list/", {}}; }

// The listing of campaigns of type `p` (deleted ones with `deleted`), optionally of one store.
ApiRequest CampaignListing(const Promotion& p, bool deleted, std::string_view store,
                           std::vector<std::string> fields) {
  ApiRequest request{"gmv_max/campaign/get/", {}};
  request.Set("page_size", std::to_string(kCampaignPageSize));
  if (!fields.empty()) request.Set("fields", JsonStringArray(fields));
  std::string filtering =
      WithFilter("", "gmv_max_promotion_types", JsonStringArray({p.campaign_name}));
  if (!store.empty())
    filtering = WithFilter(filtering, "store_ids", JsonStringArray({std::string(store)}));
  if (deleted) filtering = WithFilter(filtering, "primary_status", R"("STATUS_DELETE")");
  request.Set("filtering", filtering);
  return request;
}

// The campaign-level report filter of type `p`, with every status when `deleted`.
std::string TypeFiltering(const Promotion& p, bool deleted) {
  std::string f = WithFilter("", "gmv_max_promotion_types", JsonStringArray({p.report_name}));
  return deleted ? WithFilter(f, "campaign_statuses", R"(["STATUS_ALL"])") : f;
}

// The selected metrics of `stream` that campaigns of type `bit` report.
std::vector<std::string> MetricsFor(const CatalogStream& stream, PromotionBit bit) {
  std::vector<std::string> out;
  const MetricCatalog& catalog = MetricCatalog::For("GMV_MAX");
  for (const std::string& name : SelectedMetrics(stream)) {
    const MetricInfo* m = catalog.Metric(name);
    if (m == nullptr || (m->promotions & bit) != 0) out.push_back(name);
  }
  return out;
}

}  // namespace

const std::vector<ReportStream>& GmvMaxReports() {
  static const ReportLevel kLevels[] = {
      {"gmv_max_campaign", "", "campaign_id", "", "campaign_ids", "gmv_max/campaign/get/",
       kCampaignLevel},
      {"gmv_max_product", "", "item_group_id", "", "", "", kProductLevel},
      {"gmv_max_live", "", "room_id", "", "", "", kLiveLevel},
  };
  static const std::vector<ReportStream> reports = {
      MakeReport("gmv_max_campaign_insights_daily", kLevels[0], {"campaign_id", "stat_time_day"}),
      MakeReport("gmv_max_product_insights_daily", kLevels[1],
                 {"campaign_id", "item_group_id", "stat_time_day"}),
      MakeReport("gmv_max_live_insights_daily", kLevels[2],
                 {"campaign_id", "room_id", "stat_time_day"}),
  };
  return reports;
}

EndpointLimit GmvMaxLimit(const Settings& s) {
  return {s.gmv_max_requests_per_second, s.gmv_max_requests_per_minute, s.gmv_max_requests_per_day};
}

StreamRequests PrepareGmvMaxCampaigns(const Settings& settings, const CatalogStream&) {
  StreamRequests out;
  for (bool deleted : {false, true}) {
    if (deleted && !settings.include_deleted) continue;
    for (const Promotion& p : kPromotions) {
      out.series.push_back({.request = CampaignListing(p, deleted, "", {}),
                            .probe = {StoreListing()},
                            .probe_field = "store_id",
                            .probe_list_key = "store_list",
                            .probe_paged = false,
                            .values = {{"gmv_max_promotion_type", p.report_name}}});
    }
  }
  return out;
}

ApiRequest GmvMaxCampaignDetails(const rapidjson::Value& row) {
  ApiRequest request{"campaign/gmv_max/info/", {}};
  const rapidjson::Value* id = FindMember(row, "campaign_id");
  request.Set("campaign_id", id != nullptr && id->IsString() ? id->GetString() : "");
  return request;
}

StreamRequests PrepareGmvMaxReport(const Settings& settings, const CatalogStream& stream) {
  const ReportStream& r = *stream.def->report;
  StreamRequests out;
  for (const Promotion& p : kPromotions) {
    if ((PromotionsOf(*r.level) & p.bit) == 0) continue;
    ApiRequest request{stream.def->path, {}};
    request.Set("dimensions", JsonStringArray(r.dimensions));
    request.Set("metrics", JsonStringArray(MetricsFor(stream, p.bit)));
    request.Set("page_size", std::to_string(settings.page_size));
    SeriesRequest series{.request = std::move(request),
                         .values = {{"gmv_max_promotion_type", p.report_name}}};
    // Campaign rows by type, deleted campaigns' too when wanted (TikTok leaves them out by
    // default); product and LIVE rows by their campaigns' ids (TikTok requires them there).
    if (r.level->level_bit == kCampaignLevel) {
      series.request.Set("filtering", TypeFiltering(p, settings.include_deleted));
    } else {
      series.id_requests.push_back(CampaignListing(p, false, "", {"campaign_id"}));
      if (settings.include_deleted) {
        series.id_requests.push_back(CampaignListing(p, true, "", {"campaign_id"}));
      }
    }
    out.series.push_back(std::move(series));
  }
  return out;
}

namespace {

// The store's campaign ids of series `s`, listed once per run.
Result<std::vector<std::string>> StoreCampaigns(UnitReader& r, const SeriesRequest& s,
                                                const std::string& store) {
  std::vector<ApiRequest> listings;
  for (ApiRequest listing : s.id_requests) {
    listing.Set("filtering",
                WithFilter(listing.Param("filtering"), "store_ids", JsonStringArray({store})));
    listings.push_back(std::move(listing));
  }
  auto ids = r.ListedIds(listings, "campaign_id");
  if (!ids.ok()) return ids.status();
  return **ids;
}

// One series of one store over the unit's window.
Status ReadStoreSeries(UnitReader& r, const SeriesRequest& s, const std::string& store) {
  const WorkUnit& unit = r.unit();
  ApiRequest request = unit.WithAdvertiser(s.request);
  request.Set("store_ids", JsonStringArray({store}));
  request.Set("start_date", FormatDay(*unit.first_day));
  request.Set("end_date", FormatDay(*unit.last_day));
  r.transformer().SetInjected("gmv_max_promotion_type", s.values.front().second);
  if (s.id_requests.empty()) return r.EmitPages(request);  // campaign level: by type
  auto campaigns = StoreCampaigns(r, s, store);
  if (!campaigns.ok()) return campaigns.status();
  for (size_t i = 0; i < campaigns->size(); i += kCampaignsPerFilter) {
    request.Set("filtering", R"({"campaign_ids":)" +
                                 JsonStringArray(Slice(*campaigns, i, kCampaignsPerFilter)) + "}");
    if (Status st = r.EmitPages(request); !st.ok()) return st;
  }
  return Status::Ok();
}

}  // namespace

Status ReadGmvMaxReport(UnitReader& r) {
  const WorkUnit& unit = r.unit();
  auto stores = r.ListedIds({StoreListing()}, "store_id", "store_list", /*paged=*/false);
  if (!stores.ok()) return stores.status();
  long long before = r.records();
  for (const std::string& store : **stores) {
    r.transformer().SetInjected("store_id", store);
    for (const SeriesRequest& s : unit.requests->series) {
      if (Status st = ReadStoreSeries(r, s, store); !st.ok()) return st;
    }
  }
  r.Checkpoint(Timestamp{*unit.last_day});
  LogInfo("Stream '{}', advertiser {}, {}..{}: {} record(s) from {} store(s)", r.def().name,
          unit.advertiser(), FormatDay(*unit.first_day), FormatDay(*unit.last_day),
          r.records() - before, (*stores)->size());
  return Status::Ok();
}

}  // namespace tap
