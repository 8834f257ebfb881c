#include "tap/plan.h"

#include <algorithm>

#include "tap/json.h"

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

ApiRequest WorkUnit::Request(size_t series) const {
  ApiRequest request = requests->series[series];
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
  return {.series = {std::move(request)}, .paged = false};
}

StreamRequests PreparePaged(const Settings& settings, const CatalogStream& stream) {
  return {.series = {PagedRequest(stream, PageSize(settings, stream.def->max_page_size))}};
}

StreamRequests PrepareBuyingTypes(const Settings& settings, const CatalogStream& stream) {
  std::string fields = JsonStringArray(RequestedFields(stream));
  auto make = [&](int page_size, const std::vector<std::string>& buying_types) {
    ApiRequest request = PagedRequest(stream, page_size);
    request.Set("fields", fields);
    request.Set("filtering", EntityFiltering(buying_types, settings.include_deleted));
    return request;
  };
  return {
      .series = {make(PageSize(settings, stream.def->max_page_size), {"AUCTION", "RESERVATION_RF"}),
                 make(PageSize(settings, kTopViewMaxPageSize), {"RESERVATION_TOP_VIEW"})}};
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
  return {.series = {std::move(request)},
          .metric_groups = MetricGroups(settings, stream),
          .filters = ReportFilters(r, settings.include_deleted)};
}

Partition PartitionWhole(const PlanContext&, const CatalogStream&, const std::string&) {
  return {};
}

Partition PartitionSince(const PlanContext& context, const CatalogStream& stream,
                         const std::string& advertiser_id) {
  if (!stream.incremental()) return {};
  Partition p{.start = context.settings.start_date};
  if (auto bookmark = context.state.Bookmark(stream.def->name, advertiser_id)) {
    p.start = std::max(*p.start, *bookmark);
  }
  return p;
}

Partition PartitionReportDays(const PlanContext& context, const CatalogStream& stream,
                              const std::string& advertiser_id) {
  const ReportStream& r = *stream.def->report;
  const Settings& settings = context.settings;
  Partition p;
  auto zone = context.zones.find(advertiser_id);
  p.zone = zone != context.zones.end() ? &zone->second : nullptr;
  if (r.granularity == Granularity::kLifetime) return p;
  // "Today" is today where the advertiser is, so no account east or west of UTC loses a day.
  Date last =
      p.zone != nullptr ? p.zone->LocalDate(context.now) : std::chrono::floor<days>(context.now);
  if (settings.end_date) last = std::min(last, std::chrono::floor<days>(*settings.end_date));
  Date first = std::chrono::floor<days>(settings.start_date);
  if (stream.incremental()) {
    std::optional<Date> bookmark;
    if (auto t = context.state.Bookmark(stream.def->name, advertiser_id)) {
      bookmark = std::chrono::floor<days>(*t);
    }
    first = ReportStartDay(first, bookmark, r.lookback_days.value_or(settings.lookback_days));
  }
  if (r.granularity == Granularity::kNone) {
    first = std::max(first, last - days{364});  // one range report: the API's 365-day limit
  }
  p.first_day = first;
  p.last_day = last;
  p.window_days = WindowDays(r.granularity);
  p.empty = first > last;
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
    size_t end = std::min(ids.size(), advertiser_ + cs.def->advertisers_per_unit);
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
    if (name == "advertiser_id") continue;
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
