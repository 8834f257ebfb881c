#include "tap/sync.h"

#include <fmt/format.h>

#include <algorithm>
#include <unordered_map>

#include "tap/json.h"
#include "tap/log.h"

namespace tap {
namespace {

rapidjson::Value* MutableMember(rapidjson::Value& object, std::string_view key) {
  if (!object.IsObject()) return nullptr;
  auto it = object.FindMember(rapidjson::Value(
      rapidjson::StringRef(key.data(), static_cast<rapidjson::SizeType>(key.size()))));
  return it == object.MemberEnd() ? nullptr : &it->value;
}

bool Present(const rapidjson::Value* v) {
  return v != nullptr && !v->IsNull() && !(v->IsString() && v->GetStringLength() == 0);
}

// The `data.list` array of a response, or an error naming the endpoint.
Result<rapidjson::Value*> ListOf(rapidjson::Document& body, const ApiRequest& request,
                                 bool* empty) {
  rapidjson::Value* data = MutableMember(body, "data");
  rapidjson::Value* list = data != nullptr ? MutableMember(*data, "list") : nullptr;
  *empty = false;
  if (list != nullptr && list->IsArray()) return list;
  auto info = data != nullptr ? ReadPageInfo(*data) : std::nullopt;
  if (info && info->total_number == 0) {
    *empty = true;
    return list;
  }
  return Status::Error(ErrorKind::kFatal,
                       fmt::format("the response of {} for advertiser {} has no data.list array",
                                   request.path, request.Param("advertiser_id")));
}

bool HasMorePages(const rapidjson::Document& body, long long page) {
  const rapidjson::Value* data = FindMember(body, "data");
  auto info = data != nullptr ? ReadPageInfo(*data) : std::nullopt;
  return info && page < info->total_page;
}

// A report row {"dimensions":{...},"metrics":{...}} as one flat object, members moved.
void Flatten(rapidjson::Value& row, rapidjson::Value& out,
             rapidjson::Document::AllocatorType& allocator) {
  out.SetObject();
  for (const char* part : {"dimensions", "metrics"}) {
    rapidjson::Value* members = MutableMember(row, part);
    if (members == nullptr || !members->IsObject()) continue;
    for (auto& m : members->GetObject()) out.AddMember(m.name, m.value, allocator);
  }
}

// The identity of a report row: its dimension values.
std::string DimensionKey(const rapidjson::Value& row) {
  std::string key;
  if (const rapidjson::Value* dims = FindMember(row, "dimensions"); dims && dims->IsObject()) {
    for (const auto& m : dims->GetObject()) {
      key.append(m.name.GetString(), m.name.GetStringLength());
      key += '=';
      key += m.value.IsString() ? m.value.GetString() : ToJson(m.value);
      key += '\x1f';
    }
  }
  return key;
}

}  // namespace

Sync::Sync(const Settings& settings, const Catalog& catalog, State& state, Api& api,
           SingerWriter& writer)
    : settings_(settings),
      catalog_(catalog),
      state_(state),
      api_(api),
      writer_(writer),
      signpost_(NowUtc()) {}

Status Sync::CheckWriter() const {
  if (writer_.ok()) return Status::Ok();
  return Status::Error(ErrorKind::kFatal, "stdout was closed (the target stopped reading)");
}

Result<std::vector<std::string>> Sync::ResolveAdvertisers() {
  if (!settings_.advertiser_ids.empty()) return settings_.advertiser_ids;
  ApiRequest request{"oauth2/advertiser/get/",
                     {{"app_id", settings_.app_id}, {"secret", settings_.secret.reveal()}}};
  auto response = api_.Get(request);
  if (!response.ok()) {
    return Status::Error(response.status().kind(),
                         "could not list the advertisers the token is authorized for: " +
                             response.status().message());
  }
  std::vector<std::string> ids;
  const rapidjson::Value* list = FindMember(response->data(), "list");
  if (list != nullptr && list->IsArray()) {
    for (const auto& row : list->GetArray()) {
      const rapidjson::Value* id = FindMember(row, "advertiser_id");
      if (id != nullptr && id->IsString() && id->GetStringLength() > 0) {
        ids.emplace_back(id->GetString(), id->GetStringLength());
      }
    }
  }
  if (ids.empty()) {
    return Status::Error(ErrorKind::kInvalidInput,
                         "the access token is authorized for no advertisers: authorize the app "
                         "for an ad account, or list advertiser_ids in the config");
  }
  LogInfo("The token is authorized for {} advertiser(s)", ids.size());
  return ids;
}

Result<ZoneMap> Sync::ResolveZones(const std::vector<std::string>& advertisers) {
  ZoneMap zones;
  for (size_t i = 0; i < advertisers.size(); i += 100) {
    std::vector<std::string> batch(
        advertisers.begin() + static_cast<long>(i),
        advertisers.begin() + static_cast<long>(std::min(advertisers.size(), i + 100)));
    ApiRequest request{"advertiser/info/",
                       {{"advertiser_ids", JsonStringArray(batch)},
                        {"fields", R"(["advertiser_id","timezone","display_timezone"])"}}};
    auto response = api_.Get(request);
    if (!response.ok()) return response.status();
    const rapidjson::Value* list = FindMember(response->data(), "list");
    if (list == nullptr || !list->IsArray()) continue;
    for (const auto& row : list->GetArray()) {
      const rapidjson::Value* id = FindMember(row, "advertiser_id");
      if (id == nullptr || !id->IsString()) continue;
      for (const char* field : {"display_timezone", "timezone"}) {
        const rapidjson::Value* name = FindMember(row, field);
        if (!Present(name) || !name->IsString()) continue;
        if (auto zone = TimeZone::Find(name->GetString()); zone.ok()) {
          zones.emplace(id->GetString(), std::move(zone).value());
          break;
        }
        LogWarning("Advertiser {}: {} '{}' is not a known time zone", id->GetString(), field,
                   name->GetString());
      }
    }
  }
  for (const std::string& advertiser : advertisers) {
    if (zones.find(advertiser) == zones.end()) {
      LogWarning(
          "Advertiser {}: no usable time zone from /advertiser/info/; report dates are "
          "read as UTC",
          advertiser);
      zones.emplace(advertiser, TimeZone::Utc());
    }
  }
  return zones;
}

Status Sync::Run() {
  auto advertisers = ResolveAdvertisers();
  if (!advertisers.ok()) return advertisers.status();
  bool reports = false;
  for (const CatalogStream& cs : catalog_.streams) {
    if (!cs.selected) LogDebug("Skipping deselected stream '{}'", cs.def->name);
    reports = reports || (cs.selected && cs.def->report != nullptr);
  }
  ZoneMap zones;
  if (reports) {
    auto resolved = ResolveZones(*advertisers);
    if (!resolved.ok()) return resolved.status();
    zones = std::move(resolved).value();
  }
  std::vector<WorkUnit> plan = MakePlan(settings_, catalog_, state_, *advertisers, zones, NowUtc());

  for (const CatalogStream& cs : catalog_.streams) {
    if (!cs.selected) continue;
    const std::string& name = cs.def->name;
    std::vector<std::string> bookmark_properties;
    if (cs.incremental()) bookmark_properties.push_back(cs.replication_key);
    writer_.WriteSchema(name, cs.schema, cs.key_properties, bookmark_properties);
    Transformer transformer(name, CompileShape(cs.schema));
    for (const WorkUnit& unit : plan) {
      if (unit.stream != &cs) continue;
      Status s = cs.def->report != nullptr ? RunReportUnit(unit, transformer)
                                           : RunEntityUnit(unit, transformer);
      if (!s.ok()) return s;
    }
    for (const auto& [path, issue] : transformer.issues()) {
      LogWarning(
          "Stream '{}': {} value(s) of '{}' were not {} and were written as null (first: "
          "{})",
          name, issue.count, path, issue.expected, issue.example);
    }
    LogInfo("Stream '{}' done: {} record(s)", name, writer_.record_counts().find(name)->second);
  }
  writer_.WriteState(state_.ToJson());
  return CheckWriter();
}

Status Sync::WriteRow(const CatalogStream& cs, const std::string& advertiser,
                      Transformer& transformer, const rapidjson::Value& row,
                      const std::string& extracted) {
  for (const std::string& key : cs.key_properties) {
    if (key == "advertiser_id" &&
        (cs.def->report != nullptr || cs.def->entity->injects_advertiser_id)) {
      continue;  // injected by the tap
    }
    if (!Present(FindMember(row, key))) {
      return Status::Error(ErrorKind::kFatal,
                           fmt::format("TikTok returned a {} row without its key '{}' (advertiser "
                                       "{}); the record cannot be stored",
                                       cs.def->name, key, advertiser));
    }
  }
  writer_.WriteRecord(cs.def->name, transformer, row, extracted);
  return Status::Ok();
}

Status Sync::RunEntityUnit(const WorkUnit& unit, Transformer& transformer) {
  const CatalogStream& cs = *unit.stream;
  const EntityStream& es = *cs.def->entity;
  const std::string& advertiser = unit.advertiser_ids.front();
  if (es.injects_advertiser_id) transformer.SetInjected("advertiser_id", advertiser);
  std::optional<Timestamp> max_seen;
  long long emitted = 0, filtered = 0, pages = 0, unknown_time = 0;

  for (const ApiRequest& first : unit.series) {
    for (long long page = 1;; ++page) {
      ApiRequest request = first;
      if (unit.paged) request.params.emplace_back("page", std::to_string(page));
      auto response = api_.Get(request);
      if (!response.ok()) return response.status();
      ++pages;
      rapidjson::Document& body = response->body;
      bool empty = false;
      auto list = ListOf(body, request, &empty);
      if (!list.ok()) return list.status();
      if (empty) break;
      std::string extracted = FormatRfc3339(NowUtc());
      for (rapidjson::Value& row : (*list)->GetArray()) {
        if (!row.IsObject()) {
          return Status::Error(
              ErrorKind::kFatal,
              fmt::format("{} returned a list entry that is not an object", es.path));
        }
        if (cs.incremental()) {
          std::string_view key = es.replication_key;
          rapidjson::Value* value = MutableMember(row, key);
          if (!Present(value) && !es.replication_fallback.empty()) {
            // Smart+ ads can lack modify_time: they count as modified when created (§3.2).
            const rapidjson::Value* fallback = FindMember(row, es.replication_fallback);
            if (Present(fallback)) {
              rapidjson::Value copy(*fallback, body.GetAllocator());
              if (value != nullptr) {
                *value = copy;
              } else {
                row.AddMember(
                    rapidjson::Value(key.data(), static_cast<rapidjson::SizeType>(key.size()),
                                     body.GetAllocator()),
                    copy, body.GetAllocator());
              }
              value = MutableMember(row, key);
            }
          }
          std::optional<Timestamp> t;
          if (Present(value) && value->IsString()) t = ParseTimestamp(value->GetString());
          if (!t) {
            ++unknown_time;  // cannot be filtered or bookmarked; emitted so nothing is lost
          } else if (*t < *unit.start) {
            ++filtered;
            continue;
          } else if (!max_seen || *max_seen < *t) {
            max_seen = t;
          }
        }
        if (Status s = WriteRow(cs, advertiser, transformer, row, extracted); !s.ok()) return s;
        ++emitted;
      }
      if (Status s = CheckWriter(); !s.ok()) return s;
      if (!unit.paged || (*list)->Empty() || !HasMorePages(body, page)) break;
    }
  }

  if (unknown_time > 0) {
    LogWarning(
        "Stream '{}', advertiser {}: {} record(s) had no usable {}; they were emitted but "
        "cannot advance the bookmark",
        es.name, advertiser, unknown_time, es.replication_key);
  }
  if (cs.incremental() && max_seen) {
    state_.SetBookmark(es.name, advertiser, es.replication_key, std::min(*max_seen, signpost_));
  }
  writer_.WriteState(state_.ToJson());
  if (unit.paged) {
    LogInfo("Stream '{}', advertiser {}: {} record(s) from {} page(s){}", es.name, advertiser,
            emitted, pages,
            filtered > 0 ? fmt::format(", {} older than the bookmark skipped", filtered) : "");
  } else {
    LogInfo("Stream '{}': {} record(s) for {} advertiser(s)", es.name, emitted,
            unit.advertiser_ids.size());
  }
  return CheckWriter();
}

Status Sync::RunReportUnit(const WorkUnit& unit, Transformer& transformer) {
  const ReportStream& r = *unit.stream->def->report;
  transformer.SetInjected("advertiser_id", unit.advertiser_ids.front());
  if (r.granularity == Granularity::kHour) transformer.SetLocalTime("stat_time_hour", unit.zone);
  return RunReportWindow(unit, unit.first_day, unit.last_day, transformer);
}

Status Sync::RunReportWindow(const WorkUnit& unit, std::optional<Date> from, std::optional<Date> to,
                             Transformer& transformer) {
  const CatalogStream& cs = *unit.stream;
  const std::string& advertiser = unit.advertiser_ids.front();
  long long rows = 0;
  Status s = FetchReport(unit, from, to, transformer, &rows);
  if (s.kind() == ErrorKind::kQueryTooLarge) {
    if (!from || *from == *to) {
      return Status::Error(
          ErrorKind::kFatal,
          fmt::format("{} Even the smallest request was too large for stream '{}' (advertiser "
                      "{}{}): select fewer metrics for it, or split it with a custom report.",
                      s.message(), cs.def->name, advertiser,
                      from ? ", " + FormatDay(*from) : std::string()));
    }
    // TikTok 40067: halve the window, down to a single day (reference §4.2).
    Date mid = *from + std::chrono::days{(*to - *from).count() / 2};
    LogWarning("Stream '{}', advertiser {}: TikTok found {}..{} too large (40067); halving it",
               cs.def->name, advertiser, FormatDay(*from), FormatDay(*to));
    if (Status first = RunReportWindow(unit, from, mid, transformer); !first.ok()) return first;
    return RunReportWindow(unit, mid + std::chrono::days{1}, to, transformer);
  }
  if (!s.ok()) return s;
  if (cs.incremental() && to) {
    state_.SetBookmark(cs.def->name, advertiser, cs.replication_key, Timestamp{*to});
  }
  writer_.WriteState(state_.ToJson());
  LogInfo("Stream '{}', advertiser {}{}: {} record(s)", cs.def->name, advertiser,
          from ? fmt::format(", {}..{}", FormatDay(*from), FormatDay(*to)) : "", rows);
  return CheckWriter();
}

Status Sync::FetchReport(const WorkUnit& unit, std::optional<Date> from, std::optional<Date> to,
                         Transformer& transformer, long long* rows) {
  const CatalogStream& cs = *unit.stream;
  const std::string& advertiser = unit.advertiser_ids.front();
  bool merge = unit.metric_groups.size() > 1;
  // With several metric groups, rows are merged by their dimensions before any is written.
  std::vector<rapidjson::Document> merged;
  std::unordered_map<std::string, size_t> index;

  for (const std::vector<std::string>& metrics : unit.metric_groups) {
    for (long long page = 1;; ++page) {
      ApiRequest request = unit.series.front();
      request.params.emplace_back("metrics", JsonStringArray(metrics));
      if (from) {
        request.params.emplace_back("start_date", FormatDay(*from));
        request.params.emplace_back("end_date", FormatDay(*to));
      }
      request.params.emplace_back("page", std::to_string(page));
      auto response = api_.Get(request);
      if (!response.ok()) return response.status();
      rapidjson::Document& body = response->body;
      bool empty = false;
      auto list = ListOf(body, request, &empty);
      if (!list.ok()) return list.status();
      if (empty) break;
      std::string extracted = FormatRfc3339(NowUtc());
      for (rapidjson::Value& row : (*list)->GetArray()) {
        if (!row.IsObject()) {
          return Status::Error(ErrorKind::kFatal,
                               "report/integrated/get/ returned a row that is not an object");
        }
        if (!merge) {
          rapidjson::Value flat;
          Flatten(row, flat, body.GetAllocator());
          if (Status s = WriteRow(cs, advertiser, transformer, flat, extracted); !s.ok()) return s;
          ++*rows;
          continue;
        }
        std::string key = DimensionKey(row);
        auto [it, inserted] = index.emplace(std::move(key), merged.size());
        if (inserted) {
          merged.emplace_back();
          merged.back().SetObject();
        }
        rapidjson::Document& target = merged[it->second];
        rapidjson::Value flat;
        Flatten(row, flat, body.GetAllocator());
        for (auto& m : flat.GetObject()) {
          if (!target.HasMember(m.name)) {
            target.AddMember(rapidjson::Value(m.name, target.GetAllocator()),
                             rapidjson::Value(m.value, target.GetAllocator()),
                             target.GetAllocator());
          }
        }
      }
      if (Status s = CheckWriter(); !s.ok()) return s;
      if ((*list)->Empty() || !HasMorePages(body, page)) break;
    }
  }
  if (merge) {
    std::string extracted = FormatRfc3339(NowUtc());
    for (const rapidjson::Document& row : merged) {
      if (Status s = WriteRow(cs, advertiser, transformer, row, extracted); !s.ok()) return s;
      ++*rows;
    }
  }
  return CheckWriter();
}

}  // namespace tap
