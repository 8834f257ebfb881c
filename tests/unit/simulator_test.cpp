// The simulator stands in for TikTok, so its strictness is tested like product code.
#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <fmt/format.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <set>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tests/simulator/sim_server.h"

namespace sim {
namespace {

class SimulatorTest : public ::testing::Test {
 protected:
  SimulatorTest() : simulator_(Small()) {}
  static SimConfig Small() {
    SimConfig c;
    c.advertisers = 2;
    c.campaigns_per_advertiser = 13;
    return c;
  }
  rapidjson::Document Get(const std::string& path, const Params& params,
                          const char* token = "sim-token") {
    Reply reply = simulator_.Handle("GET", "/open_api/v1.3/" + path, params,
                                    token == nullptr ? "" : token, token != nullptr);
    EXPECT_EQ(reply.status, 200) << reply.body;
    rapidjson::Document doc;
    doc.Parse(reply.body.c_str());
    EXPECT_FALSE(doc.HasParseError()) << reply.body;
    return doc;
  }
  std::string Advertiser(size_t i = 0) const { return simulator_.data().advertisers[i].id; }

  Simulator simulator_;
};

TEST_F(SimulatorTest, TokenChecks) {
  EXPECT_EQ(Get("campaign/get/", {{"advertiser_id", Advertiser()}}, nullptr)["code"].GetInt(),
            40104);
  EXPECT_EQ(
      Get("campaign/get/", {{"advertiser_id", Advertiser()}}, "Bearer sim-token")["code"].GetInt(),
      40105);
  EXPECT_EQ(Get("campaign/get/", {{"advertiser_id", Advertiser()}})["code"].GetInt(), 0);
}

TEST_F(SimulatorTest, PathsNeedTheirTrailingSlash) {
  Reply reply = simulator_.Handle("GET", "/open_api/v1.3/campaign/get", {}, "sim-token", true);
  EXPECT_EQ(reply.status, 404);
  EXPECT_EQ(simulator_.Handle("GET", "/open_api/v1.3/nope/", {}, "sim-token", true).status, 404);
}

TEST_F(SimulatorTest, RejectsWhatTheApiRejects) {
  struct Case {
    Params params;
    long code;
    const char* message;
  };
  std::string adv = Advertiser();
  for (const Case& c : {
           Case{{}, 40002, "advertiser_id: Missing data"},
           Case{{{"advertiser_id", "1"}}, 40001, "No permission to operate advertiser 1"},
           Case{
               {{"advertiser_id", adv}, {"fields", "[campaign_id"}}, 40002, "fields: Invalid JSON"},
           Case{{{"advertiser_id", adv}, {"fields", R"(["nope"])"}}, 40002, "Invalid field: nope"},
           Case{{{"advertiser_id", adv}, {"page_size", "1001"}}, 40002, "page_size: Must be"},
           Case{{{"advertiser_id", adv}, {"page", "0"}}, 40002, "page: Must be"},
           Case{
               {{"advertiser_id", adv}, {"filtering", "[]"}}, 40002, "filtering: Not a valid dict"},
           Case{{{"advertiser_id", adv},
                 {"filtering", R"({"buying_types":["AUCTION","RESERVATION_TOP_VIEW"]})"}},
                40002,
                "cannot be used together"},
           Case{{{"advertiser_id", adv},
                 {"page_size", "500"},
                 {"filtering", R"({"buying_types":["RESERVATION_TOP_VIEW"]})"}},
                40002,
                "less than or equal to 100"},
           Case{{{"advertiser_id", adv}, {"filtering", R"({"primary_status":"STATUS_MAYBE"})"}},
                40002,
                "Invalid value STATUS_MAYBE"},
       }) {
    rapidjson::Document doc = Get("campaign/get/", c.params);
    EXPECT_EQ(doc["code"].GetInt(), c.code) << c.message;
    EXPECT_NE(std::string(doc["message"].GetString()).find(c.message), std::string::npos)
        << doc["message"].GetString();
    EXPECT_TRUE(doc["data"].IsObject());
  }
  rapidjson::Document many = Get("advertiser/info/", {{"advertiser_ids", R"(["1"])"}});
  EXPECT_EQ(many["code"].GetInt(), 40001);
  rapidjson::Document audiences =
      Get("dmp/custom_audience/list/", {{"advertiser_id", adv}, {"page_size", "101"}});
  EXPECT_EQ(audiences["code"].GetInt(), 40002);
}

TEST_F(SimulatorTest, PagesAreConsistentAndComplete) {
  std::set<std::string> seen;
  long total = -1;
  for (int page = 1; page <= 100; ++page) {
    rapidjson::Document doc = Get("ad/get/", {{"advertiser_id", Advertiser()},
                                              {"page", std::to_string(page)},
                                              {"page_size", "7"},
                                              {"filtering", R"({"primary_status":"STATUS_ALL"})"}});
    ASSERT_EQ(doc["code"].GetInt(), 0);
    const auto& info = doc["data"]["page_info"];
    total = info["total_number"].GetInt();
    EXPECT_EQ(info["total_page"].GetInt(), (total + 6) / 7);
    for (const auto& row : doc["data"]["list"].GetArray()) seen.insert(row["ad_id"].GetString());
    if (page >= info["total_page"].GetInt()) {
      // Past the last page: an empty list, same page_info totals.
      rapidjson::Document past =
          Get("ad/get/", {{"advertiser_id", Advertiser()},
                          {"page", std::to_string(page + 1)},
                          {"page_size", "7"},
                          {"filtering", R"({"primary_status":"STATUS_ALL"})"}});
      EXPECT_EQ(past["data"]["list"].Size(), 0u);
      break;
    }
  }
  EXPECT_EQ(static_cast<long>(seen.size()), total);
}

TEST_F(SimulatorTest, DefaultsHideDeletedAndTopViewObjects) {
  size_t live_regular = 0, all_regular = 0, top_view = 0;
  for (const Entity& e : simulator_.data().campaigns) {
    if (e.advertiser != 0) continue;
    if (e.promote) continue;  // hidden by default (see the Promote test)
    bool regular = e.buying_type != BuyingType::kReservationTopView;
    all_regular += regular;
    live_regular += regular && !e.deleted;
    top_view += !regular;
  }
  auto count = [&](const char* filtering) {
    Params params = {{"advertiser_id", Advertiser()}, {"page_size", "100"}};
    if (filtering != nullptr) params.emplace("filtering", filtering);
    return Get("campaign/get/", params)["data"]["page_info"]["total_number"].GetUint64();
  };
  EXPECT_EQ(count(nullptr), live_regular);
  EXPECT_EQ(count(R"({"primary_status":"STATUS_ALL"})"), all_regular);
  EXPECT_EQ(count(R"({"secondary_status":"CAMPAIGN_STATUS_ALL"})"), all_regular);
  EXPECT_EQ(count(R"({"buying_types":["RESERVATION_TOP_VIEW"],"primary_status":"STATUS_ALL"})"),
            top_view);
}

TEST_F(SimulatorTest, IdsAreStringsAboveTwoToThe53AndTimesAreTikTokFormat) {
  rapidjson::Document doc = Get("ad/get/", {{"advertiser_id", Advertiser()}, {"page_size", "5"}});
  const auto& row = doc["data"]["list"][0];
  ASSERT_TRUE(row["ad_id"].IsString());
  EXPECT_GT(std::stoull(row["ad_id"].GetString()), 1ULL << 53);
  EXPECT_EQ(std::string(row["create_time"].GetString()).size(), 19u);  // YYYY-MM-DD HH:MM:SS
  rapidjson::Document info =
      Get("advertiser/info/", {{"advertiser_ids", "[\"" + Advertiser() + "\"]"}});
  EXPECT_TRUE(info["data"]["list"][0]["create_time"].IsInt64());  // epoch seconds
}

TEST_F(SimulatorTest, PromoteObjectsOnlyWhenAskedForOnTheirOwn) {
  std::set<std::string> promote;
  for (const Entity& e : simulator_.data().campaigns) {
    if (e.advertiser == 0 && e.promote && !e.deleted) promote.insert(std::to_string(e.id));
  }
  ASSERT_FALSE(promote.empty());
  auto list = [&](const char* filtering) {
    return Get("campaign/get/",
               {{"advertiser_id", Advertiser()}, {"page_size", "100"}, {"filtering", filtering}});
  };
  rapidjson::Document doc = list(R"({"campaign_system_origins":["PROMOTE"]})");
  std::set<std::string> got;
  for (const auto& row : doc["data"]["list"].GetArray()) {
    got.insert(row["campaign_id"].GetString());
    // §3.3: six fields, and the origin.
    std::set<std::string> fields;
    for (const auto& m : row.GetObject()) fields.insert(m.name.GetString());
    EXPECT_EQ(fields, (std::set<std::string>{"advertiser_id", "campaign_id", "campaign_name",
                                             "campaign_system_origin", "create_time",
                                             "operation_status", "secondary_status"}));
  }
  EXPECT_EQ(got, promote);
  rapidjson::Document regular = list(R"({"campaign_system_origins":["TT_ADS_PLATFORM"]})");
  for (const auto& row : regular["data"]["list"].GetArray()) {
    EXPECT_EQ(promote.count(row["campaign_id"].GetString()), 0u);
    EXPECT_FALSE(row.HasMember("campaign_system_origin"));
  }
  EXPECT_EQ(list(R"({"campaign_system_origins":["PROMOTE","TT_ADS_PLATFORM"]})")["code"].GetInt(),
            40002);
}

TEST_F(SimulatorTest, PromoteReportsRefuseWhatPromoteDoesNotSupport) {
  auto report = [&](const std::string& dimensions, const std::string& filtering,
                    const char* level = "AUCTION_AD") {
    return Get("report/integrated/get/", {{"advertiser_id", Advertiser()},
                                          {"report_type", "BASIC"},
                                          {"data_level", level},
                                          {"dimensions", dimensions},
                                          {"start_date", "2024-06-01"},
                                          {"end_date", "2024-06-02"},
                                          {"filtering", filtering}})["code"]
        .GetInt();
  };
  std::string promote =
      R"({"field_name":"campaign_system_origins","filter_type":"IN","filter_value":"[\"PROMOTE\"]"})";
  EXPECT_EQ(report(R"(["ad_id","stat_time_day"])", "[" + promote + "]"), 0);
  EXPECT_EQ(report(R"(["ad_id","stat_time_day","country_code"])", "[" + promote + "]"), 40002);
  EXPECT_EQ(
      report(
          R"(["ad_id","stat_time_day"])",
          "[" + promote +
              R"(,{"field_name":"buying_type","filter_type":"IN","filter_value":"[\"AUCTION\"]"}])"),
      40002);
  // Advertiser totals include every origin: there is no such filter at that level.
  EXPECT_EQ(
      report(R"(["advertiser_id","stat_time_day"])", "[" + promote + "]", "AUCTION_ADVERTISER"),
      40002);
}

TEST(SimulatorTruncation, ReportsKeepTheNewestIdsAndSaySo) {
  SimConfig c;
  c.advertisers = 1;
  c.campaigns_per_advertiser = 10;
  c.report_id_limit = 4;
  c.promote_every = 0;
  Simulator simulator(c);
  Params params = {
      {"advertiser_id", simulator.data().advertisers[0].id},
      {"report_type", "BASIC"},
      {"data_level", "AUCTION_CAMPAIGN"},
      {"dimensions", R"(["campaign_id"])"},
      {"start_date", "2023-01-01"},
      {"end_date", "2023-12-31"},
      {"page_size", "1000"},
      {"filtering",
       R"([{"field_name":"campaign_status","filter_type":"IN","filter_value":"[\"STATUS_ALL\"]"}])"}};
  Reply cut =
      simulator.Handle("GET", "/open_api/v1.3/report/integrated/get/", params, "sim-token", true);
  ASSERT_EQ(cut.headers.size(), 1u);
  EXPECT_EQ(cut.headers[0].first, "X-Tt-Ads-Throttle");
  rapidjson::Document doc;
  doc.Parse(cut.body.c_str());
  std::vector<const Entity*> newest;
  for (const Entity& e : simulator.data().campaigns) newest.push_back(&e);
  std::sort(newest.begin(), newest.end(),
            [](const Entity* a, const Entity* b) { return a->create_time > b->create_time; });
  std::set<std::string> allowed;
  for (size_t i = 0; i < 4; ++i) allowed.insert(std::to_string(newest[i]->id));
  for (const auto& row : doc["data"]["list"].GetArray()) {
    EXPECT_EQ(allowed.count(row["dimensions"]["campaign_id"].GetString()), 1u);
  }
  // Filtered to fewer ids than the limit: whole, and no warning.
  params.erase("filtering");
  params.emplace(
      "filtering",
      fmt::format(
          R"([{{"field_name":"campaign_ids","filter_type":"IN","filter_value":"[\"{}\"]"}}])",
          newest[9]->id));
  Reply whole =
      simulator.Handle("GET", "/open_api/v1.3/report/integrated/get/", params, "sim-token", true);
  EXPECT_TRUE(whole.headers.empty());
}

TEST_F(SimulatorTest, SomeAdsComeWithoutModifyTime) {
  bool found = false;
  for (const Entity& ad : simulator_.data().ads) found = found || !ad.has_modify_time;
  EXPECT_TRUE(found) << "the data set should exercise the Smart+ fallback";
}

TEST_F(SimulatorTest, ListsAuthorizedAdvertisersOnlyWithAppCredentials) {
  EXPECT_EQ(Get("oauth2/advertiser/get/", {{"app_id", "x"}, {"secret", "y"}})["code"].GetInt(),
            40101);
  rapidjson::Document ok = Get("oauth2/advertiser/get/",
                               {{"app_id", "7100000000000000001"}, {"secret", "sim-app-secret"}});
  EXPECT_EQ(ok["data"]["list"].Size(), 2u);
}

}  // namespace
}  // namespace sim

namespace sim {
namespace {

TEST_F(SimulatorTest, LibraryEndpointsRefuseWhatTheApiRefuses) {
  struct Case {
    std::string path;
    Params params;
    long code;
    const char* message;
  };
  const std::string a = Advertiser();
  const std::string pixel = std::to_string(
      simulator_.data().assets[simulator_.data().advertisers[0].library[6].front()].id);
  for (const Case& c : {
           Case{"file/image/ad/search/", {}, 40002, "advertiser_id: Missing data"},
           Case{"file/image/ad/search/", {{"advertiser_id", "1"}}, 40001, "No permission"},
           Case{"file/image/ad/search/",
                {{"advertiser_id", a}, {"page_size", "101"}},
                40002,
                "page_size: Must be greater than or equal to 1 and less than or equal to 100."},
           Case{"tt_video/list/", {{"advertiser_id", a}, {"page_size", "51"}}, 40002, "50."},
           Case{"pixel/list/", {{"advertiser_id", a}, {"page_size", "21"}}, 40002, "20."},
           Case{"file/video/ad/search/",
                {{"advertiser_id", a}, {"filtering", R"({"x":1})"}},
                40002,
                "filtering.x: Unknown field."},
           Case{"file/music/get/",
                {{"advertiser_id", a}, {"page", "101"}, {"page_size", "1000"}},
                40002,
                "page * page_size"},
           Case{"identity/get/",
                {{"advertiser_id", a}, {"identity_type", "BC_AUTH_TT"}},
                40002,
                "identity_authorized_bc_id: Required"},
           Case{"pixel/event/stats/", {{"advertiser_id", a}}, 40002, "pixel_ids: Missing"},
           Case{"pixel/event/stats/",
                {{"advertiser_id", a},
                 {"pixel_ids", R"(["1","2","3","4","5","6","7","8","9","10","11"])"},
                 {"date_range", R"({"start_date":"2024-01-01","end_date":"2024-01-01"})"}},
                40002,
                "pixel_ids: Length must be between 1 and 10."},
           Case{"pixel/event/stats/",
                {{"advertiser_id", a},
                 {"pixel_ids", "[\"" + pixel + "\"]"},
                 {"date_range", R"({"start_date":"2024-01-01","end_date":"2024-01-31"})"}},
                40002,
                "date_range: Cannot exceed 30 days."},
           Case{"pixel/event/stats/",
                {{"advertiser_id", a},
                 {"pixel_ids", R"(["42"])"},
                 {"date_range", R"({"start_date":"2024-01-01","end_date":"2024-01-02"})"}},
                40002,
                "pixel_ids: Invalid pixel id 42."},
           Case{"bc/asset/get/", {{"asset_type", "ADVERTISER"}}, 40002, "bc_id: Missing"},
           Case{"bc/asset/get/",
                {{"bc_id", simulator_.data().business_centers[0].id}},
                40002,
                "asset_type: Missing"},
           Case{"bc/get/", {{"page_size", "51"}}, 40002, "50."},
       }) {
    rapidjson::Document doc = Get(c.path, c.params);
    EXPECT_EQ(doc["code"].GetInt(), c.code) << c.path << " " << c.message;
    std::string message = doc["message"].GetString();
    EXPECT_NE(message.find(c.message), std::string::npos) << c.path << ": " << message;
  }
}

TEST_F(SimulatorTest, SmartPlusEndpointsAndAdIdV2RefuseWhatTheApiRefuses) {
  struct Case {
    std::string path;
    Params params;
    const char* message;
  };
  const std::string a = Advertiser();
  const Params report = {{"advertiser_id", a},         {"report_type", "BASIC"},
                         {"data_level", "AUCTION_AD"}, {"start_date", "2024-01-01"},
                         {"end_date", "2024-01-02"},   {"metrics", R"(["spend"])"}};
  auto with = [&](Params p, std::string key, std::string value) {  // sets `key` to `value`
    p.erase(key);
    p.emplace(std::move(key), std::move(value));
    return p;
  };
  Params v2 = with(report, "dimensions", R"(["ad_id_v2","stat_time_day"])");
  for (const Case& c : {
           Case{"smart_plus/ad/get/", {{"advertiser_id", a}, {"page_size", "101"}}, "100."},
           Case{"smart_plus/campaign/get/", {{"advertiser_id", a}, {"page_size", "1001"}}, "1000."},
           Case{"smart_plus/ad/get/",
                {{"advertiser_id", a}, {"fields", R"(["smart_plus_ad_id"])"}},
                "fields: Invalid field: smart_plus_ad_id."},
           Case{
               "smart_plus/campaign/get/",
               {{"advertiser_id", a}, {"filtering", R"({"modified_after":"2024-01-01 00:00:00"})"}},
               "filtering.modified_after: Unknown field."},
           Case{"smart_plus/adgroup/get/",
                {{"advertiser_id", a}, {"filtering", R"({"smart_plus_ad_ids":["1"]})"}},
                "filtering.smart_plus_ad_ids: Unknown field."},
           Case{"report/integrated/get/",
                with(report, "dimensions", R"(["ad_id","ad_id_v2","stat_time_day"])"),
                "dimensions: ad_id_v2 cannot be used with ad_id."},
           Case{"report/integrated/get/", with(v2, "metrics", R"(["ad_id"])"),
                "metrics: ad_id cannot be used with ad_id_v2."},
           Case{"report/integrated/get/",
                with(v2, "filtering",
                     R"([{"field_name":"ad_ids","filter_type":"IN","filter_value":"[\"1\"]"}])"),
                "filtering: ad_ids cannot be used with ad_id_v2."},
           Case{"report/integrated/get/",
                with(with(report, "dimensions", R"(["ad_id","stat_time_day"])"), "filtering",
                     R"([{"field_name":"ad_ids_v2","filter_type":"IN","filter_value":"[\"1\"]"}])"),
                "filtering: ad_ids_v2 needs the ad_id_v2 dimension."},
       }) {
    rapidjson::Document doc = Get(c.path, c.params);
    EXPECT_EQ(doc["code"].GetInt(), 40002) << c.path << " " << c.message;
    std::string message = doc["message"].GetString();
    EXPECT_NE(message.find(c.message), std::string::npos) << c.path << ": " << message;
  }
}

TEST_F(SimulatorTest, BusinessCenterReportsTakeABcIdAndNoAdAccount) {
  const std::string bc = simulator_.data().business_centers[0].id;
  Params ok = {{"bc_id", bc},
               {"report_type", "BC"},
               {"dimensions", R"(["advertiser_id","stat_time_day"])"},
               {"metrics", R"(["spend"])"},
               {"start_date", "2024-01-01"},
               {"end_date", "2024-12-30"}};
  rapidjson::Document good = Get("report/integrated/get/", ok);
  EXPECT_EQ(good["code"].GetInt(), 0) << good["message"].GetString();
  auto with = [&](std::string key, std::string value) {
    Params p = ok;
    p.erase(key);
    p.emplace(std::move(key), std::move(value));
    return p;
  };
  for (const auto& [params, message] : std::vector<std::pair<Params, std::string>>{
           {with("advertiser_id", Advertiser()), "advertiser_id: Not supported"},
           {with("data_level", "AUCTION_AD"), "data_level: Not supported"},
           {with("dimensions", R"(["campaign_id"])"), "campaign_id is not supported in BC"},
           {with("end_date", "2024-12-31"), "cannot exceed 365 days"},
           {with("bc_id", "1"), "No permission to operate Business Center 1"}}) {
    rapidjson::Document doc = Get("report/integrated/get/", params);
    EXPECT_NE(doc["code"].GetInt(), 0);
    EXPECT_NE(std::string(doc["message"].GetString()).find(message), std::string::npos)
        << doc["message"].GetString();
  }
}

TEST_F(SimulatorTest, SmartPlusAdsListTheirCreativesAndHideDeletedOnes) {
  const SimData& data = simulator_.data();
  size_t live = 0, all = 0;
  for (uint32_t i : data.advertisers[0].smart_plus_ads) {
    ++all;
    live += !data.smart_plus_ads[i].deleted;
  }
  ASSERT_GT(all, 0u);
  rapidjson::Document deflt =
      Get("smart_plus/ad/get/", {{"advertiser_id", Advertiser()}, {"page_size", "100"}});
  ASSERT_EQ(deflt["code"].GetInt(), 0) << deflt["message"].GetString();
  EXPECT_EQ(deflt["data"]["list"].Size(), live);
  rapidjson::Document every =
      Get("smart_plus/ad/get/", {{"advertiser_id", Advertiser()},
                                 {"page_size", "100"},
                                 {"filtering", R"({"primary_status":"STATUS_ALL"})"}});
  ASSERT_EQ(every["data"]["list"].Size(), all);
  for (const auto& ad : every["data"]["list"].GetArray()) {
    ASSERT_TRUE(ad.HasMember("smart_plus_ad_id"));
    ASSERT_TRUE(ad["creative_list"].IsArray());
    EXPECT_EQ(ad["creative_list"].Size(), static_cast<size_t>(simulator_.config().ads_per_adgroup));
  }
}

TEST_F(SimulatorTest, LibraryListsUseTheirOwnKeysAndTimeFormats) {
  const std::string a = Advertiser();
  for (const auto& [path, key] : std::vector<std::pair<std::string, std::string>>{
           {"file/image/ad/search/", "list"},
           {"file/music/get/", "musics"},
           {"creative/portfolio/list/", "creative_portfolios"},
           {"identity/get/", "identity_list"},
           {"pixel/list/", "pixels"}}) {
    rapidjson::Document doc = Get(path, {{"advertiser_id", a}});
    ASSERT_EQ(doc["code"].GetInt(), 0) << path;
    ASSERT_TRUE(doc["data"][key.c_str()].IsArray()) << path;
    EXPECT_GT(doc["data"][key.c_str()].Size(), 0u) << path;
    EXPECT_TRUE(doc["data"].HasMember("page_info")) << path;
  }
  rapidjson::Document images = Get("file/image/ad/search/", {{"advertiser_id", a}});
  std::string modified = images["data"]["list"][0]["modify_time"].GetString();
  EXPECT_EQ(modified.size(), 20u);  // RFC 3339: 2020-06-10T07:39:14Z
  EXPECT_EQ(modified[10], 'T');
  EXPECT_EQ(modified.back(), 'Z');
  rapidjson::Document pixels = Get("pixel/list/", {{"advertiser_id", a}});
  EXPECT_TRUE(pixels["data"]["pixels"][0]["create_time"].IsInt64());  // epoch milliseconds
  EXPECT_GT(pixels["data"]["pixels"][0]["create_time"].GetInt64(), 1000000000000);
  rapidjson::Document posts = Get("tt_video/list/", {{"advertiser_id", a}});
  EXPECT_TRUE(posts["data"]["list"][0]["item_info"]["item_id"].IsString());
  // Music: the account's uploads with sources USER; TikTok's catalog otherwise.
  rapidjson::Document all = Get("file/music/get/", {{"advertiser_id", a}});
  rapidjson::Document user =
      Get("file/music/get/", {{"advertiser_id", a}, {"filtering", R"({"sources":["USER"]})"}});
  EXPECT_GT(all["data"]["musics"].Size(), user["data"]["musics"].Size());
}

TEST_F(SimulatorTest, PixelStatisticsSumTheirDays) {
  const std::string a = Advertiser();
  rapidjson::Document pixels = Get("pixel/list/", {{"advertiser_id", a}});
  std::string ids =
      "[\"" + std::string(pixels["data"]["pixels"][0]["pixel_id"].GetString()) + "\"]";
  auto total = [&](const char* first, const char* last) {
    rapidjson::Document doc =
        Get("pixel/event/stats/",
            {{"advertiser_id", a},
             {"pixel_ids", ids},
             {"date_range", fmt::format(R"({{"start_date":"{}","end_date":"{}"}})", first, last)}});
    EXPECT_EQ(doc["code"].GetInt(), 0) << doc["message"].GetString();
    return doc["data"]["list"][0]["statistics"][0]["total_count"].GetInt64();
  };
  // Two days after the pixel's creation (counts are zero before it).
  int64_t created = pixels["data"]["pixels"][0]["create_time"].GetInt64() / 1000;
  auto day = [&](int64_t offset) {
    time_t t = static_cast<time_t>(created + offset * 86400);
    char buffer[16];
    strftime(buffer, sizeof buffer, "%Y-%m-%d", gmtime(&t));
    return std::string(buffer);
  };
  std::string d1 = day(1), d2 = day(2);
  long long both = total(d1.c_str(), d2.c_str());
  EXPECT_GT(both, 0);
  EXPECT_EQ(both, total(d1.c_str(), d1.c_str()) + total(d2.c_str(), d2.c_str()));
  EXPECT_EQ(total(day(-3).c_str(), day(-2).c_str()), 0) << "nothing before the pixel existed";
}

TEST(SimulatorBusinessCenters, ListBcOnlyAccountsThatTheTokenListingLacks) {
  SimConfig c;
  c.advertisers = 2;
  c.bc_only_advertisers = 1;
  Simulator simulator(c);
  auto get = [&](const std::string& path, const Params& params) {
    Reply reply = simulator.Handle("GET", "/open_api/v1.3/" + path, params, "sim-token", true);
    rapidjson::Document doc;
    doc.Parse(reply.body.c_str());
    return doc;
  };
  rapidjson::Document authorized =
      get("oauth2/advertiser/get/", {{"app_id", c.app_id}, {"secret", c.secret}});
  EXPECT_EQ(authorized["data"]["list"].Size(), 2u);
  const std::string bc_only = simulator.data().advertisers.back().id;
  rapidjson::Document assets =
      get("bc/asset/get/",
          {{"bc_id", simulator.data().business_centers[0].id}, {"asset_type", "ADVERTISER"}});
  std::set<std::string> ids;
  for (const auto& row : assets["data"]["list"].GetArray()) ids.insert(row["asset_id"].GetString());
  EXPECT_TRUE(ids.count(bc_only));
  // The BC-only account is readable with the token.
  EXPECT_EQ(get("campaign/get/", {{"advertiser_id", bc_only}})["code"].GetInt(), 0);
}

// README's recipe says `curl -X POST .../_sim/restate`: a POST without a body or a
// Content-Length, which cpp-httplib would refuse with 400 if it read the body first.
TEST(SimulatorControl, ABarePostRestates) {
  Simulator simulator(SimConfig{});
  int port = simulator.Start("127.0.0.1", 0);
  ASSERT_GT(port, 0);
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  const std::string request =
      "POST /_sim/restate HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
  ASSERT_EQ(write(fd, request.data(), request.size()), static_cast<ssize_t>(request.size()));
  std::string response;
  char buffer[512];
  for (ssize_t n; (n = read(fd, buffer, sizeof buffer)) > 0;) response.append(buffer, n);
  close(fd);
  EXPECT_EQ(response.rfind("HTTP/1.1 200", 0), 0u) << response;
  EXPECT_NE(response.find(R"({"generation":1})"), std::string::npos) << response;
}

TEST(SimulatorControl, HelpExitsZeroWithWhatATapConfigNeeds) {
  std::FILE* pipe = popen(SIMULATOR_BINARY " --advertisers 2 --bc-only-advertisers 1 --help", "r");
  ASSERT_NE(pipe, nullptr);
  std::string out;
  char buffer[512];
  for (size_t n; (n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0;) out.append(buffer, n);
  int status = pclose(pipe);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0);
  SimConfig config;
  config.advertisers = 2;
  config.bc_only_advertisers = 1;
  SimData data = Generate(config);
  EXPECT_NE(out.find("Usage: tiktok-simulator"), std::string::npos);
  EXPECT_NE(out.find("access_token:   sim-token"), std::string::npos) << out;
  EXPECT_NE(out.find("secret:         sim-app-secret"), std::string::npos) << out;
  EXPECT_NE(out.find(fmt::format(R"(advertiser_ids: ["{}", "{}"])", data.advertisers[0].id,
                                 data.advertisers[1].id)),
            std::string::npos)
      << out;
  EXPECT_NE(out.find(data.business_centers[0].id), std::string::npos) << out;
  EXPECT_NE(out.find(data.advertisers[2].id), std::string::npos) << "the BC-only account";
}

TEST(SimulatorRequestLog, FileGetsOneLinePerApiRequest) {
  std::string path = testing::TempDir() + "/sim-requests.tsv";
  std::remove(path.c_str());
  {
    Simulator simulator(SimConfig{});
    ASSERT_TRUE(simulator.SetRequestLogFile(path));
    simulator.Handle("GET", "/open_api/v1.3/campaign/get/", {{"advertiser_id", "1"}}, "sim-token",
                     true);
    simulator.Handle("GET", "/_sim/stats", {}, "", false);  // control paths are not logged
  }
  std::ifstream in(path);
  std::string line;
  std::vector<std::string> lines;
  while (std::getline(in, line)) lines.push_back(line);
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_NE(lines[0].find("\t/open_api/v1.3/campaign/get/\t-"), std::string::npos) << lines[0];
}

}  // namespace
}  // namespace sim
