#include "tap/run_summary.h"

#include <gtest/gtest.h>

#include "tap/json.h"

namespace tap {
namespace {

RunSummary Sample() {
  RunSummary s;
  s.records = {{"ads", 83000}, {"campaigns", 105}, {"pixels", 0}};
  s.first_day = ParseDay("2024-01-01");
  s.last_day = ParseDay("2024-04-15");
  s.advertisers = 3;
  s.requests = 1276;
  s.retries = 4;
  s.seconds = 9.04;
  return s;
}

TEST(RunSummary, TheLineSaysWhatARunDid) {
  EXPECT_EQ(SummaryLine(Sample()),
            "Success: 83,105 records in 2 streams for 3 advertisers, reports "
            "2024-01-01..2024-04-15, 1,276 requests (4 retried), 9.0 s");
  RunSummary one;
  one.records = {{"advertisers", 1}};
  one.advertisers = 1;
  one.requests = 1;
  EXPECT_EQ(SummaryLine(one),
            "Success: 1 record in 1 stream for 1 advertiser, 1 request (0 retried), 0.0 s");
}

TEST(RunSummary, FailuresAndStopsSayWhatHappened) {
  RunSummary s = Sample();
  s.outcome = "failed";
  s.message = "TikTok error 40105";
  s.skipped = {"9"};
  EXPECT_EQ(SummaryLine(s),
            "Failed after 83,105 records in 2 streams for 3 advertisers (1 skipped), reports "
            "2024-01-01..2024-04-15, 1,276 requests (4 retried), 9.0 s: TikTok error 40105");
  s.outcome = "stopped";
  s.message = "Stopped by SIGTERM";
  EXPECT_EQ(SummaryLine(s).rfind("Stopped by SIGTERM after 83,105 records", 0), 0u);
  EXPECT_NE(SummaryLine(s).find("; the last STATE covers all completed work"), std::string::npos);
}

TEST(RunSummary, JsonForOrchestrators) {
  RunSummary s = Sample();
  s.skipped = {"9"};
  EXPECT_EQ(SummaryJson(s),
            R"({"exit_status":0,"outcome":"success","message":"","records":83105,)"
            R"("streams":{"ads":{"records":83000},"campaigns":{"records":105},)"
            R"("pixels":{"records":0}},"report_days":{"first":"2024-01-01","last":"2024-04-15"},)"
            R"("advertisers":3,"skipped_advertisers":["9"],"requests":1276,"retries":4,)"
            R"("seconds":9.040})");
  EXPECT_TRUE(ParseJson(SummaryJson(RunSummary{}), "summary").ok());
}

TEST(RunSummary, AFileThatCannotBeWrittenIsNamed) {
  Status s = WriteSummaryFile("/nonexistent-dir/summary.json", Sample());
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.message(),
            "cannot write the summary file '/nonexistent-dir/summary.json': No such file or "
            "directory");
  EXPECT_EQ(Thousands(1234567), "1,234,567");
  EXPECT_EQ(Thousands(999), "999");
}

}  // namespace
}  // namespace tap
