#include "tap/streams.h"

#include <algorithm>
#include <stdexcept>

#include "tap/embedded_schemas.h"
#include "tap/json.h"
#include "tap/plan.h"
#include "tap/report_reader.h"
#include "tap/unit_reader.h"

namespace tap {

// Endpoint facts: reference/tiktok_api.md §3 (page_size maxima, buying types, filtering).
const std::vector<StreamDef>& EntityStreams() {
  static const StreamHooks kAdObjects{PrepareAdObjects, PartitionSince, ReadEntities, EntityRow};
  static const std::vector<StreamDef> streams = {
      {.name = "advertisers",
       .key_properties = {"advertiser_id"},
       .path = "advertiser/info/",
       .max_page_size = 100,
       .advertisers_per_unit = 100,
       .hooks = {PrepareWithFields, PartitionWhole, ReadEntities, EntityRow}},
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
       .hooks = kAdObjects},
      {.name = "audiences",
       .key_properties = {"advertiser_id", "audience_id"},
       .path = "dmp/custom_audience/list/",
       .max_page_size = 100,
       .injected = {"advertiser_id"},
       .hooks = {PreparePaged, PartitionWhole, ReadEntities, EntityRow}},
  };
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
  for (const ReportStream& r : custom) out.push_back(ReportStreamDef(r));
  return out;
}

}  // namespace tap
