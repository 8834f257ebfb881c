#include "tap/id_directory.h"

#include <unordered_set>

#include "tap/json.h"
#include "tap/pager.h"

namespace tap {
namespace {

// The requests as one text: the same requests (advertiser included) are the same listing.
std::string KeyOf(const std::vector<ApiRequest>& requests) {
  std::string key;
  for (const ApiRequest& request : requests) {
    key += request.path;
    for (const auto& [name, value] : request.params) key += "\n" + name + "=" + value;
    key += "\n\n";
  }
  return key;
}

}  // namespace

Result<IdDirectory::Ids> ListIds(ApiClient& api, const std::vector<ApiRequest>& requests,
                                 std::string_view id_field) {
  auto ids = std::make_shared<std::vector<std::string>>();
  std::unordered_set<std::string> seen;
  for (const ApiRequest& request : requests) {
    Status s = ReadPages(api, request, "list", true, [&](Page& page) {
      if (page.rows == nullptr) return Status::Ok();
      for (const rapidjson::Value& row : page.rows->GetArray()) {
        const rapidjson::Value* id = FindMember(row, id_field);
        if (id == nullptr || !id->IsString()) continue;
        std::string text(id->GetString(), id->GetStringLength());
        if (seen.insert(text).second) ids->push_back(std::move(text));
      }
      return Status::Ok();
    });
    if (!s.ok()) return s;
  }
  return IdDirectory::Ids(std::move(ids));
}

Result<IdDirectory::Ids> IdDirectory::Get(ApiClient& api, const std::vector<ApiRequest>& requests,
                                          std::string_view id_field) {
  std::string key = KeyOf(requests);
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (auto it = cache_.find(key); it != cache_.end()) return it->second;
  }
  // Listed outside the lock: two units may list the same ids at once, which costs requests,
  // never correctness.
  auto ids = ListIds(api, requests, id_field);
  if (!ids.ok()) return ids.status();
  std::lock_guard<std::mutex> lock(mutex_);
  return cache_.emplace(std::move(key), *ids).first->second;
}

}  // namespace tap
