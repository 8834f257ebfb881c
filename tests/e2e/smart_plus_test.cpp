// End-to-end: Upgraded Smart+ campaigns, ad groups and ads (reference/tiktok_api.md §9.1) equal
// the simulator's, their ad report under ad_id_v2 joins to smart_plus_ads and adds up to their
// creatives' rows in ad_insights_daily, and advertisers without Smart+ cost one listing.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <cmath>
#include <ctime>
#include <map>
#include <set>

#include "tap/json.h"
#include "tap/timestamp.h"
#include "tests/e2e/harness.h"

namespace e2e {
namespace {

const std::vector<std::string> kStreams = {"smart_plus_campaigns", "smart_plus_adgroups",
                                           "smart_plus_ads",       "smart_plus_ad_insights_daily",
                                           "ad_insights_daily",    "advertiser_insights_daily"};

class SmartPlusTest : public ::testing::Test {
 protected:
  void SetUp() override {
    config_.advertisers = 4;
    config_.campaigns_per_advertiser = 5;
    config_.adgroups_per_campaign = 2;
    config_.ads_per_adgroup = 3;
    config_.smart_plus_every = 3;
    config_.promote_every = 0;
    config_.window_days = 600;  // created 2023-01..2024-08
    config_.now = 1740787200;   // 2025-03-01T00:00:00Z
    simulator_ = std::make_unique<sim::Simulator>(config_);
    port_ = simulator_->Start("127.0.0.1", 0);
    ASSERT_GT(port_, 0);
  }

  TapRun Run(const std::string& extra = "{}", std::vector<std::string> args = {}) {
    std::string config = Config(
        port_, config_,
        MergeJson(R"({"start_date":"2025-01-15","end_date":"2025-02-28","include_deleted":true})",
                  extra));
    args.insert(args.begin(), {"--config", dir_.Write("config.json", config), "--catalog",
                               dir_.Write("catalog.json", CatalogSelecting(kStreams, false))});
    return RunTap(args, dir_);
  }

  // The ids the simulator holds of Smart+ `objects` (campaigns, ad groups or ads).
  static std::set<std::string> SmartPlusIds(const std::vector<sim::Entity>& objects) {
    std::set<std::string> ids;
    for (const sim::Entity& e : objects) {
      if (e.smart_plus) ids.insert(std::to_string(e.id));
    }
    return ids;
  }

  static std::set<std::string> Ids(const Messages& m, const std::string& stream, const char* key) {
    std::set<std::string> ids;
    for (const rapidjson::Value* r : m.records.at(stream)) {
      EXPECT_TRUE(ids.insert((*r)[key].GetString()).second) << stream << " " << key << " twice";
    }
    return ids;
  }

  sim::SimConfig config_;
  std::unique_ptr<sim::Simulator> simulator_;
  int port_ = 0;
  TempDir dir_;
};

// Spend in thousandths (exact: TikTok writes at most three decimals).
long long Millis(const rapidjson::Value& spend) {
  return std::llround(std::stod(tap::ToJson(spend)) * 1000);
}

TEST_F(SmartPlusTest, StreamsEqualTheDataAndTheAdReportJoinsToItsAdsAndCreatives) {
  TapRun run = Run();
  ASSERT_EQ(run.exit_code, 0) << run.err;
  Messages m = Parse(run);
  ExpectValidSingerStream(m);
  const sim::SimData& data = simulator_->data();
  std::set<std::string> ads = SmartPlusIds(data.smart_plus_ads);
  ASSERT_FALSE(ads.empty());
  EXPECT_EQ(Ids(m, "smart_plus_campaigns", "campaign_id"), SmartPlusIds(data.campaigns));
  EXPECT_EQ(Ids(m, "smart_plus_adgroups", "adgroup_id"), SmartPlusIds(data.adgroups));
  EXPECT_EQ(Ids(m, "smart_plus_ads", "smart_plus_ad_id"), ads);

  // Each creative (an ad_id of ad_insights_daily) belongs to one Smart+ ad.
  std::map<std::string, std::string> ad_of;
  for (const rapidjson::Value* ad : m.records["smart_plus_ads"]) {
    for (const auto& creative : (*ad)["creative_list"].GetArray()) {
      ad_of[creative["ad_material_id"].GetString()] = (*ad)["smart_plus_ad_id"].GetString();
    }
  }
  ASSERT_FALSE(ad_of.empty());
  // smart_plus_ad|day -> spend: the report's rows, and the sum of their creatives' rows.
  std::map<std::string, long long> reported, creatives;
  for (const rapidjson::Value* r : m.records["smart_plus_ad_insights_daily"]) {
    std::string ad = (*r)["ad_id_v2"].GetString();
    EXPECT_EQ(ads.count(ad), 1u) << "a row of " << ad << ", which is no Smart+ ad";
    std::string key = ad + "|" + (*r)["stat_time_day"].GetString();
    EXPECT_EQ(reported.count(key), 0u) << key << " twice";
    reported[key] = Millis((*r)["spend"]);
  }
  for (const rapidjson::Value* r : m.records["ad_insights_daily"]) {
    auto it = ad_of.find((*r)["ad_id"].GetString());
    if (it != ad_of.end()) {
      creatives[it->second + "|" + (*r)["stat_time_day"].GetString()] += Millis((*r)["spend"]);
    }
  }
  ASSERT_FALSE(reported.empty());
  EXPECT_EQ(reported, creatives);
  // The Smart+ ads' spend is not counted twice against the account's.
  EXPECT_NE(run.err.find("INFO Reconciliation: the ad-level daily spend adds up to the "
                         "advertiser-level spend for 4 of 4 advertiser(s)"),
            std::string::npos)
      << run.err;
}

TEST_F(SmartPlusTest, AdvertisersWithoutSmartPlusCostOneListingAndNoReportRequest) {
  TapRun run = Run();
  ASSERT_EQ(run.exit_code, 0) << run.err;
  std::set<std::string> with;
  for (const sim::Advertiser& adv : simulator_->data().advertisers) {
    if (!adv.smart_plus_ads.empty()) with.insert(adv.id);
  }
  ASSERT_GT(with.size(), 0u);
  ASSERT_LT(with.size(), simulator_->data().advertisers.size());
  std::map<std::string, int> asked;  // advertiser|path|fields -> requests
  for (const auto& request : simulator_->RequestLog()) {
    auto adv = request.params.find("advertiser_id");
    if (adv == request.params.end()) continue;  // the token's advertisers, their info
    auto dims = request.params.find("dimensions");
    std::string what = request.path;
    if (dims != request.params.end()) what += dims->second;
    if (request.params.count("fields")) what += request.params.find("fields")->second;
    ++asked[adv->second + "|" + what];
  }
  const std::string root = "/open_api/v1.3/";
  for (const sim::Advertiser& adv : simulator_->data().advertisers) {
    SCOPED_TRACE(adv.id);
    bool has = with.count(adv.id) > 0;
    // The stream's own listing, and one listing of campaign ids shared by the ad groups, the
    // ads and the report.
    EXPECT_EQ(asked[adv.id + "|" + root + "smart_plus/campaign/get/"], 1);
    EXPECT_EQ(asked[adv.id + "|" + root + R"(smart_plus/campaign/get/["campaign_id"])"], 1);
    EXPECT_EQ(asked[adv.id + "|" + root + "smart_plus/adgroup/get/"], has ? 1 : 0);
    EXPECT_EQ(asked[adv.id + "|" + root + "smart_plus/ad/get/"], has ? 1 : 0);
    // The report asks for the listed Smart+ ads only: one listing, one request per window.
    EXPECT_EQ(asked[adv.id + "|" + root + R"(smart_plus/ad/get/["campaign_id"])"], has ? 1 : 0);
    EXPECT_EQ(asked[adv.id + "|" + root + R"(report/integrated/get/["ad_id_v2","stat_time_day"])"],
              has ? 2 : 0);
  }
  for (const auto& request : simulator_->RequestLog()) {
    auto dims = request.params.find("dimensions");
    if (dims == request.params.end() || dims->second.find("ad_id_v2") == std::string::npos) {
      continue;
    }
    EXPECT_NE(request.params.find("filtering")->second.find(R"("field_name":"ad_ids_v2")"),
              std::string::npos);
  }
}

TEST_F(SmartPlusTest, IncrementalSmartPlusAdsAreFilteredByTikTokWithModifiedAfter) {
  TapRun first = Run();
  ASSERT_EQ(first.exit_code, 0) << first.err;
  std::string state = tap::ToJson(*Parse(first).last_state);
  size_t advertiser = 0;
  while (simulator_->data().advertisers[advertiser].smart_plus_ads.empty()) ++advertiser;
  std::vector<std::string> changed =
      simulator_->Modify("smart_plus_ads", advertiser, 1, std::time(nullptr) - 60);
  ASSERT_EQ(changed.size(), 1u);
  size_t from = simulator_->RequestLog().size();
  TapRun second = Run("{}", {"--state", dir_.Write("state.json", state)});
  ASSERT_EQ(second.exit_code, 0) << second.err;
  Messages m = Parse(second);
  std::set<std::string> ids = Ids(m, "smart_plus_ads", "smart_plus_ad_id");
  EXPECT_EQ(ids.count(changed.front()), 1u);
  EXPECT_LT(ids.size(), SmartPlusIds(simulator_->data().smart_plus_ads).size());
  auto log = simulator_->RequestLog();
  size_t filtered = 0;
  for (size_t i = from; i < log.size(); ++i) {
    if (log[i].path != "/open_api/v1.3/smart_plus/ad/get/" || log[i].params.count("fields")) {
      continue;
    }
    EXPECT_NE(log[i].params.find("filtering")->second.find(R"("modified_after":")"),
              std::string::npos);
    ++filtered;
  }
  EXPECT_GT(filtered, 0u);
}

}  // namespace
}  // namespace e2e
