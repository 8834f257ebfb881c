// End-to-end: a custom report of report_type BC (§9.3) reads each configured Business Center
// with bc_id instead of an ad account, in ranges of up to 365 days, and equals what the
// simulator serves.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <map>

#include "tap/json.h"
#include "tests/e2e/harness.h"

namespace e2e {
namespace {

TEST(BcReportTest, EachBusinessCenterByItsIdInRangesOfAYear) {
  sim::SimConfig config;
  config.advertisers = 3;
  config.campaigns_per_advertiser = 2;
  config.adgroups_per_campaign = 1;
  config.ads_per_adgroup = 2;
  config.window_days = 500;  // created 2023-01..2024-05
  config.now = 1740787200;   // 2025-03-01T00:00:00Z
  sim::Simulator simulator(config);
  int port = simulator.Start("127.0.0.1", 0);
  ASSERT_GT(port, 0);
  TempDir dir;
  const auto& bcs = simulator.data().business_centers;
  ASSERT_EQ(bcs.size(), 2u);
  std::string extra = fmt::format(
      R"({{"start_date":"2024-01-01","end_date":"2025-02-28","bc_ids":["{}","{}"],
          "custom_reports":[{{"name":"bc_daily","report_type":"BC",
          "dimensions":["advertiser_id","stat_time_day"],"metrics":["spend","impressions"]}}]}})",
      bcs[0].id, bcs[1].id);
  std::string config_path = dir.Write("config.json", Config(port, config, extra));
  TapRun discover = RunTap({"--config", config_path, "--discover"}, dir);
  ASSERT_EQ(discover.exit_code, 0) << discover.err;
  rapidjson::Document catalog;
  catalog.Parse(discover.out.c_str());
  for (auto& entry : catalog["streams"].GetArray()) {
    bool bc = std::string(entry["stream"].GetString()) == "bc_daily";
    entry["metadata"][0]["metadata"].AddMember("selected", bc, catalog.GetAllocator());
  }
  TapRun run = RunTap(
      {"--config", config_path, "--catalog", dir.Write("catalog.json", tap::ToJson(catalog))}, dir);
  ASSERT_EQ(run.exit_code, 0) << run.err;
  Messages m = Parse(run);
  ExpectValidSingerStream(m);

  // Two windows (2024-01-01..2024-12-30, 2024-12-31..2025-02-28) for each Business Center,
  // asked for by bc_id alone.
  std::map<std::string, double> served;  // bc|advertiser|day -> spend
  size_t requests = 0;
  for (const auto& request : simulator.RequestLog()) {
    if (request.path != "/open_api/v1.3/report/integrated/get/") continue;
    ++requests;
    EXPECT_EQ(request.params.count("advertiser_id"), 0u);
    EXPECT_EQ(request.params.count("data_level"), 0u);
    std::string bc = request.params.find("bc_id")->second;
    sim::Reply reply = simulator.Handle("GET", request.path, request.params, "sim-token", true);
    rapidjson::Document body;
    body.Parse(reply.body.c_str());
    ASSERT_EQ(body["code"].GetInt(), 0) << reply.body;
    for (const auto& row : body["data"]["list"].GetArray()) {
      served[fmt::format(
          "{}|{}|{}", bc, row["dimensions"]["advertiser_id"].GetString(),
          std::string(row["dimensions"]["stat_time_day"].GetString()).substr(0, 10))] =
          std::stod(row["metrics"]["spend"].GetString());
    }
  }
  EXPECT_EQ(requests, 4u);
  std::map<std::string, double> emitted;
  for (const rapidjson::Value* r : m.records["bc_daily"]) {
    emitted[fmt::format("{}|{}|{}", (*r)["bc_id"].GetString(), (*r)["advertiser_id"].GetString(),
                        (*r)["stat_time_day"].GetString())] = (*r)["spend"].GetDouble();
  }
  ASSERT_FALSE(served.empty());
  EXPECT_EQ(emitted, served);
}

}  // namespace
}  // namespace e2e
