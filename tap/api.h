#pragma once

#include <rapidjson/document.h>

#include <atomic>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "tap/http.h"
#include "tap/row_table.h"
#include "tap/secret.h"
#include "tap/status.h"
#include "tap/timestamp.h"

namespace tap {

struct ApiResponse;

/// One GET to a TikTok endpoint: the path below /open_api/v1.3/ (trailing slash included) and
/// its query parameters. Array and object parameters are JSON text, as the API wants them.
struct ApiRequest {
  std::string path;
  std::vector<std::pair<std::string, std::string>> params;
  /// Checks a successful response before it is taken (the Pager's page_info rules); a failure
  /// is treated like a bad body, so a kTransient one is retried. Not part of the URL.
  std::function<Status(const ApiResponse&)> check = nullptr;
  /// Whether the caller can make the request smaller (a report window of several days), so
  /// repeated timeouts hand it back instead of resending it unchanged.
  bool reducible = false;
  /// The rows of the response's list go into a table of this layout (ApiResponse::rows), not
  /// into its document. Not part of the URL; the layout outlives the request.
  const RowLayout* rows = nullptr;

  /// The value of parameter `name`, or an empty string.
  std::string Param(std::string_view name) const;
  /// Sets parameter `name`, replacing an earlier value.
  void Set(std::string_view name, std::string value);
};

// The wire format of TikTok's JSON-valued query parameters, built here and nowhere else.

/// `filtering` of the entity get endpoints (§3.2): the buying types (none: TikTok's default),
/// with `all_statuses` deleted objects too (primary_status STATUS_ALL), and with `origin` the
/// campaign_system_origins to read (none: TikTok's default, TT_ADS_PLATFORM).
std::string EntityFiltering(const std::vector<std::string>& buying_types, bool all_statuses,
                            std::string_view origin = {});
/// `filtering` (an EntityFiltering object) that also asks only for objects modified at or after
/// `t` (§3.2 `modified_after`, "YYYY-MM-DD HH:MM:SS" UTC). One second earlier is asked for,
/// since whether TikTok's bound is inclusive is not documented; rows before `t` are still
/// filtered by the tap.
std::string WithModifiedAfter(std::string_view filtering, Timestamp t);
/// `filtering` (a JSON object text; empty: none) with member `key` set to `json_value` (JSON
/// text) added at its end.
std::string WithFilter(std::string_view filtering, std::string_view key,
                       std::string_view json_value);
/// One `IN` filter of a report's `filtering` array (§4.5) as JSON object text; its
/// filter_value is itself a JSON string holding an array.
std::string ReportFilterIn(std::string_view field, const std::vector<std::string>& values);
/// A report's `filtering` parameter from filter object texts; empty when there are none.
std::string ReportFiltering(const std::vector<std::string>& filters);

/// A counting semaphore for memory-heavy work: bounds how many parsed pages (or report merges,
/// see UnitReader) are held at once. Parsing and transforming a page is CPU work,
/// so working on more pages than there are cores only costs memory (a page of 1,000 report rows
/// takes about twice its size once parsed); requests still overlap as before.
class PageSlots {
 public:
  explicit PageSlots(int slots) : free_(slots) {}

  /// Held by a parsed response; frees its slot when destroyed.
  class Slot {
   public:
    Slot() = default;
    explicit Slot(PageSlots* owner) : owner_(owner) {}
    Slot(Slot&& other) noexcept : owner_(std::exchange(other.owner_, nullptr)) {}
    Slot& operator=(Slot&& other) noexcept {
      if (this != &other) {
        Release();
        owner_ = std::exchange(other.owner_, nullptr);
      }
      return *this;
    }
    ~Slot() { Release(); }

   private:
    void Release() {
      if (owner_ != nullptr) owner_->Release();
      owner_ = nullptr;
    }
    PageSlots* owner_ = nullptr;
  };

  /// Waits for a free slot.
  Slot Acquire();

 private:
  void Release();
  std::mutex mutex_;
  std::condition_variable freed_;
  int free_;
};

/// A successful envelope: the parsed body (numbers kept as their exact digits, as strings).
struct ApiResponse {
  PageSlots::Slot slot;               // first, so it is freed after the page it counts
  std::unique_ptr<std::string> text;  // the response body; `body`'s strings point into it
  rapidjson::Document body;
  /// TikTok's X-Tt-Ads-Throttle warning: the report was cut to its newest ids (§9.1).
  std::string throttle = {};
  /// With ApiRequest::rows: the rows of the list, whose array in `body` is then empty.
  std::unique_ptr<RowTable> rows = nullptr;
  /// The envelope's `data` object (an empty object when absent).
  const rapidjson::Value& data() const;
};

/// TikTok's page_info: {page, page_size, total_number, total_page}.
struct PageInfo {
  long long page = 0;
  long long page_size = 0;
  long long total_number = 0;
  long long total_page = 0;
};

/// Reads data.page_info; nullopt when absent or malformed.
std::optional<PageInfo> ReadPageInfo(const rapidjson::Value& data);

/// What a TikTok envelope `code` means for the tap (reference/tiktok_api.md §5.1). The whole
/// table lives here so the retry policy can be read in one place.
ErrorKind ClassifyTikTokCode(long long code);

/// Anything that answers API requests: the raw Api, or the Engine around it.
class ApiClient {
 public:
  virtual ~ApiClient() = default;
  virtual Result<ApiResponse> Get(const ApiRequest& request) = 0;
};

/// Knows TikTok's wire format: URL building, the Access-Token header, the {code, message,
/// request_id, data} envelope (errors arrive as HTTP 200 with a non-zero code), and turns every
/// failure into a Status whose kind says what to do and whose message quotes TikTok's message
/// and request_id. Never puts the token, the app secret or a full URL in a message.
class Api : public ApiClient {
 public:
  Api(Transport& transport, std::string base_url, Secret access_token, long timeout_seconds);

  /// Parses a response only while holding one of `slots` (none: no limit). Not owned.
  void SetPageSlots(PageSlots* slots) { slots_ = slots; }
  /// A response body larger than this (after decompression) fails the request.
  void SetMaxBodyBytes(size_t bytes) { max_body_bytes_ = bytes; }
  /// Transfers in flight are abandoned once `*stop` is true (kCancelled). Not owned.
  void SetStop(const std::atomic<bool>* stop) { stop_ = stop; }

  Result<ApiResponse> Get(const ApiRequest& request) override;

  /// The full URL of `request` (may contain the app secret: never log it).
  std::string BuildUrl(const ApiRequest& request) const;

 private:
  Status TransportFailure(const HttpResponse& response, const std::string& where) const;
  static Status HttpFailure(const HttpResponse& response, const std::string& where);

  Transport& transport_;
  std::string base_url_;
  Secret access_token_;
  long timeout_seconds_;
  PageSlots* slots_ = nullptr;
  size_t max_body_bytes_ = size_t{64} << 20;
  const std::atomic<bool>* stop_ = nullptr;
};

/// A raw client over its own libcurl handle (for one worker at a time).
std::unique_ptr<ApiClient> MakeCurlApiClient(std::string base_url, Secret access_token,
                                             long timeout_seconds, PageSlots* slots = nullptr,
                                             const std::atomic<bool>* stop = nullptr,
                                             size_t max_body_bytes = size_t{64} << 20);

}  // namespace tap
