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
                                 std::string_view id_field, std::string_view list_key, bool paged) {
  auto ids = std::make_shared<std::vector<std::string>>();
  std::unordered_set<std::string> seen;
  for (const ApiRequest& request : requests) {
    Status s = ReadPages(api, request, list_key, paged, [&](Page& page) {
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
                                          std::string_view id_field, std::string_view list_key,
                                          bool paged) {
  std::shared_ptr<Entry> entry;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    std::shared_ptr<Entry>& slot = entries_[KeyOf(requests)];
    if (slot == nullptr) slot = std::make_shared<Entry>();
    entry = slot;
  }
  std::lock_guard<std::mutex> lock(entry->mutex);
  if (entry->ids == nullptr) {
    auto ids = ListIds(api, requests, id_field, list_key, paged);
    if (!ids.ok()) return ids.status();
    entry->ids = *ids;
  }
  return entry->ids;
}

}  // namespace tap
