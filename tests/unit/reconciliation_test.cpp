#include "tap/reconciliation.h"

#include <gtest/gtest.h>

#include "tap/decimal.h"
#include "tap/json.h"

namespace tap {
namespace {

Date Day(const char* text) { return *ParseDay(text); }

// A unit's tally over 2024-06-01..03 with `spends` (day, value) rows.
SpendTally Tally(const std::string& advertiser, SpendLevel level,
                 const std::vector<std::pair<const char*, const char*>>& spends) {
  SpendTally t{advertiser, level, Day("2024-06-01"), Day("2024-06-03"), {}};
  for (const auto& [day, spend] : spends) {
    rapidjson::Value v(rapidjson::StringRef(spend));
    t.Add(Day(day), &v);
  }
  return t;
}

ReconciliationContext Context() {
  return {
      .include_deleted = false, .include_promote_ads = true, .unsettled_from = Day("2024-07-01")};
}

TEST(Decimal, SumsTikToksDigitsExactly) {
  Decimal sum;
  for (const char* v : {"0.100", "0.200", "20.000", "7", "-0.3"})
    ASSERT_TRUE(sum.Add(*Decimal::Parse(v)));
  EXPECT_EQ(sum.ToString(0), "27.000");  // a double gives 26.999999999999996
  EXPECT_EQ(Decimal::Parse("1.5")->ToString(3), "1.500");
  EXPECT_EQ(Decimal::Parse("-"), std::nullopt);
  EXPECT_EQ(Decimal::Parse("1e5"), std::nullopt);
  EXPECT_EQ(Decimal::Parse("0.1234567"), std::nullopt);  // more decimals than kept
  EXPECT_EQ(Decimal::Parse("12.5")->Minus(*Decimal::Parse("20")).ToString(1), "-7.5");
}

TEST(Reconciliation, AgreeingLevelsGiveOneInfoLine) {
  Reconciler r;
  r.Add(Tally("7", SpendLevel::kAdvertiser, {{"2024-06-01", "3.000"}, {"2024-06-02", "0.100"}}));
  r.Add(Tally("7", SpendLevel::kAd,
              {{"2024-06-01", "1.000"}, {"2024-06-01", "2.000"}, {"2024-06-02", "0.100"}}));
  auto lines = r.Lines(Context());
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(lines[0].level, LogLevel::kInfo);
  EXPECT_EQ(lines[0].text,
            "Reconciliation: the ad-level daily spend adds up to the advertiser-level spend for 1 "
            "of 1 advertiser(s), over 3 day(s)");
  EXPECT_EQ(
      lines[1].text,
      R"(METRIC: {"type":"counter","metric":"reconciled_days","value":3,"tags":{"streams":"advertiser_insights_daily,ad_insights_daily"}})");
  EXPECT_EQ(
      lines[2].text,
      R"(METRIC: {"type":"counter","metric":"unreconciled_days","value":0,"tags":{"streams":"advertiser_insights_daily,ad_insights_daily"}})");
}

TEST(Reconciliation, ADifferenceNamesTheDaysTheAmountsAndTheLikelyCause) {
  Reconciler r;
  r.Add(Tally("7", SpendLevel::kAdvertiser, {{"2024-06-01", "120.500"}, {"2024-06-03", "5.000"}}));
  r.Add(Tally("7", SpendLevel::kAd, {{"2024-06-01", "100.250"}}));
  r.Add(Tally("8", SpendLevel::kAdvertiser, {{"2024-06-01", "1.000"}}));
  r.Add(Tally("8", SpendLevel::kAd, {{"2024-06-01", "1.000"}}));
  auto lines = r.Lines(Context());
  ASSERT_EQ(lines.size(), 4u);
  EXPECT_EQ(lines[0].text,
            "Reconciliation: the ad-level daily spend adds up to the advertiser-level spend for 1 "
            "of 2 advertiser(s), over 3 day(s)");
  EXPECT_EQ(lines[1].level, LogLevel::kWarning);
  EXPECT_EQ(lines[1].text,
            "Reconciliation: advertiser 7: the ad-level daily spend does not add up to the "
            "advertiser-level spend on 2 of 3 day(s): 2024-06-01 (advertiser 120.500, ads "
            "100.250, difference 20.250), 2024-06-03 (advertiser 5.000, ads 0.000, difference "
            "5.000). Likely cause: deleted ads are left out (set include_deleted: true).");
  EXPECT_NE(lines[3].text.find(R"("metric":"unreconciled_days","value":2)"), std::string::npos);
}

TEST(Reconciliation, CausesFollowWhatTheRunLeftOutAndHowRecentTheDaysAre) {
  Reconciler r;
  r.Add(Tally("7", SpendLevel::kAdvertiser, {{"2024-06-03", "2.000"}}));
  r.Add(Tally("7", SpendLevel::kAd, {{"2024-06-03", "1.000"}}));
  ReconciliationContext context{
      .include_deleted = true, .include_promote_ads = false, .unsettled_from = Day("2024-06-03")};
  auto lines = r.Lines(context);
  ASSERT_EQ(lines.size(), 3u);  // no advertiser agrees: no INFO line, the WARNING, two METRICs
  EXPECT_NE(lines[0].text.find(
                "Likely cause: Promote ads are left out (set include_promote_ads: true); or the "
                "newest days change until TikTok's daily data fix at 12:00 UTC (they are re-read "
                "by the next run's lookback)."),
            std::string::npos)
      << lines[0].text;
}

TEST(Reconciliation, RoundingOfEachWrittenValueIsNotADifference) {
  Reconciler r;
  // Three ads of 0.3333 written as 0.333 each; the account's 1.000.
  r.Add(Tally("7", SpendLevel::kAdvertiser, {{"2024-06-01", "1.000"}}));
  r.Add(Tally("7", SpendLevel::kAd,
              {{"2024-06-01", "0.333"}, {"2024-06-01", "0.333"}, {"2024-06-01", "0.333"}}));
  EXPECT_EQ(r.Lines(Context())[0].level, LogLevel::kInfo);
}

TEST(Reconciliation, NothingWhenOnlyOneLevelRan) {
  Reconciler r;
  r.Add(Tally("7", SpendLevel::kAd, {{"2024-06-01", "1.000"}}));
  EXPECT_TRUE(r.Lines(Context()).empty());
}

}  // namespace
}  // namespace tap
