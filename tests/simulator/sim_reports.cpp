#include "tests/simulator/sim_reports.h"

#include <fmt/format.h>
#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <map>
#include <memory>
#include <set>
#include <tuple>

#include "tap/metric_catalog.h"
#include "tap/report_streams.h"
#include "tap/time_zone.h"
#include "tests/simulator/sim_wire.h"

namespace sim {
namespace {

using std::chrono::days;
using tap::Date;

[[noreturn]] void Reject(std::string message, long code = 40002) {
  throw ReportError{code, std::move(message)};
}

std::vector<std::string> JsonStrings(const Params& params, const std::string& key) {
  std::vector<std::string> out;
  auto it = params.find(key);
  if (it == params.end()) return out;
  rapidjson::Document doc;
  doc.Parse(it->second.c_str());
  if (doc.HasParseError() || !doc.IsArray()) Reject(key + ": Invalid JSON string.");
  for (const auto& v : doc.GetArray()) {
    if (!v.IsString()) Reject(key + ": Not a valid string.");
    out.emplace_back(v.GetString());
  }
  return out;
}

Date ParseDate(const Params& params, const std::string& key) {
  std::string text = Param(params, key);
  if (text.empty()) Reject(key + ": Missing data for required field.");
  auto day = tap::ParseDay(text);
  if (!day || text.size() != 10) Reject(key + ": Not a valid date, use YYYY-MM-DD.");
  return *day;
}

std::string DayText(Date d) { return tap::FormatDay(d) + " 00:00:00"; }

// An object a report row can be about: the advertiser itself or one of its entities.
struct Object {
  uint64_t id;
  const Entity* entity;  // nullptr at advertiser level
  Date first, last;      // active days, local
  // An Upgraded Smart+ ad under ad_id_v2: its creatives' spend by day, the days it has rows.
  std::shared_ptr<const std::map<int32_t, uint64_t>> spend = nullptr;
};

struct Row {
  uint32_t object;
  int32_t day;   // days since epoch; INT32_MIN: none
  int16_t hour;  // -1: none
  uint16_t combo;
};

constexpr const char* kCountries[] = {"US", "GB", "DE", "JP", "BR"};
constexpr const char* kAges[] = {"AGE_13_17", "AGE_18_24",  "AGE_25_34", "AGE_35_44",
                                 "AGE_45_54", "AGE_55_100", "NONE"};
constexpr const char* kGenders[] = {"MALE", "FEMALE", "NONE"};
constexpr const char* kPlatforms[] = {"ANDROID", "IPHONE", "IPAD", "PC", "UNKNOWN"};
constexpr const char* kProvinces[] = {"5332921", "5128638", "4736286",
                                      "2643743", "2921044", "1850144"};
constexpr const char* kLanguages[] = {"en", "es", "de", "ja", "pt", "fr"};

bool IsAudienceDimension(std::string_view d) {
  return d == "age" || d == "gender" || d == "platform" || d == "province_id" || d == "ac" ||
         d == "language" || d == "placement" || d == "dma_id" || d == "interest_category_v2";
}

// The breakdown values of one (object, day), aligned with `breakdowns`: each combination is one
// row. Age and gender are picked together, as real audience rows pair them.
std::vector<std::vector<std::string>> Combos(const std::vector<std::string>& breakdowns,
                                             uint64_t h) {
  size_t n = breakdowns.size();
  auto at = [&](const char* name) {
    return static_cast<size_t>(std::find(breakdowns.begin(), breakdowns.end(), name) -
                               breakdowns.begin());
  };
  size_t age = at("age"), gender = at("gender");
  bool paired = age < n && gender < n;
  std::vector<std::vector<std::string>> combos = {std::vector<std::string>(n)};
  for (size_t i = 0; i < n; ++i) {
    const std::string& d = breakdowns[i];
    if (paired && i == gender) continue;  // filled with age
    uint64_t dh = Mix(h, d);
    std::vector<std::pair<std::string, std::string>> values;  // (value, paired gender)
    if (paired && i == age) {
      for (size_t k = 0, count = 2 + dh % 3; k < count; ++k) {
        size_t pick = (dh / 7 + k * 5) % 21;
        values.emplace_back(kAges[pick / 3], kGenders[pick % 3]);
      }
    } else if (d == "country_code") {
      for (size_t k = 0, count = 1 + dh % 3; k < count; ++k)
        values.emplace_back(kCountries[(dh + k) % 5], "");
    } else if (d == "province_id") {  // region ids, as TikTok's location ids are digits
      for (size_t k = 0, count = 1 + dh % 3; k < count; ++k)
        values.emplace_back(kProvinces[(dh + k) % 6], "");
    } else if (d == "language") {
      for (size_t k = 0, count = 1 + dh % 3; k < count; ++k)
        values.emplace_back(kLanguages[(dh + k) % 6], "");
    } else if (d == "platform") {
      for (size_t k = 0, count = 1 + dh % 3; k < count; ++k)
        values.emplace_back(kPlatforms[(dh + k) % 5], "");
    } else if (d == "age") {
      for (size_t k = 0, count = 1 + dh % 3; k < count; ++k)
        values.emplace_back(kAges[(dh + k) % 7], "");
    } else if (d == "gender") {
      for (size_t k = 0, count = 1 + dh % 2; k < count; ++k)
        values.emplace_back(kGenders[(dh + k) % 3], "");
    } else {
      for (size_t k = 0, count = 1 + dh % 2; k < count; ++k) {
        values.emplace_back(fmt::format("{}_{}", d, k + dh % 3), "");
      }
    }
    std::vector<std::vector<std::string>> next;
    for (const auto& c : combos) {
      for (const auto& [value, paired_gender] : values) {
        next.push_back(c);
        next.back()[i] = value;
        if (paired && i == age) next.back()[gender] = paired_gender;
      }
    }
    combos = std::move(next);
  }
  return combos;
}

bool Restatable(std::string_view metric) {
  for (std::string_view part :
       {"conversion", "result", "purchase", "install", "registration", "lead", "payment"}) {
    if (metric.find(part) != std::string_view::npos) return true;
  }
  return false;
}

// How one requested metric's values are made: worked out once per request, not per row.
struct MetricPlan {
  enum class Kind {
    kValue,
    kCampaignName,
    kCampaignId,
    kAdgroupName,
    kAdgroupId,
    kAdName,
    kCurrency,
    kAdvertiserName,
    kZero
  };
  const tap::MetricInfo* info = nullptr;
  std::string quoted_name;  // "name", written as is: metric names need no escaping
  Kind kind = Kind::kValue;
  uint64_t name_hash = 0;  // FNV-1a of the name, as Mix(h, name) uses it
  std::string_view type;   // its JSON Schema type
  bool secondary = false;  // a secondary-goal metric: "-" for most rows
  bool restatable = false;
  bool promote_supported = false;  // written for Promote objects; others are "0"
  uint64_t scale = 300;            // integers: values below this
  int decimals = 2;                // numbers
};

MetricPlan PlanMetric(const tap::MetricInfo& m) {
  using Kind = MetricPlan::Kind;
  MetricPlan p;
  p.info = &m;
  const std::string& n = m.name;
  p.quoted_name = '"' + n + '"';
  p.kind = n == "campaign_name"     ? Kind::kCampaignName
           : n == "campaign_id"     ? Kind::kCampaignId
           : n == "adgroup_name"    ? Kind::kAdgroupName
           : n == "adgroup_id"      ? Kind::kAdgroupId
           : n == "ad_name"         ? Kind::kAdName
           : n == "currency"        ? Kind::kCurrency
           : n == "advertiser_name" ? Kind::kAdvertiserName
           : (n == "tt_app_id" || n == "tt_app_name" || n == "mobile_app_id") ? Kind::kZero
                                                                              : Kind::kValue;
  p.name_hash = Fnv1a(n);
  p.type = (*m.schema)["type"].GetString();
  std::string_view description = (*m.schema)["description"].GetString();
  p.secondary = n.rfind("secondary_goal", 0) == 0 || n.find("_secondary_goal") != std::string::npos;
  p.restatable = Restatable(n);
  static const std::set<std::string_view> kPromoteMetrics = {"spend",
                                                             "impressions",
                                                             "clicks",
                                                             "ctr",
                                                             "cpc",
                                                             "cpm",
                                                             "reach",
                                                             "frequency",
                                                             "video_play_actions",
                                                             "video_watched_2s",
                                                             "video_watched_6s",
                                                             "average_video_play",
                                                             "likes",
                                                             "comments",
                                                             "shares",
                                                             "follows",
                                                             "profile_visits"};
  p.promote_supported = (*m.schema)["type"] == "string" || kPromoteMetrics.count(n) != 0;
  p.scale = n == "impressions" || n == "gross_impressions" ? 9000 : n == "reach" ? 7000 : 300;
  p.decimals = description.find("percent") != std::string_view::npos    ? 2
               : n == "cost_per_result"                                 ? 4
               : description.find("currency") != std::string_view::npos ? 3
                                                                        : 2;
  return p;
}

// A metric value as TikTok writes it: a string with the metric's usual decimals, or "-".
// Appended to `out`.
void MetricValue(const MetricPlan& p, uint64_t h, int restatement, fmt::memory_buffer& out) {
  if (p.secondary && h % 3 != 0) {  // does not apply to most ad groups
    out.push_back('-');
    return;
  }
  if (p.type == "integer") {
    fmt::format_to(std::back_inserter(out), "{}", h % p.scale + static_cast<uint64_t>(restatement));
  } else if (p.type == "number") {
    uint64_t scaled = h % 100000;
    uint64_t unit = p.decimals == 4 ? 10000 : p.decimals == 3 ? 1000 : 100;
    if (h % 11 == 0) scaled -= scaled % unit;  // whole values keep their zeros: "20.000"
    fmt::format_to(std::back_inserter(out), "{}.{:0{}d}",
                   scaled / unit + static_cast<uint64_t>(restatement), scaled % unit, p.decimals);
  } else if (p.type == "boolean") {
    fmt::format_to(std::back_inserter(out), "{}", h % 2 == 0 ? "false" : "true");
  } else {
    fmt::format_to(std::back_inserter(out), "{}_{}", p.info->name, h % 4);
  }
}

// Whether an object delivers on `d` within its active days (most days; not every one).
bool DeliversOn(uint64_t id, Date d) { return Mix(id, d.time_since_epoch().count()) % 8 != 0; }

// The local days an object can deliver on: from its creation to its deletion (when it was last
// modified), to an end of its own, or to today.
std::pair<Date, Date> ActiveDays(const Entity& e, const tap::TimeZone& tz, Date today) {
  auto local = [&](int64_t t) { return tz.LocalDate(tap::Timestamp{std::chrono::seconds{t}}); };
  Date start = local(e.create_time);
  Date end = today;
  uint64_t h = Mix(e.id, 0x5107);
  if (e.deleted) {
    end = local(e.modify_time);  // deleted when last modified
  } else if (h % 10 >= 4) {
    end = std::min(today, start + days{30 + static_cast<int>(h % 370)});
  }
  return {start, end};
}

// An ad's spend on `day` in thousandths: the value its plain daily row writes (MetricValue).
uint64_t AdSpendMillis(uint64_t ad, int32_t day) {
  static const uint64_t kSpend = Fnv1a("spend");
  uint64_t h = Mix(Mix(Mix(ad, static_cast<uint64_t>(day)), 0), kSpend);
  uint64_t scaled = h % 100000;
  if (h % 11 == 0) scaled -= scaled % 1000;
  return scaled;
}

// Every ad's spend by day over first..last, whatever its origin or status.
std::map<int32_t, uint64_t> AccountSpend(const SimData& data, const Advertiser& adv,
                                         const tap::TimeZone& tz, Date today, Date first,
                                         Date last) {
  std::map<int32_t, uint64_t> spend;
  for (Date d = first; d <= last; d += days{1})
    spend[static_cast<int32_t>(d.time_since_epoch().count())];
  for (uint32_t index : adv.ads) {
    const Entity& ad = data.ads[index];
    auto [from, to] = ActiveDays(ad, tz, today);
    for (Date d = std::max(first, from); d <= std::min({last, to, today}); d += days{1}) {
      if (!DeliversOn(ad.id, d)) continue;
      int32_t day = static_cast<int32_t>(d.time_since_epoch().count());
      spend[day] += AdSpendMillis(ad.id, day);
    }
  }
  return spend;
}

// An Upgraded Smart+ ad's spend by day over first..last (ad_id_v2 rows): its creatives' (the ads
// of its ad group, reported under ad_id), whatever their status; only days with spend.
std::shared_ptr<const std::map<int32_t, uint64_t>> SmartPlusSpend(const SimData& data,
                                                                  const Entity& smart_ad,
                                                                  const tap::TimeZone& tz,
                                                                  Date today, Date first,
                                                                  Date last) {
  auto spend = std::make_shared<std::map<int32_t, uint64_t>>();
  for (const Entity& creative : data.ads) {
    if (creative.adgroup != smart_ad.adgroup || creative.smart_plus_ad == Entity::kNoSmartPlusAd) {
      continue;
    }
    auto [from, to] = ActiveDays(creative, tz, today);
    for (Date d = std::max(first, from); d <= std::min({last, to, today}); d += days{1}) {
      if (!DeliversOn(creative.id, d)) continue;
      int32_t day = static_cast<int32_t>(d.time_since_epoch().count());
      (*spend)[day] += AdSpendMillis(creative.id, day);
    }
  }
  return spend;
}

// §9.1: beyond `limit` ids a report keeps the newest by create time. True when it cut.
bool KeepNewest(std::vector<Object>& objects, size_t limit) {
  if (objects.size() <= limit) return false;
  std::vector<size_t> order(objects.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  auto newer = [&](size_t a, size_t b) {
    const Entity& x = *objects[a].entity;
    const Entity& y = *objects[b].entity;
    return x.create_time != y.create_time ? x.create_time > y.create_time : x.id > y.id;
  };
  std::nth_element(order.begin(), order.begin() + static_cast<long>(limit), order.end(), newer);
  order.resize(limit);
  std::sort(order.begin(), order.end());  // the kept objects in their usual order
  std::vector<Object> kept;
  for (size_t i : order) kept.push_back(objects[i]);
  objects = std::move(kept);
  return true;
}

}  // namespace

namespace {

// A Business Center's report (report_type BC, §9.3): asked for by bc_id, no advertiser_id,
// data_level or service_type; grouped by advertiser_id, stat_time_day and country_code; up to
// 365 days even by day. Each bound ad account's daily spend is its account spend (every ad's),
// on its own local days.
struct BcQuery {
  const BusinessCenter* bc = nullptr;
  std::vector<std::string> dimensions;
  std::vector<MetricPlan> plans;
  Date first{}, last{};
};

BcQuery ReadBcQuery(const SimData& data, const Params& params) {
  BcQuery q;
  std::string bc_id = Param(params, "bc_id");
  if (bc_id.empty()) Reject("bc_id: Missing data for required field.");
  for (const BusinessCenter& bc : data.business_centers) {
    if (bc.id == bc_id) q.bc = &bc;
  }
  if (q.bc == nullptr)
    Reject(fmt::format("No permission to operate Business Center {}.", bc_id), 40001);
  for (const char* refused : {"advertiser_id", "advertiser_ids", "data_level", "service_type",
                              "query_lifetime", "filtering"}) {
    if (params.count(refused) != 0) {
      Reject(fmt::format("{}: Not supported when report_type is BC.", refused));
    }
  }
  q.dimensions = JsonStrings(params, "dimensions");
  for (const std::string& d : q.dimensions) {
    if (d != "advertiser_id" && d != "stat_time_day" && d != "country_code") {
      Reject(fmt::format("dimensions: {} is not supported in BC reports.", d));
    }
  }
  const tap::MetricCatalog& catalog = tap::MetricCatalog::Get();
  for (const std::string& m : JsonStrings(params, "metrics")) {
    const tap::MetricInfo* info = catalog.Metric(m);
    if (info == nullptr ||
        !tap::MetricCatalog::ValidFor(*info, "BASIC", tap::kAdvertiserLevel, true)) {
      Reject(fmt::format("Invalid metric fields: ['{}']", m));
    }
    q.plans.push_back(PlanMetric(*info));
  }
  q.first = ParseDate(params, "start_date");
  q.last = ParseDate(params, "end_date");
  if (q.last < q.first) Reject("end_date: Must not be earlier than start_date.");
  if ((q.last - q.first).count() + 1 > 365) Reject("The time range cannot exceed 365 days.");
  return q;
}

struct BcRow {
  const Advertiser* adv;  // nullptr: every account of the BC, summed
  int32_t day;            // INT32_MIN: the whole range
  std::string country;
  uint64_t spend_millis;
};

std::vector<BcRow> BcRows(const SimData& data, const BcQuery& q, int64_t now) {
  bool by_adv = std::count(q.dimensions.begin(), q.dimensions.end(), "advertiser_id") != 0;
  bool by_day = std::count(q.dimensions.begin(), q.dimensions.end(), "stat_time_day") != 0;
  bool by_country = std::count(q.dimensions.begin(), q.dimensions.end(), "country_code") != 0;
  std::map<std::tuple<const Advertiser*, int32_t, std::string>, uint64_t> sums;
  for (uint32_t index : q.bc->advertisers) {
    const Advertiser& adv = data.advertisers[index];
    auto zone = tap::TimeZone::Find(adv.display_timezone);
    tap::TimeZone tz = zone.ok() ? std::move(zone).value() : tap::TimeZone::Utc();
    Date today = tz.LocalDate(tap::Timestamp{std::chrono::seconds{now}});
    for (const auto& [day, millis] : AccountSpend(data, adv, tz, today, q.first, q.last)) {
      if (millis == 0) continue;
      std::string country =
          by_country ? kCountries[Mix(Fnv1a(adv.id), static_cast<uint64_t>(day)) % 5] : "";
      sums[{by_adv ? &adv : nullptr, by_day ? day : INT32_MIN, country}] += millis;
    }
  }
  std::vector<BcRow> rows;
  for (const auto& [key, millis] : sums) {
    rows.push_back({std::get<0>(key), std::get<1>(key), std::get<2>(key), millis});
  }
  return rows;
}

ReportPage BcReport(const SimData& data, int64_t now, const Params& params) {
  BcQuery q = ReadBcQuery(data, params);
  long long page = Param(params, "page").empty() ? 1 : std::atoll(Param(params, "page").c_str());
  long long page_size =
      Param(params, "page_size").empty() ? 10 : std::atoll(Param(params, "page_size").c_str());
  if (page < 1 || page_size < 1 || page_size > 1000)
    Reject("page_size: Must be between 1 and 1000.");
  std::vector<BcRow> rows = BcRows(data, q, now);
  fmt::memory_buffer value;
  std::string out = ListData("list", rows.size(), page, page_size, [&](Writer& w, size_t i) {
    const BcRow& r = rows[i];
    w.StartObject();
    w.Key("dimensions");
    w.StartObject();
    for (const std::string& d : q.dimensions) {
      w.Key(d.c_str());
      std::string text = d == "advertiser_id"   ? r.adv->id
                         : d == "stat_time_day" ? DayText(Date{days{r.day}})
                                                : r.country;
      w.String(text.c_str(), static_cast<rapidjson::SizeType>(text.size()));
    }
    w.EndObject();
    w.Key("metrics");
    w.StartObject();
    uint64_t h = Mix(r.adv != nullptr ? Fnv1a(r.adv->id) : 0, static_cast<uint64_t>(r.day));
    for (const MetricPlan& p : q.plans) {
      w.RawValue(p.quoted_name.data(), p.quoted_name.size(), rapidjson::kStringType);
      value.clear();
      if (p.info->name == "spend") {
        fmt::format_to(std::back_inserter(value), "{}.{:03d}", r.spend_millis / 1000,
                       r.spend_millis % 1000);
      } else {
        MetricValue(p, Mix(h, p.name_hash), 0, value);
      }
      w.String(value.data(), static_cast<rapidjson::SizeType>(value.size()));
    }
    w.EndObject();
    w.EndObject();
  });
  return ReportPage{out, false};
}

}  // namespace

ReportPage IntegratedReport(const SimData& data, const SimConfig& config, int generation,
                            int64_t now, const Params& params) {
  if (Param(params, "report_type") == "BC") return BcReport(data, now, params);
  const tap::MetricCatalog& catalog = tap::MetricCatalog::Get();
  std::string advertiser_id = Param(params, "advertiser_id");
  if (advertiser_id.empty()) Reject("advertiser_id: Missing data for required field.");
  const Advertiser* adv = nullptr;
  for (const Advertiser& a : data.advertisers) {
    if (a.id == advertiser_id) adv = &a;
  }
  if (adv == nullptr)
    Reject(fmt::format("No permission to operate advertiser {}.", advertiser_id), 40001);

  std::string report_type = Param(params, "report_type");
  if (report_type.empty()) Reject("report_type: Missing data for required field.");
  // §4.1: what each sync report type takes besides BASIC's rules.
  static const std::set<std::string> kTypes = {"BASIC", "AUDIENCE", "PLAYABLE_MATERIAL", "CATALOG",
                                               "TT_SHOP"};
  if (kTypes.count(report_type) == 0) {
    Reject(fmt::format("report_type: {} is not supported here.", report_type));
  }
  bool tt_shop = report_type == "TT_SHOP";
  if (tt_shop && params.count("filtering") != 0) {
    Reject("filtering: Not supported when report_type is TT_SHOP.");
  }
  std::string service_type = Param(params, "service_type");
  if (!service_type.empty() && service_type != "AUCTION" && service_type != "RESERVATION") {
    Reject("service_type: Invalid value.");
  }
  std::string data_level = Param(params, "data_level");
  const tap::ReportLevel* level = tap::FindReportLevel(data_level);
  if (level == nullptr || data_level != level->data_level) {
    Reject(
        "data_level: Must be one of AUCTION_ADVERTISER, AUCTION_CAMPAIGN, AUCTION_ADGROUP, "
        "AUCTION_AD.");
  }
  if (tt_shop && level->level_bit != tap::kAdvertiserLevel &&
      level->level_bit != tap::kCampaignLevel) {
    Reject(
        "data_level: Must be AUCTION_ADVERTISER or AUCTION_CAMPAIGN when report_type is TT_SHOP.");
  }
  if (params.find("dimensions") == params.end())
    Reject("dimensions: Missing data for required field.");
  std::vector<std::string> dimensions = JsonStrings(params, "dimensions");
  std::string time_dim;
  std::vector<std::string> breakdowns;
  bool has_id = false;
  bool v2 = false;  // ad_id_v2: ads at ad (asset group) level, Upgraded Smart+ ones included
  for (const std::string& d : dimensions) {
    if (catalog.Dimension(d) == nullptr)
      Reject(fmt::format("dimensions: Invalid dimension {}.", d));
    if (d == "stat_time_day" || d == "stat_time_hour") {
      if (!time_dim.empty()) Reject("dimensions: At most one time dimension is allowed.");
      time_dim = d;
    } else if (d == "ad_id_v2") {
      if (level->level_bit != tap::kAdLevel) {
        Reject(fmt::format("dimensions: {} cannot be used with data_level {}.", d, data_level));
      }
      v2 = has_id = true;
    } else if (d == "advertiser_id" || d == "campaign_id" || d == "adgroup_id" || d == "ad_id") {
      if (d != level->id_dimension) {
        Reject(fmt::format("dimensions: {} cannot be used with data_level {}.", d, data_level));
      }
      has_id = true;
    } else {
      if (IsAudienceDimension(d) && report_type != "AUDIENCE") {
        Reject(fmt::format("dimensions: {} is only available in AUDIENCE reports.", d));
      }
      if (d == "country_code" && (tt_shop || report_type == "CATALOG")) {
        Reject(
            fmt::format("dimensions: country_code is not supported in {} reports.", report_type));
      }
      breakdowns.push_back(d);
    }
  }
  bool ad_id_dimension =
      std::find(dimensions.begin(), dimensions.end(), "ad_id") != dimensions.end();
  if (v2 && ad_id_dimension) Reject("dimensions: ad_id_v2 cannot be used with ad_id.");
  if (time_dim == "stat_time_hour" && report_type == "AUDIENCE") {
    Reject("dimensions: stat_time_hour is not supported by AUDIENCE reports.");
  }
  bool lifetime = Param(params, "query_lifetime") == "true";
  if (lifetime) {
    if (report_type != "BASIC" && report_type != "PLAYABLE_MATERIAL") {
      Reject("query_lifetime: Only BASIC and PLAYABLE_MATERIAL reports support lifetime.");
    }
    if (!time_dim.empty()) Reject("query_lifetime: Time dimensions are not allowed with lifetime.");
    if (!breakdowns.empty()) Reject("query_lifetime: Breakdowns are not allowed with lifetime.");
  }

  std::vector<std::string> metrics = params.count("metrics")
                                         ? JsonStrings(params, "metrics")
                                         : std::vector<std::string>{"spend", "impressions"};
  if (static_cast<int>(metrics.size()) > config.max_metrics_per_request) {
    Reject(fmt::format("metrics: Too many metrics, at most {} per request.",
                       config.max_metrics_per_request));
  }
  bool plain_daily = time_dim == "stat_time_day" && breakdowns.empty();
  std::vector<const tap::MetricInfo*> infos;
  std::vector<std::string> invalid;
  for (const std::string& m : metrics) {
    const tap::MetricInfo* info = catalog.Metric(m);
    bool attribute =
        info != nullptr && std::string_view((*info->schema)["type"].GetString()) == "string";
    if (info == nullptr ||
        !tap::MetricCatalog::ValidFor(*info, report_type, level->level_bit, plain_daily) ||
        (attribute && !has_id)) {
      invalid.push_back("'" + m + "'");
    }
    infos.push_back(info);
  }
  for (const std::string& m : metrics) {
    if ((v2 && m == "ad_id") || (ad_id_dimension && m == "ad_id_v2")) {
      Reject(fmt::format("metrics: {} cannot be used with {}.", m, v2 ? "ad_id_v2" : "ad_id"));
    }
  }
  if (!invalid.empty()) {
    std::string list;
    for (const std::string& i : invalid) list += (list.empty() ? "" : ", ") + i;
    Reject(fmt::format("Invalid metric fields: [{}]", list));
  }

  // Dates: inclusive, in the advertiser's zone, with span limits (reference §4.2).
  Date first{}, last{};
  if (!lifetime) {
    first = ParseDate(params, "start_date");
    last = ParseDate(params, "end_date");
    if (last < first) Reject("end_date: Must not be earlier than start_date.");
    long span = (last - first).count() + 1;
    long max = time_dim == "stat_time_hour" ? 1 : time_dim == "stat_time_day" ? 30 : 365;
    if (span > max) {
      Reject(fmt::format("The time range cannot exceed {} days with {}.", max,
                         time_dim.empty() ? "no time dimension" : time_dim));
    }
  }

  // filtering: status and id filters.
  std::string status = "STATUS_NOT_DELETE";
  std::set<uint64_t> ids_filter[3];
  std::set<uint64_t> ids_v2;               // ad_ids_v2
  bool promote = false;                    // campaign_system_origins, TT_ADS_PLATFORM by default
  std::vector<std::string> other_filters;  // Promote reports support only some filters
  if (auto it = params.find("filtering"); it != params.end()) {
    rapidjson::Document f;
    f.Parse(it->second.c_str());
    if (f.HasParseError() || !f.IsArray()) Reject("filtering: Invalid JSON string.");
    for (const auto& filter : f.GetArray()) {
      if (!filter.IsObject() || !filter.HasMember("field_name") ||
          !filter.HasMember("filter_type") || !filter.HasMember("filter_value") ||
          !filter["filter_value"].IsString() || !filter["field_name"].IsString() ||
          !filter["filter_type"].IsString()) {
        Reject("filtering: each filter needs field_name, filter_type and a string filter_value.");
      }
      std::string field = filter["field_name"].GetString();
      rapidjson::Document value;
      value.Parse(filter["filter_value"].GetString());
      if (value.HasParseError() || !value.IsArray())
        Reject("filtering: filter_value must be a JSON array string.");
      if (field == level->status_field && !level->status_field.empty()) {
        if (value.Size() != 1 || !value[0].IsString()) Reject("filtering: Invalid status value.");
        status = value[0].GetString();
        if (status != "STATUS_ALL" && status != "STATUS_NOT_DELETE" && status != "STATUS_DELETE") {
          Reject(fmt::format("filtering: Invalid status value {}.", status));
        }
      } else if (field == "ad_ids_v2" || (v2 && field == "ad_ids")) {
        if (!v2) Reject("filtering: ad_ids_v2 needs the ad_id_v2 dimension.");
        if (field == "ad_ids") Reject("filtering: ad_ids cannot be used with ad_id_v2.");
        if (value.Size() > 100) Reject("filtering: At most 100 ids.");
        for (const auto& v : value.GetArray()) {
          if (!v.IsString()) Reject("filtering: ids must be strings.");
          ids_v2.insert(std::strtoull(v.GetString(), nullptr, 10));
        }
      } else if (field == "campaign_ids" || field == "adgroup_ids" || field == "ad_ids") {
        int slot = field == "campaign_ids" ? 0 : field == "adgroup_ids" ? 1 : 2;
        if (value.Size() > 100) Reject("filtering: At most 100 ids.");
        for (const auto& v : value.GetArray()) {
          if (!v.IsString()) Reject("filtering: ids must be strings.");
          ids_filter[slot].insert(std::strtoull(v.GetString(), nullptr, 10));
        }
      } else if (field == "campaign_system_origins" && !level->id_filter.empty() &&
                 (report_type == "BASIC" || report_type == "AUDIENCE")) {
        if (value.Size() != 1 || !value[0].IsString() ||
            (std::string_view(value[0].GetString()) != "PROMOTE" &&
             std::string_view(value[0].GetString()) != "TT_ADS_PLATFORM")) {
          Reject(
              "filtering: campaign_system_origins must be [\"PROMOTE\"] or "
              "[\"TT_ADS_PLATFORM\"].");
        }
        promote = std::string_view(value[0].GetString()) == "PROMOTE";
      } else if (field == "buying_type" || field == "objective_type") {
        other_filters.push_back(field);  // accepted; the simulated reports do not vary on it
      } else {
        Reject(fmt::format("filtering: Invalid field_name {} for {}.", field, data_level));
      }
    }
  }
  if (promote) {
    // §9.1: Promote supports no BASIC breakdown and only id, status, billing_event, image_mode
    // and create_time filters.
    if (report_type == "BASIC" && !breakdowns.empty()) {
      Reject(fmt::format("dimensions: {} is not supported for Promote ads.", breakdowns.front()));
    }
    if (!other_filters.empty()) {
      Reject(fmt::format("filtering: {} is not supported for Promote ads.", other_filters.front()));
    }
  }
  long long page = 1, page_size = 10;
  if (!Param(params, "page").empty()) page = std::atoll(Param(params, "page").c_str());
  if (!Param(params, "page_size").empty())
    page_size = std::atoll(Param(params, "page_size").c_str());
  if (page < 1) Reject("page: Must be greater than or equal to 1.");
  if (page_size < 1 || page_size > 1000) Reject("page_size: Must be between 1 and 1000.");

  // The objects of this level and their active days, in the advertiser's zone.
  auto zone = tap::TimeZone::Find(adv->display_timezone);
  tap::TimeZone tz = zone.ok() ? std::move(zone).value() : tap::TimeZone::Utc();
  Date today = tz.LocalDate(tap::Timestamp{std::chrono::seconds{now}});
  auto local = [&](int64_t t) { return tz.LocalDate(tap::Timestamp{std::chrono::seconds{t}}); };
  std::vector<Object> objects;
  uint64_t adv_numeric = std::strtoull(adv->id.c_str(), nullptr, 10);
  if (level->level_bit == tap::kAdvertiserLevel) {
    objects.push_back(Object{adv_numeric, nullptr, local(adv->create_time), today});
  } else {
    const std::vector<Entity>& all = level->level_bit == tap::kCampaignLevel  ? data.campaigns
                                     : level->level_bit == tap::kAdgroupLevel ? data.adgroups
                                                                              : data.ads;
    const std::vector<uint32_t>& mine = level->level_bit == tap::kCampaignLevel  ? adv->campaigns
                                        : level->level_bit == tap::kAdgroupLevel ? adv->adgroups
                                                                                 : adv->ads;
    // ad_id_v2: an Upgraded Smart+ ad instead of its creatives (the ads of its ad group).
    std::vector<const Entity*> candidates;
    for (uint32_t index : mine) {
      if (!v2 || all[index].smart_plus_ad == Entity::kNoSmartPlusAd)
        candidates.push_back(&all[index]);
    }
    if (v2) {
      for (uint32_t index : adv->smart_plus_ads) candidates.push_back(&data.smart_plus_ads[index]);
    }
    for (const Entity* candidate : candidates) {
      const Entity& e = *candidate;
      if ((status == "STATUS_NOT_DELETE" && e.deleted) ||
          (status == "STATUS_DELETE" && !e.deleted)) {
        continue;
      }
      if (!ids_v2.empty() && !ids_v2.count(e.id)) continue;
      if (!ids_filter[0].empty() && !ids_filter[0].count(data.campaigns[e.campaign].id)) continue;
      if (!ids_filter[1].empty() && (level->level_bit == tap::kCampaignLevel ||
                                     !ids_filter[1].count(data.adgroups[e.adgroup].id))) {
        continue;
      }
      if (!ids_filter[2].empty() &&
          (level->level_bit != tap::kAdLevel || !ids_filter[2].count(e.id))) {
        continue;
      }
      if (e.promote != promote) continue;
      auto [start, end] = ActiveDays(e, tz, today);
      objects.push_back(Object{e.id, &e, start, end});
      if (v2 && e.smart_plus && plain_daily) {
        objects.back().spend = SmartPlusSpend(data, e, tz, today, first, last);
      }
    }
  }
  bool truncated = KeepNewest(objects, static_cast<size_t>(std::max(1L, config.report_id_limit)));
  // Advertiser-level daily spend is the account's: every ad's, deleted and Promote included.
  std::map<int32_t, uint64_t> account_spend;
  if (level->level_bit == tap::kAdvertiserLevel && plain_daily) {
    account_spend = AccountSpend(data, *adv, tz, today, first, last);
  }

  // Every matching row, in (day, object, breakdown) order: the order pages are cut from.
  std::vector<Row> rows;
  auto active = [&](const Object& o, Date d) {
    if (o.spend) return o.spend->count(static_cast<int32_t>(d.time_since_epoch().count())) != 0;
    return d >= o.first && d <= o.last && d <= today &&
           (o.entity == nullptr || DeliversOn(o.id, d));
  };
  auto combos_of = [&](const Object& o, int32_t day) {
    return Combos(breakdowns, Mix(o.id ^ 0xC0, static_cast<uint64_t>(day)));
  };
  if (lifetime || time_dim.empty()) {
    for (uint32_t i = 0; i < objects.size(); ++i) {
      const Object& o = objects[i];
      bool any =
          lifetime ? o.first <= today : std::max(o.first, first) <= std::min({o.last, last, today});
      if (!any) continue;
      size_t n = combos_of(o, INT32_MIN).size();
      for (size_t c = 0; c < n; ++c)
        rows.push_back(Row{i, INT32_MIN, -1, static_cast<uint16_t>(c)});
    }
  } else {
    for (Date d = first; d <= last; d += days{1}) {
      int32_t day = static_cast<int32_t>(d.time_since_epoch().count());
      for (uint32_t i = 0; i < objects.size(); ++i) {
        if (!active(objects[i], d)) continue;
        if (time_dim == "stat_time_hour") {
          size_t n = combos_of(objects[i], day).size();  // each hour: the day's breakdowns
          for (int16_t hour = 0; hour < 24; ++hour) {
            if (Mix(objects[i].id, static_cast<uint64_t>(day) * 24 + static_cast<uint64_t>(hour)) %
                    4 ==
                0)
              continue;
            for (size_t c = 0; c < n; ++c) {
              rows.push_back(Row{i, day, hour, static_cast<uint16_t>(c)});
            }
          }
          continue;
        }
        size_t n = combos_of(objects[i], day).size();
        for (size_t c = 0; c < n; ++c) rows.push_back(Row{i, day, -1, static_cast<uint16_t>(c)});
      }
      if (static_cast<long>(rows.size()) > config.max_report_rows) break;
    }
  }
  if (static_cast<long>(rows.size()) > config.max_report_rows) {
    Reject(
        "Your query is too large, please reduce the query size (e.g. fewer metrics or time "
        "range) and retry after a while.",
        40067);
  }

  std::vector<MetricPlan> plans;
  for (const tap::MetricInfo* info : infos) plans.push_back(PlanMetric(*info));
  fmt::memory_buffer value;

  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  auto str = [&](std::string_view s) {
    w.String(s.data(), static_cast<rapidjson::SizeType>(s.size()));
  };
  w.StartObject();
  w.Key("list");
  w.StartArray();
  size_t begin = static_cast<size_t>((page - 1) * page_size);
  size_t end = std::min(rows.size(), begin + static_cast<size_t>(page_size));
  for (size_t r = begin; r < end; ++r) {
    const Row& row = rows[r];
    const Object& o = objects[row.object];
    std::vector<std::string> combo;
    if (!breakdowns.empty()) combo = combos_of(o, row.day)[row.combo];
    w.StartObject();
    w.Key("dimensions");
    w.StartObject();
    for (const std::string& d : dimensions) {
      w.Key(d.c_str());
      if (d == "stat_time_day") {
        str(DayText(Date{days{row.day}}));
      } else if (d == "stat_time_hour") {
        str(fmt::format("{} {:02d}:00:00", tap::FormatDay(Date{days{row.day}}), row.hour));
      } else if (d == level->id_dimension || d == "ad_id_v2") {
        str(std::to_string(o.id));
      } else {
        str(combo[static_cast<size_t>(std::find(breakdowns.begin(), breakdowns.end(), d) -
                                      breakdowns.begin())]);
      }
    }
    w.EndObject();
    w.Key("metrics");
    w.StartObject();
    uint64_t row_hash = Mix(Mix(o.id, static_cast<uint64_t>(row.day)),
                            static_cast<uint64_t>(row.hour + 1) * 64 + row.combo);
    Date row_day{days{row.day == INT32_MIN ? 0 : row.day}};
    bool recent = row.day != INT32_MIN && (today - row_day).count() < config.restated_days;
    for (const MetricPlan& p : plans) {
      using Kind = MetricPlan::Kind;
      w.RawValue(p.quoted_name.data(), p.quoted_name.size(), rapidjson::kStringType);
      const Entity* e = o.entity;
      if ((!account_spend.empty() || o.spend) && p.info->name == "spend") {
        uint64_t millis = o.spend ? o.spend->at(row.day) : account_spend[row.day];
        str(fmt::format("{}.{:03d}", millis / 1000, millis % 1000));
        continue;
      }
      if (e != nullptr && e->promote && !p.promote_supported) {
        str("0");  // §9.1: metrics Promote does not support come back as "0"
        continue;
      }
      Kind kind = e != nullptr || p.kind == Kind::kCurrency || p.kind == Kind::kAdvertiserName ||
                          p.kind == Kind::kZero
                      ? p.kind
                      : Kind::kValue;
      value.clear();
      auto out = std::back_inserter(value);
      switch (kind) {
        case Kind::kCampaignName:
          fmt::format_to(out, "Campaign {} \xC3\xA9t\xC3\xA9",
                         data.campaigns[e->campaign].id % 100000);
          break;
        case Kind::kCampaignId:
          fmt::format_to(out, "{}", data.campaigns[e->campaign].id);
          break;
        case Kind::kAdgroupName:
          fmt::format_to(out, "Ad group {}", data.adgroups[e->adgroup].id % 100000);
          break;
        case Kind::kAdgroupId:
          fmt::format_to(out, "{}", data.adgroups[e->adgroup].id);
          break;
        case Kind::kAdName:
          if (v2 && e->smart_plus) {
            fmt::format_to(out, "Smart+ ad {}", e->id % 100000);  // as /smart_plus/ad/get/ names it
          } else {
            fmt::format_to(out, "Ad \"{}\"", e->id % 100000);
          }
          break;
        case Kind::kCurrency:
          fmt::format_to(out, "{}", adv->currency);
          break;
        case Kind::kAdvertiserName:
          fmt::format_to(out, "{}", adv->name);
          break;
        case Kind::kZero:
          value.push_back('0');
          break;
        case Kind::kValue:
          // Digits, '.', '-' or name_N: written quoted as they are, with no escaping to do.
          value.push_back('"');
          MetricValue(p, Mix(row_hash, p.name_hash), recent && p.restatable ? generation : 0,
                      value);
          value.push_back('"');
          w.RawValue(value.data(), value.size(), rapidjson::kStringType);
          continue;
      }
      str(std::string_view(value.data(), value.size()));
    }
    w.EndObject();
    w.EndObject();
  }
  w.EndArray();
  w.Key("page_info");
  std::string page_info = PageInfoJson(page, page_size, rows.size());
  w.RawValue(page_info.data(), page_info.size(), rapidjson::kObjectType);
  w.EndObject();
  return ReportPage{std::string(buffer.GetString(), buffer.GetSize()), truncated};
}

}  // namespace sim
