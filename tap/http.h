#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace tap {

/// One GET request. The URL may carry secrets (app secret); it is never logged.
struct HttpRequest {
  std::string url;
  std::vector<std::pair<std::string, std::string>> headers = {};
  long timeout_seconds = 300;
};

/// What came back. A transport failure (DNS, refused, reset, timeout) sets `transport_error`
/// and leaves `status` at 0; an HTTP answer sets `status` and `body`. TikTok's own `code`
/// lives in the body and is not looked at here.
struct HttpResponse {
  long status = 0;
  std::string body;
  std::string transport_error;
  /// The response headers the tap reads (names lower-cased): X-Tt-Ads-Throttle only.
  std::vector<std::pair<std::string, std::string>> headers = {};

  /// The value of header `name` (lower-case), or an empty string.
  std::string Header(std::string_view name) const;
};

/// TikTok's warning that a sync report was cut to its newest 20,000 ids (§9.1).
inline constexpr std::string_view kThrottleHeader = "x-tt-ads-throttle";

/// The seam to the network: the real one is libcurl; tests inject responses.
class Transport {
 public:
  virtual ~Transport() = default;
  virtual HttpResponse Get(const HttpRequest& request) = 0;
};

/// libcurl easy interface behind one move-only owner. TLS peer and host verification are always
/// on; the handle (and its connection cache) is reused across requests.
class CurlTransport : public Transport {
 public:
  CurlTransport();
  ~CurlTransport() override;
  CurlTransport(CurlTransport&& other) noexcept;
  CurlTransport& operator=(CurlTransport&& other) noexcept;
  CurlTransport(const CurlTransport&) = delete;
  CurlTransport& operator=(const CurlTransport&) = delete;

  HttpResponse Get(const HttpRequest& request) override;

 private:
  void* handle_ = nullptr;  // CURL*
};

/// Percent-encodes a query component (RFC 3986 unreserved characters pass through).
std::string UrlEncode(std::string_view text);

}  // namespace tap
