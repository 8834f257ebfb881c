#include "tests/simulator/sim_gmv_max.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <set>
#include <vector>

#include "tap/metric_catalog.h"
#include "tap/time_zone.h"
#include "tap/timestamp.h"

namespace sim {
namespace {

using Date = std::chrono::sys_days;

[[noreturn]] void Refuse(std::string message) { throw ApiError{40002, std::move(message)}; }

std::vector<std::string> JsonList(const Params& params, const std::string& key, size_t max) {
  rapidjson::Document doc = ParseJsonParam(params, key);
  if (doc.IsNull()) Refuse(key + ": Missing data for required field.");
  return StringList(doc, key, max);
}

Date Day(const Params& params, const std::string& key) {
  std::string text = Param(params, key);
  if (text.empty()) Refuse(key + ": Missing data for required field.");
  auto day = tap::ParseDay(text);
  if (!day || text.size() != 10) Refuse(key + ": Not a valid date, use YYYY-MM-DD.");
  return *day;
}

// ---- /gmv_max/store/list/ ----

std::string StoreList(const SimData& data, const Advertiser& adv) {
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  w.StartObject();
  w.Key("store_list");
  w.StartArray();
  for (uint32_t index : adv.stores) {
    const Store& s = data.stores[index];
    w.StartObject();
    w.Key("store_id");
    Str(w, std::to_string(s.id));
    w.Key("store_name");
    Str(w, fmt::format("Shop {}", s.id % 10000));
    w.Key("store_code");
    Str(w, fmt::format("SHOP{:04d}", s.id % 10000));
    w.Key("store_status");
    Str(w, "ACTIVE");
    w.Key("store_role");
    Str(w, "AD_PROMOTION");
    w.Key("is_gmv_max_available");
    w.Bool(s.gmv_max_available);
    w.Key("is_owner_bc");
    w.Bool(true);
    w.Key("targeting_region_codes");
    w.StartArray();
    Str(w, "US");
    w.EndArray();
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

// ---- /gmv_max/campaign/get/ ----

struct CampaignFilter {
  std::set<bool> live;  // the types asked for
  std::set<uint64_t> stores, ids;
  std::string primary;  // empty: not deleted
};

std::set<uint64_t> Ids(const rapidjson::Value& v, const std::string& key, size_t max) {
  std::set<uint64_t> out;
  for (const std::string& id : StringList(v, key, max))
    out.insert(std::strtoull(id.c_str(), nullptr, 10));
  return out;
}

void ReadCampaignFilterMember(const std::string& key, const rapidjson::Value& v,
                              CampaignFilter& f) {
  if (key == "gmv_max_promotion_types") {
    for (const std::string& t : StringList(v, "filtering." + key, 2)) {
      if (t != "PRODUCT_GMV_MAX" && t != "LIVE_GMV_MAX") {
        Refuse(fmt::format("filtering.gmv_max_promotion_types: Invalid value {}.", t));
      }
      f.live.insert(t == "LIVE_GMV_MAX");
    }
  } else if (key == "store_ids") {
    f.stores = Ids(v, "filtering.store_ids", 10);
  } else if (key == "campaign_ids") {
    f.ids = Ids(v, "filtering.campaign_ids", 100);
  } else if (key == "primary_status" && v.IsString()) {
    f.primary = v.GetString();
    if (f.primary != "STATUS_DELIVERY_OK" && f.primary != "STATUS_DISABLE" &&
        f.primary != "STATUS_DELETE") {
      Refuse(fmt::format("filtering.primary_status: Invalid value {}.", f.primary));
    }
  } else if (key != "campaign_name" && key != "creation_filter_start_time" &&
             key != "creation_filter_end_time") {
    Refuse(fmt::format("filtering.{}: Unknown field.", key));
  }
}

CampaignFilter ReadCampaignFilter(const Params& params) {
  rapidjson::Document f = ParseJsonParam(params, "filtering");
  if (f.IsNull()) Refuse("filtering: Missing data for required field.");
  if (!f.IsObject()) Refuse("filtering: Not a valid dict.");
  CampaignFilter out;
  for (const auto& m : f.GetObject()) ReadCampaignFilterMember(m.name.GetString(), m.value, out);
  if (out.live.empty())
    Refuse("filtering.gmv_max_promotion_types: Missing data for required field.");
  return out;
}

bool Matches(const CampaignFilter& f, const GmvCampaign& c, const SimData& data) {
  bool status = f.primary.empty()                   ? !c.deleted
                : f.primary == "STATUS_DELETE"      ? c.deleted
                : f.primary == "STATUS_DELIVERY_OK" ? !c.deleted && c.enabled
                                                    : !c.deleted && !c.enabled;
  return status && f.live.count(c.live) != 0 &&
         (f.stores.empty() || f.stores.count(data.stores[c.store].id) != 0) &&
         (f.ids.empty() || f.ids.count(c.id) != 0);
}

void CampaignRow(Writer& w, const std::vector<std::string>& fields, const GmvCampaign& c,
                 const Advertiser& adv) {
  w.StartObject();
  for (const std::string& f : fields) {
    w.Key(f.c_str());
    if (f == "advertiser_id") {
      Str(w, adv.id);
    } else if (f == "campaign_id") {
      Str(w, std::to_string(c.id));
    } else if (f == "campaign_name") {
      Str(w, fmt::format("GMV Max {} {}", c.live ? "LIVE" : "Product", c.id % 10000));
    } else if (f == "operation_status") {
      Str(w, c.enabled ? "ENABLE" : "DISABLE");
    } else if (f == "secondary_status") {
      Str(w, c.deleted   ? "CAMPAIGN_STATUS_DELETE"
             : c.enabled ? "CAMPAIGN_STATUS_ENABLE"
                         : "CAMPAIGN_STATUS_DISABLE");
    } else if (f == "create_time") {
      Str(w, TikTokTime(c.create_time));
    } else if (f == "modify_time") {
      Str(w, TikTokTime(c.modify_time));
    } else if (f == "objective_type") {
      Str(w, "PRODUCT_SALES");
    } else {
      Str(w, c.id % 2 == 0 ? "IN_EFFECT" : "NOT_ELIGIBLE");  // roi_protection_compensation_status
    }
  }
  w.EndObject();
}

std::string Campaigns(const SimData& data, const Advertiser& adv, const Params& params) {
  static const std::vector<std::string> kFields = {
      "advertiser_id",    "campaign_id",      "campaign_name",
      "operation_status", "create_time",      "modify_time",
      "objective_type",   "secondary_status", "roi_protection_compensation_status"};
  long long page = ParseInt(params, "page", 1, 1, 99999);
  long long page_size = ParseInt(params, "page_size", 10, 1, 100);
  std::vector<std::string> fields = kFields;
  if (params.count("fields") != 0) {
    fields = JsonList(params, "fields", 100);
    for (const std::string& f : fields) {
      if (std::find(kFields.begin(), kFields.end(), f) == kFields.end()) {
        Refuse(fmt::format("fields: Invalid field: {}.", f));
      }
    }
  }
  CampaignFilter filter = ReadCampaignFilter(params);
  std::vector<const GmvCampaign*> matched;
  for (uint32_t index : adv.gmv_campaigns) {
    if (Matches(filter, data.gmv_campaigns[index], data))
      matched.push_back(&data.gmv_campaigns[index]);
  }
  return ListData("list", matched.size(), page, page_size,
                  [&](Writer& w, size_t i) { CampaignRow(w, fields, *matched[i], adv); });
}

// ---- /campaign/gmv_max/info/ ----

void StringArray(Writer& w, const std::vector<std::string>& items) {
  w.StartArray();
  for (const std::string& item : items) Str(w, item);
  w.EndArray();
}

// One campaign's details (Doc 1822000968821762): its shop, budget, ROI target and schedule.
std::string CampaignInfo(const SimData& data, const Advertiser& adv, const Params& params) {
  std::string id = Param(params, "campaign_id");
  if (id.empty()) Refuse("campaign_id: Missing data for required field.");
  const GmvCampaign* c = nullptr;
  for (uint32_t index : adv.gmv_campaigns) {
    if (std::to_string(data.gmv_campaigns[index].id) == id) c = &data.gmv_campaigns[index];
  }
  if (c == nullptr) Refuse(fmt::format("campaign_id: Invalid campaign {}.", id));
  uint64_t h = Mix(c->id, "info");
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  w.StartObject();
  auto text = [&](const char* key, const std::string& value) {
    w.Key(key);
    Str(w, value);
  };
  text("advertiser_id", adv.id);
  text("campaign_id", std::to_string(c->id));
  text("campaign_name", fmt::format("GMV Max {} {}", c->live ? "LIVE" : "Product", c->id % 10000));
  text("operation_status", c->enabled ? "ENABLE" : "DISABLE");
  text("store_id", std::to_string(data.stores[c->store].id));
  text("store_authorized_bc_id", "7150000000000000012");
  text("shopping_ads_type", c->live ? "LIVE" : "PRODUCT");
  text("optimization_goal", "VALUE");
  text("deep_bid_type", "VO_MIN_ROAS");
  text("schedule_type", "SCHEDULE_FROM_NOW");
  text("schedule_start_time", TikTokTime(c->create_time));
  w.Key("roas_bid");
  Raw(w, fmt::format("{}.{}", 2 + h % 6, h % 10));
  w.Key("budget");
  Raw(w, fmt::format("{}.00", 50 + h % 500));
  w.Key("roi_protection_enabled");
  w.Bool(h % 2 == 0);
  if (!c->live) {
    text("product_specific_type", "CUSTOMIZED_PRODUCTS");
    std::vector<std::string> items;
    for (uint64_t item : c->items) items.push_back(std::to_string(item));
    w.Key("item_group_ids");
    StringArray(w, items);
  }
  w.Key("placements");
  StringArray(w, {"PLACEMENT_TIKTOK"});
  w.Key("location_ids");
  StringArray(w, {"6252001"});
  w.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

// ---- /gmv_max/report/get/ ----

enum class Grain { kCampaign, kProduct, kLive };

struct ReportQuery {
  const Advertiser* adv = nullptr;
  const Store* store = nullptr;
  Grain grain = Grain::kCampaign;
  std::vector<std::string> dimensions;
  std::string time;  // stat_time_day, stat_time_hour or empty
  std::vector<const tap::MetricInfo*> metrics;
  std::set<bool> live;  // campaign level: the types asked for
  std::set<uint64_t> campaign_ids;
  bool all_statuses = false;
  Date first{}, last{};
};

// The grain of a dimension grouping (Doc 1824722485971009); refuses any other grouping.
Grain GrainOf(const std::vector<std::string>& dims, std::string* time) {
  std::vector<std::string> ids;
  for (const std::string& d : dims) {
    if (d == "stat_time_day" || d == "stat_time_hour") {
      if (!time->empty()) Refuse("dimensions: At most one time dimension is allowed.");
      *time = d;
    } else {
      ids.push_back(d);
    }
  }
  using V = std::vector<std::string>;
  if (ids == V{"campaign_id"}) return Grain::kCampaign;
  if (ids == V{"item_group_id"} || ids == V{"campaign_id", "item_group_id"}) return Grain::kProduct;
  if (ids == V{"room_id"} || ids == V{"campaign_id", "room_id"}) return Grain::kLive;
  Refuse("dimensions: Unsupported dimension grouping.");
}

void ReadReportFilter(const Params& params, ReportQuery& q) {
  rapidjson::Document f = ParseJsonParam(params, "filtering");
  if (!f.IsNull() && !f.IsObject()) Refuse("filtering: Not a valid dict.");
  if (f.IsObject()) {
    for (const auto& m : f.GetObject()) {
      std::string key = m.name.GetString();
      if (key == "gmv_max_promotion_types") {
        for (const std::string& t : StringList(m.value, "filtering." + key, 2)) {
          if (t != "PRODUCT" && t != "LIVE") {
            Refuse(fmt::format("filtering.gmv_max_promotion_types: Invalid value {}.", t));
          }
          q.live.insert(t == "LIVE");
        }
      } else if (key == "campaign_ids") {
        q.campaign_ids = Ids(m.value, "filtering.campaign_ids", 100);
      } else if (key == "campaign_statuses") {
        for (const std::string& s : StringList(m.value, "filtering." + key, 5)) {
          q.all_statuses = q.all_statuses || s == "STATUS_ALL";
        }
      } else {
        Refuse(fmt::format("filtering.{}: Unknown field.", key));
      }
    }
  }
  if (q.grain == Grain::kCampaign && q.live.size() != 1) {
    Refuse("filtering.gmv_max_promotion_types: Required: [\"PRODUCT\"] or [\"LIVE\"].");
  }
  if (q.grain != Grain::kCampaign && q.campaign_ids.empty()) {
    Refuse("filtering.campaign_ids: Missing data for required field.");
  }
  if (q.grain == Grain::kProduct) q.live = {false};
  if (q.grain == Grain::kLive) q.live = {true};
}

void ReadReportMetrics(const Params& params, ReportQuery& q) {
  const tap::MetricCatalog& catalog = tap::MetricCatalog::For("GMV_MAX");
  unsigned level = q.grain == Grain::kCampaign  ? tap::kCampaignLevel
                   : q.grain == Grain::kProduct ? tap::kProductLevel
                                                : tap::kLiveLevel;
  unsigned type = *q.live.begin() ? tap::kLivePromotion : tap::kProductPromotion;
  std::string invalid;
  for (const std::string& m : JsonList(params, "metrics", 100)) {
    const tap::MetricInfo* info = catalog.Metric(m);
    if (info == nullptr || (info->levels & level) == 0 || (info->promotions & type) == 0) {
      invalid += (invalid.empty() ? "'" : ", '") + m + "'";
    }
    q.metrics.push_back(info);
  }
  if (!invalid.empty()) Refuse(fmt::format("Invalid metric fields: [{}]", invalid));
}

void ReadSpan(const Params& params, ReportQuery& q) {
  q.first = Day(params, "start_date");
  q.last = Day(params, "end_date");
  if (q.last < q.first) Refuse("end_date: Must not be earlier than start_date.");
  long span = (q.last - q.first).count() + 1;
  long max = q.time == "stat_time_hour" ? 1 : q.time == "stat_time_day" ? 30 : 365;
  if (span > max) Refuse(fmt::format("The time range cannot exceed {} days.", max));
}

ReportQuery ReadReportQuery(const SimData& data, const Advertiser& adv, const Params& params) {
  ReportQuery q;
  q.adv = &adv;
  std::vector<std::string> stores = JsonList(params, "store_ids", 100);
  if (stores.size() != 1) Refuse("store_ids: Length must be 1.");
  for (uint32_t index : adv.stores) {
    if (std::to_string(data.stores[index].id) == stores.front()) q.store = &data.stores[index];
  }
  if (q.store == nullptr) {
    throw ApiError{40001, fmt::format("No permission to operate store {}.", stores.front())};
  }
  q.dimensions = JsonList(params, "dimensions", 4);
  q.grain = GrainOf(q.dimensions, &q.time);
  ReadReportFilter(params, q);
  ReadReportMetrics(params, q);
  ReadSpan(params, q);
  return q;
}

// One row: a campaign, or one of its products or rooms, on one day (or the whole range).
struct Row {
  const GmvCampaign* campaign;
  uint64_t item;  // 0 at campaign level
  int32_t day;    // days since epoch; INT32_MIN without a time dimension
  int hour;       // -1 without
};

std::vector<const GmvCampaign*> QueryCampaigns(const SimData& data, const ReportQuery& q) {
  std::vector<const GmvCampaign*> out;
  for (uint32_t index : q.adv->gmv_campaigns) {
    const GmvCampaign& c = data.gmv_campaigns[index];
    if (&data.stores[c.store] != q.store || q.live.count(c.live) == 0) continue;
    if (!q.campaign_ids.empty() && q.campaign_ids.count(c.id) == 0) continue;
    if (c.deleted && !q.all_statuses) continue;
    out.push_back(&c);
  }
  return out;
}

std::vector<Row> Rows(const SimData& data, const ReportQuery& q, int64_t now) {
  auto zone = tap::TimeZone::Find(q.adv->display_timezone);
  tap::TimeZone tz = zone.ok() ? std::move(zone).value() : tap::TimeZone::Utc();
  auto local = [&](int64_t t) { return tz.LocalDate(tap::Timestamp{std::chrono::seconds{t}}); };
  Date today = local(now);
  std::vector<Row> rows;
  for (const GmvCampaign* c : QueryCampaigns(data, q)) {
    Date end = std::min(today, c->deleted ? local(c->modify_time) : today);
    std::vector<uint64_t> items = q.grain == Grain::kCampaign ? std::vector<uint64_t>{0} : c->items;
    for (uint64_t item : items) {
      bool any = false;
      for (Date d = std::max(q.first, local(c->create_time)); d <= std::min(q.last, end);
           d += std::chrono::days{1}) {
        int32_t day = static_cast<int32_t>(d.time_since_epoch().count());
        if (Mix(c->id ^ item, static_cast<uint64_t>(day)) % 5 == 0) continue;  // no delivery
        any = true;
        if (q.time == "stat_time_day") rows.push_back({c, item, day, -1});
        if (q.time == "stat_time_hour") {
          for (int h = 0; h < 24; h += 3) rows.push_back({c, item, day, h});
        }
      }
      if (q.time.empty() && any) rows.push_back({c, item, INT32_MIN, -1});
    }
  }
  return rows;
}

std::string Money(uint64_t cents) { return fmt::format("{}.{:02d}", cents / 100, cents % 100); }

// TikTok's text of metric `m` of row `r` (`h` derived from the row).
std::string MetricText(const tap::MetricInfo& m, const Row& r, uint64_t h) {
  const GmvCampaign& c = *r.campaign;
  uint64_t cost = 100 + h % 50000, orders = h % 40, revenue = cost * (1 + h % 7);
  const std::string& n = m.name;
  if (n == "cost" || n == "net_cost") return Money(n == "cost" ? cost : cost - cost % 100);
  if (n == "orders" || n == "all_shops_orders") return std::to_string(orders);
  if (n == "gross_revenue" || n == "all_shops_gross_revenue") return Money(revenue);
  if (n == "cost_per_order" || n == "all_shops_cost_per_order") {
    return orders == 0 ? "0.00" : Money(cost / orders);
  }
  if (n == "roi" || n == "all_shops_roi") return Money(revenue * 100 / cost);
  if (n == "campaign_name")
    return fmt::format("GMV Max {} {}", c.live ? "LIVE" : "Product", c.id % 10000);
  if (n == "operation_status") return c.enabled ? "ENABLE" : "DISABLE";
  if (n == "bid_type") return c.id % 3 == 0 ? "NO_BID" : "CUSTOM";
  if (n == "schedule_type") return "Continuously";
  if (n == "schedule_start_time" || n == "schedule_end_time") return TikTokTime(c.create_time);
  if (n == "product_name") return fmt::format("Product {}", r.item % 100000);
  if (n == "product_status") return "available";
  if (n == "live_name") return fmt::format("LIVE {}", r.item % 100000);
  if (n == "live_status") return "END";
  if (n == "live_launched_time") return TikTokTime(c.create_time);
  std::string_view type = (*m.schema)["type"].GetString();
  if (type == "integer") return std::to_string(h % 5000);
  if (type == "number") return Money(h % 100000);
  return fmt::format("{}_{}", n, h % 4);
}

void ReportRow(Writer& w, const ReportQuery& q, const Row& r) {
  w.StartObject();
  w.Key("dimensions");
  w.StartObject();
  for (const std::string& d : q.dimensions) {
    w.Key(d.c_str());
    if (d == "campaign_id") {
      Str(w, std::to_string(r.campaign->id));
    } else if (d == "stat_time_day") {
      Str(w, tap::FormatDay(Date{std::chrono::days{r.day}}) + " 00:00:00");
    } else if (d == "stat_time_hour") {
      Str(w,
          fmt::format("{} {:02d}:00:00", tap::FormatDay(Date{std::chrono::days{r.day}}), r.hour));
    } else {
      Str(w, std::to_string(r.item));
    }
  }
  w.EndObject();
  w.Key("metrics");
  w.StartObject();
  uint64_t row = Mix(Mix(r.campaign->id ^ r.item, static_cast<uint64_t>(r.day)),
                     static_cast<uint64_t>(r.hour + 1));
  // Cost, orders, revenue and their ratios come from one draw per row, so that they agree.
  static const std::set<std::string_view> kDerived = {"cost",
                                                      "net_cost",
                                                      "orders",
                                                      "gross_revenue",
                                                      "cost_per_order",
                                                      "roi",
                                                      "all_shops_orders",
                                                      "all_shops_gross_revenue",
                                                      "all_shops_roi",
                                                      "all_shops_cost_per_order"};
  for (const tap::MetricInfo* m : q.metrics) {
    w.Key(m->name.c_str());
    Str(w, MetricText(*m, r, kDerived.count(m->name) != 0 ? row : Mix(row, Fnv1a(m->name))));
  }
  w.Key("currency");
  Str(w, q.adv->currency);
  w.EndObject();
  w.EndObject();
}

std::string Report(const SimData& data, const Advertiser& adv, int64_t now, const Params& params) {
  long long page = ParseInt(params, "page", 1, 1, 99999);
  long long page_size = ParseInt(params, "page_size", 10, 1, 1000);
  ReportQuery q = ReadReportQuery(data, adv, params);
  std::vector<Row> rows = Rows(data, q, now);
  return ListData("list", rows.size(), page, page_size,
                  [&](Writer& w, size_t i) { ReportRow(w, q, rows[i]); });
}

}  // namespace

bool IsGmvMaxEndpoint(std::string_view endpoint) {
  return endpoint == "gmv_max/store/list/" || endpoint == "gmv_max/campaign/get/" ||
         endpoint == "gmv_max/report/get/" || endpoint == "campaign/gmv_max/info/";
}

std::string GmvMaxData(std::string_view endpoint, const SimData& data, int64_t now,
                       const Params& params) {
  const Advertiser& adv = RequiredAdvertiser(data, params);
  if (endpoint == "gmv_max/store/list/") return StoreList(data, adv);
  if (endpoint == "gmv_max/campaign/get/") return Campaigns(data, adv, params);
  if (endpoint == "campaign/gmv_max/info/") return CampaignInfo(data, adv, params);
  return Report(data, adv, now, params);
}

}  // namespace sim
