// End-to-end: GMV Max stores, campaigns and reports (reference/tiktok_api.md §9.3) equal the
// simulator's data, one store per report request; the report endpoint's own rate limit and
// daily quota hold in the simulator's request log; advertisers without TikTok Shops cost one
// listing.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <set>

#include "tap/json.h"
#include "tests/e2e/harness.h"

namespace e2e {
namespace {

constexpr const char* kStart = "2025-01-15";
constexpr const char* kEnd = "2025-02-28";
constexpr std::pair<const char*, const char*> kWindows[] = {{"2025-01-15", "2025-02-13"},
                                                            {"2025-02-14", "2025-02-28"}};
const std::string kReport = "/open_api/v1.3/gmv_max/report/get/";

// One report stream and how the oracle asks for the same rows.
struct Level {
  const char* stream;
  const char* dimensions;  // JSON array
  const char* item;        // the dimension besides campaign_id and the day; "" at campaign level
};
constexpr Level kLevels[] = {
    {"gmv_max_campaign_insights_daily", R"(["campaign_id","stat_time_day"])", ""},
    {"gmv_max_product_insights_daily", R"(["campaign_id","item_group_id","stat_time_day"])",
     "item_group_id"},
    {"gmv_max_live_insights_daily", R"(["campaign_id","room_id","stat_time_day"])", "room_id"},
};

class GmvMaxTest : public ::testing::Test {
 protected:
  void SetUp() override {
    config_.advertisers = 3;  // the first and third sell through TikTok Shops
    config_.campaigns_per_advertiser = 1;
    config_.adgroups_per_campaign = 1;
    config_.ads_per_adgroup = 1;
    config_.gmv_max_every = 2;
    config_.window_days = 700;  // created 2023-01..2024-12: delivering in the window
    config_.now = 1740787200;   // 2025-03-01T00:00:00Z
  }

  void Start() {
    simulator_ = std::make_unique<sim::Simulator>(config_);
    port_ = simulator_->Start("127.0.0.1", 0);
    ASSERT_GT(port_, 0);
  }

  TapRun Run(const std::string& extra = "{}") {
    std::vector<std::string> streams = {"gmv_max_stores", "gmv_max_campaigns"};
    for (const Level& l : kLevels) streams.push_back(l.stream);
    std::string config =
        Config(port_, config_,
               MergeJson(fmt::format(R"({{"start_date":"{}","end_date":"{}","include_deleted":true,
                                   "gmv_max_requests_per_second":1000,
                                   "gmv_max_requests_per_minute":60000}})",
                                     kStart, kEnd),
                         extra));
    return RunTap({"--config", dir_.Write("config.json", config), "--catalog",
                   dir_.Write("catalog.json", CatalogSelecting(streams))},
                  dir_);
  }

  // campaign|item|day -> cost (as a number: the harness reads records as doubles), as the
  // simulator serves them to one request per store, type and
  // window (every status; product and LIVE rows by their campaigns' ids).
  std::map<std::string, double> Served(sim::Simulator& oracle, const Level& level) {
    std::map<std::string, double> rows;
    const sim::SimData& data = oracle.data();
    for (const sim::Advertiser& adv : data.advertisers) {
      for (uint32_t s : adv.stores) {
        for (bool live : {false, true}) {
          if ((level.item == std::string("item_group_id") && live) ||
              (level.item == std::string("room_id") && !live)) {
            continue;
          }
          std::vector<std::string> ids;
          for (uint32_t c : adv.gmv_campaigns) {
            const sim::GmvCampaign& g = data.gmv_campaigns[c];
            if (g.store == s && g.live == live) ids.push_back(std::to_string(g.id));
          }
          std::string filtering =
              level.item[0] == '\0'
                  ? fmt::format(
                        R"({{"gmv_max_promotion_types":["{}"],"campaign_statuses":["STATUS_ALL"]}})",
                        live ? "LIVE" : "PRODUCT")
                  : R"({"campaign_ids":)" + tap::JsonStringArray(ids) + "}";
          for (const auto& [first, last] : kWindows) {
            sim::Params params = {
                {"advertiser_id", adv.id},
                {"store_ids", tap::JsonStringArray({std::to_string(data.stores[s].id)})},
                {"dimensions", level.dimensions},
                {"metrics", R"(["cost"])"},
                {"filtering", filtering},
                {"start_date", first},
                {"end_date", last},
                {"page_size", "1000"}};
            sim::Reply reply = oracle.Handle("GET", kReport, params, config_.access_token, true);
            rapidjson::Document body;
            body.Parse(reply.body.c_str());
            EXPECT_EQ(body["code"].GetInt(), 0) << reply.body;
            for (const auto& row : body["data"]["list"].GetArray()) {
              const auto& d = row["dimensions"];
              std::string item = level.item[0] != '\0' ? d[level.item].GetString() : "";
              rows[fmt::format("{}|{}|{}", d["campaign_id"].GetString(), item,
                               std::string(d["stat_time_day"].GetString()).substr(0, 10))] =
                  std::stod(row["metrics"]["cost"].GetString());
            }
          }
        }
      }
    }
    return rows;
  }

  static std::map<std::string, double> Emitted(const Messages& m, const Level& level) {
    std::map<std::string, double> rows;
    for (const rapidjson::Value* r : m.records.at(level.stream)) {
      std::string item = level.item[0] != '\0' ? (*r)[level.item].GetString() : "";
      std::string key = fmt::format("{}|{}|{}", (*r)["campaign_id"].GetString(), item,
                                    (*r)["stat_time_day"].GetString());
      EXPECT_EQ(rows.count(key), 0u) << key << " twice";
      rows[key] = (*r)["cost"].GetDouble();
    }
    return rows;
  }

  sim::SimConfig config_;
  std::unique_ptr<sim::Simulator> simulator_;
  int port_ = 0;
  TempDir dir_;
};

TEST_F(GmvMaxTest, StoresCampaignsAndEveryReportLevelEqualTheData) {
  config_.gmv_max_qps = config_.gmv_max_qpm = 100000;
  Start();
  TapRun run = Run();
  ASSERT_EQ(run.exit_code, 0) << run.err;
  Messages m = Parse(run);
  ExpectValidSingerStream(m);
  const sim::SimData& data = simulator_->data();
  std::set<std::string> stores, campaigns, got_stores, got_campaigns;
  for (const sim::Store& s : data.stores) stores.insert(std::to_string(s.id));
  for (const sim::GmvCampaign& c : data.gmv_campaigns) campaigns.insert(std::to_string(c.id));
  for (const rapidjson::Value* r : m.records["gmv_max_stores"]) {
    got_stores.insert((*r)["store_id"].GetString());
  }
  std::map<std::string, std::string> types;
  for (const rapidjson::Value* r : m.records["gmv_max_campaigns"]) {
    got_campaigns.insert((*r)["campaign_id"].GetString());
    types[(*r)["campaign_id"].GetString()] = (*r)["gmv_max_promotion_type"].GetString();
  }
  ASSERT_FALSE(stores.empty());
  EXPECT_EQ(got_stores, stores);
  EXPECT_EQ(got_campaigns, campaigns);  // deleted ones included (include_deleted)
  for (const sim::GmvCampaign& c : data.gmv_campaigns) {
    EXPECT_EQ(types[std::to_string(c.id)], c.live ? "LIVE" : "PRODUCT");
  }
  // Each campaign's details come from /campaign/gmv_max/info/: its shop among them.
  for (const rapidjson::Value* r : m.records["gmv_max_campaigns"]) {
    std::string id = (*r)["campaign_id"].GetString();
    for (const sim::GmvCampaign& c : data.gmv_campaigns) {
      if (std::to_string(c.id) != id) continue;
      EXPECT_EQ(std::string((*r)["store_id"].GetString()), std::to_string(data.stores[c.store].id));
      EXPECT_EQ(std::string((*r)["shopping_ads_type"].GetString()), c.live ? "LIVE" : "PRODUCT");
      EXPECT_TRUE((*r)["budget"].IsNumber());
    }
  }
  size_t infos = 0;
  for (const auto& request : simulator_->RequestLog()) {
    infos += request.path == "/open_api/v1.3/campaign/gmv_max/info/";
  }
  EXPECT_EQ(infos, data.gmv_campaigns.size());  // one per campaign, none for the rest
  sim::SimConfig whole = config_;
  sim::Simulator oracle(whole);
  for (const Level& level : kLevels) {
    SCOPED_TRACE(level.stream);
    auto served = Served(oracle, level);
    ASSERT_FALSE(served.empty());
    EXPECT_EQ(Emitted(m, level), served);  // GMV Max spend, row for row
  }
  // Every report row names its store, and the campaign rows their type.
  for (const rapidjson::Value* r : m.records["gmv_max_campaign_insights_daily"]) {
    EXPECT_EQ(stores.count((*r)["store_id"].GetString()), 1u);
    EXPECT_EQ(types[(*r)["campaign_id"].GetString()],
              std::string((*r)["gmv_max_promotion_type"].GetString()));
  }
  // One store per report request, as TikTok requires.
  for (const auto& request : simulator_->RequestLog()) {
    if (request.path != kReport) continue;
    rapidjson::Document ids;
    ids.Parse(request.params.find("store_ids")->second.c_str());
    EXPECT_EQ(ids.Size(), 1u);
  }
}

TEST_F(GmvMaxTest, AdvertisersWithoutShopsCostOneListing) {
  config_.gmv_max_qps = config_.gmv_max_qpm = 100000;
  Start();
  TapRun run = Run();
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const std::string shopless = simulator_->data().advertisers[1].id;
  ASSERT_TRUE(simulator_->data().advertisers[1].stores.empty());
  std::map<std::string, int> asked;
  for (const auto& request : simulator_->RequestLog()) {
    auto adv = request.params.find("advertiser_id");
    if (adv != request.params.end() && adv->second == shopless) ++asked[request.path];
  }
  // The gmv_max_stores stream's request, and the listing its campaigns and reports share.
  EXPECT_EQ(asked["/open_api/v1.3/gmv_max/store/list/"], 2);
  EXPECT_EQ(asked["/open_api/v1.3/gmv_max/campaign/get/"], 0);
  EXPECT_EQ(asked[kReport], 0);
}

// The simulator answers 40100 past its limits; the tap paces the endpoint by its own bucket, so
// no second of the request log holds more than the limit and no request is refused.
TEST_F(GmvMaxTest, TheReportEndpointsOwnLimitHoldsInTheRequestLog) {
  config_.gmv_max_qps = 4;
  Start();
  TapRun run = Run(R"({"gmv_max_requests_per_second":4,"gmv_max_requests_per_minute":240,
                       "max_requests_per_second":50})");
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(run.err.find("40100"), std::string::npos) << run.err;
  std::vector<std::chrono::steady_clock::time_point> gmv, all;
  for (const auto& request : simulator_->RequestLog()) {
    all.push_back(request.at);
    if (request.path == kReport) gmv.push_back(request.at);
  }
  ASSERT_GT(gmv.size(), 8u);
  auto most_in_a_second = [](const std::vector<std::chrono::steady_clock::time_point>& times) {
    size_t most = 0;
    for (size_t i = 0; i < times.size(); ++i) {
      most = std::max<size_t>(
          most, std::count_if(times.begin() + static_cast<long>(i), times.end(),
                              [&](auto t) { return t - times[i] < std::chrono::seconds(1); }));
    }
    return most;
  };
  EXPECT_LE(most_in_a_second(gmv), 4u);   // the endpoint's bucket
  EXPECT_LE(most_in_a_second(all), 50u);  // the app's
}

TEST_F(GmvMaxTest, ASpentDailyQuotaStopsWithAMessageAndKeepsWhatIsDone) {
  config_.gmv_max_qps = config_.gmv_max_qpm = 100000;
  Start();
  // One worker: the quota is counted as requests start, so with several workers a request counted
  // by a worker that the stop then cancels would never be sent.
  TapRun run = Run(R"({"gmv_max_requests_per_day":5,"max_concurrency":1})");
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_NE(run.err.find("CRITICAL"), std::string::npos);
  EXPECT_NE(run.err.find("this run has made the 5 requests to /gmv_max/report/get/ that TikTok "
                         "allows an app in a day"),
            std::string::npos)
      << run.err;
  size_t reports = 0;
  for (const auto& request : simulator_->RequestLog()) reports += request.path == kReport;
  EXPECT_EQ(reports, 5u);  // the quota, and not one more: no storm of refusals
  Messages m = Parse(run);
  ASSERT_NE(m.last_state, nullptr);  // what was done is kept
}

}  // namespace
}  // namespace e2e
