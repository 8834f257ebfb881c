#include "tests/simulator/sim_library.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <set>

namespace sim {
namespace {

// Fields written specially, or not at all, by the generic row writer.
const std::set<std::string_view> kNotGeneric = {"advertiser_id", "create_time", "modify_time"};

const char* const kStandardEvents[] = {"COMPLETE_PAYMENT", "ADD_TO_CART", "PAGE_VIEW",
                                       "SUBMIT_FORM", "INITIATE_ORDER"};
const char* const kIdentityTypes[] = {"CUSTOMIZED_USER", "TT_USER", "BC_AUTH_TT", "AUTH_CODE"};
constexpr int kSystemTracks = 3;  // TikTok's own music, listed unless sources asks for USER only

struct Lister;
using RowWriter = void (*)(Writer& w, const Lister& lister, const Asset& asset,
                           const SimData& data);

// One list endpoint of an advertiser's assets: what it serves and how strictly.
struct Lister {
  std::string_view path;
  AssetKind kind;
  std::string_view schema;    // the tap's schema of the stream, for the field vocabulary
  std::string_view id_field;  // the row's id
  std::string_view list_key;  // the array in `data`
  int default_page_size;
  int max_page_size;
  std::set<std::string_view> filters;  // the `filtering` fields it accepts
  std::string_view id_filter;          // the filtering field that selects ids
  RowWriter row;
};

}  // namespace

std::string LibraryAssetId(const Asset& a) {
  switch (a.kind) {
    case AssetKind::kImage:
      return fmt::format("v0201/{:016x}", a.id);
    case AssetKind::kVideo:
      return fmt::format("v10033g50000{:x}", a.id);
    default:
      return std::to_string(a.id);
  }
}

namespace {

std::string AssetId(const Asset& a) { return LibraryAssetId(a); }

// The asset of `kind` that reference `h` picks, or nullptr when the advertiser has none.
const Asset* Pick(const Advertiser& adv, const SimData& data, AssetKind kind, uint64_t h) {
  const std::vector<uint32_t>& mine = adv.library[static_cast<size_t>(kind)];
  return mine.empty() ? nullptr : &data.assets[mine[h % mine.size()]];
}

struct Reference {
  std::string_view field;
  AssetKind kind;
};
constexpr Reference kReferences[] = {
    {"video_id", AssetKind::kVideo},         {"image_ids", AssetKind::kImage},
    {"music_id", AssetKind::kMusic},         {"identity_id", AssetKind::kIdentity},
    {"identity_type", AssetKind::kIdentity}, {"tiktok_item_id", AssetKind::kPost},
    {"pixel_id", AssetKind::kPixel},
};

}  // namespace

bool WriteAssetReference(Writer& w, std::string_view field, const Advertiser& adv,
                         const SimData& data, uint64_t row) {
  for (const Reference& r : kReferences) {
    if (r.field != field) continue;
    // Picked by the row and the kind, so identity_id and identity_type name the same identity.
    const Asset* a = Pick(adv, data, r.kind, Mix(row, static_cast<uint64_t>(r.kind)));
    if (a == nullptr) return false;
    if (field == "image_ids") {
      w.StartArray();
      Str(w, AssetId(*a));
      w.EndArray();
    } else if (field == "identity_type") {
      Str(w, kIdentityTypes[a->id % 4]);
    } else {
      Str(w, AssetId(*a));
    }
    return true;
  }
  return false;
}

namespace {

// The members of `props` (minus `skip`), each derived from the asset; times as the endpoint
// writes them.
void Fields(Writer& w, const Lister& l, const Asset& a, const rapidjson::Value& props,
            const std::set<std::string_view>& skip, TimeFormat times) {
  for (const auto& m : props.GetObject()) {
    std::string_view f = m.name.GetString();
    if (kNotGeneric.count(f) != 0 || skip.count(f) != 0) continue;
    uint64_t h = Mix(a.id, f);
    if (f != l.id_field && h % 9 == 0) continue;  // optional fields are often absent
    w.Key(f.data(), static_cast<rapidjson::SizeType>(f.size()));
    if (f == l.id_field) {
      Str(w, AssetId(a));
    } else {
      Generic(w, m.value, f, h, a.create_time, times);
    }
  }
}

void Times(Writer& w, const Asset& a) {
  w.Key("create_time");
  Str(w, Rfc3339(a.create_time));
  w.Key("modify_time");
  Str(w, Rfc3339(a.modify_time));
}

// Creative assets: flat rows with RFC 3339 times (§6).
void CreativeRow(Writer& w, const Lister& l, const Asset& a, const SimData&) {
  w.StartObject();
  Fields(w, l, a, SchemaProperties(l.schema), {}, TimeFormat::kRfc3339);
  if (l.kind != AssetKind::kPortfolio) Times(w, a);
  w.EndObject();
}

void MusicRow(Writer& w, const Lister& l, const Asset& a, const SimData&) {
  w.StartObject();
  Fields(w, l, a, SchemaProperties(l.schema), {"sources"}, TimeFormat::kRfc3339);
  w.Key("sources");
  w.StartArray();
  w.String("USER");
  w.EndArray();
  Times(w, a);
  w.EndObject();
}

// Spark Ads posts: {item_info, auth_info, user_info, video_info}; authorization times in
// TikTok's "YYYY-MM-DD HH:MM:SS".
void PostRow(Writer& w, const Lister& l, const Asset& a, const SimData&) {
  static const std::set<std::string_view> kOuter = {"auth_info", "user_info", "video_info"};
  const rapidjson::Value& props = SchemaProperties(l.schema);
  w.StartObject();
  w.Key("item_info");
  w.StartObject();
  Fields(w, l, a, props, kOuter, TimeFormat::kTikTok);
  w.EndObject();
  for (std::string_view outer : kOuter) {
    w.Key(outer.data(), static_cast<rapidjson::SizeType>(outer.size()));
    Generic(w, props[outer.data()], outer, Mix(a.id, outer), a.create_time);
  }
  w.EndObject();
}

void IdentityRow(Writer& w, const Lister& l, const Asset& a, const SimData&) {
  w.StartObject();
  Fields(w, l, a, SchemaProperties(l.schema), {"identity_type"}, TimeFormat::kTikTok);
  w.Key("identity_type");
  Str(w, kIdentityTypes[a.id % 4]);
  w.EndObject();
}

// A pixel's events: two standard events and one custom event, the same on every call.
void PixelEvents(Writer& w, const Asset& a) {
  w.Key("events");
  w.StartArray();
  for (int e = 0; e < 3; ++e) {
    w.StartObject();
    w.Key("event_id");
    Str(w, std::to_string(a.id * 10 + static_cast<uint64_t>(e)));
    bool custom = e == 2;
    std::string type = custom ? fmt::format("CUSTOM_SIGNUP_{}", a.id % 100)
                              : kStandardEvents[(a.id + static_cast<uint64_t>(e)) % 5];
    w.Key(custom ? "custom_event_type" : "event_type");
    Str(w, type);
    w.Key("name");
    Str(w, fmt::format("Event {}", e + 1));
    w.Key("statistic_type");
    Str(w, e == 0 ? "ONCE" : "EVERY_TIME");
    w.Key("deprecated");
    w.Bool(false);
    w.EndObject();
  }
  w.EndArray();
}

// Pixels: create_time in epoch milliseconds (§3.9), events as PixelEvents.
void PixelRow(Writer& w, const Lister& l, const Asset& a, const SimData&) {
  w.StartObject();
  Fields(w, l, a, SchemaProperties(l.schema), {"events"}, TimeFormat::kTikTok);
  w.Key("create_time");
  Raw(w, std::to_string(a.create_time * 1000 + static_cast<int64_t>(a.id % 1000)));
  PixelEvents(w, a);
  w.EndObject();
}

const std::vector<Lister>& Listers() {
  static const std::vector<Lister> listers = {
      {"file/image/ad/search/",
       AssetKind::kImage,
       "creative_images",
       "image_id",
       "list",
       20,
       100,
       {"image_ids", "material_ids", "width", "height", "ratio", "displayable"},
       "image_ids",
       CreativeRow},
      {"file/video/ad/search/",
       AssetKind::kVideo,
       "creative_videos",
       "video_id",
       "list",
       20,
       100,
       {"video_ids", "material_ids", "video_name", "video_material_source", "width", "height",
        "ratio", "displayable"},
       "video_ids",
       CreativeRow},
      {"file/music/get/",
       AssetKind::kMusic,
       "creative_music",
       "music_id",
       "musics",
       1000,
       1000,
       {"music_ids", "material_ids", "styles", "sources", "keyword"},
       "music_ids",
       MusicRow},
      {"creative/portfolio/list/",
       AssetKind::kPortfolio,
       "creative_portfolios",
       "creative_portfolio_id",
       "creative_portfolios",
       20,
       100,
       {"creative_portfolio_types", "creative_portfolio_ids"},
       "creative_portfolio_ids",
       CreativeRow},
      {"tt_video/list/",
       AssetKind::kPost,
       "spark_ads_posts",
       "item_id",
       "list",
       20,
       50,
       {},
       "",
       PostRow},
      {"identity/get/",
       AssetKind::kIdentity,
       "identities",
       "identity_id",
       "identity_list",
       20,
       100,
       {"keyword"},
       "",
       IdentityRow},
      {"pixel/list/", AssetKind::kPixel, "pixels", "pixel_id", "pixels", 10, 20, {}, "", PixelRow},
  };
  return listers;
}

const Lister* FindLister(std::string_view path) {
  for (const Lister& l : Listers()) {
    if (l.path == path) return &l;
  }
  return nullptr;
}

// The filtering object of a list request: only fields the endpoint knows; the ids it selects.
struct Filter {
  std::set<std::string> ids;
  bool user_only = false;  // music: sources ["USER"]
};

Filter ReadFilter(const Lister& l, const Params& params) {
  Filter out;
  rapidjson::Document filtering = ParseJsonParam(params, "filtering");
  if (filtering.IsNull()) return out;
  if (!filtering.IsObject()) throw ApiError{40002, "filtering: Not a valid dict."};
  for (const auto& m : filtering.GetObject()) {
    std::string key = m.name.GetString();
    if (l.filters.count(key) == 0) {
      throw ApiError{40002, fmt::format("filtering.{}: Unknown field.", key)};
    }
    if (key == l.id_filter) {
      for (std::string& id : StringList(m.value, "filtering." + key, 100)) out.ids.insert(id);
    } else if (key == "sources") {
      std::vector<std::string> sources = StringList(m.value, "filtering.sources", 1);
      out.user_only = !sources.empty() && sources[0] == "USER";
    }
  }
  return out;
}

// Music in TikTok's own catalog: no times, source SYSTEM.
void SystemTrack(Writer& w, int index) {
  w.StartObject();
  w.Key("music_id");
  Str(w, std::to_string(6900000000000000001ULL + static_cast<uint64_t>(index)));
  w.Key("sources");
  w.StartArray();
  w.String("SYSTEM");
  w.EndArray();
  w.Key("duration");
  Raw(w, "30.5");
  w.Key("style");
  Str(w, "POP");
  w.EndObject();
}

std::string ListAssets(const Lister& l, const SimData& data, const Params& params) {
  const Advertiser& adv = RequiredAdvertiser(data, params);
  long long page = ParseInt(params, "page", 1, 1, 99999);
  long long page_size = ParseInt(params, "page_size", l.default_page_size, 1, l.max_page_size);
  if (l.kind == AssetKind::kMusic && page * page_size > 100000) {
    throw ApiError{40002, "page * page_size: Must be less than or equal to 100000."};
  }
  Filter filter = ReadFilter(l, params);
  std::vector<const Asset*> matched;
  for (uint32_t index : adv.library[static_cast<size_t>(l.kind)]) {
    const Asset& a = data.assets[index];
    if (filter.ids.empty() || filter.ids.count(AssetId(a)) != 0) matched.push_back(&a);
  }
  bool system = l.kind == AssetKind::kMusic && !filter.user_only && filter.ids.empty();
  size_t total = matched.size() + (system ? kSystemTracks : 0);
  return ListData(l.list_key, total, page, page_size, [&](Writer& w, size_t i) {
    if (i < matched.size()) {
      l.row(w, l, *matched[i], data);
    } else {
      SystemTrack(w, static_cast<int>(i - matched.size()));
    }
  });
}

// Strict checks of parameters that only some list endpoints have.
void CheckListParams(const Lister& l, const Params& params) {
  if (l.kind == AssetKind::kIdentity) {
    std::string type = Param(params, "identity_type");
    bool known = type.empty() || std::find(std::begin(kIdentityTypes), std::end(kIdentityTypes),
                                           type) != std::end(kIdentityTypes);
    if (!known) throw ApiError{40002, fmt::format("identity_type: Invalid value {}.", type)};
    if (type == "BC_AUTH_TT" && Param(params, "identity_authorized_bc_id").empty()) {
      throw ApiError{40002,
                     "identity_authorized_bc_id: Required when identity_type is BC_AUTH_TT."};
    }
  }
  if (l.kind == AssetKind::kPost) {
    rapidjson::Document types = ParseJsonParam(params, "item_types");
    if (!types.IsNull()) {
      for (const std::string& t : StringList(types, "item_types", 2)) {
        if (t != "VIDEO" && t != "CAROUSEL") {
          throw ApiError{40002, fmt::format("item_types: Invalid value {}.", t)};
        }
      }
    }
  }
}

// ---- Pixel event statistics: UTC days, at most 10 pixels and 30 days a request (§3.9).

int64_t DayOf(const std::string& text, const char* field) {
  struct tm tm {};
  const char* end = strptime(text.c_str(), "%Y-%m-%d", &tm);
  if (text.size() != 10 || end == nullptr || *end != '\0') {
    throw ApiError{40002, fmt::format("date_range.{}: Not a valid date.", field)};
  }
  return timegm(&tm) / 86400;
}

std::pair<int64_t, int64_t> DateRange(const Params& params) {
  rapidjson::Document range = ParseJsonParam(params, "date_range");
  if (range.IsNull()) throw ApiError{40002, "date_range: Missing data for required field."};
  if (!range.IsObject() || !range.HasMember("start_date") || !range.HasMember("end_date") ||
      !range["start_date"].IsString() || !range["end_date"].IsString()) {
    throw ApiError{40002, "date_range: Must hold start_date and end_date."};
  }
  int64_t first = DayOf(range["start_date"].GetString(), "start_date");
  int64_t last = DayOf(range["end_date"].GetString(), "end_date");
  if (last < first) throw ApiError{40002, "date_range: end_date is before start_date."};
  if (last - first + 1 > 30) throw ApiError{40002, "date_range: Cannot exceed 30 days."};
  return {first, last};
}

// One event's count of one kind on one UTC day: none before the pixel existed or after today.
long long DayCount(const Asset& pixel, int event, int64_t day, int64_t today, int salt) {
  if (day < pixel.create_time / 86400 || day > today) return 0;
  uint64_t h =
      Mix(Mix(pixel.id, static_cast<uint64_t>(day)), static_cast<uint64_t>(event * 8 + salt));
  return static_cast<long long>(h % 50);
}

void PixelStatistics(Writer& w, const Asset& pixel, std::pair<int64_t, int64_t> range,
                     int64_t today) {
  static const char* const kCounts[] = {"attributed_count", "preview_count",
                                        "browser_event_total_count", "server_event_total_count"};
  w.StartArray();
  for (int e = 0; e < 3; ++e) {
    long long sums[4] = {0, 0, 0, 0};
    for (int64_t day = range.first; day <= range.second; ++day) {
      for (int c = 0; c < 4; ++c) sums[c] += DayCount(pixel, e, day, today, c);
    }
    w.StartObject();
    bool custom = e == 2;
    w.Key(custom ? "custom_event_type" : "pixel_event_type");
    Str(w, custom ? fmt::format("CUSTOM_SIGNUP_{}", pixel.id % 100)
                  : kStandardEvents[(pixel.id + static_cast<uint64_t>(e)) % 5]);
    for (int c = 0; c < 4; ++c) {
      w.Key(kCounts[c]);
      Raw(w, std::to_string(sums[c]));
    }
    w.Key("total_count");
    Raw(w, std::to_string(sums[2] + sums[3]));
    w.EndObject();
  }
  w.EndArray();
}

std::string PixelStats(const SimData& data, const SimConfig& config, const Params& params) {
  const Advertiser& adv = RequiredAdvertiser(data, params);
  rapidjson::Document ids_doc = ParseJsonParam(params, "pixel_ids");
  if (ids_doc.IsNull()) throw ApiError{40002, "pixel_ids: Missing data for required field."};
  std::vector<std::string> ids = StringList(ids_doc, "pixel_ids", 10);
  auto range = DateRange(params);
  int64_t today = SimNow(config) / 86400;
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  w.StartObject();
  w.Key("list");
  w.StartArray();
  for (const std::string& id : ids) {
    const Asset* pixel = nullptr;
    for (uint32_t index : adv.library[static_cast<size_t>(AssetKind::kPixel)]) {
      if (std::to_string(data.assets[index].id) == id) pixel = &data.assets[index];
    }
    if (pixel == nullptr) throw ApiError{40002, fmt::format("pixel_ids: Invalid pixel id {}.", id)};
    w.StartObject();
    w.Key("pixel_id");
    Str(w, id);
    w.Key("statistics");
    PixelStatistics(w, *pixel, range, today);
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  return {buffer.GetString(), buffer.GetSize()};
}

// ---- Business Centers (§9.3): the token's, not an advertiser's.

std::string Page(const std::vector<std::string>& rows, long long page, long long page_size) {
  std::string out = R"({"list":[)";
  size_t begin = static_cast<size_t>((page - 1) * page_size);
  size_t end = std::min(rows.size(), begin + static_cast<size_t>(page_size));
  for (size_t i = begin; i < end; ++i) out += (i > begin ? "," : "") + rows[i];
  return out + R"(],"page_info":)" + PageInfoJson(page, page_size, rows.size()) + "}";
}

std::string BcRow(const BusinessCenter& bc, size_t index) {
  return fmt::format(
      R"({{"bc_info":{{"bc_id":"{}","name":"{}","company":"Simulated Company {}",)"
      R"("currency":"USD","registered_area":"US","status":"ENABLE","timezone":"Etc/GMT",)"
      R"("type":"{}"}},"user_role":"{}","ext_user_role":{{"finance_role":"{}"}}}})",
      bc.id, bc.name, index + 1, index == 0 ? "AGENCY" : "NORMAL",
      index == 0 ? "ADMIN" : "STANDARD", index == 0 ? "MANAGER" : "ANALYST");
}

std::string BusinessCenters(const SimData& data, const Params& params) {
  long long page = ParseInt(params, "page", 1, 1, 99999);
  long long page_size = ParseInt(params, "page_size", 10, 1, 50);
  std::string only = Param(params, "bc_id");
  std::vector<std::string> rows;
  for (size_t i = 0; i < data.business_centers.size(); ++i) {
    if (only.empty() || data.business_centers[i].id == only) {
      rows.push_back(BcRow(data.business_centers[i], i));
    }
  }
  return Page(rows, page, page_size);
}

std::string AssetRow(const std::string& id, const std::string& name, const char* status,
                     const BusinessCenter& bc) {
  return fmt::format(
      R"({{"asset_type":"ADVERTISER","asset_id":"{}","asset_name":"{}",)"
      R"("relation_type":"OWNER_BC","relation_status":"{}","advertiser_status":"STATUS_ENABLE",)"
      R"("advertiser_account_type":"AUCTION","advertiser_role":"ADMIN","owner_bc_name":"{}"}})",
      id, name, status, bc.name);
}

std::string BcAssets(const SimData& data, const Params& params) {
  std::string id = Param(params, "bc_id");
  if (id.empty()) throw ApiError{40002, "bc_id: Missing data for required field."};
  static const std::set<std::string> kTypes = {"ADVERTISER", "CATALOG", "TIKTOK_SHOP",
                                               "PIXEL",      "LEAD",    "TT_ACCOUNT"};
  std::string type = Param(params, "asset_type");
  if (kTypes.count(type) == 0) {
    throw ApiError{40002, type.empty() ? "asset_type: Missing data for required field."
                                       : fmt::format("asset_type: Invalid value {}.", type)};
  }
  long long page = ParseInt(params, "page", 1, 1, 99999);
  long long page_size = ParseInt(params, "page_size", 10, 1, 50);
  auto bc = std::find_if(data.business_centers.begin(), data.business_centers.end(),
                         [&](const BusinessCenter& b) { return b.id == id; });
  if (bc == data.business_centers.end()) {
    throw ApiError{40001, fmt::format("No permission to operate Business Center {}.", id)};
  }
  std::vector<std::string> rows;
  if (type == "ADVERTISER") {
    for (uint32_t a : bc->advertisers) {
      rows.push_back(AssetRow(data.advertisers[a].id, data.advertisers[a].name, "BOUND", *bc));
    }
    for (const std::string& pending : bc->pending) {
      rows.push_back(AssetRow(pending, "Invited account", "PENDING", *bc));
    }
  }
  return Page(rows, page, page_size);
}

}  // namespace

bool IsLibraryEndpoint(std::string_view endpoint) {
  return FindLister(endpoint) != nullptr || endpoint == "pixel/event/stats/" ||
         endpoint == "bc/get/" || endpoint == "bc/asset/get/";
}

std::string LibraryData(std::string_view endpoint, const SimData& data, const SimConfig& config,
                        const Params& params) {
  if (const Lister* l = FindLister(endpoint)) {
    CheckListParams(*l, params);
    return ListAssets(*l, data, params);
  }
  if (endpoint == "pixel/event/stats/") return PixelStats(data, config, params);
  if (endpoint == "bc/get/") return BusinessCenters(data, params);
  return BcAssets(data, params);
}

}  // namespace sim
