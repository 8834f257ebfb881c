#include "tap/accounts.h"

#include <algorithm>
#include <deque>
#include <unordered_set>

#include "tap/business_center.h"
#include "tap/json.h"
#include "tap/log.h"
#include "tap/timestamp.h"

namespace tap {
namespace {

Result<std::vector<std::string>> AuthorizedAdvertisers(const Settings& settings, ApiClient& api) {
  ApiRequest request{"oauth2/advertiser/get/",
                     {{"app_id", settings.app_id}, {"secret", settings.secret.reveal()}}};
  auto response = api.Get(request);
  if (!response.ok()) {
    return Status::Error(response.status().kind(),
                         "could not list the advertisers the token is authorized for: " +
                             response.status().message());
  }
  std::vector<std::string> ids;
  const rapidjson::Value* list = FindMember(response->data(), "list");
  if (list != nullptr && list->IsArray()) {
    for (const auto& row : list->GetArray()) {
      if (std::string id = StringMember(row, "advertiser_id"); !id.empty()) ids.push_back(id);
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

void ReadZone(const rapidjson::Value& row, const std::string& id, ZoneMap& zones) {
  for (const char* field : {"display_timezone", "timezone"}) {
    std::string name = StringMember(row, field);
    if (name.empty()) continue;
    auto zone = TimeZone::Find(name);
    if (zone.ok()) {
      zones.emplace(id, std::move(zone).value());
      return;
    }
    LogWarning("Advertiser {}: {} '{}' is not a known time zone: {}", id, field, name,
               zone.status().message());
  }
}

// create_time, Unix seconds (§2: an integer, read as its digits); absent or odd: unknown, and
// the advertiser's reports start at start_date.
void ReadCreation(const rapidjson::Value& row, const std::string& id, CreationMap& created) {
  if (auto t = ParseEpochSeconds(StringMember(row, "create_time"))) created.emplace(id, *t);
}

void ReadFacts(const rapidjson::Value& data, bool keep_rows, Accounts& accounts) {
  const rapidjson::Value* list = FindMember(data, "list");
  if (list == nullptr || !list->IsArray()) return;
  for (const auto& row : list->GetArray()) {
    std::string id = StringMember(row, "advertiser_id");
    if (id.empty()) continue;
    ReadZone(row, id, accounts.zones);
    ReadCreation(row, id, accounts.created);
    if (keep_rows) accounts.rows.emplace(id, ToJson(row));
  }
}

// The facts' fields, and the advertisers stream's when it is synced (one call serves both).
std::string FactFields(const std::vector<std::string>* stream_fields) {
  std::vector<std::string> fields = {"advertiser_id", "timezone", "display_timezone",
                                     "create_time"};
  if (stream_fields != nullptr) {
    for (const std::string& f : *stream_fields) {
      if (std::find(fields.begin(), fields.end(), f) == fields.end()) fields.push_back(f);
    }
  }
  return JsonStringArray(fields);
}

// Batches of the advertisers stream's size, as units, so that a failed batch is split the way
// the plan splits any batch.
std::deque<WorkUnit> Batches(const std::vector<std::string>& ids, size_t size) {
  std::deque<WorkUnit> batches;
  for (size_t i = 0; i < ids.size(); i += size) {
    WorkUnit unit;
    unit.advertiser_ids = Slice(ids, i, size);
    batches.push_back(std::move(unit));
  }
  return batches;
}

// Each advertiser's time zone and creation time, in batches of the advertisers stream's size.
Status ResolveFacts(const StreamDef& advertisers, ApiClient& api, Accounts& accounts,
                    const std::vector<std::string>* stream_fields) {
  const std::vector<std::string>& ids = accounts.advertiser_ids;
  ZoneMap& zones = accounts.zones;
  std::deque<WorkUnit> batches = Batches(ids, advertisers.advertisers_per_unit);
  for (; !batches.empty(); batches.pop_front()) {
    const WorkUnit& batch = batches.front();
    ApiRequest request{advertisers.path,
                       {{"advertiser_ids", JsonStringArray(batch.advertiser_ids)},
                        {"fields", FactFields(stream_fields)}}};
    auto response = api.Get(request);
    if (!response.ok() && response.status().kind() == ErrorKind::kSkipAdvertiser) {
      for (WorkUnit& part : SplitBatch(batch)) batches.push_back(std::move(part));
      continue;  // a single inaccessible id: its units will say so
    }
    if (!response.ok()) return response.status();
    ReadFacts(response->data(), stream_fields != nullptr, accounts);
  }
  for (const std::string& id : ids) {
    if (zones.find(id) != zones.end()) continue;
    LogWarning(
        "Advertiser {}: no usable time zone from /advertiser/info/; report dates are read as UTC",
        id);
    zones.emplace(id, TimeZone::Utc());
  }
  return Status::Ok();
}

// The configured advertisers, else (when the app's credentials are set) the authorized ones.
Result<std::vector<std::string>> DirectAdvertisers(const Settings& settings, ApiClient& api) {
  if (!settings.advertiser_ids.empty()) return settings.advertiser_ids;
  if (settings.app_id.empty() || settings.secret.reveal().empty()) {
    return std::vector<std::string>();  // Business Centers only (settings checked there are some)
  }
  return AuthorizedAdvertisers(settings, api);
}

// `ids` followed by the Business Centers' accounts it lacks.
Result<std::vector<std::string>> WithBusinessCenters(const Settings& settings, ApiClient& api,
                                                     std::vector<std::string> ids) {
  if (settings.bc_ids.empty() && !settings.discover_bc_advertisers) return ids;
  auto from_bcs = BusinessCenterAdvertisers(settings, api);
  if (!from_bcs.ok()) return from_bcs.status();
  std::unordered_set<std::string> seen(ids.begin(), ids.end());
  size_t before = ids.size();
  for (std::string& id : *from_bcs) {
    if (seen.insert(id).second) ids.push_back(std::move(id));
  }
  LogInfo("Business Centers add {} advertiser(s); {} in all", ids.size() - before, ids.size());
  if (ids.empty()) {
    return Status::Error(ErrorKind::kInvalidInput,
                         "the Business Centers have no ad accounts the tap can read: check "
                         "bc_ids, or list advertiser_ids in the config");
  }
  return ids;
}

}  // namespace

Result<Accounts> ResolveAccounts(const Settings& settings, const StreamDef& advertisers, bool zones,
                                 ApiClient& api, const std::vector<std::string>* stream_fields) {
  Accounts accounts;
  auto direct = DirectAdvertisers(settings, api);
  if (!direct.ok()) return direct.status();
  auto ids = WithBusinessCenters(settings, api, std::move(direct).value());
  if (!ids.ok()) return ids.status();
  accounts.advertiser_ids = std::move(ids).value();
  if (!zones) return accounts;
  if (Status s = ResolveFacts(advertisers, api, accounts, stream_fields); !s.ok()) return s;
  long long later = std::count_if(accounts.created.begin(), accounts.created.end(),
                                  [&](const auto& c) { return c.second > settings.start_date; });
  if (later > 0) {
    LogInfo(
        "{} advertiser(s) were created after start_date: their reports start on the day each "
        "was created (no rows can be earlier)",
        later);
  }
  return accounts;
}

}  // namespace tap
