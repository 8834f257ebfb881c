#include "tap/plan.h"

#include <algorithm>

#include <fmt/format.h>

#include <set>

#include "tap/json.h"
#include "tap/log.h"

namespace tap {
namespace {

using std::chrono::days;

// §3.2: RESERVATION_TOP_VIEW cannot share a request with other buying types, and its
// requests take at most 100 rows a page.
constexpr int kTopViewMaxPageSize = 100;

void AddIfMissing(std::vector<std::string>& names, std::string_view name) {
  if (!name.empty() && std::find(names.begin(), names.end(), name) == names.end()) {
    names.emplace_back(name);
  }
}

int PageSize(const Settings& settings, int maximum) {
  return std::min(settings.page_size, maximum);
}

ApiRequest PagedRequest(const CatalogStream& stream, int page_size) {
  ApiRequest request{stream.def->path, {}};
  for (const auto& [name, value] : stream.def->params) request.Set(name, value);
  request.Set("page_size", std::to_string(page_size));
  return request;
}

// The report's own filters: deleted objects (§4.5), then a custom report's filters.
std::vector<std::string> ReportFilters(const ReportStream& r, bool include_deleted) {
  std::vector<std::string> filters;
  if (include_deleted && !r.level->status_field.empty()) {
    filters.push_back(ReportFilterIn(r.level->status_field, {"STATUS_ALL"}));
  }
  if (!r.filtering.empty()) {
    auto custom = ParseJson(r.filtering, "filtering");
    if (custom.ok() && custom->IsArray()) {
      for (const rapidjson::Value& f : custom->GetArray()) filters.push_back(ToJson(f));
    }
  }
  return filters;
}

// One request of the ad objects of an entity endpoint (§3.2, §9.1).
struct ObjectRequest {
  std::vector<std::string> buying_types;  // none: TikTok's default
  int max_page_size;
  std::string_view origin;
};

// Every ad object of an endpoint: the default buying types, TopView (which shares a request with
// no other buying type, at most 100 a page), and Promote objects, which TikTok returns only to a
// request of their own (two requests always work; one with both origins is not documented).
std::vector<ObjectRequest> ObjectRequests(const Settings& settings, int max_page_size) {
  std::vector<ObjectRequest> out = {{{"AUCTION", "RESERVATION_RF"}, max_page_size, kAdsPlatform}};
  if (settings.include_topview) {
    out.push_back(
        {{"RESERVATION_TOP_VIEW"}, std::min(max_page_size, kTopViewMaxPageSize), kAdsPlatform});
  }
  if (settings.include_promote_ads) out.push_back({{}, max_page_size, kPromote});
  return out;
}

ApiRequest ObjectListing(std::string_view path, const std::string& fields, const Settings& settings,
                         const ObjectRequest& o) {
  ApiRequest request{std::string(path), {}};
  request.Set("page_size", std::to_string(PageSize(settings, o.max_page_size)));
  request.Set("fields", fields);
  // TT_ADS_PLATFORM is TikTok's default: asked for by leaving it out.
  request.Set("filtering", EntityFiltering(o.buying_types, settings.include_deleted,
                                           o.origin == kPromote ? kPromote : ""));
  return request;
}

// The listing of the campaigns of `o` (one origin or buying type), whose emptiness spares the
// requests of that kind's ad groups, ads and report rows (see SeriesRequest::probe).
ApiRequest CampaignProbe(const Settings& settings, const ObjectRequest& o) {
  return ObjectListing("campaign/get/", JsonStringArray({"campaign_id"}), settings, o);
}

// The entity requests that list the ids of one origin's objects of a report level.
std::vector<ApiRequest> IdRequests(const Settings& settings, const ReportLevel& level,
                                   std::string_view origin) {
  std::vector<ApiRequest> out;
  std::string fields = JsonStringArray({std::string(level.id_dimension)});
  for (const ObjectRequest& o : ObjectRequests(settings, 1000)) {
    if (o.origin == origin) out.push_back(ObjectListing(level.entity_path, fields, settings, o));
  }
  return out;
}

// Why a report's Promote rows cannot be asked for (§9.1: no BASIC breakdowns, few filters);
// empty when they can.
std::string PromoteUnsupported(const ReportStream& r) {
  for (const std::string& d : r.dimensions) {
    bool breakdown = d != r.level->id_dimension && d != "stat_time_day" && d != "stat_time_hour";
    if (breakdown && r.report_type == "BASIC") {
      return fmt::format("TikTok's Promote ads have no '{}' breakdown in BASIC reports", d);
    }
  }
  if (r.filtering.empty()) return {};
  static const std::set<std::string, std::less<>> kAllowed = {
      "campaign_ids", "adgroup_ids", "ad_ids", "billing_event", "image_mode", "create_time"};
  auto custom = ParseJson(r.filtering, "filtering");
  if (!custom.ok() || !custom->IsArray()) return {};
  for (const rapidjson::Value& f : custom->GetArray()) {
    const rapidjson::Value* name = FindMember(f, "field_name");
    std::string_view field = name != nullptr && name->IsString() ? name->GetString() : "";
    bool status = field.size() > 7 && field.substr(field.size() - 7) == "_status";
    if (!status && kAllowed.find(field) == kAllowed.end()) {
      return fmt::format("TikTok's Promote ads do not support the '{}' filter", field);
    }
  }
  return {};
}

// The report's requests: TikTok's default origin, then (for reports by id, when wanted and
// supported) the Promote objects with their origin filter.
std::vector<SeriesRequest> ReportSeries(const Settings& settings, const ReportStream& r,
                                        const ApiRequest& request) {
  std::vector<std::string> filters = ReportFilters(r, settings.include_deleted);
  if (r.level->id_filter.empty()) return {{.request = request, .filters = filters}};
  std::vector<SeriesRequest> series = {
      {request, std::string(kAdsPlatform), filters, IdRequests(settings, *r.level, kAdsPlatform)}};
  const ReportTypeRules* rules = FindReportType(r.report_type);
  if (!settings.include_promote_ads || rules == nullptr || !rules->promote) return series;
  if (std::string why = PromoteUnsupported(r); !why.empty()) {
    LogWarning("Stream '{}': {}; its Promote rows are not read", r.name, why);
    return series;
  }
  filters.push_back(ReportFilterIn("campaign_system_origins", {std::string(kPromote)}));
  // Most accounts have no Promote objects: one listing of Promote campaigns per advertiser spares
  // a Promote request per window and stream.
  series.push_back({request,
                    std::string(kPromote),
                    filters,
                    IdRequests(settings, *r.level, kPromote),
                    {CampaignProbe(settings, ObjectRequests(settings, 1000).back())}});  // Promote
  return series;
}

// An Upgraded Smart+ listing (§9.1): `fields` (empty: every field, the endpoints' default),
// deleted objects too when the sync includes them.
ApiRequest SmartPlusListing(std::string path, int max_page_size, const Settings& settings,
                            const std::vector<std::string>& fields = {}) {
  ApiRequest request{std::move(path), {}};
  request.Set("page_size", std::to_string(PageSize(settings, max_page_size)));
  if (!fields.empty()) request.Set("fields", JsonStringArray(fields));
  std::string filtering = EntityFiltering({}, settings.include_deleted, "");
  if (filtering != "{}") request.Set("filtering", filtering);
  return request;
}

// The ids of the advertiser's Upgraded Smart+ campaigns: most advertisers have none, and then
// their Smart+ ad groups, ads and ad reports are not asked for (see SeriesRequest::probe).
ApiRequest SmartPlusCampaignProbe(const Settings& settings) {
  return SmartPlusListing("smart_plus/campaign/get/", 1000, settings, {"campaign_id"});
}

std::vector<std::vector<std::string>> MetricGroups(const Settings& settings,
                                                   const CatalogStream& stream) {
  std::vector<std::string> metrics = SelectedMetrics(stream);
  std::vector<std::vector<std::string>> groups;
  size_t per_request = static_cast<size_t>(std::max(1, settings.max_metrics_per_request));
  for (size_t i = 0; i < metrics.size(); i += per_request) {
    groups.emplace_back(
        metrics.begin() + static_cast<long>(i),
        metrics.begin() + static_cast<long>(std::min(metrics.size(), i + per_request)));
  }
  if (groups.empty()) groups.emplace_back();  // dimensions only
  return groups;
}

int WindowDays(Granularity granularity) {
  switch (granularity) {
    case Granularity::kHour:
      return 1;  // the API's span limit for hourly reports
    case Granularity::kDay:
      return 30;
    default:
      return 365;
  }
}

}  // namespace

std::string WorkUnit::Subject() const {
  return stream->def->PerToken() ? "the token" : "advertiser " + advertiser();
}

ApiRequest WorkUnit::WithAdvertiser(ApiRequest request) const {
  if (stream->def->PerToken()) return request;
  if (stream->def->advertisers_per_unit > 1) {
    request.params.emplace(request.params.begin(), "advertiser_ids",
                           JsonStringArray(advertiser_ids));
  } else {
    request.params.emplace(request.params.begin(), "advertiser_id", advertiser());
  }
  return request;
}

StreamRequests PrepareWithFields(const Settings&, const CatalogStream& stream) {
  ApiRequest request{stream.def->path, {}};
  request.Set("fields", JsonStringArray(RequestedFields(stream)));
  return {.series = {{.request = std::move(request)}}, .paged = false};
}

StreamRequests PreparePaged(const Settings& settings, const CatalogStream& stream) {
  return {
      .series = {{.request = PagedRequest(stream, PageSize(settings, stream.def->max_page_size))}}};
}

StreamRequests PrepareAdObjects(const Settings& settings, const CatalogStream& stream) {
  std::string fields = JsonStringArray(RequestedFields(stream));
  StreamRequests out;
  // Most advertisers have no TopView or Promote campaigns: one shared listing of their ids per
  // advertiser (also the reports' Promote probe) spares the full listing of those campaigns and
  // the requests of their ad groups and ads.
  std::vector<ObjectRequest> probes = ObjectRequests(settings, 1000);
  std::vector<ObjectRequest> kinds = ObjectRequests(settings, stream.def->max_page_size);
  for (size_t i = 0; i < kinds.size(); ++i) {
    SeriesRequest series{.request = ObjectListing(stream.def->path, fields, settings, kinds[i]),
                         .origin = std::string(kinds[i].origin)};
    // Every kind but the first, TikTok's default, is TopView or Promote.
    if (i > 0) series.probe = {CampaignProbe(settings, probes[i])};
    out.series.push_back(std::move(series));
  }
  return out;
}

StreamRequests PrepareReport(const Settings& settings, const CatalogStream& stream) {
  const ReportStream& r = *stream.def->report;
  ApiRequest request{stream.def->path, {}};
  request.Set("service_type", "AUCTION");
  request.Set("report_type", r.report_type);
  request.Set("data_level", std::string(r.level->data_level));
  request.Set("dimensions", JsonStringArray(r.dimensions));
  request.Set("page_size", std::to_string(settings.page_size));
  if (r.granularity == Granularity::kLifetime) request.Set("query_lifetime", "true");
  return {.series = ReportSeries(settings, r, request),
          .metric_groups = MetricGroups(settings, stream),
          .id_limit = static_cast<size_t>(settings.report_id_limit)};
}

StreamRequests PrepareSmartPlusCampaigns(const Settings& settings, const CatalogStream& stream) {
  return {.series = {{.request = SmartPlusListing(stream.def->path, stream.def->max_page_size,
                                                  settings)}}};
}

StreamRequests PrepareSmartPlusChildren(const Settings& settings, const CatalogStream& stream) {
  StreamRequests out = PrepareSmartPlusCampaigns(settings, stream);
  out.series.front().probe = {SmartPlusCampaignProbe(settings)};
  return out;
}

StreamRequests PrepareSmartPlusReport(const Settings& settings, const CatalogStream& stream) {
  StreamRequests out = PrepareReport(settings, stream);
  // Smart+ objects are never Promote ones: one series, read by the ids of the Smart+ ads (the
  // level's unfiltered rows would be every other ad's too).
  const ReportLevel& level = *stream.def->report->level;
  out.series = {{.request = out.series.front().request,
                 .filters = ReportFilters(*stream.def->report, settings.include_deleted),
                 .id_requests = {SmartPlusListing(std::string(level.entity_path), 100, settings,
                                                  {"campaign_id"})},
                 .probe = {SmartPlusCampaignProbe(settings)}}};
  return out;
}

Partition PartitionWhole(const PlanContext&, const CatalogStream&, const std::string&) {
  return {};
}

Partition PartitionSince(const PlanContext& context, const CatalogStream& stream,
                         const std::string& advertiser_id) {
  if (!stream.incremental()) return {};
  return {.start = context.state.Bookmark(stream.def->name, advertiser_id)};
}

StreamRequests PrepareUnpaged(const Settings&, const CatalogStream& stream) {
  return {.series = {{.request = ApiRequest{stream.def->path, {}}}}, .paged = false};
}

Partition ReportDayRange(const PlanContext& context, const CatalogStream& stream,
                         const std::string& advertiser_id, Date today, int lookback) {
  const Settings& settings = context.settings;
  Date last = today;
  if (settings.end_date) last = std::min(last, std::chrono::floor<days>(*settings.end_date));
  Date first = std::chrono::floor<days>(settings.start_date);
  if (stream.incremental()) {
    std::optional<Date> bookmark;
    if (auto t = context.state.Bookmark(stream.def->name, advertiser_id)) {
      bookmark = std::chrono::floor<days>(*t);
    }
    first = ReportStartDay(first, bookmark, lookback);
  }
  return {.first_day = first, .last_day = last, .empty = first > last};
}

namespace {

// The local day the advertiser was created, when /advertiser/info/ said.
std::optional<Date> CreationDay(const PlanContext& context, const std::string& advertiser_id,
                                const TimeZone* tz) {
  if (context.created == nullptr) return std::nullopt;
  auto it = context.created->find(advertiser_id);
  if (it == context.created->end()) return std::nullopt;
  return tz != nullptr ? tz->LocalDate(it->second) : std::chrono::floor<days>(it->second);
}

}  // namespace

Partition PartitionUtcDays(const PlanContext& context, const CatalogStream& stream,
                           const std::string& advertiser_id) {
  Partition p =
      ReportDayRange(context, stream, advertiser_id, std::chrono::floor<days>(context.now),
                     context.settings.lookback_days);
  p.window_days = 30;  // the endpoint's date_range limit
  return p;
}

Partition PartitionReportDays(const PlanContext& context, const CatalogStream& stream,
                              const std::string& advertiser_id) {
  const ReportStream& r = *stream.def->report;
  auto zone = context.zones.find(advertiser_id);
  const TimeZone* tz = zone != context.zones.end() ? &zone->second : nullptr;
  if (r.granularity == Granularity::kLifetime) return {.zone = tz};
  // "Today" is today where the advertiser is, so no account east or west of UTC loses a day.
  Date today = tz != nullptr ? tz->LocalDate(context.now) : std::chrono::floor<days>(context.now);
  Partition p = ReportDayRange(context, stream, advertiser_id, today,
                               r.lookback_days.value_or(context.settings.lookback_days));
  if (auto created = CreationDay(context, advertiser_id, tz)) {
    p.first_day = std::max(*p.first_day, *created);
    p.empty = *p.first_day > *p.last_day;
  }
  if (r.granularity == Granularity::kNone) {
    p.first_day = std::max(*p.first_day, *p.last_day - days{364});  // the API's 365-day limit
    p.empty = *p.first_day > *p.last_day;
  }
  p.window_days = WindowDays(r.granularity);
  p.zone = tz;
  return p;
}

PlanCursor::PlanCursor(const PlanContext& context, const Catalog& catalog)
    : context_(context), catalog_(catalog) {}

// Moves to the next (stream, advertiser group) that has something to read.
bool PlanCursor::NextPartition() {
  const auto& ids = context_.advertiser_ids;
  while (stream_ < catalog_.streams.size()) {
    const CatalogStream& cs = catalog_.streams[stream_];
    if (!cs.selected || advertiser_ >= ids.size()) {
      ++stream_;
      advertiser_ = 0;
      requests_.reset();
      continue;
    }
    if (requests_ == nullptr) {
      requests_ = std::make_shared<StreamRequests>(cs.def->hooks.prepare(context_.settings, cs));
    }
    size_t per_unit = cs.def->PerToken() ? ids.size() : cs.def->advertisers_per_unit;
    size_t end = std::min(ids.size(), advertiser_ + per_unit);
    group_.assign(ids.begin() + static_cast<long>(advertiser_),
                  ids.begin() + static_cast<long>(end));
    advertiser_ = end;
    partition_ = cs.def->hooks.partition(context_, cs, group_.front());
    next_day_ = partition_.first_day;
    if (!partition_.empty) return true;
  }
  return false;
}

WorkUnit PlanCursor::Make() {
  WorkUnit unit;
  unit.stream = &catalog_.streams[stream_];
  unit.requests = requests_;
  unit.advertiser_ids = group_;
  unit.start = partition_.start;
  unit.zone = partition_.zone;
  unit.order = {produced_++};
  if (next_day_) {
    unit.first_day = *next_day_;
    unit.last_day = std::min(*partition_.last_day, *next_day_ + days{partition_.window_days - 1});
    next_day_ = *unit.last_day + days{1};
    pending_ = *next_day_ <= *partition_.last_day;
  } else {
    pending_ = false;
  }
  return unit;
}

std::optional<WorkUnit> PlanCursor::Next() {
  if (!pending_) {
    if (!NextPartition()) return std::nullopt;
    pending_ = true;
  }
  return Make();
}

std::vector<WorkUnit> MakePlan(const PlanContext& context, const Catalog& catalog) {
  std::vector<WorkUnit> plan;
  PlanCursor cursor(context, catalog);
  while (auto unit = cursor.Next()) plan.push_back(std::move(*unit));
  return plan;
}

std::vector<WorkUnit> SplitWindow(const WorkUnit& unit) {
  if (!unit.first_day || *unit.first_day >= *unit.last_day) return {};
  Date mid = *unit.first_day + (*unit.last_day - *unit.first_day) / 2;
  WorkUnit older = unit, newer = unit;
  older.last_day = mid;
  older.order.push_back(0);
  newer.first_day = mid + days{1};
  newer.order.push_back(1);
  return {std::move(older), std::move(newer)};
}

std::vector<WorkUnit> SplitBatch(const WorkUnit& unit) {
  if (unit.advertiser_ids.size() < 2) return {};
  std::vector<WorkUnit> parts;
  for (uint32_t i = 0; i < unit.advertiser_ids.size(); ++i) {
    WorkUnit part = unit;
    part.advertiser_ids = {unit.advertiser_ids[i]};
    part.order.push_back(i);
    parts.push_back(std::move(part));
  }
  return parts;
}

std::vector<std::string> RequestedFields(const CatalogStream& stream) {
  std::vector<std::string> fields = stream.PropertyNames();
  const StreamDef& def = *stream.def;
  AddIfMissing(fields, def.replication_key);
  AddIfMissing(fields, def.replication_fallback);
  for (const std::string& key : def.key_properties) AddIfMissing(fields, key);
  std::erase_if(fields, [&](const std::string& f) { return def.Injects(f); });
  return fields;
}

std::vector<std::string> SelectedMetrics(const CatalogStream& stream) {
  const ReportStream& r = *stream.def->report;
  std::vector<std::string> metrics;
  for (const std::string& name : stream.PropertyNames()) {
    if (stream.def->Injects(name)) continue;  // advertiser_id, a GMV Max report's store_id
    if (std::find(r.dimensions.begin(), r.dimensions.end(), name) != r.dimensions.end()) continue;
    metrics.push_back(name);
  }
  return metrics;
}

Date ReportStartDay(Date start_date, std::optional<Date> bookmark, int lookback_days) {
  if (!bookmark) return start_date;
  return std::max(start_date, *bookmark - days{lookback_days});
}

}  // namespace tap
