// End-to-end: the creative library, identities, pixels and Business Centers (reference §3.8,
// §3.9, §9.3), the built tap-tiktok-ads against the simulator on loopback.
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <time.h>

#include <map>
#include <set>

#include "tap/json.h"
#include "tests/e2e/harness.h"

namespace e2e {
namespace {

using tap::ToJson;

constexpr int64_t kSimNow = 1719705600;  // 2024-06-30T00:00:00Z

// RFC 3339 of a TikTok time: "YYYY-MM-DD HH:MM:SS", epoch milliseconds, or RFC 3339 already.
std::string ExpectedTime(const rapidjson::Value& v) {
  std::string text = v.IsString() ? v.GetString() : ToJson(v);
  struct tm tm {};
  if (text.find('-') == std::string::npos) {
    time_t t = static_cast<time_t>(std::stoll(text) / 1000);  // pixels: epoch milliseconds
    gmtime_r(&t, &tm);
  } else if (text.find('T') == std::string::npos) {
    strptime(text.c_str(), "%Y-%m-%d %H:%M:%S", &tm);
  } else {
    return text;
  }
  char buffer[32];
  strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buffer;
}

// The value the tap must write for `want` under `schema`, as JSON text.
std::string Expected(const rapidjson::Value& schema, const rapidjson::Value& want) {
  if (want.IsNull()) return "null";
  bool date_time =
      schema.HasMember("format") && std::string(schema["format"].GetString()) == "date-time";
  if (date_time) return "\"" + ExpectedTime(want) + "\"";
  if (want.IsObject() && schema.HasMember("properties")) {
    std::string out = "{";
    for (const auto& p : schema["properties"].GetObject()) {
      const char* name = p.name.GetString();
      if (!want.HasMember(name)) continue;  // nested objects keep only what TikTok sent
      out += std::string(out.size() > 1 ? "," : "") + "\"" + name +
             "\":" + Expected(p.value, want[name]);
    }
    return out + "}";
  }
  if (want.IsArray() && schema.HasMember("items")) {
    std::string out = "[";
    for (const auto& item : want.GetArray()) {
      out += (out.size() > 1 ? "," : "") + Expected(schema["items"], item);
    }
    return out + "]";
  }
  return ToJson(want);
}

class LibraryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    config_.advertisers = 3;
    config_.campaigns_per_advertiser = 1;
    config_.library_per_advertiser = 5;
    config_.bc_only_advertisers = 1;
    config_.now = kSimNow;
    simulator_ = std::make_unique<sim::Simulator>(config_);
    port_ = simulator_->Start("127.0.0.1", 0);
    ASSERT_GT(port_, 0);
  }

  TapRun Run(const std::vector<std::string>& streams, const std::string& extra = "{}",
             const std::string& state = "") {
    std::vector<std::string> args = {
        "--config",
        dir_.Write("config.json",
                   Config(port_, config_,
                          MergeJson(R"({"start_date":"2024-06-27","end_date":"2024-06-29",)"
                                    R"("page_size":3})",
                                    extra))),
        "--catalog", dir_.Write("catalog.json", CatalogSelecting(streams))};
    if (!state.empty()) {
      args.push_back("--state");
      args.push_back(dir_.Write("state.json", state));
    }
    return RunTap(args, dir_);
  }

  // Every row the simulator serves at `path` with `params`, paging as a client would.
  std::vector<rapidjson::Document> Served(const std::string& path, sim::Params params,
                                          const std::string& list_key) {
    std::vector<rapidjson::Document> rows;
    for (int page = 1;; ++page) {
      params.erase("page");
      params.emplace("page", std::to_string(page));
      sim::Reply reply =
          simulator_->Handle("GET", "/open_api/v1.3/" + path, params, config_.access_token, true);
      rapidjson::Document body;
      body.Parse<rapidjson::kParseNumbersAsStringsFlag>(reply.body.c_str());
      EXPECT_EQ(std::string(body["code"].GetString()), "0") << reply.body.substr(0, 300);
      if (!body["data"].HasMember(list_key.c_str())) return rows;
      for (auto& row : body["data"][list_key.c_str()].GetArray()) {
        rapidjson::Document copy;
        copy.CopyFrom(row, copy.GetAllocator());
        rows.push_back(std::move(copy));
      }
      if (!body["data"].HasMember("page_info") ||
          page >= std::stoi(body["data"]["page_info"]["total_page"].GetString())) {
        return rows;
      }
    }
  }

  // The advertisers /oauth2/advertiser/get/ lists (the BC-only account is not among them).
  std::vector<std::string> Authorized() const {
    std::vector<std::string> ids;
    for (const auto& adv : simulator_->data().advertisers) {
      if (!adv.bc_only) ids.push_back(adv.id);
    }
    return ids;
  }

  std::vector<std::string> Paths() {
    std::vector<std::string> paths;
    for (const auto& r : simulator_->RequestLog()) paths.push_back(r.path);
    return paths;
  }

  sim::SimConfig config_;
  std::unique_ptr<sim::Simulator> simulator_;
  int port_ = 0;
  TempDir dir_;
};

// Records of `stream`, exact number tokens, by their key values joined with '|'.
std::map<std::string, rapidjson::Document> Records(const TapRun& run, const std::string& stream,
                                                   const std::vector<std::string>& keys) {
  std::map<std::string, rapidjson::Document> out;
  for (const std::string& line : run.lines) {
    rapidjson::Document doc;
    doc.Parse<rapidjson::kParseNumbersAsStringsFlag>(line.c_str());
    if (std::string(doc["type"].GetString()) != "RECORD" || stream != doc["stream"].GetString()) {
      continue;
    }
    std::string key;
    for (const std::string& k : keys)
      key += (key.empty() ? "" : "|") + ToJson(doc["record"][k.c_str()]);
    rapidjson::Document record;
    record.CopyFrom(doc["record"], record.GetAllocator());
    EXPECT_EQ(out.count(key), 0u) << stream << " " << key << " emitted twice";
    out[key] = std::move(record);
  }
  return out;
}

// One per-advertiser list endpoint of the library.
struct Listed {
  std::string stream, path, list_key, id;
  int page_size;
  std::string filtering = "";
  std::string nested = "";  // the member holding the row's own fields
};

const std::vector<Listed>& LibraryStreams() {
  static const std::vector<Listed> streams = {
      {"creative_images", "file/image/ad/search/", "list", "image_id", 100},
      {"creative_videos", "file/video/ad/search/", "list", "video_id", 100},
      {"creative_music", "file/music/get/", "musics", "music_id", 1000, R"({"sources":["USER"]})"},
      {"creative_portfolios", "creative/portfolio/list/", "creative_portfolios",
       "creative_portfolio_id", 100},
      {"spark_ads_posts", "tt_video/list/", "list", "item_id", 50, "", "item_info"},
      {"identities", "identity/get/", "identity_list", "identity_id", 100},
      {"pixels", "pixel/list/", "pixels", "pixel_id", 20},
  };
  return streams;
}

TEST_F(LibraryTest, EveryLibraryStreamEqualsWhatTheSimulatorServes) {
  std::vector<std::string> names;
  for (const Listed& l : LibraryStreams()) names.push_back(l.stream);
  TapRun run = Run(names);
  ASSERT_EQ(run.exit_code, 0) << run.err;
  Messages messages = Parse(run);
  ExpectValidSingerStream(messages);
  for (const Listed& l : LibraryStreams()) {
    SCOPED_TRACE(l.stream);
    auto emitted = Records(run, l.stream, {"advertiser_id", l.id});
    const rapidjson::Value& props = messages.schemas[l.stream]["schema"]["properties"];
    size_t served = 0;
    for (const std::string& adv : Authorized()) {
      sim::Params params = {{"advertiser_id", adv}, {"page_size", std::to_string(l.page_size)}};
      if (!l.filtering.empty()) params.emplace("filtering", l.filtering);
      for (const auto& row : Served(l.path, params, l.list_key)) {
        const rapidjson::Value& own = l.nested.empty() ? row : row[l.nested.c_str()];
        std::string key = fmt::format(R"("{}"|{})", adv, ToJson(own[l.id.c_str()]));
        ASSERT_TRUE(emitted.count(key)) << key << " missing";
        const rapidjson::Value& record = emitted[key];
        EXPECT_EQ(record.MemberCount(), props.MemberCount());
        for (const auto& p : props.GetObject()) {
          const char* name = p.name.GetString();
          if (std::string(name) == "advertiser_id") continue;
          const rapidjson::Value* want = own.HasMember(name)   ? &own[name]
                                         : row.HasMember(name) ? &row[name]
                                                               : nullptr;
          std::string expected = want != nullptr ? Expected(p.value, *want) : "null";
          EXPECT_EQ(ToJson(record[name]), expected) << key << "." << name;
        }
        ++served;
      }
    }
    EXPECT_GT(served, 0u);
    EXPECT_EQ(emitted.size(), served);
  }
  // Music: only the account's uploads, never TikTok's system catalog.
  for (const auto& [key, record] : Records(run, "creative_music", {"music_id"})) {
    EXPECT_EQ(ToJson(record["sources"]), R"(["USER"])") << key;
  }
}

TEST_F(LibraryTest, EachRequestRespectsItsEndpointsPageSizeMaximum) {
  TapRun run = Run({"creative_images", "spark_ads_posts", "pixels"}, R"({"page_size":1000})");
  ASSERT_EQ(run.exit_code, 0) << run.err;
  std::map<std::string, std::string> maxima = {{"/open_api/v1.3/file/image/ad/search/", "100"},
                                               {"/open_api/v1.3/tt_video/list/", "50"},
                                               {"/open_api/v1.3/pixel/list/", "20"}};
  for (const auto& r : simulator_->RequestLog()) {
    if (maxima.count(r.path) == 0) continue;
    EXPECT_EQ(r.params.find("page_size")->second, maxima[r.path]) << r.path;
  }
}

TEST_F(LibraryTest, AnIncrementalRunReturnsOnlyWhatChanged) {
  TapRun first = Run({"creative_images", "creative_videos"});
  ASSERT_EQ(first.exit_code, 0) << first.err;
  Messages messages = Parse(first);
  ASSERT_NE(messages.last_state, nullptr);
  std::string state = ToJson(*messages.last_state);
  int64_t latest = 0;
  for (const auto& a : simulator_->data().assets) latest = std::max(latest, a.modify_time);
  std::vector<std::string> changed = simulator_->Modify("creative_images", 1, 2, latest + 86400);
  ASSERT_EQ(changed.size(), 2u);

  TapRun second = Run({"creative_images", "creative_videos"}, "{}", state);
  ASSERT_EQ(second.exit_code, 0) << second.err << "\nstate: " << state;
  auto images = Records(second, "creative_images", {"advertiser_id", "image_id"});
  // The two changed images, plus at most the newest one per advertiser, which sits at the
  // bookmark itself (a bookmark is inclusive, so nothing modified in its second is lost).
  std::string when = ExpectedTime(rapidjson::Value(sim::TikTokTime(latest + 86400).c_str(), 0));
  size_t at_when = 0;
  for (const auto& [key, record] : images) at_when += record["modify_time"].GetString() == when;
  EXPECT_EQ(at_when, 2u);
  EXPECT_LE(images.size(), 2u + Authorized().size());
  EXPECT_LT(images.size(), Records(first, "creative_images", {"advertiser_id", "image_id"}).size());
  EXPECT_LE(Records(second, "creative_videos", {"advertiser_id", "video_id"}).size(),
            Authorized().size());
}

TEST_F(LibraryTest, BcIdsAloneExtractEveryBoundAccountOfTheBusinessCenter) {
  const sim::BusinessCenter& bc = simulator_->data().business_centers.front();
  TapRun run = Run({"advertisers", "pixels"},
                   fmt::format(R"({{"app_id":"","secret":"","bc_ids":["{}"]}})", bc.id));
  ASSERT_EQ(run.exit_code, 0) << run.err;
  std::set<std::string> expected;
  for (uint32_t a : bc.advertisers) expected.insert(simulator_->data().advertisers[a].id);
  std::set<std::string> got;
  for (const auto& [key, record] : Records(run, "advertisers", {"advertiser_id"})) {
    got.insert(record["advertiser_id"].GetString());
  }
  EXPECT_EQ(got, expected);
  const std::string bc_only = simulator_->data().advertisers.back().id;
  EXPECT_TRUE(got.count(bc_only)) << "the account /oauth2/advertiser/get/ does not list";
  EXPECT_FALSE(got.count(bc.pending.front())) << "an invitation is not an account";
  EXPECT_NE(run.err.find("1 ad account(s) with relation status PENDING are not read"),
            std::string::npos)
      << run.err;
  for (const std::string& path : Paths()) EXPECT_NE(path, "/open_api/v1.3/oauth2/advertiser/get/");
}

TEST_F(LibraryTest, DiscoveredBusinessCentersAddTheirAccountsToTheAuthorizedOnes) {
  TapRun run = Run({"advertisers", "business_centers", "bc_advertisers"},
                   R"({"discover_bc_advertisers":true})");
  ASSERT_EQ(run.exit_code, 0) << run.err;
  std::vector<std::string> expected = Authorized();
  expected.push_back(simulator_->data().advertisers.back().id);  // the BC-only account
  EXPECT_EQ(Records(run, "advertisers", {"advertiser_id"}).size(), expected.size());
  auto bcs = Records(run, "business_centers", {"bc_id"});
  EXPECT_EQ(bcs.size(), simulator_->data().business_centers.size());
  // The relation stream: every account of every BC, the pending invitation included.
  auto relations = Records(run, "bc_advertisers", {"bc_id", "advertiser_id"});
  size_t want = 0;
  for (const auto& bc : simulator_->data().business_centers) {
    want += bc.advertisers.size() + bc.pending.size();
    for (uint32_t a : bc.advertisers) {
      const auto& adv = simulator_->data().advertisers[a];
      std::string key = fmt::format(R"("{}"|"{}")", bc.id, adv.id);
      ASSERT_TRUE(relations.count(key)) << key;
      EXPECT_EQ(std::string(relations[key]["advertiser_name"].GetString()), adv.name);
      EXPECT_EQ(std::string(relations[key]["relation_status"].GetString()), "BOUND");
    }
  }
  EXPECT_EQ(relations.size(), want);
}

TEST_F(LibraryTest, PixelStatisticsAreOneRecordPerPixelDayAndEvent) {
  TapRun run = Run({"pixel_event_stats"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  ExpectValidSingerStream(Parse(run));
  auto records =
      Records(run, "pixel_event_stats", {"advertiser_id", "pixel_id", "stat_date", "event_type"});
  size_t expected = 0, counted = 0;
  for (const std::string& adv : Authorized()) {
    auto pixels = Served("pixel/list/", {{"advertiser_id", adv}, {"page_size", "20"}}, "pixels");
    ASSERT_FALSE(pixels.empty());
    for (const char* day : {"2024-06-27", "2024-06-28", "2024-06-29"}) {
      std::string ids = "[";
      for (const auto& p : pixels) ids += (ids.size() > 1 ? "," : "") + ToJson(p["pixel_id"]);
      auto stats = Served(
          "pixel/event/stats/",
          {{"advertiser_id", adv},
           {"pixel_ids", ids + "]"},
           {"date_range", fmt::format(R"({{"start_date":"{}","end_date":"{}"}})", day, day)}},
          "list");
      for (const auto& row : stats) {
        for (const auto& entry : row["statistics"].GetArray()) {
          std::string type = entry.HasMember("pixel_event_type")
                                 ? entry["pixel_event_type"].GetString()
                                 : entry["custom_event_type"].GetString();
          std::string key =
              fmt::format(R"("{}"|{}|"{}"|"{}")", adv, ToJson(row["pixel_id"]), day, type);
          ASSERT_TRUE(records.count(key)) << key;
          EXPECT_EQ(ToJson(records[key]["total_count"]), ToJson(entry["total_count"])) << key;
          EXPECT_EQ(ToJson(records[key]["attributed_count"]), ToJson(entry["attributed_count"]));
          ++expected;
          counted += ToJson(entry["total_count"]) != R"("0")";
        }
      }
    }
  }
  EXPECT_EQ(records.size(), expected);
  EXPECT_GT(counted, 0u) << "some pixel existed on those days";
  // One UTC day and at most 10 pixels a request.
  for (const auto& r : simulator_->RequestLog()) {
    if (r.path != "/open_api/v1.3/pixel/event/stats/") continue;
    rapidjson::Document range;
    range.Parse(r.params.find("date_range")->second.c_str());
    EXPECT_EQ(std::string(range["start_date"].GetString()), range["end_date"].GetString());
  }
  Messages messages = Parse(run);
  ASSERT_NE(messages.last_state, nullptr);
  EXPECT_NE(ToJson(*messages.last_state).find(R"("pixel_event_stats")"), std::string::npos);
}

TEST_F(LibraryTest, DeselectedFieldsAreLeftOutOfSchemaAndRecords) {
  rapidjson::Document catalog;
  catalog.Parse(CatalogSelecting({"creative_images", "pixels"}).c_str());
  for (auto& entry : catalog["streams"].GetArray()) {
    for (auto& md : entry["metadata"].GetArray()) {
      const auto& crumb = md["breadcrumb"];
      bool dropped = crumb.Size() == 2 && (std::string(crumb[1].GetString()) == "file_name" ||
                                           std::string(crumb[1].GetString()) == "events");
      if (dropped) md["metadata"]["selected"] = false;
    }
  }
  TapRun run = RunTap({"--config", dir_.Write("config.json", Config(port_, config_)), "--catalog",
                       dir_.Write("narrow.json", ToJson(catalog))},
                      dir_);
  ASSERT_EQ(run.exit_code, 0) << run.err;
  Messages messages = Parse(run);
  EXPECT_FALSE(messages.schemas["creative_images"]["schema"]["properties"].HasMember("file_name"));
  EXPECT_FALSE(messages.schemas["pixels"]["schema"]["properties"].HasMember("events"));
  ASSERT_FALSE(messages.records["creative_images"].empty());
  for (const auto* record : messages.records["creative_images"]) {
    EXPECT_FALSE(record->HasMember("file_name"));
    EXPECT_TRUE(record->HasMember("image_id"));
  }
  for (const auto* record : messages.records["pixels"]) EXPECT_FALSE(record->HasMember("events"));
}

// README's join table, checked: every reference an ad or ad group makes lands in its stream.
TEST_F(LibraryTest, AdsJoinToTheLibraryStreamsAsReadmeSays) {
  TapRun run = Run({"ads", "adgroups", "creative_videos", "creative_images", "creative_music",
                    "identities", "spark_ads_posts", "pixels"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  Messages m = Parse(run);
  auto ids = [&](const std::string& stream, const char* field) {
    std::set<std::string> out;
    for (const auto* r : m.records[stream]) {
      out.insert(std::string((*r)["advertiser_id"].GetString()) + "|" + (*r)[field].GetString());
    }
    return out;
  };
  struct Join {
    std::string from;
    const char* field;
    std::string to;
    const char* key;
  };
  for (const Join& j : {Join{"ads", "video_id", "creative_videos", "video_id"},
                        Join{"ads", "image_ids", "creative_images", "image_id"},
                        Join{"ads", "music_id", "creative_music", "music_id"},
                        Join{"ads", "identity_id", "identities", "identity_id"},
                        Join{"ads", "tiktok_item_id", "spark_ads_posts", "item_id"},
                        Join{"adgroups", "pixel_id", "pixels", "pixel_id"}}) {
    std::set<std::string> targets = ids(j.to, j.key);
    size_t joined = 0;
    for (const auto* r : m.records[j.from]) {
      const rapidjson::Value& v = (*r)[j.field];
      if (v.IsNull()) continue;
      // Within the same ad account (image ids and the like are unique only there).
      std::string advertiser = (*r)["advertiser_id"].GetString();
      std::vector<std::string> referenced;
      if (v.IsArray()) {
        for (const auto& id : v.GetArray()) referenced.emplace_back(id.GetString());
      } else {
        referenced.emplace_back(v.GetString());
      }
      for (const std::string& id : referenced) {
        bool found = targets.count(advertiser + "|" + id) != 0;
        EXPECT_TRUE(found) << j.from << "." << j.field << " " << advertiser << "|" << id;
        joined += found;
      }
    }
    EXPECT_GT(joined, 0u) << j.from << "." << j.field;
  }
}

TEST_F(LibraryTest, UnselectedStreamsMakeNoRequests) {
  TapRun run = Run({"campaigns"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  for (const std::string& path : Paths()) {
    EXPECT_TRUE(path == "/open_api/v1.3/campaign/get/" ||
                path == "/open_api/v1.3/oauth2/advertiser/get/")
        << path;
  }
}

}  // namespace
}  // namespace e2e
