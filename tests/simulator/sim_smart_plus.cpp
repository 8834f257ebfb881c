#include "tests/simulator/sim_smart_plus.h"

#include <fmt/format.h>

#include <ctime>
#include <set>
#include <vector>

namespace sim {
namespace {

enum class Kind { kCampaign, kAdgroup, kAd };

// One Smart+ list endpoint (Doc 1843312818332930, 1843314879617026, 1843317378982914).
struct SmartPlusList {
  std::string_view endpoint;
  Kind kind;
  std::string_view schema;  // the tap's schema of the stream: the field vocabulary
  int max_page_size;
  std::set<std::string_view> id_filters;  // filtering fields that select ids (<= 100 each)
};

const std::vector<SmartPlusList>& Lists() {
  static const std::vector<SmartPlusList> lists = {
      {"smart_plus/campaign/get/", Kind::kCampaign, "smart_plus_campaigns", 1000, {"campaign_ids"}},
      {"smart_plus/adgroup/get/",
       Kind::kAdgroup,
       "smart_plus_adgroups",
       1000,
       {"campaign_ids", "adgroup_ids"}},
      {"smart_plus/ad/get/",
       Kind::kAd,
       "smart_plus_ads",
       100,
       {"campaign_ids", "adgroup_ids", "smart_plus_ad_ids"}},
  };
  return lists;
}

// Filters the simulated objects do not vary on: accepted, ignored.
const std::set<std::string_view> kAccepted = {
    "campaign_name",           "secondary_status",  "objective_type",
    "sales_destination",       "optimization_goal", "creation_filter_start_time",
    "creation_filter_end_time"};

// Fields /smart_plus/ad/get/ always returns and does not let a request name (§ "fields").
bool AlwaysReturned(const SmartPlusList& list, std::string_view f) {
  return list.kind == Kind::kAd && (f == "advertiser_id" || f == "smart_plus_ad_id");
}

struct Filter {
  std::map<std::string, std::set<uint64_t>, std::less<>> ids;  // by filtering field
  std::string primary = "STATUS_NOT_DELETE";
  int64_t modified_after = -1;
};

int64_t ParseTime(const rapidjson::Value& v, const std::string& key) {
  struct tm tm {};
  if (!v.IsString() || strptime(v.GetString(), "%Y-%m-%d %H:%M:%S", &tm) == nullptr) {
    throw ApiError{40002, fmt::format("filtering.{}: Not a valid datetime.", key)};
  }
  return timegm(&tm);
}

void ReadPrimaryStatus(const rapidjson::Value& v, Filter& f) {
  static const std::set<std::string, std::less<>> kAllowed = {
      "STATUS_NOT_DELETE", "STATUS_ALL", "STATUS_DELETE", "STATUS_DELIVERY_OK", "STATUS_DISABLE"};
  if (!v.IsString() || kAllowed.count(v.GetString()) == 0) {
    throw ApiError{40002, "filtering.primary_status: Invalid value."};
  }
  f.primary = v.GetString();
}

Filter ReadFiltering(const SmartPlusList& list, const Params& params) {
  Filter f;
  rapidjson::Document filtering = ParseJsonParam(params, "filtering");
  if (filtering.IsNull()) return f;
  if (!filtering.IsObject()) throw ApiError{40002, "filtering: Not a valid dict."};
  for (const auto& m : filtering.GetObject()) {
    std::string key = m.name.GetString();
    if (list.id_filters.count(key) != 0) {
      for (const std::string& id : StringList(m.value, "filtering." + key, 100)) {
        f.ids[key].insert(std::strtoull(id.c_str(), nullptr, 10));
      }
    } else if (key == "primary_status") {
      ReadPrimaryStatus(m.value, f);
    } else if (key == "modified_after" && list.kind == Kind::kAd) {
      f.modified_after = ParseTime(m.value, key);
    } else if (kAccepted.count(key) == 0) {
      throw ApiError{40002, fmt::format("filtering.{}: Unknown field.", key)};
    }
  }
  return f;
}

std::vector<std::string> ReadFields(const SmartPlusList& list, const rapidjson::Value& props,
                                    const Params& params) {
  std::vector<std::string> fields;
  rapidjson::Document doc = ParseJsonParam(params, "fields");
  if (doc.IsNull()) {
    for (const auto& m : props.GetObject()) fields.emplace_back(m.name.GetString());
    return fields;
  }
  for (const std::string& f : StringList(doc, "fields", 1000)) {
    if (!props.HasMember(f.c_str()) || AlwaysReturned(list, f)) {
      throw ApiError{40002, fmt::format("fields: Invalid field: {}.", f)};
    }
    fields.push_back(f);
  }
  for (const auto& m : props.GetObject()) {
    if (AlwaysReturned(list, m.name.GetString())) fields.emplace_back(m.name.GetString());
  }
  return fields;
}

bool Listed(const Filter& f, std::string_view key, uint64_t id) {
  auto it = f.ids.find(key);
  return it == f.ids.end() || it->second.count(id) != 0;
}

// The id of the ad group of `e`; 0 for a campaign (which has none).
uint64_t AdgroupId(const Entity& e, Kind kind, const SimData& data) {
  return kind == Kind::kCampaign ? 0 : data.adgroups[e.adgroup].id;
}

bool Keep(const Filter& f, const Entity& e, Kind kind, uint64_t id, const SimData& data) {
  bool status = f.primary == "STATUS_ALL" || (f.primary == "STATUS_DELETE" && e.deleted) ||
                (f.primary == "STATUS_NOT_DELETE" && !e.deleted) ||
                (f.primary == "STATUS_DELIVERY_OK" && !e.deleted && e.enabled) ||
                (f.primary == "STATUS_DISABLE" && !e.deleted && !e.enabled);
  return status && Listed(f, "campaign_ids", data.campaigns[e.campaign].id) &&
         Listed(f, "adgroup_ids", AdgroupId(e, kind, data)) && Listed(f, "smart_plus_ad_ids", id) &&
         (f.modified_after < 0 || e.modify_time >= f.modified_after);
}

// The advertiser's Smart+ objects of the list's kind, with their ids.
std::vector<std::pair<const Entity*, uint64_t>> Objects(const SmartPlusList& list,
                                                        const Advertiser& adv,
                                                        const SimData& data) {
  std::vector<std::pair<const Entity*, uint64_t>> out;
  if (list.kind == Kind::kAd) {
    for (uint32_t i : adv.smart_plus_ads) out.emplace_back(&data.smart_plus_ads[i], 0);
  } else {
    bool campaigns = list.kind == Kind::kCampaign;
    for (uint32_t i : campaigns ? adv.campaigns : adv.adgroups) {
      const Entity& e = campaigns ? data.campaigns[i] : data.adgroups[i];
      if (e.smart_plus) out.emplace_back(&e, 0);
    }
  }
  for (auto& [e, id] : out) id = e->id;
  return out;
}

// The ad's creatives: the ads of its ad group, each an ad_material_id (the creative-level ad_id
// of reports and of /ad/get/).
void CreativeList(Writer& w, const Entity& ad, const SimData& data) {
  w.StartArray();
  for (const Entity& creative : data.ads) {
    if (creative.adgroup != ad.adgroup || creative.smart_plus_ad == Entity::kNoSmartPlusAd) {
      continue;
    }
    w.StartObject();
    w.Key("ad_material_id");
    Str(w, std::to_string(creative.id));
    w.Key("material_operation_status");
    Str(w, creative.enabled ? "ENABLE" : "DISABLE");
    w.EndObject();
  }
  w.EndArray();
}

// Writes field `f` of `e` when it is one the simulator derives from the data; false otherwise.
bool WriteKnown(Writer& w, std::string_view f, const Entity& e, Kind kind, const Advertiser& adv,
                const SimData& data) {
  const Entity& camp = data.campaigns[e.campaign];
  uint64_t group = AdgroupId(e, kind, data);
  if (f == "advertiser_id") return Str(w, adv.id), true;
  if (f == "campaign_id") return Str(w, std::to_string(camp.id)), true;
  if (f == "campaign_name") {
    return Str(w, fmt::format("Campaign {} \xC3\xA9t\xC3\xA9", camp.id % 100000)), true;
  }
  if (f == "adgroup_id") return Str(w, std::to_string(group)), true;
  if (f == "adgroup_name") return Str(w, fmt::format("Ad group {}", group % 100000)), true;
  if (f == "smart_plus_ad_id") return Str(w, std::to_string(e.id)), true;
  if (f == "ad_name") return Str(w, fmt::format("Smart+ ad {}", e.id % 100000)), true;
  if (f == "create_time") return Str(w, TikTokTime(e.create_time)), true;
  if (f == "modify_time") return Str(w, TikTokTime(e.modify_time)), true;
  if (f == "operation_status") return Str(w, e.enabled ? "ENABLE" : "DISABLE"), true;
  if (f == "secondary_status") {
    const char* prefix = kind == Kind::kCampaign  ? "CAMPAIGN"
                         : kind == Kind::kAdgroup ? "ADGROUP"
                                                  : "AD";
    const char* status = e.deleted ? "DELETE" : e.enabled ? "DELIVERY_OK" : "DISABLE";
    return Str(w, fmt::format("{}_STATUS_{}", prefix, status)), true;
  }
  if (f == "creative_list") return CreativeList(w, e, data), true;
  return false;
}

bool IsCore(std::string_view f) {
  static const std::set<std::string_view> core = {
      "advertiser_id",    "campaign_id",   "campaign_name", "adgroup_id",  "adgroup_name",
      "smart_plus_ad_id", "ad_name",       "create_time",   "modify_time", "operation_status",
      "secondary_status", "creative_list", "budget"};
  return core.count(f) != 0;
}

void WriteRow(Writer& w, const SmartPlusList& list, const std::vector<std::string>& fields,
              const rapidjson::Value& props, const Entity& e, const Advertiser& adv,
              const SimData& data) {
  w.StartObject();
  for (const std::string& f : fields) {
    uint64_t h = Mix(e.id, f);
    if (!IsCore(f) && h % 9 == 0) continue;  // conditional fields are often absent
    w.Key(f.c_str());
    if (!WriteKnown(w, f, e, list.kind, adv, data)) {
      Generic(w, props[f.c_str()], f, h, e.create_time);
    }
  }
  w.EndObject();
}

}  // namespace

bool IsSmartPlusEndpoint(std::string_view endpoint) {
  for (const SmartPlusList& list : Lists()) {
    if (list.endpoint == endpoint) return true;
  }
  return false;
}

std::string SmartPlusData(std::string_view endpoint, const SimData& data, const Params& params) {
  const SmartPlusList* list = nullptr;
  for (const SmartPlusList& l : Lists()) {
    if (l.endpoint == endpoint) list = &l;
  }
  const Advertiser& adv = RequiredAdvertiser(data, params);
  long long page = ParseInt(params, "page", 1, 1, 99999);
  long long page_size = ParseInt(params, "page_size", 10, 1, list->max_page_size);
  const rapidjson::Value& props = SchemaProperties(list->schema);
  std::vector<std::string> fields = ReadFields(*list, props, params);
  Filter filter = ReadFiltering(*list, params);
  std::vector<const Entity*> matched;
  for (const auto& [e, id] : Objects(*list, adv, data)) {
    if (Keep(filter, *e, list->kind, id, data)) matched.push_back(e);
  }
  return ListData("list", matched.size(), page, page_size, [&](Writer& w, size_t i) {
    WriteRow(w, *list, fields, props, *matched[i], adv, data);
  });
}

}  // namespace sim
