#include "tap/pager.h"

#include <fmt/format.h>

#include <algorithm>

#include "tap/json.h"

namespace tap {
namespace {

rapidjson::Value* MutableMember(rapidjson::Value& object, std::string_view key) {
  if (!object.IsObject()) return nullptr;
  auto it = object.FindMember(rapidjson::Value(
      rapidjson::StringRef(key.data(), static_cast<rapidjson::SizeType>(key.size()))));
  return it == object.MemberEnd() ? nullptr : &it->value;
}

// The advertiser a request is for (a list of them for the advertiser endpoints).
std::string AdvertiserOf(const ApiRequest& request) {
  std::string advertiser = request.Param("advertiser_id");
  return advertiser.empty() ? request.Param("advertiser_ids") : advertiser;
}

Status NoList(const ApiRequest& request, std::string_view list_key) {
  return Status::Error(ErrorKind::kFatal,
                       fmt::format("the response of {} for advertiser {} has no data.{} array",
                                   request.path, AdvertiserOf(request), list_key));
}

std::string Where(const ApiRequest& request, long long number) {
  return fmt::format("page {} of {} for advertiser {}", number, request.path,
                     AdvertiserOf(request));
}

long long PageSize(const PageInfo& info, const ApiRequest& request) {
  if (info.page_size > 0) return info.page_size;
  std::string asked = request.Param("page_size");
  return asked.empty() ? 0 : std::stoll(asked);
}

// The pages `info` allows at most: its rows at its page size, plus one.
long long MostPages(const PageInfo& info, const ApiRequest& request) {
  long long size = PageSize(info, request);
  if (size <= 0) return -1;
  return (info.total_number + size - 1) / size + 1;
}

// Identifies a page by its first and last rows: a server repeating a page repeats both.
uint64_t Fingerprint(const rapidjson::Value* list, const RowTable* table) {
  size_t rows = table != nullptr ? table->size() : list != nullptr ? list->Size() : 0;
  if (rows == 0) return 0;
  std::string text = table != nullptr ? table->Text(0) + table->Text(rows - 1)
                                      : ToJson((*list)[0]) + ToJson((*list)[rows - 1]);
  uint64_t h = 1469598103934665603ULL ^ rows;
  for (unsigned char c : text) h = (h ^ c) * 1099511628211ULL;
  return h == 0 ? 1 : h;
}

const rapidjson::Value* ListOf(const rapidjson::Value& data, std::string_view key) {
  const rapidjson::Value* list = FindMember(data, key);
  return list != nullptr && list->IsArray() ? list : nullptr;
}

}  // namespace

Status Pager::Check(const ApiResponse& response, long long number) const {
  auto transient = [&](std::string why) {
    return Status::Error(ErrorKind::kTransient, fmt::format("{} {}", Where(request_, number), why));
  };
  auto info = ReadPageInfo(response.data());
  if (!info) {
    // No page_info at all on page 1: a one-page answer. A malformed one is never that.
    bool absent = FindMember(response.data(), "page_info") == nullptr;
    if (number == 1 && absent) return Status::Ok();
    return transient(number == 1 ? "has a page_info without valid non-negative counts"
                                 : "has no valid page_info although page 1 announced more pages");
  }
  long long most = MostPages(*info, request_);
  if (info->total_page > most && most >= 0) {
    return transient(
        fmt::format("announces total_page {}, which total_number {} at page_size {} "
                    "cannot give",
                    info->total_page, info->total_number, PageSize(*info, request_)));
  }
  if (number > 1 && previous_ != 0 &&
      Fingerprint(ListOf(response.data(), list_key_), response.rows.get()) == previous_) {
    return transient(fmt::format("repeats the rows of page {}", number - 1));
  }
  return Status::Ok();
}

Status Pager::Over() const {
  return Status::Error(
      ErrorKind::kFatal,
      fmt::format("{} was not read: the server kept announcing pages past the {} that page 1's "
                  "total_number and page_size allow, so the pages would never end; run again, and "
                  "report it if it persists",
                  Where(request_, next_), cap_));
}

Pager::Pager(ApiClient& api, ApiRequest request, std::string_view list_key, bool paged)
    : api_(api), request_(std::move(request)), list_key_(list_key), paged_(paged) {}

Status Pager::Next(std::optional<Page>* page) {
  page->reset();
  if (done_) return Status::Ok();
  if (cap_ > 0 && next_ > cap_) return Over();
  ApiRequest request = request_;
  if (paged_) {
    request.Set("page", std::to_string(next_));
    request.check = [this, number = next_](const ApiResponse& r) { return Check(r, number); };
  }
  auto response = api_.Get(request);
  if (!response.ok()) return response.status();
  rapidjson::Value* data = MutableMember(response->body, "data");
  rapidjson::Value* list = data != nullptr ? MutableMember(*data, list_key_) : nullptr;
  auto info = data != nullptr ? ReadPageInfo(*data) : std::nullopt;
  if (list == nullptr || !list->IsArray()) {
    if (!info || info->total_number != 0) return NoList(request, list_key_);
    list = nullptr;
  }
  *page = Page{std::move(response).value(), list, next_, info ? info->total_number : 0};
  done_ = !paged_ || (*page)->size() == 0 || !info || next_ >= info->total_page;
  if (next_ == 1 && info) cap_ = std::max(MostPages(*info, request_), info->total_page);
  previous_ = Fingerprint(list, (*page)->table());
  ++next_;
  return Status::Ok();
}

size_t Page::size() const {
  if (table() != nullptr) return table()->size();
  return rows != nullptr ? rows->Size() : 0;
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
