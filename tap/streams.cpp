#include "tap/streams.h"

#include <algorithm>
#include <stdexcept>

#include "tap/embedded_schemas.h"
#include "tap/json.h"

namespace tap {

// Endpoint facts: reference/tiktok_api.md §3 (page_size maxima, buying types, filtering).
const std::vector<EntityStream>& EntityStreams() {
  static const std::vector<EntityStream> streams = {
      {.name = "advertisers",
       .path = "advertiser/info/",
       .shape = EndpointShape::kAdvertiserBatch,
       .key_properties = {"advertiser_id"},
       .max_page_size = 100,
       .takes_fields = true},
      {.name = "campaigns",
       .path = "campaign/get/",
       .shape = EndpointShape::kPaged,
       .key_properties = {"campaign_id"},
       .replication_key = "modify_time",
       .replication_fallback = "create_time",
       .max_page_size = 1000,
       .takes_fields = true,
       .split_top_view = true,
       .top_view_max_page_size = 100,
       .filters_deleted = true},
      {.name = "adgroups",
       .path = "adgroup/get/",
       .shape = EndpointShape::kPaged,
       .key_properties = {"adgroup_id"},
       .replication_key = "modify_time",
       .replication_fallback = "create_time",
       .max_page_size = 1000,
       .takes_fields = true,
       .split_top_view = true,
       .top_view_max_page_size = 100,
       .filters_deleted = true},
      {.name = "ads",
       .path = "ad/get/",
       .shape = EndpointShape::kPaged,
       .key_properties = {"ad_id"},
       .replication_key = "modify_time",
       .replication_fallback = "create_time",
       .max_page_size = 1000,
       .takes_fields = true,
       .split_top_view = true,
       .top_view_max_page_size = 100,
       .filters_deleted = true},
      {.name = "audiences",
       .path = "dmp/custom_audience/list/",
       .shape = EndpointShape::kPaged,
       .key_properties = {"advertiser_id", "audience_id"},
       .max_page_size = 100,
       .injects_advertiser_id = true},
  };
  return streams;
}

const EntityStream* FindEntityStream(std::string_view name) {
  for (const EntityStream& stream : EntityStreams()) {
    if (stream.name == name) return &stream;
  }
  return nullptr;
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

std::vector<StreamDef> AllStreams(const std::vector<ReportStream>& custom) {
  std::vector<StreamDef> out;
  for (const EntityStream& e : EntityStreams()) {
    StreamDef d;
    d.name = std::string(e.name);
    for (std::string_view k : e.key_properties) d.key_properties.emplace_back(k);
    d.replication_key = std::string(e.replication_key);
    d.entity = &e;
    out.push_back(std::move(d));
  }
  auto add_report = [&](const ReportStream& r) {
    StreamDef d;
    d.name = r.name;
    d.key_properties = r.KeyProperties();
    d.replication_key = r.ReplicationKey();
    // Hourly and breakdown reports multiply requests: available, not synced unless selected.
    d.selected_by_default = r.custom || (r.report_type == "BASIC" && r.dimensions.size() <= 2 &&
                                         r.granularity != Granularity::kHour);
    d.report = &r;
    out.push_back(std::move(d));
  };
  for (const ReportStream& r : BuiltinReportStreams()) add_report(r);
  for (const ReportStream& r : custom) add_report(r);
  return out;
}

}  // namespace tap
