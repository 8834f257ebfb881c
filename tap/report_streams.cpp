#include "tap/report_streams.h"

#include <fmt/format.h>

#include <algorithm>
#include <set>

#include "tap/json.h"
#include "tap/metric_catalog.h"
#include "tap/streams.h"

namespace tap {
namespace {

// One family of built-in report streams; crossed with its levels it gives the table.
struct Family {
  std::string_view suffix;
  std::string_view report_type;
  Granularity granularity;
  std::vector<std::string_view> breakdowns;
  unsigned levels = kAdvertiserLevel | kCampaignLevel | kAdgroupLevel | kAdLevel;
};

const std::vector<Family>& Families() {
  static const std::vector<Family> families = {
      {"insights_daily", "BASIC", Granularity::kDay, {}},
      {"insights_hourly", "BASIC", Granularity::kHour, {}},
      {"insights_lifetime", "BASIC", Granularity::kLifetime, {}},
      {"insights_by_country_daily", "BASIC", Granularity::kDay, {"country_code"}},
      {"insights_by_age_gender_daily", "AUDIENCE", Granularity::kDay, {"age", "gender"}},
      {"insights_by_platform_daily", "AUDIENCE", Granularity::kDay, {"platform"}},
      // The breakdowns users of other extractors have, at the levels they read them.
      {"insights_by_province_daily",
       "AUDIENCE",
       Granularity::kDay,
       {"province_id"},
       kCampaignLevel | kAdLevel},
      {"insights_by_language_daily",
       "AUDIENCE",
       Granularity::kDay,
       {"language"},
       kCampaignLevel | kAdLevel},
      {"insights_by_country_hourly", "BASIC", Granularity::kHour, {"country_code"}, kAdLevel},
  };
  return families;
}

bool Contains(const std::vector<std::string>& items, std::string_view item) {
  return std::find(items.begin(), items.end(), item) != items.end();
}

// ad_id and ad_id_v2 (as dimensions or metrics) exclude each other (§9.1).
bool AdIdentity(std::string_view name) { return name == "ad_id" || name == "ad_id_v2"; }

}  // namespace

void OfferMetrics(ReportStream& s) {
  bool plain_daily = s.granularity == Granularity::kDay && s.dimensions.size() == 2;
  for (const MetricInfo& m : MetricCatalog::For(s.report_type).metrics()) {
    if (Contains(s.dimensions, m.name)) continue;  // ad_id is a dimension at ad level
    if (AdIdentity(m.name) && AdIdentity(s.level->id_dimension)) continue;
    if (!MetricCatalog::ValidFor(m, s.report_type, s.level->level_bit, plain_daily)) continue;
    s.metrics.push_back(m.name);
    if (m.selected_by_default) s.default_metrics.push_back(m.name);
  }
}

namespace {

Status Bad(std::string_view report, std::string_view field, std::string text) {
  return Status::Error(ErrorKind::kInvalidInput,
                       fmt::format("custom_reports: report '{}': {}: {}", report, field, text));
}

bool ValidName(std::string_view name) {
  return !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
  });
}

}  // namespace

const std::vector<ReportLevel>& ReportLevels() {
  static const std::vector<ReportLevel> levels = {
      {"advertiser", "AUCTION_ADVERTISER", "advertiser_id", "", "", "", kAdvertiserLevel},
      {"campaign", "AUCTION_CAMPAIGN", "campaign_id", "campaign_status", "campaign_ids",
       "campaign/get/", kCampaignLevel},
      {"adgroup", "AUCTION_ADGROUP", "adgroup_id", "adgroup_status", "adgroup_ids", "adgroup/get/",
       kAdgroupLevel},
      {"ad", "AUCTION_AD", "ad_id", "ad_status", "ad_ids", "ad/get/", kAdLevel},
  };
  return levels;
}

const std::vector<ReportLevel>& UnfilteredReportLevels() {
  static const std::vector<ReportLevel> levels = [] {
    std::vector<ReportLevel> out = ReportLevels();
    for (ReportLevel& level : out) level.id_filter = level.entity_path = level.status_field = "";
    return out;
  }();
  return levels;
}

const ReportTypeRules* FindReportType(std::string_view name) {
  static const std::vector<std::string_view> kAll = {"AUCTION_ADVERTISER", "AUCTION_CAMPAIGN",
                                                     "AUCTION_ADGROUP", "AUCTION_AD"};
  static const std::vector<ReportTypeRules> kTypes = {
      {.name = "BASIC", .levels = kAll, .lifetime = true, .promote = true},
      {.name = "AUDIENCE", .levels = kAll, .audience = true, .promote = true},
      {.name = "PLAYABLE_MATERIAL", .levels = kAll, .lifetime = true},
      {.name = "CATALOG", .levels = kAll, .country_code = false},
      {.name = "TT_SHOP",
       .levels = {"AUCTION_ADVERTISER", "AUCTION_CAMPAIGN"},
       .filtering = false,
       .country_code = false},
      {.name = "BC", .levels = {}, .by_bc = true},
  };
  for (const ReportTypeRules& t : kTypes) {
    if (t.name == name) return &t;
  }
  return nullptr;
}

const ReportLevel* FindReportLevel(std::string_view name) {
  for (const ReportLevel& level : ReportLevels()) {
    if (level.name == name || level.data_level == name) return &level;
  }
  return nullptr;
}

std::vector<std::string> ReportStream::KeyProperties() const {
  const ReportTypeRules* rules = FindReportType(report_type);
  std::vector<std::string> keys = {rules != nullptr && rules->by_bc ? "bc_id" : "advertiser_id"};
  for (const std::string& d : dimensions) {
    if (!Contains(keys, d)) keys.push_back(d);
  }
  return keys;
}

std::string ReportStream::TimeDimension() const {
  for (const std::string& d : dimensions) {
    if (d == "stat_time_day" || d == "stat_time_hour") return d;
  }
  return {};
}

std::string ReportStream::ReplicationKey() const {
  return granularity == Granularity::kDay || granularity == Granularity::kHour ? TimeDimension()
                                                                               : std::string();
}

const ReportStream& SmartPlusAdReport() {
  static const ReportLevel level = {"smart_plus_ad", "AUCTION_AD",      "ad_id_v2",
                                    "ad_status",     "ad_ids_v2",       "smart_plus/ad/get/",
                                    kAdLevel,        "smart_plus_ad_id"};
  static const ReportStream stream = [] {
    ReportStream s;
    s.name = "smart_plus_ad_insights_daily";
    s.report_type = "BASIC";
    s.level = &level;
    s.dimensions = {"ad_id_v2", "stat_time_day"};
    OfferMetrics(s);
    return s;
  }();
  return stream;
}

const std::vector<ReportStream>& BuiltinReportStreams() {
  static const std::vector<ReportStream> streams = [] {
    std::vector<ReportStream> out;
    for (const Family& family : Families()) {
      for (const ReportLevel& level : ReportLevels()) {
        if ((family.levels & level.level_bit) == 0) continue;
        ReportStream s;
        s.name = fmt::format("{}_{}", level.name, family.suffix);
        s.report_type = std::string(family.report_type);
        s.level = &level;
        s.granularity = family.granularity;
        s.dimensions.emplace_back(level.id_dimension);
        if (family.granularity == Granularity::kDay) s.dimensions.emplace_back("stat_time_day");
        if (family.granularity == Granularity::kHour) s.dimensions.emplace_back("stat_time_hour");
        for (std::string_view b : family.breakdowns) s.dimensions.emplace_back(b);
        OfferMetrics(s);
        out.push_back(std::move(s));
      }
    }
    return out;
  }();
  return streams;
}

namespace {

Status ReadName(const rapidjson::Value& def, const std::string& label, std::set<std::string>& names,
                ReportStream& s) {
  const rapidjson::Value* name = FindMember(def, "name");
  if (name == nullptr || !name->IsString() || !ValidName(name->GetString())) {
    return Bad(label, "name",
               "required: lower-case letters, digits and underscores, e.g. "
               "\"campaign_by_province_daily\"");
  }
  s.name = name->GetString();
  static const std::vector<StreamDef> kBuiltin = AllStreams({});
  bool builtin = std::any_of(kBuiltin.begin(), kBuiltin.end(),
                             [&](const StreamDef& b) { return b.name == s.name; });
  if (builtin || !names.insert(s.name).second) {
    return Bad(s.name, "name", "already used by another stream; choose another name");
  }
  return Status::Ok();
}

Status ReadTypeAndLevel(const rapidjson::Value& def, ReportStream& s) {
  const rapidjson::Value* type = FindMember(def, "report_type");
  s.report_type = type != nullptr && type->IsString() ? type->GetString() : "";
  const ReportTypeRules* rules = FindReportType(s.report_type);
  if (rules == nullptr) {
    return Bad(s.name, "report_type",
               "required: BASIC, AUDIENCE, PLAYABLE_MATERIAL, CATALOG, TT_SHOP or BC");
  }
  const rapidjson::Value* level = FindMember(def, "data_level");
  if (rules->by_bc) {
    if (level != nullptr) return Bad(s.name, "data_level", "BC reports take no data_level");
    static const ReportLevel kBusinessCenter = {"bc", "", "advertiser_id", "",
                                                "",   "", kAdvertiserLevel};
    s.level = &kBusinessCenter;
    s.injected = {"bc_id"};
    return Status::Ok();
  }
  std::string_view name = level != nullptr && level->IsString() ? level->GetString() : "";
  s.level = FindReportLevel(name);
  if (s.level == nullptr || s.level->data_level != name ||
      std::find(rules->levels.begin(), rules->levels.end(), name) == rules->levels.end()) {
    std::string levels;
    for (std::string_view l : rules->levels)
      levels += (levels.empty() ? "" : ", ") + std::string(l);
    return Bad(s.name, "data_level",
               fmt::format("required for {}: one of {}", s.report_type, levels));
  }
  // TikTok takes no filter with TT_SHOP: no id batches either.
  if (!rules->filtering) s.level = &UnfilteredReportLevels()[s.level - ReportLevels().data()];
  return Status::Ok();
}

// One dimension: known, offered by the report type, not listed twice; sets the granularity.
Status ReadDimension(const rapidjson::Value& d, ReportStream& s) {
  if (!d.IsString()) return Bad(s.name, "dimensions", "every dimension must be a string");
  std::string dim = d.GetString();
  const rapidjson::Value* known = MetricCatalog::Get().Dimension(dim);
  if (known == nullptr)
    return Bad(s.name, "dimensions", fmt::format("unknown dimension '{}'", dim));
  const ReportTypeRules& rules = *FindReportType(s.report_type);
  if (dim == "bc_id") {
    return Bad(s.name, "dimensions", "'bc_id' is no dimension: BC reports fill it in themselves");
  }
  if (rules.by_bc && dim != "advertiser_id" && dim != "stat_time_day" && dim != "country_code") {
    return Bad(s.name, "dimensions",
               fmt::format("'{}' is not available in BC reports: they group by advertiser_id, "
                           "stat_time_day and country_code",
                           dim));
  }
  bool offered = dim != "country_code" || rules.country_code;
  if (const rapidjson::Value* types = FindMember(*known, "report_types")) {
    bool audience_only = true;
    for (const auto& t : types->GetArray()) {
      audience_only = audience_only && std::string_view(t.GetString()) == "AUDIENCE";
    }
    if (audience_only && !rules.audience) offered = false;
  }
  if (!offered) {
    return Bad(s.name, "dimensions",
               fmt::format("'{}' is not available in {} reports", dim, s.report_type));
  }
  if (dim == "stat_time_hour" && s.report_type == "AUDIENCE") {
    return Bad(s.name, "dimensions", "AUDIENCE reports have no hourly breakdown");
  }
  if (dim == "ad_id_v2") {
    return Bad(s.name, "dimensions",
               "'ad_id_v2' (Upgraded Smart+ ads) is read by the built-in stream "
               "smart_plus_ad_insights_daily; select that stream, or use ad_id here");
  }
  if (dim == "stat_time_day") s.granularity = Granularity::kDay;
  if (dim == "stat_time_hour") s.granularity = Granularity::kHour;
  if (Contains(s.dimensions, dim)) {
    return Bad(s.name, "dimensions", fmt::format("'{}' is listed twice", dim));
  }
  s.dimensions.push_back(dim);
  return Status::Ok();
}

Status ReadDimensions(const rapidjson::Value& def, ReportStream& s) {
  const rapidjson::Value* dims = FindMember(def, "dimensions");
  if (dims == nullptr || !dims->IsArray() || dims->Empty()) {
    return Bad(s.name, "dimensions",
               "required: an array of dimension names, e.g. "
               "[\"campaign_id\", \"stat_time_day\"]");
  }
  for (const auto& d : dims->GetArray()) {
    if (Status st = ReadDimension(d, s); !st.ok()) return st;
  }
  long time_dims = std::count_if(s.dimensions.begin(), s.dimensions.end(), [](const auto& d) {
    return d == "stat_time_day" || d == "stat_time_hour";
  });
  if (time_dims > 1) return Bad(s.name, "dimensions", "use at most one time dimension");
  if (time_dims == 0) s.granularity = Granularity::kNone;
  if (const rapidjson::Value* lifetime = FindMember(def, "lifetime");
      lifetime && lifetime->IsTrue()) {
    if (time_dims > 0 || !FindReportType(s.report_type)->lifetime) {
      return Bad(s.name, "lifetime",
                 "lifetime reports are BASIC or PLAYABLE_MATERIAL and have no time dimension");
    }
    s.granularity = Granularity::kLifetime;
  }
  return Status::Ok();
}

// One metric: valid for the report, or unknown to the catalog (warned, typed as a string).
Status ReadMetric(const std::string& metric, ReportStream& s, std::vector<std::string>* warnings) {
  if (Contains(s.metrics, metric) || Contains(s.dimensions, metric) || metric == "advertiser_id") {
    return Status::Ok();
  }
  const MetricInfo* info = MetricCatalog::Get().Metric(metric);
  if (info == nullptr) {
    if (warnings != nullptr) {
      warnings->push_back(
          fmt::format("custom report '{}': metric '{}' is not in the metric catalog; it is "
                      "requested as written and typed as a nullable string",
                      s.name, metric));
    }
  } else if (!MetricCatalog::ValidFor(*info, s.report_type, s.level->level_bit,
                                      s.granularity == Granularity::kDay)) {
    return Bad(s.name, "metrics",
               fmt::format("'{}' is not available in {} reports at {}{}", metric, s.report_type,
                           s.level->data_level,
                           info->daily_only ? " except daily at AUCTION_ADVERTISER" : ""));
  }
  s.metrics.push_back(metric);
  return Status::Ok();
}

Status ReadMetrics(const rapidjson::Value& def, ReportStream& s,
                   std::vector<std::string>* warnings) {
  const rapidjson::Value* metrics = FindMember(def, "metrics");
  if (metrics == nullptr || !metrics->IsArray() || metrics->Empty()) {
    return Bad(s.name, "metrics",
               "required: an array of metric names, e.g. [\"spend\", \"clicks\"]");
  }
  for (const auto& m : metrics->GetArray()) {
    if (!m.IsString()) return Bad(s.name, "metrics", "every metric must be a string");
    if (Status st = ReadMetric(m.GetString(), s, warnings); !st.ok()) return st;
  }
  s.default_metrics = s.metrics;
  return Status::Ok();
}

Status ReadOptions(const rapidjson::Value& def, ReportStream& s) {
  if (const rapidjson::Value* filtering = FindMember(def, "filtering")) {
    if (!FindReportType(s.report_type)->filtering) {
      return Bad(s.name, "filtering", fmt::format("{} reports take no filters", s.report_type));
    }
    if (!filtering->IsArray()) {
      return Bad(s.name, "filtering",
                 "expected an array of {field_name, filter_type, filter_value}");
    }
    for (const auto& f : filtering->GetArray()) {
      const rapidjson::Value* field = FindMember(f, "field_name");
      const rapidjson::Value* ftype = FindMember(f, "filter_type");
      const rapidjson::Value* value = FindMember(f, "filter_value");
      if (field == nullptr || !field->IsString() || ftype == nullptr || !ftype->IsString() ||
          value == nullptr || !value->IsString()) {
        return Bad(s.name, "filtering",
                   "each filter needs string field_name, filter_type and filter_value (a JSON "
                   "text, e.g. \"[\\\"STATUS_ALL\\\"]\")");
      }
    }
    s.filtering = ToJson(*filtering);
  }
  if (const rapidjson::Value* lookback = FindMember(def, "lookback_days")) {
    if (!lookback->IsInt() || lookback->GetInt() < 0 || lookback->GetInt() > 365) {
      return Bad(s.name, "lookback_days", "expected a whole number from 0 to 365");
    }
    s.lookback_days = lookback->GetInt();
  }
  static const std::set<std::string_view> known = {"name",          "report_type", "data_level",
                                                   "dimensions",    "metrics",     "filtering",
                                                   "lookback_days", "lifetime"};
  for (const auto& m : def.GetObject()) {
    if (known.count(m.name.GetString()) == 0) {
      return Bad(s.name, m.name.GetString(), "unknown field of a report definition");
    }
  }
  return Status::Ok();
}

Result<ReportStream> ReadReport(const rapidjson::Value& def, size_t index,
                                std::set<std::string>& names, std::vector<std::string>* warnings) {
  std::string label = fmt::format("#{}", index);
  if (!def.IsObject()) return Bad(label, "definition", "expected an object");
  ReportStream s;
  s.custom = true;
  Status st = ReadName(def, label, names, s);
  if (st.ok()) st = ReadTypeAndLevel(def, s);
  if (st.ok()) st = ReadDimensions(def, s);
  if (st.ok()) st = ReadMetrics(def, s, warnings);
  if (st.ok()) st = ReadOptions(def, s);
  if (!st.ok()) return st;
  return s;
}

}  // namespace

Result<std::vector<ReportStream>> ParseCustomReports(const rapidjson::Value& list,
                                                     std::vector<std::string>* warnings) {
  if (!list.IsArray()) {
    return Status::Error(ErrorKind::kInvalidInput,
                         fmt::format("custom_reports: expected an array of report definitions, "
                                     "got {}",
                                     JsonTypeName(list)));
  }
  std::vector<ReportStream> out;
  std::set<std::string> names;
  size_t index = 0;
  for (const auto& def : list.GetArray()) {
    auto report = ReadReport(def, ++index, names, warnings);
    if (!report.ok()) return report.status();
    out.push_back(std::move(report).value());
  }
  return out;
}

rapidjson::Document ReportSchema(const ReportStream& stream) {
  rapidjson::Document schema(rapidjson::kObjectType);
  auto& a = schema.GetAllocator();
  schema.AddMember("type", "object", a);
  rapidjson::Value props(rapidjson::kObjectType);
  auto add = [&](const std::string& name, rapidjson::Value value) {
    props.AddMember(rapidjson::Value(name.c_str(), a), value, a);
  };
  // A Business Center's report has advertiser_id only as a dimension, when asked for.
  const ReportTypeRules* rules = FindReportType(stream.report_type);
  bool by_bc = rules != nullptr && rules->by_bc;
  if (!by_bc) {
    rapidjson::Value advertiser(rapidjson::kObjectType);
    advertiser.AddMember("type", "string", a);
    advertiser.AddMember("description", "Advertiser (ad account) ID", a);
    add("advertiser_id", std::move(advertiser));
  }
  const MetricCatalog& catalog = MetricCatalog::For(stream.report_type);
  std::vector<std::string> fields = stream.dimensions;
  fields.insert(fields.end(), stream.injected.begin(), stream.injected.end());
  for (const std::string& dim : fields) {
    if (dim == "advertiser_id" && !by_bc) continue;
    rapidjson::Value d(rapidjson::kObjectType);
    const rapidjson::Value& known = *catalog.Dimension(dim);
    d.AddMember("type", "string", a);  // a key property: never null
    if (const rapidjson::Value* format = FindMember(known, "format")) {
      d.AddMember("format", rapidjson::Value(*format, a), a);
    }
    d.AddMember("description", rapidjson::Value(known["description"], a), a);
    add(dim, std::move(d));
  }
  for (const std::string& metric : stream.metrics) {
    rapidjson::Value m(rapidjson::kObjectType);
    rapidjson::Value type(rapidjson::kArrayType);
    type.PushBack("null", a);
    const MetricInfo* info = catalog.Metric(metric);
    if (info != nullptr) {
      type.PushBack(rapidjson::Value((*info->schema)["type"], a), a);
      m.AddMember("type", type, a);
      m.AddMember("description", rapidjson::Value((*info->schema)["description"], a), a);
    } else {
      type.PushBack("string", a);
      m.AddMember("type", type, a);
      m.AddMember("description", "Not in the metric catalog: TikTok's value as text", a);
    }
    add(metric, std::move(m));
  }
  schema.AddMember("properties", props, a);
  return schema;
}

}  // namespace tap
