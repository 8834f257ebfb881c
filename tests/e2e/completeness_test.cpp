// End-to-end: the tap's output equals the simulator's complete data (Promote objects, reports
// TikTok cuts to their newest ids, objects last modified long before start_date), with no
// orphan report id, and the reconciliation line says so (reference/tiktok_api.md §9.1).
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <set>

#include "tap/json.h"
#include "tap/timestamp.h"
#include "tests/e2e/harness.h"

namespace e2e {
namespace {

constexpr const char* kStart = "2025-01-15";
constexpr const char* kEnd = "2025-02-28";
// The two report windows of kStart..kEnd (at most 30 days each).
constexpr std::pair<const char*, const char*> kWindows[] = {{"2025-01-15", "2025-02-13"},
                                                            {"2025-02-14", "2025-02-28"}};

struct Level {
  const char* stream;        // the report stream
  const char* data_level;    // its data_level
  const char* id;            // its id dimension
  const char* entities;      // the entity stream of its ids ("" at advertiser level)
  const char* status_field;  // its status filter
};
constexpr Level kLevels[] = {
    {"advertiser_insights_daily", "AUCTION_ADVERTISER", "advertiser_id", "", ""},
    {"campaign_insights_daily", "AUCTION_CAMPAIGN", "campaign_id", "campaigns", "campaign_status"},
    {"adgroup_insights_daily", "AUCTION_ADGROUP", "adgroup_id", "adgroups", "adgroup_status"},
    {"ad_insights_daily", "AUCTION_AD", "ad_id", "ads", "ad_status"},
};

class CompletenessTest : public ::testing::Test {
 protected:
  void SetUp() override {
    config_.advertisers = 2;
    config_.campaigns_per_advertiser = 12;
    config_.adgroups_per_campaign = 2;
    config_.ads_per_adgroup = 3;  // 72 ads per advertiser
    config_.promote_every = 3;
    config_.window_days = 700;  // created 2023-01-01..2024-12, most last modified before kStart
    config_.now = 1740787200;   // 2025-03-01T00:00:00Z
    config_.report_id_limit = 20;
    simulator_ = std::make_unique<sim::Simulator>(config_);
    port_ = simulator_->Start("127.0.0.1", 0);
    ASSERT_GT(port_, 0);
    sim::SimConfig whole = config_;
    whole.report_id_limit = 1000000000;
    oracle_ = std::make_unique<sim::Simulator>(whole);  // the same data, never cut
  }

  TapRun Run(const std::string& extra, int port = 0) {
    std::vector<std::string> streams = {"campaigns", "adgroups", "ads"};
    for (const Level& level : kLevels) streams.push_back(level.stream);
    std::string config = Config(
        port != 0 ? port : port_, config_,
        MergeJson(fmt::format(R"({{"start_date":"{}","end_date":"{}","include_deleted":true}})",
                              kStart, kEnd),
                  extra));
    return RunTap({"--config", dir_.Write("config.json", config), "--catalog",
                   dir_.Write("catalog.json", CatalogSelecting(streams, false))},
                  dir_);
  }

  // advertiser|id|day -> spend of every row the oracle serves at `level`, all statuses, for the
  // origins asked for.
  std::map<std::string, std::string> Complete(const Level& level, bool deleted, bool promote) {
    std::map<std::string, std::string> rows;
    for (const auto& adv : oracle_->data().advertisers) {
      std::vector<std::string> origins = {""};
      if (promote && level.entities[0] != '\0') origins.push_back("PROMOTE");
      for (const std::string& origin : origins) {
        for (const auto& [first, last] : kWindows) {
          std::vector<std::string> filters;
          if (deleted && level.status_field[0] != '\0') {
            filters.push_back(fmt::format(
                R"({{"field_name":"{}","filter_type":"IN","filter_value":"[\"STATUS_ALL\"]"}})",
                level.status_field));
          }
          if (!origin.empty()) {
            filters.push_back(
                R"({"field_name":"campaign_system_origins","filter_type":"IN","filter_value":"[\"PROMOTE\"]"})");
          }
          sim::Params params = {{"advertiser_id", adv.id},
                                {"report_type", "BASIC"},
                                {"data_level", level.data_level},
                                {"dimensions", fmt::format(R"(["{}","stat_time_day"])", level.id)},
                                {"metrics", R"(["spend"])"},
                                {"start_date", first},
                                {"end_date", last},
                                {"page_size", "1000"}};
          if (!filters.empty()) params.emplace("filtering", "[" + Join(filters) + "]");
          for (int page = 1;; ++page) {
            params.erase("page");
            params.emplace("page", std::to_string(page));
            sim::Reply reply = oracle_->Handle("GET", "/open_api/v1.3/report/integrated/get/",
                                               params, config_.access_token, true);
            rapidjson::Document body;
            body.Parse<rapidjson::kParseNumbersAsStringsFlag>(reply.body.c_str());
            EXPECT_TRUE(reply.headers.empty());
            for (const auto& row : body["data"]["list"].GetArray()) {
              std::string day =
                  std::string(row["dimensions"]["stat_time_day"].GetString()).substr(0, 10);
              rows[adv.id + "|" + row["dimensions"][level.id].GetString() + "|" + day] =
                  row["metrics"]["spend"].GetString();
            }
            if (page >= std::stoi(body["data"]["page_info"]["total_page"].GetString())) break;
          }
        }
      }
    }
    return rows;
  }

  static std::string Join(const std::vector<std::string>& parts) {
    std::string out;
    for (const std::string& p : parts) out += (out.empty() ? "" : ",") + p;
    return out;
  }

  // advertiser|id|day -> spend of the run's records of `level`; fails on a duplicate key.
  static std::map<std::string, std::string> Emitted(const TapRun& run, const Level& level) {
    std::map<std::string, std::string> rows;
    for (const std::string& line : run.lines) {
      rapidjson::Document doc;
      doc.Parse<rapidjson::kParseNumbersAsStringsFlag>(line.c_str());
      if (std::string(doc["type"].GetString()) != "RECORD" ||
          level.stream != std::string(doc["stream"].GetString())) {
        continue;
      }
      const auto& r = doc["record"];
      std::string key = std::string(r["advertiser_id"].GetString()) + "|" +
                        r[level.id].GetString() + "|" +
                        std::string(r["stat_time_day"].GetString()).substr(0, 10);
      EXPECT_EQ(rows.count(key), 0u) << level.stream << " " << key << " emitted twice";
      rows[key] = r["spend"].GetString();
    }
    return rows;
  }

  // The ids of the run's records of entity stream `stream`.
  static std::set<std::string> Ids(const TapRun& run, const std::string& stream,
                                   const std::string& key) {
    std::set<std::string> ids;
    Messages messages = Parse(run);
    for (const rapidjson::Value* r : messages.records[stream])
      ids.insert((*r)[key.c_str()].GetString());
    return ids;
  }

  // Requests `simulator` answered, by path.
  static std::map<std::string, long long> Requests(sim::Simulator& simulator) {
    std::map<std::string, long long> n;
    for (const auto& request : simulator.RequestLog()) ++n[request.path];
    return n;
  }

  sim::SimConfig config_;
  std::unique_ptr<sim::Simulator> simulator_, oracle_;
  int port_ = 0;
  TempDir dir_;
};

TEST_F(CompletenessTest, OutputEqualsTheCompleteDataWithNoOrphanAndTheLevelsAgree) {
  TapRun run = Run("{}");
  ASSERT_EQ(run.exit_code, 0) << run.err;
  ExpectValidSingerStream(Parse(run));
  // The scenario: reports were cut, Promote objects exist, and objects last modified before
  // start_date still deliver inside it.
  EXPECT_NE(run.err.find("X-Tt-Ads-Throttle"), std::string::npos);
  const sim::SimData& data = simulator_->data();
  size_t promote = 0, old = 0;
  auto start = tap::ParseTimestamp(kStart)->time_since_epoch().count();
  for (const sim::Entity& ad : data.ads) {
    promote += ad.promote;
    old += ad.modify_time < start;
  }
  EXPECT_GT(promote, 0u);
  EXPECT_GT(old, 0u);

  // Every object, whatever its origin, status or modification time.
  EXPECT_EQ(Ids(run, "campaigns", "campaign_id").size(), data.campaigns.size());
  EXPECT_EQ(Ids(run, "adgroups", "adgroup_id").size(), data.adgroups.size());
  EXPECT_EQ(Ids(run, "ads", "ad_id").size(), data.ads.size());

  for (const Level& level : kLevels) {
    SCOPED_TRACE(level.stream);
    auto complete = Complete(level, true, true);
    auto emitted = Emitted(run, level);
    ASSERT_FALSE(complete.empty());
    EXPECT_EQ(emitted, complete);  // row for row, spend for spend
    if (level.entities[0] == '\0') continue;
    // Referential completeness: every report id has its entity record.
    std::set<std::string> ids = Ids(run, level.entities, level.id);
    for (const auto& [key, spend] : emitted) {
      std::string id = key.substr(key.find('|') + 1, key.rfind('|') - key.find('|') - 1);
      EXPECT_EQ(ids.count(id), 1u) << level.stream << " row of " << id << " has no entity";
    }
  }
  EXPECT_NE(run.err.find("INFO Reconciliation: the ad-level daily spend adds up to the "
                         "advertiser-level spend for 2 of 2 advertiser(s), over 90 day(s)\n"),
            std::string::npos)
      << run.err;
  EXPECT_EQ(run.err.find("WARNING Reconciliation"), std::string::npos);
}

TEST_F(CompletenessTest, TheBatchedReReadCostsRequestsOnlyWhereTikTokCuts) {
  TapRun cut = Run("{}");
  ASSERT_EQ(cut.exit_code, 0) << cut.err;
  // The same account where TikTok cuts nothing: nothing is re-read.
  int port = oracle_->Start("127.0.0.1", 0);
  ASSERT_GT(port, 0);
  TapRun whole = Run("{}", port);
  ASSERT_EQ(whole.exit_code, 0) << whole.err;
  EXPECT_EQ(whole.err.find("X-Tt-Ads-Throttle"), std::string::npos);
  for (const Level& level : kLevels) EXPECT_EQ(Emitted(whole, level), Emitted(cut, level));
  auto with_batches = Requests(*simulator_), without = Requests(*oracle_);
  const std::string reports = "/open_api/v1.3/report/integrated/get/";
  std::printf(
      "requests with the batched re-read: %lld reports, %lld entity listings; without: "
      "%lld reports, %lld entity listings\n",
      with_batches[reports], with_batches["/open_api/v1.3/ad/get/"], without[reports],
      without["/open_api/v1.3/ad/get/"]);
  EXPECT_GT(with_batches[reports], without[reports]);
  oracle_->Stop();
}

TEST_F(CompletenessTest, LeavingDeletedAndPromoteAdsOutIsNamedAsTheCause) {
  TapRun run = Run(R"({"include_deleted":false,"include_promote_ads":false})");
  ASSERT_EQ(run.exit_code, 0) << run.err;
  for (const auto& adv : simulator_->data().advertisers) {
    std::string prefix = fmt::format(
        "WARNING Reconciliation: advertiser {}: the ad-level daily spend does not add up to the "
        "advertiser-level spend on ",
        adv.id);
    size_t at = run.err.find(prefix);
    ASSERT_NE(at, std::string::npos) << run.err;
    std::string line = run.err.substr(at, run.err.find('\n', at) - at);
    EXPECT_NE(line.find("Likely cause: deleted ads are left out (set include_deleted: true); or "
                        "Promote ads are left out (set include_promote_ads: true)."),
              std::string::npos)
        << line;
  }
}

TEST_F(CompletenessTest, WithoutPromoteAdsTheRequestsAndRowsAreTikToksDefaults) {
  TapRun run = Run(R"({"include_promote_ads":false})");
  ASSERT_EQ(run.exit_code, 0) << run.err;
  for (const auto& request : simulator_->RequestLog()) {
    for (const auto& [key, value] : request.params) {
      EXPECT_EQ(value.find("campaign_system_origins"), std::string::npos) << key << "=" << value;
    }
  }
  for (const Level& level : kLevels) {
    if (level.entities[0] == '\0') continue;
    SCOPED_TRACE(level.stream);
    EXPECT_EQ(Emitted(run, level), Complete(level, true, false));
  }
  Messages messages = Parse(run);
  for (const char* stream : {"campaigns", "adgroups", "ads"}) {
    for (const rapidjson::Value* r : messages.records[stream]) {
      EXPECT_EQ(std::string((*r)["campaign_system_origin"].GetString()), "TT_ADS_PLATFORM");
    }
  }
}

}  // namespace
}  // namespace e2e

namespace e2e {
namespace {

// The kind of a request's objects: "topview", "promote" or "" (TikTok's default).
std::string KindOf(const sim::Simulator::LoggedRequest& request) {
  auto filtering = request.params.find("filtering");
  if (filtering == request.params.end()) return "";
  if (filtering->second.find("RESERVATION_TOP_VIEW") != std::string::npos) return "topview";
  if (filtering->second.find("PROMOTE") != std::string::npos) return "promote";
  return "";
}

TEST(ObjectKindsTest, TopViewAndPromoteObjectsCostRequestsOnlyWhereTheyExist) {
  sim::SimConfig config;
  config.advertisers = 8;
  config.campaigns_per_advertiser = 2;
  config.adgroups_per_campaign = 1;
  config.ads_per_adgroup = 1;
  config.promote_every = 4;
  config.now = 1740787200;  // 2025-03-01T00:00:00Z
  sim::Simulator simulator(config);
  int port = simulator.Start("127.0.0.1", 0);
  ASSERT_GT(port, 0);
  TempDir dir;
  std::string extra =
      R"({"start_date":"2025-02-01","end_date":"2025-02-28","include_deleted":true})";
  TapRun run =
      RunTap({"--config", dir.Write("config.json", Config(port, config, extra)), "--catalog",
              dir.Write("catalog.json",
                        CatalogSelecting({"campaigns", "adgroups", "ads", "ad_insights_daily"}))},
             dir);
  ASSERT_EQ(run.exit_code, 0) << run.err;

  // What each advertiser has, from the simulator's data.
  const sim::SimData& data = simulator.data();
  std::map<std::string, std::set<std::string>> has;  // advertiser -> kinds it has
  for (const sim::Advertiser& adv : data.advertisers) {
    for (uint32_t c : adv.campaigns) {
      const sim::Entity& campaign = data.campaigns[c];
      if (campaign.buying_type == sim::BuyingType::kReservationTopView)
        has[adv.id].insert("topview");
      if (campaign.promote) has[adv.id].insert("promote");
    }
  }
  // advertiser|path|kind -> requests
  std::map<std::string, int> asked;
  for (const sim::Simulator::LoggedRequest& request : simulator.RequestLog()) {
    auto adv = request.params.find("advertiser_id");
    if (adv == request.params.end()) continue;
    std::string fields =
        request.params.count("fields") ? request.params.find("fields")->second : "";
    std::string what = fields == R"(["campaign_id"])" ? "probe" : request.path;
    ++asked[adv->second + "|" + what + "|" + KindOf(request)];
  }
  int with = 0, without = 0;
  for (const sim::Advertiser& adv : data.advertisers) {
    for (std::string kind : {"topview", "promote"}) {
      SCOPED_TRACE(adv.id + " " + kind);
      bool exists = has[adv.id].count(kind) > 0;
      (exists ? with : without) += 1;
      // One listing of those campaigns, shared by ad groups, ads and the report...
      EXPECT_EQ(asked[adv.id + "|probe|" + kind], 1);
      // ...and the campaigns, ad groups and ads of that kind asked for only where there are some.
      EXPECT_EQ(asked[adv.id + "|/open_api/v1.3/campaign/get/|" + kind], exists ? 1 : 0);
      EXPECT_EQ(asked[adv.id + "|/open_api/v1.3/adgroup/get/|" + kind], exists ? 1 : 0);
      EXPECT_EQ(asked[adv.id + "|/open_api/v1.3/ad/get/|" + kind], exists ? 1 : 0);
    }
  }
  EXPECT_GT(with, 0) << "the account has some TopView or Promote campaigns";
  EXPECT_GT(without, 0) << "and advertisers without them";
  // Nothing is lost: every object is there.
  Messages messages = Parse(run);
  EXPECT_EQ(messages.records["campaigns"].size(), data.campaigns.size());
  EXPECT_EQ(messages.records["adgroups"].size(), data.adgroups.size());
  EXPECT_EQ(messages.records["ads"].size(), data.ads.size());
}

}  // namespace
}  // namespace e2e
