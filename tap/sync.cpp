#include "tap/sync.h"

#include <fmt/format.h>

#include <algorithm>

#include "tap/json.h"
#include "tap/log.h"

namespace tap {
namespace {

rapidjson::Value* MutableMember(rapidjson::Value& object, std::string_view key) {
  auto it = object.FindMember(rapidjson::Value(
      rapidjson::StringRef(key.data(), static_cast<rapidjson::SizeType>(key.size()))));
  return it == object.MemberEnd() ? nullptr : &it->value;
}

bool Present(const rapidjson::Value* v) {
  return v != nullptr && !v->IsNull() && !(v->IsString() && v->GetStringLength() == 0);
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

Status Sync::Run() {
  auto advertisers = ResolveAdvertisers();
  if (!advertisers.ok()) return advertisers.status();
  for (const CatalogStream& cs : catalog_.streams) {
    if (!cs.selected) LogInfo("Skipping deselected stream '{}'", cs.stream->name);
  }
  std::vector<WorkUnit> plan = MakePlan(settings_, catalog_, state_, *advertisers);

  for (const CatalogStream& cs : catalog_.streams) {
    if (!cs.selected) continue;
    std::string name(cs.stream->name);
    std::vector<std::string> bookmark_properties;
    if (cs.incremental()) bookmark_properties.push_back(cs.replication_key);
    writer_.WriteSchema(name, cs.schema, cs.key_properties, bookmark_properties);
    Transformer transformer(name, CompileShape(cs.schema));
    for (const WorkUnit& unit : plan) {
      if (unit.stream != &cs) continue;
      if (cs.stream->injects_advertiser_id) {
        transformer.SetInjected("advertiser_id", unit.advertiser_ids.front());
      }
      if (Status s = RunUnit(unit, transformer); !s.ok()) return s;
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

Status Sync::RunUnit(const WorkUnit& unit, Transformer& transformer) {
  const CatalogStream& cs = *unit.stream;
  const EntityStream& es = *cs.stream;
  const std::string& advertiser = unit.advertiser_ids.front();
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
      rapidjson::Value* data = MutableMember(body, "data");
      rapidjson::Value* list = data != nullptr ? MutableMember(*data, "list") : nullptr;
      if (list == nullptr || !list->IsArray()) {
        auto info = data != nullptr ? ReadPageInfo(*data) : std::nullopt;
        if (info && info->total_number == 0) break;  // nothing there
        return Status::Error(ErrorKind::kFatal,
                             fmt::format("the response of {} for advertiser {} has no data.list "
                                         "array",
                                         es.path, advertiser));
      }
      std::string extracted = FormatRfc3339(NowUtc());
      for (rapidjson::Value& row : list->GetArray()) {
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
        for (const std::string& key : cs.key_properties) {
          if (key == "advertiser_id" && es.injects_advertiser_id) continue;
          if (!Present(FindMember(row, key))) {
            return Status::Error(ErrorKind::kFatal,
                                 fmt::format("{} returned a {} row without its key '{}' "
                                             "(advertiser {}); the record cannot be stored",
                                             es.path, es.name, key, advertiser));
          }
        }
        writer_.WriteRecord(es.name, transformer, row, extracted);
        ++emitted;
      }
      if (Status s = CheckWriter(); !s.ok()) return s;
      auto info = ReadPageInfo(*data);
      if (!unit.paged || !info || page >= info->total_page || list->Empty()) break;
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

}  // namespace tap
