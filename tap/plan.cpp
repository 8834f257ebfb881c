#include "tap/plan.h"

#include <algorithm>

#include "tap/json.h"

namespace tap {
namespace {

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

}  // namespace

std::vector<std::string> RequestedFields(const CatalogStream& stream) {
  std::vector<std::string> fields = stream.PropertyNames();
  AddIfMissing(fields, stream.stream->replication_key);
  AddIfMissing(fields, stream.stream->replication_fallback);
  for (std::string_view key : stream.stream->key_properties) AddIfMissing(fields, key);
  if (stream.stream->injects_advertiser_id) {
    fields.erase(std::remove(fields.begin(), fields.end(), "advertiser_id"), fields.end());
  }
  return fields;
}

std::vector<WorkUnit> MakePlan(const Settings& settings, const Catalog& catalog, const State& state,
                               const std::vector<std::string>& advertiser_ids) {
  std::vector<WorkUnit> plan;
  for (const CatalogStream& cs : catalog.streams) {
    if (!cs.selected) continue;
    const EntityStream& es = *cs.stream;
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
      continue;
    }

    for (const std::string& advertiser : advertiser_ids) {
      WorkUnit unit;
      unit.stream = &cs;
      unit.advertiser_ids = {advertiser};
      if (cs.incremental()) {
        unit.start = settings.start_date;
        if (auto bookmark = state.Bookmark(es.name, advertiser)) {
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
  return plan;
}

}  // namespace tap
