#pragma once

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "tests/simulator/sim_data.h"

namespace sim {

/// Query parameters of one request (a key may repeat; TikTok never wants that).
using Params = std::multimap<std::string, std::string>;

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

/// A request that breaks the API's rules: answered with its TikTok code and message.
struct ApiError {
  long code;
  std::string message;
};

// Reading a request the way TikTok does: each function throws ApiError (40002) for a value the
// API would refuse.

/// The value of `key`, or an empty string.
std::string Param(const Params& params, const std::string& key);
/// An integer parameter in [min, max]; `fallback` when absent.
long long ParseInt(const Params& params, const std::string& key, long long fallback, long long min,
                   long long max);
/// A JSON-valued query parameter; a null document when absent.
rapidjson::Document ParseJsonParam(const Params& params, const std::string& key);
/// A JSON array of at most `max_items` strings.
std::vector<std::string> StringList(const rapidjson::Value& v, const std::string& key,
                                    size_t max_items);

/// The advertiser a request names in `advertiser_id`: 40002 when it is missing, 40001 when the
/// token cannot operate it.
const Advertiser& RequiredAdvertiser(const SimData& data, const Params& params);

/// The field vocabulary of an endpoint: the properties of the tap's schema of `stream`.
const rapidjson::Value& SchemaProperties(std::string_view stream);

// Writing values the way TikTok does.

/// A raw number token.
void Raw(Writer& w, const std::string& token);
void Str(Writer& w, std::string_view s);

/// How an endpoint writes times: entities' "YYYY-MM-DD HH:MM:SS" (UTC), or creative assets'
/// RFC 3339 "2020-06-10T07:39:14Z" (§6).
enum class TimeFormat { kTikTok, kRfc3339 };
/// The `data` object of a list endpoint: {"<list_key>":[...],"page_info":{...}} with the rows of
/// page `page` (of `page_size`) out of `total`, each written by `row(w, index)`.
std::string ListData(std::string_view list_key, size_t total, long long page, long long page_size,
                     const std::function<void(Writer& w, size_t index)>& row);

/// RFC 3339 in UTC with a "Z".
std::string Rfc3339(int64_t epoch_seconds);

/// A plausible value of any schema type, derived from `h`; times near `base_time`.
void Generic(Writer& w, const rapidjson::Value& schema, std::string_view field, uint64_t h,
             int64_t base_time, TimeFormat times = TimeFormat::kTikTok);

}  // namespace sim
