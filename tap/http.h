#pragma once

#include <atomic>
#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace tap {

/// One request: a GET, or a POST of `json_body` when that is set. The URL and the body may carry
/// secrets (the app secret); neither is ever logged.
struct HttpRequest {
  std::string url;
  std::vector<std::pair<std::string, std::string>> headers = {};
  std::string json_body = {};
  long timeout_seconds = 300;
  /// The largest body taken, counted after decompression; past it the transfer is abandoned.
  size_t max_body_bytes = size_t{64} << 20;
  /// When set and true, the transfer in flight is abandoned within about a second (SIGTERM).
  const std::atomic<bool>* stop = nullptr;
};

/// What came back. A transport failure (DNS, refused, reset, timeout) sets `transport_error`
/// and leaves `status` at 0; an HTTP answer sets `status` and `body`. TikTok's own `code`
/// lives in the body and is not looked at here.
struct HttpResponse {
  long status = 0;
  std::string body;
  std::string transport_error;
  bool timed_out = false;   // the transfer took longer than timeout_seconds
  bool too_large = false;   // the body passed max_body_bytes
  bool stopped = false;     // abandoned because `stop` became true
  bool valid_utf8 = false;  // the body is well-formed UTF-8 (checked as it arrived)
  /// The response headers the tap reads (names lower-cased): X-Tt-Ads-Throttle, Retry-After.
  std::vector<std::pair<std::string, std::string>> headers = {};

  /// The value of header `name` (lower-case), or an empty string.
  std::string Header(std::string_view name) const;
};

/// TikTok's warning that a sync report was cut to its newest 20,000 ids (§9.1).
inline constexpr std::string_view kThrottleHeader = "x-tt-ads-throttle";
/// How long an HTTP 429 asks the client to wait, in seconds.
inline constexpr std::string_view kRetryAfterHeader = "retry-after";

/// The seam to the network: the real one is libcurl; tests inject responses.
class Transport {
 public:
  virtual ~Transport() = default;
  virtual HttpResponse Send(const HttpRequest& request) = 0;
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

  HttpResponse Send(const HttpRequest& request) override;

 private:
  void* handle_ = nullptr;  // CURL*
};

/// Percent-encodes a query component (RFC 3986 unreserved characters pass through).
std::string UrlEncode(std::string_view text);

}  // namespace tap
