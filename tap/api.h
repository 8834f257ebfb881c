#pragma once

#include <rapidjson/document.h>

#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "tap/http.h"
#include "tap/secret.h"
#include "tap/status.h"

namespace tap {

/// One GET to a TikTok endpoint: the path below /open_api/v1.3/ (trailing slash included) and
/// its query parameters. Array and object parameters are JSON text, as the API wants them.
struct ApiRequest {
  std::string path;
  std::vector<std::pair<std::string, std::string>> params;

  /// The value of parameter `name`, or an empty string.
  std::string Param(std::string_view name) const;
};

/// A successful envelope: the parsed body (numbers kept as their exact digits, as strings).
struct ApiResponse {
  std::unique_ptr<std::string> text;  // the response body; `body`'s strings point into it
  rapidjson::Document body;
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

  Result<ApiResponse> Get(const ApiRequest& request) override;

  /// The full URL of `request` (may contain the app secret: never log it).
  std::string BuildUrl(const ApiRequest& request) const;

 private:
  Transport& transport_;
  std::string base_url_;
  Secret access_token_;
  long timeout_seconds_;
};

/// A raw client over its own libcurl handle (for one worker at a time).
std::unique_ptr<ApiClient> MakeCurlApiClient(std::string base_url, Secret access_token,
                                             long timeout_seconds);

}  // namespace tap
