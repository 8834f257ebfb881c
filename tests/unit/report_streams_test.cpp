#include "tap/report_streams.h"

#include <gtest/gtest.h>

#include <set>

#include "tap/json.h"
#include "tap/metric_catalog.h"

namespace tap {
namespace {

const ReportStream& Find(const std::string& name) {
  for (const ReportStream& s : BuiltinReportStreams()) {
    if (s.name == name) return s;
  }
  throw std::runtime_error("no stream " + name);
}

bool Offers(const ReportStream& s, const std::string& metric) {
  return std::find(s.metrics.begin(), s.metrics.end(), metric) != s.metrics.end();
}

TEST(BuiltinReportStreams, TwentyNineStreamsWithTheirKeys) {
  std::set<std::string> names;
  for (const ReportStream& s : BuiltinReportStreams()) names.insert(s.name);
  EXPECT_EQ(names.size(), 29u);
  // The breakdowns at the levels other extractors read them, and no other.
  for (const char* name : {"campaign_insights_by_province_daily", "ad_insights_by_province_daily",
                           "campaign_insights_by_language_daily", "ad_insights_by_language_daily",
                           "ad_insights_by_country_hourly"}) {
    EXPECT_TRUE(names.count(name)) << name;
  }
  EXPECT_FALSE(names.count("adgroup_insights_by_province_daily"));
  EXPECT_FALSE(names.count("campaign_insights_by_country_hourly"));
  EXPECT_EQ(Find("ad_insights_by_province_daily").report_type, "AUDIENCE");
  EXPECT_EQ(
      Find("campaign_insights_by_language_daily").KeyProperties(),
      (std::vector<std::string>{"advertiser_id", "campaign_id", "stat_time_day", "language"}));
  EXPECT_EQ(Find("ad_insights_by_country_hourly").KeyProperties(),
            (std::vector<std::string>{"advertiser_id", "ad_id", "stat_time_hour", "country_code"}));
  EXPECT_EQ(Find("ad_insights_by_country_hourly").ReplicationKey(), "stat_time_hour");
  for (const char* level : {"advertiser", "campaign", "adgroup", "ad"}) {
    for (const char* family :
         {"insights_daily", "insights_hourly", "insights_lifetime", "insights_by_country_daily",
          "insights_by_age_gender_daily", "insights_by_platform_daily"}) {
      EXPECT_TRUE(names.count(std::string(level) + "_" + family)) << level << "_" << family;
    }
  }
  EXPECT_EQ(Find("ad_insights_daily").KeyProperties(),
            (std::vector<std::string>{"advertiser_id", "ad_id", "stat_time_day"}));
  EXPECT_EQ(Find("advertiser_insights_daily").KeyProperties(),
            (std::vector<std::string>{"advertiser_id", "stat_time_day"}));
  EXPECT_EQ(
      Find("campaign_insights_by_age_gender_daily").KeyProperties(),
      (std::vector<std::string>{"advertiser_id", "campaign_id", "stat_time_day", "age", "gender"}));
  EXPECT_EQ(Find("adgroup_insights_hourly").ReplicationKey(), "stat_time_hour");
  EXPECT_EQ(Find("ad_insights_lifetime").ReplicationKey(), "");
  EXPECT_EQ(Find("ad_insights_by_platform_daily").report_type, "AUDIENCE");
}

TEST(BuiltinReportStreams, MetricsValidForTypeAndLevel) {
  EXPECT_TRUE(Offers(Find("advertiser_insights_daily"), "cash_spend"));
  EXPECT_FALSE(Offers(Find("advertiser_insights_hourly"), "cash_spend"));
  EXPECT_FALSE(Offers(Find("advertiser_insights_lifetime"), "voucher_spend"));
  EXPECT_FALSE(Offers(Find("campaign_insights_daily"), "cash_spend"));
  EXPECT_TRUE(Offers(Find("campaign_insights_daily"), "campaign_name"));
  EXPECT_FALSE(Offers(Find("advertiser_insights_daily"), "campaign_name"));
  EXPECT_TRUE(Offers(Find("ad_insights_daily"), "adgroup_id"));
  EXPECT_FALSE(Offers(Find("adgroup_insights_daily"), "adgroup_id"));      // it is the dimension
  EXPECT_FALSE(Offers(Find("ad_insights_by_age_gender_daily"), "reach"));  // not in AUDIENCE
  EXPECT_TRUE(Offers(Find("ad_insights_by_age_gender_daily"), "spend"));
  EXPECT_GT(Find("ad_insights_daily").metrics.size(), 500u) << "the full documented set";
  for (const ReportStream& s : BuiltinReportStreams()) {
    EXPECT_FALSE(Offers(s, "advertiser_id")) << s.name << ": injected, not requested";
    for (const std::string& m : s.default_metrics) EXPECT_TRUE(Offers(s, m)) << m;
  }
}

TEST(SmartPlusAdReport, AdLevelUnderAdIdV2WithoutTheCreativeLevelAdId) {
  const ReportStream& s = SmartPlusAdReport();
  EXPECT_EQ(s.name, "smart_plus_ad_insights_daily");
  EXPECT_EQ(s.report_type, "BASIC");
  EXPECT_EQ(s.level->data_level, "AUCTION_AD");
  EXPECT_EQ(s.level->id_filter, "ad_ids_v2");
  EXPECT_EQ(s.level->EntityIdField(), "smart_plus_ad_id");
  EXPECT_EQ(s.KeyProperties(),
            (std::vector<std::string>{"advertiser_id", "ad_id_v2", "stat_time_day"}));
  EXPECT_EQ(s.ReplicationKey(), "stat_time_day");
  // ad_id and ad_id_v2 exclude each other (§9.1), in either stream.
  EXPECT_FALSE(Offers(s, "ad_id"));
  EXPECT_FALSE(Offers(s, "ad_id_v2"));
  EXPECT_FALSE(Offers(Find("ad_insights_daily"), "ad_id_v2"));
  EXPECT_TRUE(Offers(s, "spend"));
  EXPECT_TRUE(Offers(s, "campaign_id"));
  EXPECT_EQ(Find("ad_insights_daily").level->EntityIdField(), "ad_id");
}

TEST(ReportSchema, ComposedFromTheCatalog) {
  rapidjson::Document schema = ReportSchema(Find("ad_insights_hourly"));
  const auto& p = schema["properties"];
  EXPECT_EQ(ToJson(p["advertiser_id"]["type"]), R"("string")");
  EXPECT_EQ(ToJson(p["ad_id"]["type"]), R"("string")");
  EXPECT_STREQ(p["stat_time_hour"]["format"].GetString(), "date-time");
  EXPECT_EQ(ToJson(p["impressions"]["type"]), R"(["null","integer"])");
  EXPECT_EQ(ToJson(p["spend"]["type"]), R"(["null","number"])");
  EXPECT_NE(std::string(p["ctr"]["description"].GetString()).find("percent"), std::string::npos);
  EXPECT_EQ(ToJson(p["adgroup_id"]["type"]), R"(["null","string"])");
  rapidjson::Document daily = ReportSchema(Find("campaign_insights_daily"));
  EXPECT_STREQ(daily["properties"]["stat_time_day"]["format"].GetString(), "date");
}

Result<std::vector<ReportStream>> Custom(const char* json, std::vector<std::string>* warnings) {
  auto doc = ParseJson(json, "custom_reports");
  EXPECT_TRUE(doc.ok());
  return ParseCustomReports(*doc, warnings);
}

TEST(CustomReports, ValidDefinition) {
  std::vector<std::string> warnings;
  auto reports = Custom(R"([{"name":"campaign_by_province_daily","report_type":"AUDIENCE",
      "data_level":"AUCTION_CAMPAIGN","dimensions":["campaign_id","province_id","stat_time_day"],
      "metrics":["spend","clicks","brand_new_metric"],"lookback_days":14,
      "filtering":[{"field_name":"campaign_status","filter_type":"IN","filter_value":"[\"STATUS_ALL\"]"}]}])",
                        &warnings);
  ASSERT_TRUE(reports.ok()) << reports.status().message();
  const ReportStream& r = reports->front();
  EXPECT_TRUE(r.custom);
  EXPECT_EQ(r.granularity, Granularity::kDay);
  EXPECT_EQ(r.KeyProperties(), (std::vector<std::string>{"advertiser_id", "campaign_id",
                                                         "province_id", "stat_time_day"}));
  EXPECT_EQ(r.lookback_days, 14);
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_NE(warnings[0].find("'brand_new_metric' is not in the metric catalog"), std::string::npos);
  rapidjson::Document schema = ReportSchema(r);
  EXPECT_EQ(ToJson(schema["properties"]["brand_new_metric"]["type"]), R"(["null","string"])");
}

TEST(CustomReports, EverySyncReportTypeButBusinessCenters) {
  auto reports = Custom(R"([
      {"name":"p","report_type":"PLAYABLE_MATERIAL","data_level":"AUCTION_AD",
       "dimensions":["ad_id"],"metrics":["spend"],"lifetime":true},
      {"name":"c","report_type":"CATALOG","data_level":"AUCTION_ADGROUP",
       "dimensions":["adgroup_id","stat_time_day"],"metrics":["spend"]},
      {"name":"s","report_type":"TT_SHOP","data_level":"AUCTION_CAMPAIGN",
       "dimensions":["campaign_id","stat_time_day"],"metrics":["spend","billed_cost"]}])",
                        nullptr);
  ASSERT_TRUE(reports.ok()) << reports.status().message();
  ASSERT_EQ(reports->size(), 3u);
  EXPECT_EQ((*reports)[0].granularity, Granularity::kLifetime);
  EXPECT_EQ((*reports)[1].level->id_filter, "adgroup_ids");  // re-read in id batches if cut
  // TikTok takes no filter with TT_SHOP: the level has neither id filter nor status filter.
  EXPECT_EQ((*reports)[2].level->data_level, "AUCTION_CAMPAIGN");
  EXPECT_EQ((*reports)[2].level->id_filter, "");
  EXPECT_EQ((*reports)[2].level->status_field, "");
  EXPECT_EQ((*reports)[2].metrics, (std::vector<std::string>{"spend", "billed_cost"}));
  EXPECT_TRUE(FindReportType("BASIC")->promote);
  EXPECT_FALSE(FindReportType("CATALOG")->promote);
  EXPECT_EQ(FindReportType("REACH"), nullptr);
}

TEST(CustomReports, BusinessCenterReportsAreKeyedByTheirBusinessCenter) {
  auto reports = Custom(R"([{"name":"bc_daily","report_type":"BC",
      "dimensions":["advertiser_id","stat_time_day"],"metrics":["spend","impressions"]}])",
                        nullptr);
  ASSERT_TRUE(reports.ok()) << reports.status().message();
  const ReportStream& r = reports->front();
  EXPECT_EQ(r.KeyProperties(),
            (std::vector<std::string>{"bc_id", "advertiser_id", "stat_time_day"}));
  rapidjson::Document schema = ReportSchema(r);
  EXPECT_EQ(ToJson(schema["properties"]["bc_id"]["type"]), R"("string")");
  EXPECT_EQ(ToJson(schema["properties"]["advertiser_id"]["type"]), R"("string")");
  EXPECT_EQ(ToJson(schema["properties"]["spend"]["type"]), R"(["null","number"])");
  // Per Business Center only: no advertiser_id without the dimension.
  auto totals = Custom(R"([{"name":"bc_totals","report_type":"BC","dimensions":["stat_time_day"],
      "metrics":["spend"]}])",
                       nullptr);
  ASSERT_TRUE(totals.ok());
  EXPECT_FALSE(ReportSchema(totals->front())["properties"].HasMember("advertiser_id"));
}

TEST(CustomReports, ErrorsNameTheReportAndTheField) {
  struct Case {
    const char* json;
    const char* message;
  };
  for (
      const Case& c : {
          Case{R"({})", "custom_reports: expected an array"},
          Case{R"([{"report_type":"BASIC"}])", "report '#1': name: required"},
          Case{R"([{"name":"ad_insights_daily"}])",
               "report 'ad_insights_daily': name: already used"},
          Case{R"([{"name":"x","report_type":"REACH"}])",
               "report 'x': report_type: required: BASIC, AUDIENCE, PLAYABLE_MATERIAL, CATALOG, "
               "TT_SHOP or BC"},
          Case{R"([{"name":"x","report_type":"BC","data_level":"AUCTION_ADVERTISER"}])",
               "report 'x': data_level: BC reports take no data_level"},
          Case{R"([{"name":"x","report_type":"BC","dimensions":["campaign_id"]}])",
               "report 'x': dimensions: 'campaign_id' is not available in BC reports: they group "
               "by advertiser_id, stat_time_day and country_code"},
          Case{
              R"([{"name":"x","report_type":"BASIC","data_level":"AUCTION_AD","dimensions":["bc_id"]}])",
              "report 'x': dimensions: 'bc_id' is no dimension"},
          Case{
              R"([{"name":"x","report_type":"BC","dimensions":["advertiser_id"],"metrics":["spend"],"lifetime":true}])",
              "report 'x': lifetime: lifetime reports are BASIC or PLAYABLE_MATERIAL"},
          Case{
              R"([{"name":"x","report_type":"TT_SHOP","data_level":"AUCTION_AD","dimensions":["ad_id"]}])",
              "report 'x': data_level: required for TT_SHOP: one of AUCTION_ADVERTISER, "
              "AUCTION_CAMPAIGN"},
          Case{
              R"([{"name":"x","report_type":"TT_SHOP","data_level":"AUCTION_CAMPAIGN","dimensions":["campaign_id"],"metrics":["spend"],"filtering":[]}])",
              "report 'x': filtering: TT_SHOP reports take no filters"},
          Case{
              R"([{"name":"x","report_type":"CATALOG","data_level":"AUCTION_AD","dimensions":["ad_id","country_code"]}])",
              "report 'x': dimensions: 'country_code' is not available in CATALOG reports"},
          Case{
              R"([{"name":"x","report_type":"PLAYABLE_MATERIAL","data_level":"AUCTION_AD","dimensions":["ad_id","age"]}])",
              "'age' is not available in PLAYABLE_MATERIAL reports"},
          Case{
              R"([{"name":"x","report_type":"CATALOG","data_level":"AUCTION_AD","dimensions":["ad_id"],"metrics":["spend"],"lifetime":true}])",
              "report 'x': lifetime: lifetime reports are BASIC or PLAYABLE_MATERIAL"},
          Case{R"([{"name":"x","report_type":"BASIC","data_level":"AUCTION_WORLD"}])",
               "report 'x': data_level: required"},
          Case{
              R"([{"name":"x","report_type":"BASIC","data_level":"AUCTION_AD","dimensions":["ad_id","mood"]}])",
              "report 'x': dimensions: unknown dimension 'mood'"},
          Case{
              R"([{"name":"x","report_type":"BASIC","data_level":"AUCTION_AD","dimensions":["ad_id","age"]}])",
              "'age' is not available in BASIC reports"},
          Case{
              R"([{"name":"x","report_type":"AUDIENCE","data_level":"AUCTION_AD","dimensions":["ad_id","stat_time_hour"]}])",
              "AUDIENCE reports have no hourly breakdown"},
          Case{
              R"([{"name":"x","report_type":"BASIC","data_level":"AUCTION_AD","dimensions":["stat_time_hour","stat_time_day"],"metrics":["spend"]}])",
              "at most one time dimension"},
          Case{
              R"([{"name":"x","report_type":"BASIC","data_level":"AUCTION_AD","dimensions":["ad_id"]}])",
              "report 'x': metrics: required"},
          Case{R"([{"name":"smart_plus_ad_insights_daily"}])",
               "report 'smart_plus_ad_insights_daily': name: already used"},
          Case{
              R"([{"name":"x","report_type":"BASIC","data_level":"AUCTION_AD","dimensions":["ad_id_v2"]}])",
              "'ad_id_v2' (Upgraded Smart+ ads) is read by the built-in stream "
              "smart_plus_ad_insights_daily"},
          Case{
              R"([{"name":"x","report_type":"BASIC","data_level":"AUCTION_CAMPAIGN","dimensions":["campaign_id","stat_time_day"],"metrics":["cash_spend"]}])",
              "'cash_spend' is not available in BASIC reports at AUCTION_CAMPAIGN"},
          Case{
              R"([{"name":"x","report_type":"BASIC","data_level":"AUCTION_AD","dimensions":["ad_id"],"metrics":["spend"],"lookback_days":-1}])",
              "report 'x': lookback_days"},
          Case{
              R"([{"name":"x","report_type":"BASIC","data_level":"AUCTION_AD","dimensions":["ad_id"],"metrics":["spend"],"filtering":[{"field_name":"ad_status"}]}])",
              "report 'x': filtering"},
          Case{
              R"([{"name":"x","report_type":"BASIC","data_level":"AUCTION_AD","dimensions":["ad_id"],"metrics":["spend"],"colour":"red"}])",
              "report 'x': colour: unknown field"},
      }) {
    auto reports = Custom(c.json, nullptr);
    ASSERT_FALSE(reports.ok()) << c.json;
    EXPECT_EQ(reports.status().kind(), ErrorKind::kInvalidInput);
    EXPECT_NE(reports.status().message().find(c.message), std::string::npos)
        << reports.status().message();
  }
}

TEST(MetricCatalog, KnowsTypesAndValidity) {
  const MetricCatalog& c = MetricCatalog::Get();
  ASSERT_NE(c.Metric("spend"), nullptr);
  EXPECT_TRUE(c.Metric("spend")->audience);
  EXPECT_TRUE(c.Metric("cash_spend")->daily_only);
  EXPECT_EQ(c.Metric("not_a_metric"), nullptr);
  EXPECT_NE(c.Dimension("stat_time_day"), nullptr);
  EXPECT_GT(c.metrics().size(), 800u);
}

}  // namespace
}  // namespace tap
