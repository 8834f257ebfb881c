#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "tap/api.h"
#include "tap/status.h"

namespace tap {

/// The ids of an advertiser's campaigns, ad groups or ads, listed from the entity endpoints at
/// most once per sync and shared by the report units that need them: a report TikTok cut to its
/// newest ids is re-read in batches of them (§9.1). Thread-safe.
class IdDirectory {
 public:
  using Ids = std::shared_ptr<const std::vector<std::string>>;

  /// The distinct `id_field` values of every row `requests` list (entity requests that carry
  /// their advertiser) in `data.<list_key>`, in listing order; fetched through `api` on first
  /// use. Unless `paged`, each request is one page (endpoints without page_info).
  Result<Ids> Get(ApiClient& api, const std::vector<ApiRequest>& requests,
                  std::string_view id_field, std::string_view list_key = "list", bool paged = true);

 private:
  // One listing: its own lock, so that units wanting the same ids wait for one listing
  // instead of each making its own requests.
  struct Entry {
    std::mutex mutex;
    Ids ids;  // nullptr until listed (a failed listing is tried again by the next unit)
  };
  std::mutex mutex_;  // guards entries_
  std::map<std::string, std::shared_ptr<Entry>, std::less<>> entries_;
};

/// Lists the ids without a directory (see IdDirectory::Get).
Result<IdDirectory::Ids> ListIds(ApiClient& api, const std::vector<ApiRequest>& requests,
                                 std::string_view id_field, std::string_view list_key = "list",
                                 bool paged = true);

}  // namespace tap
