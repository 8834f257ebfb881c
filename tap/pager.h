#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "tap/api.h"
#include "tap/status.h"

namespace tap {

/// One page of a list endpoint: the response, which owns the rows, and the rows.
struct Page {
  ApiResponse response;
  rapidjson::Value* rows = nullptr;  // an array; nullptr when the page says it has none
  long long number = 1;
  long long total_number = 0;  // as page_info announced it (0 when absent)

  /// The rows as a table when the request asked for one (ApiRequest::rows); `rows` is then
  /// empty.
  const RowTable* table() const { return response.rows.get(); }
  /// How many rows the page has, in `rows` or its table.
  size_t size() const;
  /// Whether TikTok warned that the report behind the page was cut to its newest ids.
  bool truncated() const { return !response.throttle.empty(); }
};

/// The one page loop for every list endpoint (entities, audiences, reports, ...): asks for
/// `request` page by page (adding `page` when `paged`) and ends after an empty page or the
/// last page that page_info announces. A response without the `data.<list_key>` array is an
/// error, unless its page_info says there is nothing (total_number 0).
///
/// A server it does not control cannot end the pages early or make them endless: a later page
/// without a valid page_info, a total_page that its own total_number and page_size cannot
/// give, or a page repeating the previous page's rows is a transient error of that request
/// (retried, then the unit fails); and no more pages are read than page 1 announced
/// (total_number / page_size, plus one for rows added meanwhile).
class Pager {
 public:
  Pager(ApiClient& api, ApiRequest request, std::string_view list_key, bool paged);

  /// Fetches the next page into `*page`; nullopt there when the pages are done.
  Status Next(std::optional<Page>* page);

 private:
  Status Check(const ApiResponse& response, long long number) const;
  Status Over() const;

  ApiClient& api_;
  ApiRequest request_;
  std::string list_key_;
  bool paged_;
  long long next_ = 1;
  bool done_ = false;
  long long cap_ = 0;      // the most pages page 1 allows (0: not known yet)
  uint64_t previous_ = 0;  // fingerprint of the previous page's rows
};

/// Reads every page of `request` and hands each to `on_page`; stops at the first error,
/// `on_page`'s included.
Status ReadPages(ApiClient& api, const ApiRequest& request, std::string_view list_key, bool paged,
                 const std::function<Status(Page&)>& on_page);

}  // namespace tap
