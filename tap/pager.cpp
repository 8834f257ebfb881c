#include "tap/pager.h"

#include <fmt/format.h>

#include "tap/json.h"

namespace tap {
namespace {

rapidjson::Value* MutableMember(rapidjson::Value& object, std::string_view key) {
  if (!object.IsObject()) return nullptr;
  auto it = object.FindMember(rapidjson::Value(
      rapidjson::StringRef(key.data(), static_cast<rapidjson::SizeType>(key.size()))));
  return it == object.MemberEnd() ? nullptr : &it->value;
}

Status NoList(const ApiRequest& request, std::string_view list_key) {
  std::string advertiser = request.Param("advertiser_id");
  if (advertiser.empty()) advertiser = request.Param("advertiser_ids");
  return Status::Error(ErrorKind::kFatal,
                       fmt::format("the response of {} for advertiser {} has no data.{} array",
                                   request.path, advertiser, list_key));
}

}  // namespace

Pager::Pager(ApiClient& api, ApiRequest request, std::string_view list_key, bool paged)
    : api_(api), request_(std::move(request)), list_key_(list_key), paged_(paged) {}

Status Pager::Next(std::optional<Page>* page) {
  page->reset();
  if (done_) return Status::Ok();
  ApiRequest request = request_;
  if (paged_) request.Set("page", std::to_string(next_));
  auto response = api_.Get(request);
  if (!response.ok()) return response.status();
  rapidjson::Value* data = MutableMember(response->body, "data");
  rapidjson::Value* list = data != nullptr ? MutableMember(*data, list_key_) : nullptr;
  auto info = data != nullptr ? ReadPageInfo(*data) : std::nullopt;
  if (list == nullptr || !list->IsArray()) {
    if (!info || info->total_number != 0) return NoList(request, list_key_);
    list = nullptr;
  }
  done_ = !paged_ || list == nullptr || list->Empty() || !info || next_ >= info->total_page;
  *page = Page{std::move(response).value(), list, next_, info ? info->total_number : 0};
  ++next_;
  return Status::Ok();
}

Status ReadPages(ApiClient& api, const ApiRequest& request, std::string_view list_key, bool paged,
                 const std::function<Status(Page&)>& on_page) {
  Pager pager(api, request, list_key, paged);
  for (std::optional<Page> page;;) {
    if (Status s = pager.Next(&page); !s.ok()) return s;
    if (!page) return Status::Ok();
    if (Status s = on_page(*page); !s.ok()) return s;
  }
}

}  // namespace tap
