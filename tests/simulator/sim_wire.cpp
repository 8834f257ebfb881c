#include "tests/simulator/sim_wire.h"

#include <fmt/format.h>

#include <algorithm>
#include <mutex>

#include "tap/embedded_schemas.h"

namespace sim {

// The field vocabulary of an endpoint: the properties of the matching schema.
namespace {

const rapidjson::Document& Schema(std::string_view stream) {
  static std::map<std::string, rapidjson::Document, std::less<>> cache;
  static std::mutex mutex;
  std::lock_guard<std::mutex> lock(mutex);
  auto it = cache.find(stream);
  if (it == cache.end()) {
    rapidjson::Document doc;
    std::string_view text = tap::EmbeddedSchema(std::string(stream) + ".json");
    doc.Parse(text.data(), text.size());
    it = cache.emplace(std::string(stream), std::move(doc)).first;
  }
  return it->second;
}

}  // namespace

const rapidjson::Value& SchemaProperties(std::string_view stream) {
  return Schema(stream)["properties"];
}

std::string Rfc3339(int64_t epoch_seconds) {
  std::string t = TikTokTime(epoch_seconds);
  t[10] = 'T';
  return t + "Z";
}

const Advertiser& RequiredAdvertiser(const SimData& data, const Params& params) {
  std::string id = Param(params, "advertiser_id");
  if (id.empty()) throw ApiError{40002, "advertiser_id: Missing data for required field."};
  for (const Advertiser& adv : data.advertisers) {
    if (adv.id == id) return adv;
  }
  throw ApiError{40001, fmt::format("No permission to operate advertiser {}.", id)};
}

std::string Param(const Params& params, const std::string& key) {
  auto it = params.find(key);
  return it == params.end() ? std::string() : it->second;
}

long long ParseInt(const Params& params, const std::string& key, long long fallback, long long min,
                   long long max) {
  auto it = params.find(key);
  if (it == params.end()) return fallback;
  const std::string& text = it->second;
  if (text.empty() || text.size() > 9 ||
      !std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    throw ApiError{40002, fmt::format("{}: Not a valid integer.", key)};
  }
  long long value = std::stoll(text);
  if (value < min || value > max) {
    throw ApiError{
        40002, fmt::format("{}: Must be greater than or equal to {} and less than or equal to {}.",
                           key, min, max)};
  }
  return value;
}

// JSON-valued query parameter; absent -> null document.
rapidjson::Document ParseJsonParam(const Params& params, const std::string& key) {
  rapidjson::Document doc;
  auto it = params.find(key);
  if (it == params.end()) return doc;
  doc.Parse(it->second.c_str(), it->second.size());
  if (doc.HasParseError()) {
    throw ApiError{40002, fmt::format("{}: Invalid JSON string.", key)};
  }
  return doc;
}

std::vector<std::string> StringList(const rapidjson::Value& v, const std::string& key,
                                    size_t max_items) {
  if (!v.IsArray()) throw ApiError{40002, fmt::format("{}: Not a valid list.", key)};
  if (v.Size() > max_items) {
    throw ApiError{40002, fmt::format("{}: Length must be between 1 and {}.", key, max_items)};
  }
  std::vector<std::string> out;
  for (const auto& item : v.GetArray()) {
    if (!item.IsString()) throw ApiError{40002, fmt::format("{}: Not a valid string.", key)};
    out.emplace_back(item.GetString(), item.GetStringLength());
  }
  return out;
}

void Raw(Writer& w, const std::string& token) {
  w.RawValue(token.data(), token.size(), rapidjson::kNumberType);
}

void Str(Writer& w, std::string_view s) {
  w.String(s.data(), static_cast<rapidjson::SizeType>(s.size()));
}

void Generic(Writer& w, const rapidjson::Value& schema, std::string_view field, uint64_t h,
             int64_t base_time, TimeFormat times) {
  std::string type;
  const auto& t = schema["type"];
  if (t.IsString()) {
    type = t.GetString();
  } else {
    for (const auto& item : t.GetArray()) {
      if (std::string_view(item.GetString()) != "null") type = item.GetString();
    }
  }
  bool date_time =
      schema.HasMember("format") && std::string_view(schema["format"].GetString()) == "date-time";
  if (type == "string" && date_time) {
    int64_t at = base_time + static_cast<int64_t>(h % 864000);
    Str(w, times == TimeFormat::kRfc3339 ? Rfc3339(at) : TikTokTime(at));
  } else if (type == "string") {
    Str(w, fmt::format("{}_{}", field, h % 5));
  } else if (type == "integer") {
    Raw(w, std::to_string(h % 1000));
  } else if (type == "number") {
    Raw(w, fmt::format("{}.{:02d}", h % 1000, (h >> 10) % 100));
  } else if (type == "boolean") {
    w.Bool((h & 1) != 0);
  } else if (type == "array") {
    w.StartArray();
    int n = 1 + static_cast<int>((h >> 3) % 2);
    for (int i = 0; i < n; ++i) {
      Generic(w, schema["items"], field, Mix(h, static_cast<uint64_t>(i)), base_time, times);
    }
    w.EndArray();
  } else if (type == "object") {
    w.StartObject();
    if (schema.HasMember("properties")) {
      for (const auto& m : schema["properties"].GetObject()) {
        w.Key(m.name.GetString());
        Generic(w, m.value, m.name.GetString(), Mix(h, m.name.GetString()), base_time, times);
      }
    }
    w.EndObject();
  } else {
    w.Null();
  }
}

std::string ListData(std::string_view list_key, size_t total, long long page, long long page_size,
                     const std::function<void(Writer& w, size_t index)>& row) {
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  w.StartObject();
  w.Key(list_key.data(), static_cast<rapidjson::SizeType>(list_key.size()));
  w.StartArray();
  size_t begin = static_cast<size_t>((page - 1) * page_size);
  size_t end = std::min(total, begin + static_cast<size_t>(page_size));
  for (size_t i = begin; i < end; ++i) row(w, i);
  w.EndArray();
  w.Key("page_info");
  std::string page_info = PageInfoJson(page, page_size, total);
  w.RawValue(page_info.data(), page_info.size(), rapidjson::kObjectType);
  w.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

}  // namespace sim
