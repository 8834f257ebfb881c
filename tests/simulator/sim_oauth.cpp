#include "tests/simulator/sim_oauth.h"

#include <fmt/format.h>
#include <rapidjson/document.h>

#include "tap/http.h"
#include "tap/json.h"

namespace sim {

using tap::StringMember;

OAuth::OAuth(const SimConfig& config, std::vector<std::string> advertiser_ids, Clock clock)
    : config_(config), advertiser_ids_(std::move(advertiser_ids)), clock_(std::move(clock)) {}

OAuth::Redirect OAuth::Authorize(const Params& params) {
  std::string redirect = Param(params, "redirect_uri");
  if (Param(params, "app_id") != config_.app_id) return {"", "Invalid app_id."};
  if (redirect.rfind("http://", 0) != 0 && redirect.rfind("https://", 0) != 0) {
    return {"", "redirect_uri must be the app's registered http(s) URL."};
  }
  std::string code;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    uint64_t n = ++issued_;
    code = fmt::format("{:016x}{:016x}", Mix(config_.seed, n), Mix(n, 0xA07C));
    codes_[code] = Code{clock_(), false};
  }
  std::string query = fmt::format("auth_code={}&code={}&state={}", code, code,
                                  tap::UrlEncode(Param(params, "state")));
  char separator = redirect.find('?') == std::string::npos ? '?' : '&';
  return {redirect + separator + query, ""};
}

OAuth::Answer OAuth::Exchange(std::string_view content_type, std::string_view body) {
  if (content_type.rfind("application/json", 0) != 0) {
    return {40002, "Content-Type must be application/json.", "{}"};
  }
  rapidjson::Document json;
  if (json.Parse(body.data(), body.size()).HasParseError() || !json.IsObject()) {
    return {40002, "The request body is not valid JSON.", "{}"};
  }
  for (const char* key : {"app_id", "secret", "auth_code"}) {
    if (StringMember(json, key).empty()) {
      return {40002, fmt::format("{}: Missing data for required field.", key), "{}"};
    }
  }
  if (StringMember(json, "app_id") != config_.app_id ||
      StringMember(json, "secret") != config_.secret) {
    return {40101, "Invalid app_id or secret.", "{}"};
  }
  std::lock_guard<std::mutex> lock(mutex_);
  auto code = codes_.find(StringMember(json, "auth_code"));
  if (code == codes_.end()) return {40101, "Invalid auth_code.", "{}"};
  auto age = std::chrono::duration_cast<std::chrono::seconds>(clock_() - code->second.issued);
  if (code->second.used || age.count() >= config_.auth_code_ttl_seconds) {
    return {40110, "The auth_code has been used, cancelled or has expired.", "{}"};
  }
  code->second.used = true;
  auto returns_ids = json.FindMember("return_advertiser_ids");
  // Users with thousands of accounts turn the list off (reference §1.3).
  return Grant(returns_ids == json.MemberEnd() || !returns_ids->value.IsFalse());
}

OAuth::Answer OAuth::Grant(bool with_advertiser_ids) const {
  std::string list = with_advertiser_ids ? fmt::format(R"("advertiser_ids":{},)",
                                                       tap::JsonStringArray(advertiser_ids_))
                                         : "";
  return {
      0, "OK",
      fmt::format(R"({{"access_token":"{}",{}"scope":[4,5,8,13]}})", config_.access_token, list)};
}

}  // namespace sim
