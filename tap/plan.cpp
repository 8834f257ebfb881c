#include "tap/plan.h"

#include <algorithm>

#include "tap/json.h"

namespace tap {
namespace {

using std::chrono::days;

void AddIfMissing(std::vector<std::string>& names, std::string_view name) {
  if (!name.empty() && std::find(names.begin(), names.end(), name) == names.end()) {
    names.emplace_back(name);
  }
}

// `filtering` object for the entity get endpoints: buying types and deleted objects.
std::string Filtering(const std::vector<std::string>& buying_types, bool include_deleted) {
  std::string out = "{\"buying_types\":" + JsonStringArray(buying_types);
  if (include_deleted) out += ",\"primary_status\":\"STATUS_ALL\"";
  out += '}';
  return out;
}

// `filtering` array for reports: deleted objects (§4.5) plus a custom report's own filters.
std::string ReportFiltering(const ReportStream& r, bool include_deleted) {
  std::vector<std::string> filters;
  if (include_deleted && !r.level->status_field.empty()) {
    filters.push_back("{\"field_name\":" + JsonQuote(r.level->status_field) +
                      ",\"filter_type\":\"IN\",\"filter_value\":\"[\\\"STATUS_ALL\\\"]\"}");
  }
  if (!r.filtering.empty() && r.filtering != "[]") {
    filters.push_back(r.filtering.substr(1, r.filtering.size() - 2));
  }
  if (filters.empty()) return {};
  std::string out = "[";
  for (size_t i = 0; i < filters.size(); ++i) out += (i ? "," : "") + filters[i];
  return out + "]";
}

void PlanEntity(const Settings& settings, const CatalogStream& cs, const State& state,
                const std::vector<std::string>& advertiser_ids, std::vector<WorkUnit>& plan) {
  const EntityStream& es = *cs.def->entity;
  std::string fields = JsonStringArray(RequestedFields(cs));
  if (es.shape == EndpointShape::kAdvertiserBatch) {
    for (size_t i = 0; i < advertiser_ids.size(); i += static_cast<size_t>(es.max_page_size)) {
      WorkUnit unit;
      unit.stream = &cs;
      unit.paged = false;
      size_t end = std::min(advertiser_ids.size(), i + static_cast<size_t>(es.max_page_size));
      unit.advertiser_ids.assign(advertiser_ids.begin() + static_cast<long>(i),
                                 advertiser_ids.begin() + static_cast<long>(end));
      ApiRequest request{std::string(es.path), {}};
      request.params.emplace_back("advertiser_ids", JsonStringArray(unit.advertiser_ids));
      if (es.takes_fields) request.params.emplace_back("fields", fields);
      unit.series.push_back(std::move(request));
      plan.push_back(std::move(unit));
    }
    return;
  }
  for (const std::string& advertiser : advertiser_ids) {
    WorkUnit unit;
    unit.stream = &cs;
    unit.advertiser_ids = {advertiser};
    if (cs.incremental()) {
      unit.start = settings.start_date;
      if (auto bookmark = state.Bookmark(cs.def->name, advertiser)) {
        unit.start = std::max(*unit.start, *bookmark);
      }
    }
    auto make = [&](int max_page_size, const std::string* filtering) {
      ApiRequest request{std::string(es.path), {}};
      request.params.emplace_back("advertiser_id", advertiser);
      request.params.emplace_back("page_size",
                                  std::to_string(std::min(settings.page_size, max_page_size)));
      if (es.takes_fields) request.params.emplace_back("fields", fields);
      if (filtering != nullptr) request.params.emplace_back("filtering", *filtering);
      return request;
    };
    if (es.split_top_view) {
      // RESERVATION_TOP_VIEW cannot share a request with other buying types (§3.2).
      bool deleted = settings.include_deleted && es.filters_deleted;
      std::string regular = Filtering({"AUCTION", "RESERVATION_RF"}, deleted);
      std::string top_view = Filtering({"RESERVATION_TOP_VIEW"}, deleted);
      unit.series.push_back(make(es.max_page_size, &regular));
      unit.series.push_back(make(es.top_view_max_page_size, &top_view));
    } else {
      unit.series.push_back(make(es.max_page_size, nullptr));
    }
    plan.push_back(std::move(unit));
  }
}

void PlanReport(const Settings& settings, const CatalogStream& cs, const State& state,
                const std::vector<std::string>& advertiser_ids, const ZoneMap& zones, Timestamp now,
                std::vector<WorkUnit>& plan) {
  const ReportStream& r = *cs.def->report;
  std::vector<std::string> metrics = SelectedMetrics(cs);
  std::vector<std::vector<std::string>> groups;
  size_t per_request = static_cast<size_t>(std::max(1, settings.max_metrics_per_request));
  for (size_t i = 0; i < metrics.size(); i += per_request) {
    groups.emplace_back(
        metrics.begin() + static_cast<long>(i),
        metrics.begin() + static_cast<long>(std::min(metrics.size(), i + per_request)));
  }
  if (groups.empty()) groups.emplace_back();  // dimensions only
  std::string filtering = ReportFiltering(r, settings.include_deleted);
  int lookback = r.lookback_days.value_or(settings.lookback_days);
  Date start_day = std::chrono::floor<days>(settings.start_date);

  for (const std::string& advertiser : advertiser_ids) {
    auto zone = zones.find(advertiser);
    WorkUnit base;
    base.stream = &cs;
    base.advertiser_ids = {advertiser};
    base.metric_groups = groups;
    base.zone = zone != zones.end() ? &zone->second : nullptr;
    ApiRequest request{"report/integrated/get/", {}};
    request.params.emplace_back("advertiser_id", advertiser);
    request.params.emplace_back("service_type", "AUCTION");
    request.params.emplace_back("report_type", r.report_type);
    request.params.emplace_back("data_level", std::string(r.level->data_level));
    request.params.emplace_back("dimensions", JsonStringArray(r.dimensions));
    if (!filtering.empty()) request.params.emplace_back("filtering", filtering);
    request.params.emplace_back("page_size", std::to_string(settings.page_size));
    if (r.granularity == Granularity::kLifetime) {
      request.params.emplace_back("query_lifetime", "true");
      base.series.push_back(std::move(request));
      plan.push_back(std::move(base));
      continue;
    }
    base.series.push_back(std::move(request));

    // "Today" is today where the advertiser is, so no account east or west of UTC loses a day.
    Date today = base.zone != nullptr ? base.zone->LocalDate(now) : std::chrono::floor<days>(now);
    Date last = today;
    if (settings.end_date) last = std::min(last, std::chrono::floor<days>(*settings.end_date));
    Date first = start_day;
    if (cs.incremental()) {
      std::optional<Date> bookmark;
      if (auto t = state.Bookmark(cs.def->name, advertiser))
        bookmark = std::chrono::floor<days>(*t);
      first = ReportStartDay(start_day, bookmark, lookback);
    }
    int span = r.granularity == Granularity::kHour  ? 1
               : r.granularity == Granularity::kDay ? 30
                                                    : 365;
    if (r.granularity == Granularity::kNone) {
      first = std::max(first, last - days{364});  // one range report: the API's 365-day limit
    }
    for (const auto& [from, to] : Windows(first, last, span)) {
      WorkUnit unit = base;
      unit.first_day = from;
      unit.last_day = to;
      plan.push_back(std::move(unit));
    }
  }
}

}  // namespace

std::vector<std::string> RequestedFields(const CatalogStream& stream) {
  std::vector<std::string> fields = stream.PropertyNames();
  const EntityStream& es = *stream.def->entity;
  AddIfMissing(fields, es.replication_key);
  AddIfMissing(fields, es.replication_fallback);
  for (std::string_view key : es.key_properties) AddIfMissing(fields, key);
  if (es.injects_advertiser_id) {
    fields.erase(std::remove(fields.begin(), fields.end(), "advertiser_id"), fields.end());
  }
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

std::vector<std::pair<Date, Date>> Windows(Date first, Date last, int span) {
  std::vector<std::pair<Date, Date>> out;
  for (Date from = first; from <= last; from += days{span}) {
    out.emplace_back(from, std::min(last, from + days{span - 1}));
  }
  return out;
}

std::vector<WorkUnit> MakePlan(const Settings& settings, const Catalog& catalog, const State& state,
                               const std::vector<std::string>& advertiser_ids, const ZoneMap& zones,
                               Timestamp now) {
  std::vector<WorkUnit> plan;
  for (const CatalogStream& cs : catalog.streams) {
    if (!cs.selected) continue;
    if (cs.def->entity != nullptr) {
      PlanEntity(settings, cs, state, advertiser_ids, plan);
    } else {
      PlanReport(settings, cs, state, advertiser_ids, zones, now, plan);
    }
  }
  return plan;
}

}  // namespace tap
