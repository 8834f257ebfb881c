#pragma once

#include <fmt/format.h>

#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "tap/api.h"
#include "tap/json.h"

namespace tap {

/// An ApiClient that answers from a handler returning the envelope's JSON text, read the way
/// Api reads a response (a non-zero code becomes the Status its classification says). Records
/// every request. Thread-safe.
class FakeApi : public ApiClient {
 public:
  using Handler = std::function<std::string(const ApiRequest&)>;
  explicit FakeApi(Handler handler) : handler_(std::move(handler)) {}

  Result<ApiResponse> Get(const ApiRequest& request) override {
    std::string text;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      requests_.push_back(request);
      text = handler_(request);
    }
    auto owned = std::make_unique<std::string>(std::move(text));
    std::unique_ptr<RowTable> rows;
    auto parsed = ParseJsonInPlace(*owned, "fake response", nullptr, false, request.rows, &rows);
    if (!parsed.ok()) return Status::Error(ErrorKind::kTransient, "bad fake body");
    ApiResponse out{PageSlots::Slot(), std::move(owned), std::move(parsed).value()};
    out.rows = std::move(rows);
    if (throttle_) out.throttle = throttle_(request);
    const rapidjson::Value* code = FindMember(out.body, "code");
    long long c = code != nullptr && code->IsString() ? std::stoll(code->GetString()) : 0;
    if (ErrorKind kind = ClassifyTikTokCode(c); kind != ErrorKind::kOk) {
      return Status::Error(kind, fmt::format("TikTok API error {}", c));
    }
    if (request.check) {
      if (Status s = request.check(out); !s.ok()) return s;
    }
    return out;
  }

  /// Responses to requests `throttle` answers true for carry TikTok's X-Tt-Ads-Throttle warning.
  void SetThrottle(std::function<bool(const ApiRequest&)> throttle) {
    throttle_ = [throttle = std::move(throttle)](const ApiRequest& r) {
      return throttle(r) ? std::string("truncated") : std::string();
    };
  }

  std::vector<ApiRequest> requests() {
    std::lock_guard<std::mutex> lock(mutex_);
    return requests_;
  }

 private:
  Handler handler_;
  Handler throttle_;
  std::mutex mutex_;
  std::vector<ApiRequest> requests_;
};

/// An envelope with `data` (JSON object text).
inline std::string Envelope(const std::string& data, int code = 0) {
  return fmt::format(R"({{"code":{},"message":"OK","request_id":"r1","data":{}}})", code, data);
}

/// `data` of a list page: `rows` (JSON array text) under `key`, with page_info.
inline std::string ListPage(const std::string& key, const std::string& rows, long long page,
                            long long total_number, long long total_page) {
  return fmt::format(
      R"({{"{}":{},"page_info":{{"page":{},"page_size":2,"total_number":{},"total_page":{}}}}})",
      key, rows, page, total_number, total_page);
}

}  // namespace tap
