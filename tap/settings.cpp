#include "tap/settings.h"

#include <curl/curl.h>
#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <memory>
#include <unordered_set>

#include "tap/json.h"
#include "tap/log.h"

namespace tap {
namespace {

constexpr std::string_view kProductionRoot = "https://business-api.tiktok.com/open_api/v1.3/";
constexpr std::string_view kSandboxRoot = "https://sandbox-ads.tiktok.com/open_api/v1.3/";

std::string Lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

std::string Trim(std::string_view text) {
  size_t begin = 0, end = text.size();
  while (begin < end && std::isspace(static_cast<unsigned char>(text[begin]))) ++begin;
  while (end > begin && std::isspace(static_cast<unsigned char>(text[end - 1]))) --end;
  return std::string(text.substr(begin, end - begin));
}

bool AllDigits(std::string_view text) {
  return !text.empty() &&
         std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// Collects problems so that all of them are reported together.
class Checker {
 public:
  void Problem(std::string_view key, std::string text) {
    problems_.emplace_back(std::string(key), std::move(text));
  }
  /// Each problem as its key and what is wrong with it.
  const std::vector<std::pair<std::string, std::string>>& problems() const { return problems_; }

  // A string setting; control characters inside it (a CR/LF in a token would inject HTTP
  // headers) are refused, naming the key and never echoing the value. Surrounding white space
  // is not inside it: a pasted token often ends in a newline.
  std::optional<std::string> String(std::string_view key, const rapidjson::Value& v) {
    if (!v.IsString()) {
      Problem(key, fmt::format("expected a string, got {}", JsonTypeName(v)));
      return std::nullopt;
    }
    std::string text(v.GetString(), v.GetStringLength());
    std::string inner = Trim(text);
    if (std::any_of(inner.begin(), inner.end(),
                    [](unsigned char c) { return c < 0x20 || c == 0x7f; })) {
      Problem(key, "contains a control character (a line break, tab or NUL); remove it");
      return std::nullopt;
    }
    return text;
  }

  std::optional<bool> Boolean(std::string_view key, const rapidjson::Value& v) {
    if (v.IsBool()) return v.GetBool();
    if (v.IsString()) {
      std::string text = Lower(Trim(v.GetString()));
      if (text == "true" || text == "1" || text == "yes") return true;
      if (text == "false" || text == "0" || text == "no" || text.empty()) return false;
    }
    Problem(key, "expected true or false");
    return std::nullopt;
  }

  std::optional<long long> Integer(std::string_view key, const rapidjson::Value& v, long long min,
                                   long long max) {
    std::optional<long long> value;
    if (v.IsInt64()) {
      value = v.GetInt64();
    } else if (v.IsString()) {
      std::string text = Trim(v.GetString());
      bool negative = !text.empty() && text[0] == '-';
      std::string digits = negative ? text.substr(1) : text;
      if (AllDigits(digits) && digits.size() < 18) {
        value = std::stoll(digits) * (negative ? -1 : 1);
      }
    }
    if (!value) {
      Problem(key, fmt::format("expected a whole number from {} to {}", min, max));
    } else if (*value < min || *value > max) {
      Problem(key, fmt::format("{} is out of range: use a whole number from {} to {}", *value, min,
                               max));
      value.reset();
    }
    return value;
  }

  std::optional<double> Number(std::string_view key, const rapidjson::Value& v, double min,
                               double max) {
    std::optional<double> value;
    if (v.IsNumber()) {
      value = v.GetDouble();
    } else if (v.IsString()) {
      char* end = nullptr;
      std::string text = Trim(v.GetString());
      double parsed = std::strtod(text.c_str(), &end);
      if (!text.empty() && end == text.c_str() + text.size()) value = parsed;
    }
    // NaN compares false with everything, so the range check alone would let it through.
    if (!value || !std::isfinite(*value) || *value < min || *value > max) {
      Problem(key, fmt::format("expected a number from {} to {}", min, max));
      return std::nullopt;
    }
    return value;
  }

  std::optional<Timestamp> Date(std::string_view key, const rapidjson::Value& v) {
    if (v.IsString()) {
      if (auto t = ParseTimestamp(Trim(v.GetString()))) return t;
      Problem(key, fmt::format("'{}' is not a date: use 2024-01-31, 2024-01-31T00:00:00Z or "
                               "2024-01-31T00:00:00+02:00",
                               Echo(v.GetString())));
      return std::nullopt;
    }
    Problem(key, fmt::format("expected a date string such as 2024-01-31, got {}", JsonTypeName(v)));
    return std::nullopt;
  }

  // Advertiser ids: an array of strings (or integers), or one comma-separated string.
  std::optional<std::vector<std::string>> Ids(std::string_view key, const rapidjson::Value& v) {
    std::vector<std::string> ids;
    std::unordered_set<std::string> seen;  // 100,000 ids are de-duplicated in linear time
    auto add = [&](std::string id) -> bool {
      id = Trim(id);
      if (id.empty()) return true;
      if (!AllDigits(id)) {
        Problem(key, fmt::format("'{}' is not an advertiser id: ids are digits only, e.g. "
                                 "\"7002238017842757633\"",
                                 Echo(id)));
        return false;
      }
      if (seen.insert(id).second) ids.push_back(id);
      return true;
    };
    if (v.IsString()) {
      std::string_view text(v.GetString(), v.GetStringLength());
      size_t start = 0;
      while (start <= text.size()) {
        size_t comma = text.find(',', start);
        if (comma == std::string_view::npos) comma = text.size();
        if (!add(std::string(text.substr(start, comma - start)))) return std::nullopt;
        start = comma + 1;
      }
      return ids;
    }
    if (v.IsArray()) {
      for (const auto& item : v.GetArray()) {
        if (item.IsString()) {
          if (!add(item.GetString())) return std::nullopt;
        } else if (item.IsUint64()) {
          if (!add(std::to_string(item.GetUint64()))) return std::nullopt;
        } else {
          Problem(key,
                  fmt::format("expected advertiser ids as strings, got {}", JsonTypeName(item)));
          return std::nullopt;
        }
      }
      return ids;
    }
    if (v.IsUint64()) {
      if (!add(std::to_string(v.GetUint64()))) return std::nullopt;
      return ids;
    }
    Problem(key, fmt::format("expected an array of advertiser id strings or a comma-separated "
                             "string, got {}",
                             JsonTypeName(v)));
    return std::nullopt;
  }

 private:
  std::vector<std::pair<std::string, std::string>> problems_;
};

bool IsLoopbackHost(std::string_view host) {
  if (host == "localhost" || host == "[::1]") return true;
  if (host.substr(0, 4) != "127.") return false;
  return std::all_of(host.begin(), host.end(), [](char c) { return c == '.' || std::isdigit(c); });
}

}  // namespace

namespace {

// The settings table (a table, not code: SettingSpecs() returns it).
const std::vector<SettingSpec> kSettingSpecs = {
    {.name = "access_token",
     .kind = SettingKind::kString,
     .required = true,
     .secret = true,
     .description = "Long-term access token of your TikTok for Business app (sent as the "
                    "Access-Token header)."},
    {.name = "advertiser_ids",
     .kind = SettingKind::kArray,
     .required = false,
     .secret = false,
     .description = "Advertiser (ad account) ids to extract: an array of strings, or one "
                    "comma-separated string. When empty, every advertiser the token is "
                    "authorized for is extracted (needs app_id and secret).",
     .aliases = {"advertiser_id", "accounts"}},
    {.name = "bc_ids",
     .kind = SettingKind::kArray,
     .required = false,
     .secret = false,
     .description = "Business Center ids whose ad accounts are extracted too (with "
                    "advertiser_ids or the authorized advertisers, without duplicates): an "
                    "array of strings, or one comma-separated string."},
    {.name = "discover_bc_advertisers",
     .kind = SettingKind::kBoolean,
     .required = false,
     .secret = false,
     .default_value = "false",
     .description = "Also extract the ad accounts of every Business Center the token can see "
                    "(when bc_ids is empty)."},
    {.name = "app_id",
     .kind = SettingKind::kString,
     .required = false,
     .secret = false,
     .description = "App id of your TikTok for Business app; with secret, used to list the "
                    "authorized advertisers when advertiser_ids is empty."},
    {.name = "secret",
     .kind = SettingKind::kString,
     .required = false,
     .secret = true,
     .description = "App secret of your TikTok for Business app; see app_id.",
     .aliases = {"app_secret"}},
    {.name = "start_date",
     .kind = SettingKind::kDate,
     .required = true,
     .secret = false,
     .description = "Earliest report date to extract: 2024-01-31, or RFC 3339 with Z or an "
                    "offset. Entity streams read every object on their first run."},
    {.name = "end_date",
     .kind = SettingKind::kDate,
     .required = false,
     .secret = false,
     .description = "Latest report date to extract (inclusive); default: today in each "
                    "advertiser's time zone."},
    {.name = "lookback_days",
     .kind = SettingKind::kInteger,
     .required = false,
     .secret = false,
     .default_value = "7",
     .description = "Report days re-read before each bookmark, because TikTok restates recent "
                    "days as conversions are attributed (0 to 365).",
     .aliases = {"lookback", "attribution_window"}},
    {.name = "include_deleted",
     .kind = SettingKind::kBoolean,
     .required = false,
     .secret = false,
     .default_value = "false",
     .description = "Also extract deleted campaigns, ad groups and ads, and their report rows "
                    "(their status says DELETE)."},
    {.name = "include_promote_ads",
     .kind = SettingKind::kBoolean,
     .required = false,
     .secret = false,
     .default_value = "true",
     .description = "Also extract campaigns, ad groups and ads boosted with Promote in the "
                    "TikTok app, and their report rows (TikTok leaves them out by default)."},
    {.name = "include_topview",
     .kind = SettingKind::kBoolean,
     .required = false,
     .secret = false,
     .default_value = "true",
     .description = "Also extract TopView campaigns, ad groups and ads (TikTok leaves them out "
                    "by default). Costs one request per advertiser; false saves it where TopView "
                    "is never bought."},
    {.name = "report_id_limit",
     .kind = SettingKind::kInteger,
     .required = false,
     .secret = false,
     .default_value = "20000",
     .description = "Most ids TikTok's sync report returns before it drops the oldest; a report "
                    "that reaches it is re-read in batches of ids. Change it only if TikTok "
                    "does (1 to 1000000)."},
    {.name = "custom_reports",
     .kind = SettingKind::kObjectArray,
     .required = false,
     .secret = false,
     .description = "Extra report streams: a list of {name, report_type, data_level, dimensions, "
                    "metrics, optional filtering, optional lookback_days, optional lifetime}."},
    {.name = "max_metrics_per_request",
     .kind = SettingKind::kInteger,
     .required = false,
     .secret = false,
     .default_value = "100",
     .description = "Most metrics in one report request; more selected metrics are split over "
                    "several requests and merged by their dimensions (1 to 1000)."},
    {.name = "max_concurrency",
     .kind = SettingKind::kInteger,
     .required = false,
     .secret = false,
     .default_value = "8",
     .description = "Requests in flight at once (1 to 64)."},
    {.name = "max_requests_per_second",
     .kind = SettingKind::kInteger,
     .required = false,
     .secret = false,
     .default_value = "10",
     .description = "Most requests started in any one second; TikTok's basic tier allows 10 "
                    "per app."},
    {.name = "max_requests_per_minute",
     .kind = SettingKind::kInteger,
     .required = false,
     .secret = false,
     .default_value = "600",
     .description = "Most requests started in any one minute; TikTok's basic tier allows 600 "
                    "per app."},
    {.name = "gmv_max_requests_per_second",
     .kind = SettingKind::kInteger,
     .required = false,
     .secret = false,
     .default_value = "8",
     .description = "Most GMV Max report requests started in any one second (their own limit, "
                    "on top of the app's); TikTok's basic tier allows 8."},
    {.name = "gmv_max_requests_per_minute",
     .kind = SettingKind::kInteger,
     .required = false,
     .secret = false,
     .default_value = "240",
     .description = "Most GMV Max report requests started in any one minute; TikTok's basic "
                    "tier allows 240."},
    {.name = "gmv_max_requests_per_day",
     .kind = SettingKind::kInteger,
     .required = false,
     .secret = false,
     .default_value = "20000",
     .description = "GMV Max report requests one run makes at most; TikTok's basic tier allows "
                    "20,000 a day. A run that would need more stops with a message, and the next "
                    "run resumes from the state."},
    {.name = "max_retries",
     .kind = SettingKind::kInteger,
     .required = false,
     .secret = false,
     .default_value = "8",
     .description = "Retries of a request that hit a rate limit or a transient fault (0 to "
                    "20)."},
    {.name = "retry_base_delay",
     .kind = SettingKind::kNumber,
     .required = false,
     .secret = false,
     .default_value = "1.0",
     .description = "Seconds before the first retry; each further retry waits twice as long, "
                    "plus jitter, at most 5 minutes."},
    {.name = "state_interval",
     .kind = SettingKind::kNumber,
     .required = false,
     .secret = false,
     .default_value = "5",
     .description = "Seconds between STATE messages while a sync runs (0 to 3600); the final "
                    "STATE is always written. Lower it for more frequent resume points."},
    {.name = "skip_inaccessible_advertisers",
     .kind = SettingKind::kBoolean,
     .required = false,
     .secret = false,
     .default_value = "false",
     .description = "When the token cannot read an advertiser (40001, 40007, 403xx), skip it "
                    "and still exit 0; otherwise the run exits 1 at the end."},
    {.name = "sandbox",
     .kind = SettingKind::kBoolean,
     .required = false,
     .secret = false,
     .default_value = "false",
     .description = "Use TikTok's sandbox host (sandbox-ads.tiktok.com) instead of production."},
    {.name = "api_base_url",
     .kind = SettingKind::kString,
     .required = false,
     .secret = false,
     .description = "Override the API host, e.g. for a proxy (https) or the bundled simulator "
                    "(http, loopback only)."},
    {.name = "page_size",
     .kind = SettingKind::kInteger,
     .required = false,
     .secret = false,
     .default_value = "1000",
     .description = "Rows per page, 1 to 1000 (endpoints with a lower maximum use theirs)."},
    {.name = "request_timeout",
     .kind = SettingKind::kInteger,
     .required = false,
     .secret = false,
     .default_value = "300",
     .description = "Seconds before one HTTP request is abandoned."},
    {.name = "max_response_mb",
     .kind = SettingKind::kInteger,
     .required = false,
     .secret = false,
     .default_value = "64",
     .description = "Largest response body taken, in MB after decompression (1 to 4096); a larger "
                    "one fails its request instead of taking all memory."},
    {.name = "log_level",
     .kind = SettingKind::kString,
     .required = false,
     .secret = false,
     .default_value = "\"info\"",
     .description = "Least severe log level written to stderr: debug, info, warning, error."},
    {.name = "log_request_metrics",
     .kind = SettingKind::kBoolean,
     .required = false,
     .secret = false,
     .default_value = "false",
     .description = "Also write a Singer METRIC line (http_request_duration) for every API "
                    "request; per-stream record counts and progress lines are always written."},
};

}  // namespace

const std::vector<SettingSpec>& SettingSpecs() { return kSettingSpecs; }

namespace {

// One part of a URL parsed by libcurl (the parser that will make the connection), or "".
std::string UrlPart(CURLU* url, CURLUPart part) {
  char* text = nullptr;
  if (curl_url_get(url, part, &text, 0) != CURLUE_OK || text == nullptr) return {};
  std::string out(text);
  curl_free(text);
  return out;
}

Status BadUrl(std::string_view url, std::string_view why) {
  return Status::Error(ErrorKind::kInvalidInput,
                       fmt::format("api_base_url: '{}' {}", Echo(url, 120), why));
}

// Checks `url` as libcurl reads it, so that what is checked is what gets connected to: a
// hand-made split would take "http://localhost:80@example.com/" for localhost.
Status CheckBaseUrl(const std::string& url) {
  std::unique_ptr<CURLU, decltype(&curl_url_cleanup)> parsed(curl_url(), curl_url_cleanup);
  if (!parsed || curl_url_set(parsed.get(), CURLUPART_URL, url.c_str(), 0) != CURLUE_OK) {
    return BadUrl(url,
                  "is not a URL: use https://host/ or, to a local server, http://127.0.0.1:PORT/");
  }
  std::string scheme = Lower(UrlPart(parsed.get(), CURLUPART_SCHEME));
  if (scheme != "https" && scheme != "http") return BadUrl(url, "must start with https://");
  if (!UrlPart(parsed.get(), CURLUPART_USER).empty() ||
      !UrlPart(parsed.get(), CURLUPART_PASSWORD).empty() || url.find('@') != std::string::npos) {
    return BadUrl(url,
                  "has a user name or password (an '@'): give only the scheme, host, port "
                  "and path");
  }
  if (!UrlPart(parsed.get(), CURLUPART_QUERY).empty() || url.find('#') != std::string::npos) {
    return BadUrl(url, "has a query or fragment: give only the scheme, host, port and path");
  }
  std::string host = Lower(UrlPart(parsed.get(), CURLUPART_HOST));
  if (host.empty()) return BadUrl(url, "has no host name");
  if (scheme == "http" && !IsLoopbackHost(host)) {
    return Status::Error(ErrorKind::kInvalidInput,
                         fmt::format("api_base_url: plain http is allowed only to a loopback "
                                     "address (127.0.0.1, ::1, localhost); use https:// for '{}'",
                                     Echo(host)));
  }
  return Status::Ok();
}

}  // namespace

Result<std::string> ResolveApiBaseUrl(std::string_view configured, bool sandbox) {
  if (configured.empty()) return std::string(sandbox ? kSandboxRoot : kProductionRoot);
  std::string url = Trim(configured);
  if (Status s = CheckBaseUrl(url); !s.ok()) return s;
  while (!url.empty() && url.back() == '/') url.pop_back();
  constexpr std::string_view kVersionPath = "/open_api/v1.3";
  if (url.size() < kVersionPath.size() ||
      url.compare(url.size() - kVersionPath.size(), kVersionPath.size(), kVersionPath) != 0) {
    url += kVersionPath;
  }
  return url + "/";
}

namespace {

// Reads one config object into Settings, collecting every problem in `check`.
class ConfigReader {
 public:
  explicit ConfigReader(const rapidjson::Value& config) : config_(config) {}

  Checker check;

  // The value of setting `name` under its name or an alias (nullptr: absent or null); two
  // spellings of one setting are a problem.
  const rapidjson::Value* Find(std::string_view name) {
    const SettingSpec& spec = SpecOf(name);
    const rapidjson::Value* found = nullptr;
    std::string_view found_name;
    std::vector<std::string_view> names = {spec.name};
    names.insert(names.end(), spec.aliases.begin(), spec.aliases.end());
    for (std::string_view n : names) {
      const rapidjson::Value* v = FindMember(config_, n);
      if (v == nullptr || v->IsNull()) continue;
      if (found != nullptr) {
        check.Problem(spec.name,
                      fmt::format("given twice, as '{}' and '{}'; keep one", found_name, n));
        return nullptr;
      }
      found = v;
      found_name = n;
    }
    return found;
  }

  void Integer(const char* key, int* out, long long min, long long max) {
    if (const auto* v = Find(key)) {
      if (auto n = check.Integer(key, *v, min, max)) *out = static_cast<int>(*n);
    }
  }
  void Number(const char* key, double* out, double min, double max) {
    if (const auto* v = Find(key)) {
      if (auto n = check.Number(key, *v, min, max)) *out = *n;
    }
  }
  void Boolean(const char* key, bool* out) {
    if (const auto* v = Find(key)) {
      if (auto b = check.Boolean(key, *v)) *out = *b;
    }
  }

  void Token(Settings& s);
  void Advertisers(Settings& s);
  void Dates(Settings& s);
  void Endpoint(Settings& s);
  void Reports(Settings& s, std::vector<std::string>* warnings);
  void Limits(Settings& s);
  void LogLevelSetting(Settings& s);
  void WarnUnknown(std::vector<std::string>* warnings) const;

 private:
  static const SettingSpec& SpecOf(std::string_view name) {
    for (const SettingSpec& spec : SettingSpecs()) {
      if (spec.name == name) return spec;
    }
    throw std::logic_error("unknown setting");
  }
  const rapidjson::Value& config_;
};

void ConfigReader::Token(Settings& s) {
  const auto* v = Find("access_token");
  if (v == nullptr) {
    check.Problem("access_token",
                  "missing; set it to the long-term access token of your TikTok for Business app");
    return;
  }
  auto text = check.String("access_token", *v);
  if (!text) return;
  std::string token = Trim(*text);
  if (token.empty()) {
    check.Problem("access_token", "is empty; paste the long-term access token of your app");
  } else if (Lower(token).rfind("bearer ", 0) == 0) {
    check.Problem("access_token",
                  "starts with 'Bearer '; TikTok expects the bare token, remove the prefix");
  } else {
    s.access_token = Secret(token);
  }
}

void ConfigReader::Advertisers(Settings& s) {
  bool ids_valid = true;
  if (const auto* v = Find("advertiser_ids")) {
    auto ids = check.Ids("advertiser_ids", *v);
    ids_valid = ids.has_value();
    if (ids) s.advertiser_ids = std::move(*ids);
  }
  if (const auto* v = Find("app_id")) {
    if (v->IsUint64()) {
      s.app_id = std::to_string(v->GetUint64());
    } else if (auto text = check.String("app_id", *v)) {
      s.app_id = Trim(*text);
    }
  }
  if (const auto* v = Find("secret")) {
    if (auto text = check.String("secret", *v)) s.secret = Secret(Trim(*text));
  }
  if (const auto* v = Find("bc_ids")) {
    auto ids = check.Ids("bc_ids", *v);
    ids_valid = ids_valid && ids.has_value();
    if (ids) s.bc_ids = std::move(*ids);
  }
  Boolean("discover_bc_advertisers", &s.discover_bc_advertisers);
  bool business_centers = !s.bc_ids.empty() || s.discover_bc_advertisers;
  if (ids_valid && s.advertiser_ids.empty() && !business_centers &&
      (s.app_id.empty() || s.secret.empty())) {
    check.Problem("advertiser_ids",
                  "no advertisers to extract: list them in advertiser_ids (or Business Centers "
                  "in bc_ids), or set app_id and secret to extract every advertiser the token "
                  "is authorized for");
  }
}

void ConfigReader::Dates(Settings& s) {
  if (const auto* v = Find("start_date")) {
    if (auto t = check.Date("start_date", *v)) {
      s.start_date = *t;
      if (*t < kEarliestStartDate) {
        check.Problem("start_date",
                      fmt::format("{} is before TikTok Ads existed; set 2012-01-01 or later",
                                  FormatRfc3339(*t).substr(0, 10)));
      }
    }
  } else {
    check.Problem("start_date", "missing; set the earliest date to extract, e.g. 2024-01-01");
  }
  if (const auto* v = Find("end_date")) {
    if (auto t = check.Date("end_date", *v)) {
      s.end_date = *t;
      if (*t < s.start_date) {
        check.Problem("end_date", fmt::format("{} is before start_date {}", FormatRfc3339(*t),
                                              FormatRfc3339(s.start_date)));
      }
    }
  }
}

void ConfigReader::Endpoint(Settings& s) {
  Boolean("sandbox", &s.sandbox);
  std::string base_url;
  if (const auto* v = Find("api_base_url")) {
    if (auto text = check.String("api_base_url", *v)) base_url = *text;
  }
  if (auto root = ResolveApiBaseUrl(base_url, s.sandbox); root.ok()) {
    s.api_base_url = *root;
  } else {
    check.Problem("api_base_url",
                  root.status().message().substr(std::string("api_base_url: ").size()));
  }
}

void ConfigReader::Reports(Settings& s, std::vector<std::string>* warnings) {
  Boolean("include_deleted", &s.include_deleted);
  Boolean("include_promote_ads", &s.include_promote_ads);
  Boolean("include_topview", &s.include_topview);
  Integer("report_id_limit", &s.report_id_limit, 1, 1000000);
  Integer("lookback_days", &s.lookback_days, 0, 365);
  Integer("max_metrics_per_request", &s.max_metrics_per_request, 1, 1000);
  if (const auto* v = Find("custom_reports")) {
    auto reports = ParseCustomReports(*v, warnings);
    if (reports.ok()) {
      s.custom_reports = std::move(reports).value();
    } else {
      check.Problem("custom_reports", reports.status().message().substr(16));
    }
  }
}

void ConfigReader::Limits(Settings& s) {
  Integer("max_concurrency", &s.max_concurrency, 1, 64);
  Integer("max_requests_per_second", &s.max_requests_per_second, 1, 1000);
  Integer("max_requests_per_minute", &s.max_requests_per_minute, 1, 60000);
  Integer("gmv_max_requests_per_second", &s.gmv_max_requests_per_second, 1, 1000);
  Integer("gmv_max_requests_per_minute", &s.gmv_max_requests_per_minute, 1, 60000);
  Integer("gmv_max_requests_per_day", &s.gmv_max_requests_per_day, 1, 10000000);
  Integer("max_retries", &s.max_retries, 0, 20);
  Number("retry_base_delay", &s.retry_base_delay, 0, 300);
  Number("state_interval", &s.state_interval, 0, 3600);
  Boolean("skip_inaccessible_advertisers", &s.skip_inaccessible_advertisers);
  Integer("page_size", &s.page_size, 1, 1000);
  Integer("request_timeout", &s.request_timeout, 1, 3600);
  Integer("max_response_mb", &s.max_response_mb, 1, 4096);
}

void ConfigReader::LogLevelSetting(Settings& s) {
  Boolean("log_request_metrics", &s.log_request_metrics);
  const auto* v = Find("log_level");
  if (v == nullptr) return;
  auto text = check.String("log_level", *v);
  if (!text) return;
  if (auto level = ParseLogLevel(*text)) {
    s.log_level = *level;
  } else {
    check.Problem("log_level", fmt::format("'{}' is not a level: use debug, info, warning or error",
                                           Echo(*text)));
  }
}

void ConfigReader::WarnUnknown(std::vector<std::string>* warnings) const {
  if (warnings == nullptr) return;
  for (const auto& member : config_.GetObject()) {
    std::string_view key(member.name.GetString(), member.name.GetStringLength());
    bool known = false;
    for (const SettingSpec& spec : SettingSpecs()) {
      known = known || spec.name == key ||
              std::find(spec.aliases.begin(), spec.aliases.end(), key) != spec.aliases.end();
    }
    if (!known) {
      warnings->push_back(
          fmt::format("config key '{}' is not a setting of tap-tiktok-ads and is "
                      "ignored; check its spelling",
                      Echo(key)));
    }
  }
}

}  // namespace

Result<Settings> ParseSettings(const rapidjson::Value& config, std::vector<std::string>* warnings,
                               const KeyLabel& label) {
  if (!config.IsObject()) {
    return Status::Error(
        ErrorKind::kInvalidInput,
        fmt::format("the config must be a JSON object, got {}", JsonTypeName(config)));
  }
  ConfigReader reader(config);
  Settings s;
  reader.Token(s);
  reader.Advertisers(s);
  reader.Dates(s);
  reader.Endpoint(s);
  reader.Reports(s, warnings);
  reader.Limits(s);
  reader.LogLevelSetting(s);
  reader.WarnUnknown(warnings);
  if (reader.check.problems().empty()) return s;
  std::string message;
  for (const auto& [key, text] : reader.check.problems()) {
    if (!message.empty()) message += "; ";
    message += fmt::format("{}: {}", label ? label(key) : key, text);
  }
  return Status::Error(ErrorKind::kInvalidInput, message);
}

Result<std::vector<ReportStream>> LoadCustomReports(const std::string& path,
                                                    std::vector<std::string>* warnings) {
  if (path.empty()) return std::vector<ReportStream>{};
  auto doc = ReadJsonFile(path, "config file");
  if (!doc.ok()) return doc.status();
  const rapidjson::Value* list = FindMember(*doc, "custom_reports");
  if (list == nullptr || list->IsNull()) return std::vector<ReportStream>{};
  return ParseCustomReports(*list, warnings);
}

Result<Settings> LoadSettings(const std::string& path, std::vector<std::string>* warnings,
                              const KeyLabel& label, std::string_view what) {
  auto doc = ReadJsonFile(path, "config file");
  if (!doc.ok()) return doc.status();
  auto settings = ParseSettings(*doc, warnings, label);
  if (!settings.ok()) {
    std::string source = what.empty() ? fmt::format("config file '{}'", path) : std::string(what);
    return Status::Error(ErrorKind::kInvalidInput,
                         fmt::format("{} is invalid: {}", source, settings.status().message()));
  }
  return settings;
}

}  // namespace tap
