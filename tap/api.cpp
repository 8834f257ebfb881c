#include "tap/api.h"

#include <fmt/format.h>

#include <algorithm>

#include "tap/json.h"
#include "tap/log.h"

namespace tap {
namespace {

long long ToInteger(const rapidjson::Value* v) {
  if (v == nullptr) return -1;
  if (v->IsInt64()) return v->GetInt64();
  if (v->IsString()) {
    std::string_view s(v->GetString(), v->GetStringLength());
    if (s.empty() || s.size() > 18) return -1;
    long long out = 0;
    for (char c : s) {
      if (c < '0' || c > '9') return -1;
      out = out * 10 + (c - '0');
    }
    return out;
  }
  return -1;
}

std::string Where(const ApiRequest& request) {
  std::string advertiser = request.Param("advertiser_id");
  if (advertiser.empty()) return request.path;
  return fmt::format("{} (advertiser {})", request.path, advertiser);
}

std::string ActionHint(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::kAuth:
      return " The access token is expired, missing or invalid: generate a new long-term access "
             "token for your app in the TikTok for Business developer portal and set "
             "access_token.";
    case ErrorKind::kSkipAdvertiser:
      return " Check that the token is authorized for this advertiser, or remove it from "
             "advertiser_ids.";
    case ErrorKind::kRateLimited:
      return " TikTok's rate limit was reached; wait and run again.";
    case ErrorKind::kTransient:
      return " TikTok had a temporary problem; run again.";
    default:
      return "";
  }
}

// Retry-After in seconds (the HTTP-date form is rare and read as none), at most an hour.
std::chrono::milliseconds RetryAfter(const HttpResponse& response) {
  std::string value = response.Header(kRetryAfterHeader);
  if (value.empty() || value.size() > 6 ||
      value.find_first_not_of("0123456789") != std::string::npos) {
    return std::chrono::milliseconds(0);
  }
  return std::chrono::seconds(std::min(3600LL, std::stoll(value)));
}

}  // namespace

Status Api::TransportFailure(const HttpResponse& response, const std::string& where) const {
  if (response.stopped) return Status::Error(ErrorKind::kCancelled, "the sync was stopped");
  if (response.too_large) {
    return Status::Error(ErrorKind::kFatal,
                         fmt::format("the response of {} is larger than {} MB and was not read; "
                                     "raise max_response_mb if TikTok's pages are really this "
                                     "large, or lower page_size",
                                     where, max_body_bytes_ >> 20));
  }
  if (response.timed_out) {
    return Status::Error(ErrorKind::kTimeout, fmt::format("request to {} timed out after {} s",
                                                          where, timeout_seconds_));
  }
  return Status::Error(ErrorKind::kTransient, fmt::format("request to {} failed: {}", where,
                                                          Log::Redact(response.transport_error)));
}

Status Api::HttpFailure(const HttpResponse& response, const std::string& where) {
  if (response.status == 429) {
    return Status::Error(ErrorKind::kRateLimited, fmt::format("HTTP 429 from {}", where))
        .WithRetryAfter(RetryAfter(response));
  }
  if (response.status >= 500) {
    return Status::Error(ErrorKind::kTransient,
                         fmt::format("HTTP {} from {}", response.status, where));
  }
  return Status::Error(ErrorKind::kFatal,
                       fmt::format("HTTP {} from {}: the endpoint path or method is wrong, or "
                                   "api_base_url does not point at the TikTok API",
                                   response.status, where));
}

std::string ApiRequest::Param(std::string_view name) const {
  for (const auto& [key, value] : params) {
    if (key == name) return value;
  }
  return {};
}

void ApiRequest::Set(std::string_view name, std::string value) {
  for (auto& [key, old] : params) {
    if (key == name) {
      old = std::move(value);
      return;
    }
  }
  params.emplace_back(std::string(name), std::move(value));
}

std::string EntityFiltering(const std::vector<std::string>& buying_types, bool all_statuses,
                            std::string_view origin) {
  std::string out;
  auto add = [&out](std::string_view key, const std::string& value) {
    out += fmt::format("{}\"{}\":{}", out.empty() ? "{" : ",", key, value);
  };
  if (!buying_types.empty()) add("buying_types", JsonStringArray(buying_types));
  if (all_statuses) add("primary_status", "\"STATUS_ALL\"");
  if (!origin.empty()) add("campaign_system_origins", JsonStringArray({std::string(origin)}));
  return out.empty() ? "{}" : out + '}';
}

std::string WithFilter(std::string_view filtering, std::string_view key,
                       std::string_view json_value) {
  std::string member = fmt::format("\"{}\":{}", key, json_value);
  if (filtering.empty() || filtering == "{}") return "{" + member + "}";
  return fmt::format("{},{}}}", filtering.substr(0, filtering.size() - 1), member);
}

std::string WithModifiedAfter(std::string_view filtering, Timestamp t) {
  std::string when = FormatRfc3339(t - std::chrono::seconds{1});  // 2024-03-01T10:15:00Z
  when[10] = ' ';
  when.pop_back();
  return WithFilter(filtering, "modified_after", JsonQuote(when));
}

std::string ReportFilterIn(std::string_view field, const std::vector<std::string>& values) {
  return fmt::format(R"({{"field_name":{},"filter_type":"IN","filter_value":{}}})",
                     JsonQuote(field), JsonQuote(JsonStringArray(values)));
}

std::string ReportFiltering(const std::vector<std::string>& filters) {
  if (filters.empty()) return {};
  std::string out = "[";
  for (size_t i = 0; i < filters.size(); ++i) out += (i > 0 ? "," : "") + filters[i];
  return out + "]";
}

const rapidjson::Value& ApiResponse::data() const {
  static const rapidjson::Value kEmpty(rapidjson::kObjectType);
  const rapidjson::Value* data = FindMember(body, "data");
  return data != nullptr && data->IsObject() ? *data : kEmpty;
}

std::optional<PageInfo> ReadPageInfo(const rapidjson::Value& data) {
  const rapidjson::Value* info = FindMember(data, "page_info");
  if (info == nullptr || !info->IsObject()) return std::nullopt;
  PageInfo p;
  p.page = ToInteger(FindMember(*info, "page"));
  p.page_size = ToInteger(FindMember(*info, "page_size"));
  p.total_number = ToInteger(FindMember(*info, "total_number"));
  p.total_page = ToInteger(FindMember(*info, "total_page"));
  if (p.page < 0 || p.total_number < 0 || p.total_page < 0) return std::nullopt;
  return p;
}

ErrorKind ClassifyTikTokCode(long long code) {
  switch (code) {
    case 0:
    case 20001:  // partial success
      return ErrorKind::kOk;
    case 40100:  // app QPS/QPM/QPD
    case 40133:  // advertiser QPS for this path
    case 40016:  // endpoint called too frequently
    case 40132:  // QPS for one field value
    case 61000:  // too many requests (blocklist)
      return ErrorKind::kRateLimited;
    case 40102:  // token expired
    case 40104:  // token missing
    case 40105:  // token invalid or revoked
      return ErrorKind::kAuth;
    case 40001:  // no permission for this advertiser
    case 40007:  // object does not exist
      return ErrorKind::kSkipAdvertiser;
    case 40067:  // report query too large
      return ErrorKind::kQueryTooLarge;
    case 50000:
    case 50002:
    case 53102:
    case 53103:
    case 60001:  // maintenance
    case 40200:  // task error
    case 40202:  // write conflict
    case 40700:  // internal validation
      return ErrorKind::kTransient;
    default:
      break;
  }
  if (code >= 40300 && code <= 40399) return ErrorKind::kSkipAdvertiser;
  if (code >= 51000 && code <= 52999) return ErrorKind::kTransient;
  return ErrorKind::kFatal;
}

Api::Api(Transport& transport, std::string base_url, Secret access_token, long timeout_seconds)
    : transport_(transport),
      base_url_(std::move(base_url)),
      access_token_(std::move(access_token)),
      timeout_seconds_(timeout_seconds) {}

std::string Api::BuildUrl(const ApiRequest& request) const {
  std::string url = base_url_ + request.path;
  char separator = '?';
  for (const auto& [key, value] : request.params) {
    url += separator;
    url += UrlEncode(key);
    url += '=';
    url += UrlEncode(value);
    separator = '&';
  }
  return url;
}

Result<ApiResponse> Api::Get(const ApiRequest& request) {
  HttpRequest http;
  http.url = BuildUrl(request);
  http.headers.emplace_back("Access-Token", access_token_.reveal());
  http.headers.emplace_back("Accept", "application/json");
  http.timeout_seconds = timeout_seconds_;
  http.max_body_bytes = max_body_bytes_;
  http.stop = stop_;
  HttpResponse response = transport_.Send(http);
  std::string where = Where(request);

  if (!response.transport_error.empty()) return TransportFailure(response, where);
  if (response.status != 200) return HttpFailure(response, where);
  PageSlots::Slot slot = slots_ != nullptr ? slots_->Acquire() : PageSlots::Slot();
  // Parsed in place: the page's strings are not copied (a sync's largest cost in CPU and memory).
  auto text = std::make_unique<std::string>(std::move(response.body));
  size_t bytes = text->size();
  long long mended = 0;
  std::unique_ptr<RowTable> rows;
  auto parsed = ParseJsonInPlace(*text, fmt::format("the response of {}", where), &mended,
                                 response.valid_utf8, request.rows, &rows);
  if (!parsed.ok() || !parsed->IsObject()) {
    // A truncated or non-JSON body is an infrastructure fault worth retrying.
    return Status::Error(
        ErrorKind::kTransient,
        fmt::format("the response of {} is not a JSON envelope ({} bytes){}", where, bytes,
                    parsed.ok() ? "" : ": " + parsed.status().message()));
  }
  if (mended > 0) {
    LogWarning(
        "the response of {} held {} invalid character(s) (unpaired UTF-16 surrogates or "
        "invalid UTF-8); they are written as U+FFFD",
        where, mended);
  }
  ApiResponse out{std::move(slot), std::move(text), std::move(parsed).value(),
                  response.Header(kThrottleHeader), std::move(rows)};
  long long code = ToInteger(FindMember(out.body, "code"));
  const rapidjson::Value* message = FindMember(out.body, "message");
  const rapidjson::Value* request_id = FindMember(out.body, "request_id");
  std::string message_text = message != nullptr && message->IsString() ? message->GetString() : "";
  std::string request_id_text =
      request_id != nullptr && request_id->IsString() ? request_id->GetString() : "none";
  if (code < 0) {
    return Status::Error(ErrorKind::kTransient,
                         fmt::format("the response of {} has no numeric 'code'", where));
  }
  ErrorKind kind = ClassifyTikTokCode(code);
  if (kind == ErrorKind::kOk) {
    if (code != 0) {
      LogWarning("TikTok answered {} with code {} (partial success): {} (request_id {})", where,
                 code, Log::Redact(message_text), request_id_text);
    }
    return out;
  }
  return Status::Error(kind,
                       fmt::format("TikTok API error {} on {}: {} (request_id {}).{}", code, where,
                                   Log::Redact(message_text), request_id_text, ActionHint(kind)));
}

namespace {

// An Api that owns its transport.
class CurlApiClient : public ApiClient {
 public:
  CurlApiClient(std::string base_url, Secret token, long timeout, PageSlots* slots,
                const std::atomic<bool>* stop, size_t max_body_bytes)
      : api_(transport_, std::move(base_url), std::move(token), timeout) {
    api_.SetPageSlots(slots);
    api_.SetStop(stop);
    api_.SetMaxBodyBytes(max_body_bytes);
  }
  Result<ApiResponse> Get(const ApiRequest& request) override { return api_.Get(request); }

 private:
  CurlTransport transport_;
  Api api_;
};

}  // namespace

std::unique_ptr<ApiClient> MakeCurlApiClient(std::string base_url, Secret access_token,
                                             long timeout_seconds, PageSlots* slots,
                                             const std::atomic<bool>* stop, size_t max_body_bytes) {
  return std::make_unique<CurlApiClient>(std::move(base_url), std::move(access_token),
                                         timeout_seconds, slots, stop, max_body_bytes);
}

PageSlots::Slot PageSlots::Acquire() {
  std::unique_lock<std::mutex> lock(mutex_);
  freed_.wait(lock, [&] { return free_ > 0; });
  --free_;
  return Slot(this);
}

void PageSlots::Release() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    ++free_;
  }
  freed_.notify_one();
}

}  // namespace tap
