#include "tap/business_center.h"

#include <fmt/format.h>

#include <map>
#include <unordered_set>

#include "tap/json.h"
#include "tap/log.h"
#include "tap/pager.h"
#include "tap/unit_reader.h"

namespace tap {
namespace {

constexpr std::string_view kBcPath = "bc/get/";
constexpr std::string_view kAssetPath = "bc/asset/get/";
constexpr int kBcPageSize = 50;  // both endpoints' page_size maximum

ApiRequest AssetRequest(const std::string& bc_id) {
  return ApiRequest{
      std::string(kAssetPath),
      {{"bc_id", bc_id}, {"asset_type", "ADVERTISER"}, {"page_size", std::to_string(kBcPageSize)}}};
}

// The ad accounts of one Business Center that the tap can read, added to `ids` once each;
// `left_out` counts the others by relation status.
Status AddBoundAccounts(ApiClient& api, const std::string& bc_id, std::vector<std::string>& ids,
                        std::unordered_set<std::string>& seen,
                        std::map<std::string, int>& left_out) {
  return ReadPages(api, AssetRequest(bc_id), "list", true, [&](Page& page) {
    if (page.rows == nullptr) return Status::Ok();
    for (const rapidjson::Value& row : page.rows->GetArray()) {
      std::string id = StringMember(row, "asset_id");
      std::string status = StringMember(row, "relation_status");
      if (id.empty()) continue;
      if (!status.empty() && status != "BOUND") {
        ++left_out[status];
      } else if (seen.insert(id).second) {
        ids.push_back(std::move(id));
      }
    }
    return Status::Ok();
  });
}

Status Failed(const Status& s, std::string_view what) {
  return Status::Error(s.kind(), fmt::format("could not list {}: {}", what, s.message()));
}

}  // namespace

Result<std::vector<std::string>> ListBusinessCenters(ApiClient& api) {
  std::vector<std::string> ids;
  ApiRequest request{std::string(kBcPath), {{"page_size", std::to_string(kBcPageSize)}}};
  Status s = ReadPages(api, request, "list", true, [&](Page& page) {
    if (page.rows == nullptr) return Status::Ok();
    for (const rapidjson::Value& row : page.rows->GetArray()) {
      const rapidjson::Value* info = FindMember(row, "bc_info");
      std::string id = info != nullptr ? StringMember(*info, "bc_id") : std::string();
      if (!id.empty()) ids.push_back(std::move(id));
    }
    return Status::Ok();
  });
  if (!s.ok()) return Failed(s, "the token's Business Centers");
  return ids;
}

Result<std::vector<std::string>> BusinessCenterAdvertisers(const Settings& settings,
                                                           ApiClient& api) {
  std::vector<std::string> bcs = settings.bc_ids;
  if (bcs.empty() && settings.discover_bc_advertisers) {
    auto listed = ListBusinessCenters(api);
    if (!listed.ok()) return listed.status();
    bcs = std::move(listed).value();
    LogInfo("The token sees {} Business Center(s)", bcs.size());
  }
  std::vector<std::string> ids;
  std::unordered_set<std::string> seen;
  for (const std::string& bc : bcs) {
    std::map<std::string, int> left_out;
    size_t before = ids.size();
    if (Status s = AddBoundAccounts(api, bc, ids, seen, left_out); !s.ok()) {
      return Failed(s, fmt::format("the ad accounts of Business Center {}", bc));
    }
    LogInfo("Business Center {}: {} ad account(s)", bc, ids.size() - before);
    for (const auto& [status, count] : left_out) {
      LogInfo("Business Center {}: {} ad account(s) with relation status {} are not read", bc,
              count, status);
    }
  }
  return ids;
}

std::vector<SeriesRequest> PerBusinessCenter(const Settings& settings, const ApiRequest& base) {
  if (settings.bc_ids.empty()) return {{.request = base}};
  std::vector<SeriesRequest> series;
  for (const std::string& bc : settings.bc_ids) {
    ApiRequest request = base;
    request.params.emplace(request.params.begin(), "bc_id", bc);
    series.push_back({.request = std::move(request)});
  }
  return series;
}

Result<std::vector<std::string>> BusinessCentersOf(ApiClient& api, const ApiRequest& request) {
  std::string bc = request.Param("bc_id");
  if (!bc.empty()) return std::vector<std::string>{bc};
  return ListBusinessCenters(api);
}

StreamRequests PrepareBcAssets(const Settings& settings, const CatalogStream& stream) {
  StreamRequests out = PreparePaged(settings, stream);
  out.series = PerBusinessCenter(settings, out.series.front().request);
  return out;
}

namespace {

Status ReadAssetsOf(UnitReader& r, const ApiRequest& base, const std::string& bc) {
  ApiRequest request = base;
  request.Set("bc_id", bc);
  r.transformer().SetInjected("bc_id", bc);
  long long before = r.records();
  Status s = r.ReadPages(request, [&](Page& page) {
    if (page.rows == nullptr) return Status::Ok();
    for (const rapidjson::Value& row : page.rows->GetArray()) {
      if (!row.IsObject()) return r.Bind(row);  // the error for a row that is not an object
      std::string id = StringMember(row, "asset_id");
      if (id.empty()) {
        return Status::Error(ErrorKind::kFatal,
                             fmt::format("TikTok returned an ad account of Business Center {} "
                                         "without its asset_id; the record cannot be stored",
                                         bc));
      }
      r.transformer().SetInjected("advertiser_id", std::move(id));
      r.transformer().SetInjected("advertiser_name", StringMember(row, "asset_name"));
      if (Status e = r.Emit(row); !e.ok()) return e;
    }
    return Status::Ok();
  });
  if (s.ok()) {
    LogInfo("Stream '{}', Business Center {}: {} record(s)", r.def().name, bc,
            r.records() - before);
  }
  return s;
}

}  // namespace

Status ReadBcAdvertisers(UnitReader& r) {
  for (const SeriesRequest& series : r.unit().requests->series) {
    auto bcs = BusinessCentersOf(r.api(), series.request);
    if (!bcs.ok()) return bcs.status();
    for (const std::string& bc : *bcs) {
      if (Status s = ReadAssetsOf(r, series.request, bc); !s.ok()) return s;
    }
  }
  r.Checkpoint(std::nullopt);
  return Status::Ok();
}

}  // namespace tap
