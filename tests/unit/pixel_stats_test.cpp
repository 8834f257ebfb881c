// Pixel event statistics through the real Sync on a fake TikTok: one request per UTC day and
// batch of at most 10 pixels, one record per (pixel, day, event type) (reference §3.9).
#include "tap/pixel_stats.h"

#include <gtest/gtest.h>

#include <map>
#include <set>

#include "tap/json.h"
#include "tap/sync.h"
#include "tests/unit/fake_api.h"
#include "tests/unit/one_stream_sync.h"

namespace tap {
namespace {

// An advertiser with `pixels` pixels (ids 500..), each counting PAGE_VIEW and a custom SIGNUP
// event; a count is day-of-month * 10 + event, so a record shows which day it was read for.
class FakePixels {
 public:
  explicit FakePixels(int pixels) {
    for (int i = 0; i < pixels; ++i) ids_.push_back(std::to_string(500 + i));
  }

  std::string Serve(const ApiRequest& r) {
    if (r.path == "pixel/list/") {
      std::string rows = "[";
      for (const std::string& id : ids_) {
        rows += (rows.size() > 1 ? "," : "") + fmt::format(R"({{"pixel_id":"{}"}})", id);
      }
      long long n = static_cast<long long>(ids_.size());
      return Envelope(ListPage("pixels", rows + "]", 1, n, n > 0 ? 1 : 0));
    }
    auto ids = ParseJson(r.Param("pixel_ids"), "pixel_ids");
    auto range = ParseJson(r.Param("date_range"), "date_range");
    std::string day = (*range)["start_date"].GetString();
    int dom = std::stoi(day.substr(8));
    std::string rows = "[";
    for (const auto& id : ids->GetArray()) {
      rows += (rows.size() > 1 ? "," : "") +
              fmt::format(R"({{"pixel_id":"{}","statistics":[)"
                          R"({{"pixel_event_type":"PAGE_VIEW","total_count":{}}},)"
                          R"({{"custom_event_type":"SIGNUP","total_count":{}}}]}})",
                          id.GetString(), dom * 10, dom * 10 + 1);
    }
    return Envelope(fmt::format(R"({{"list":{}}})", rows + "]"));
  }

 private:
  std::vector<std::string> ids_;
};

class PixelStatsTest : public ::testing::Test {
 protected:
  PixelStatsTest() : catalog_(CatalogOnly("pixel_event_stats")) {
    settings_.advertiser_ids = {"7"};
    settings_.start_date = *ParseTimestamp("2024-06-28");
    settings_.end_date = *ParseTimestamp("2024-06-30");
  }
  Status Run(const std::function<std::string(const ApiRequest&)>& serve) {
    api_ = std::make_unique<FakeApi>(serve);
    return RunSync(settings_, catalog_, *api_, state_, &lines_);
  }

  // pixel|day|event -> total_count of every RECORD; fails the test on a duplicate.
  std::map<std::string, std::string> Records() {
    std::map<std::string, std::string> out;
    for (const std::string& record : RecordsOf(lines_)) {
      auto doc = ParseJson(record, "record");
      const auto& rec = *doc;
      std::string key = fmt::format("{}|{}|{}", rec["pixel_id"].GetString(),
                                    rec["stat_date"].GetString(), rec["event_type"].GetString());
      EXPECT_EQ(std::string(rec["advertiser_id"].GetString()), "7");
      EXPECT_TRUE(out.emplace(key, ToJson(rec["total_count"])).second) << key << " twice";
    }
    return out;
  }

  std::vector<ApiRequest> StatsRequests() {
    std::vector<ApiRequest> out;
    for (const ApiRequest& r : api_->requests()) {
      if (r.path == "pixel/event/stats/") out.push_back(r);
    }
    return out;
  }

  Catalog catalog_;
  Settings settings_;
  State state_;
  std::vector<std::string> lines_;
  std::unique_ptr<FakeApi> api_;
};

TEST_F(PixelStatsTest, EachDayIsAskedForAloneInBatchesOfTenPixels) {
  FakePixels pixels(12);
  Status status = Run([&](const ApiRequest& r) { return pixels.Serve(r); });
  ASSERT_TRUE(status.ok()) << status.message();
  auto records = Records();
  EXPECT_EQ(records.size(), 12u * 3 * 2);  // pixels x days x events
  EXPECT_EQ(records.at("500|2024-06-28|PAGE_VIEW"), "280");
  EXPECT_EQ(records.at("511|2024-06-30|SIGNUP"), "301");
  auto requests = StatsRequests();
  ASSERT_EQ(requests.size(), 6u);  // 3 days x (10 + 2 pixels)
  std::set<std::string> days;
  for (const ApiRequest& r : requests) {
    EXPECT_EQ(r.Param("advertiser_id"), "7");
    auto range = ParseJson(r.Param("date_range"), "date_range");
    std::string start = (*range)["start_date"].GetString();
    EXPECT_EQ(start, (*range)["end_date"].GetString());
    days.insert(start);
    EXPECT_LE(ParseJson(r.Param("pixel_ids"), "ids")->Size(), 10u);
  }
  EXPECT_EQ(days, (std::set<std::string>{"2024-06-28", "2024-06-29", "2024-06-30"}));
  EXPECT_EQ(*state_.Bookmark("pixel_event_stats", "7"), *ParseTimestamp("2024-06-30"));
}

TEST_F(PixelStatsTest, TheBookmarkLessTheLookbackIsWhereTheNextRunStarts) {
  state_.SetBookmark("pixel_event_stats", "7", "stat_date", *ParseTimestamp("2024-06-30"));
  settings_.lookback_days = 1;
  FakePixels pixels(2);
  ASSERT_TRUE(Run([&](const ApiRequest& r) { return pixels.Serve(r); }).ok());
  std::set<std::string> days;
  for (const auto& [key, count] : Records()) days.insert(key.substr(4, 10));
  EXPECT_EQ(days, (std::set<std::string>{"2024-06-29", "2024-06-30"}));
}

TEST_F(PixelStatsTest, AnAdvertiserWithoutPixelsCostsOneListing) {
  FakePixels pixels(0);
  ASSERT_TRUE(Run([&](const ApiRequest& r) { return pixels.Serve(r); }).ok());
  EXPECT_TRUE(Records().empty());
  EXPECT_TRUE(StatsRequests().empty());
  EXPECT_EQ(api_->requests().size(), 1u);
}

TEST_F(PixelStatsTest, AnEntryWithoutItsEventTypeFailsTheRunSayingSo) {
  Status status = Run([&](const ApiRequest& r) {
    if (r.path == "pixel/list/")
      return Envelope(ListPage("pixels", R"([{"pixel_id":"5"}])", 1, 1, 1));
    return Envelope(R"({"list":[{"pixel_id":"5","statistics":[{"total_count":3}]}]})");
  });
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.message(),
            "TikTok returned pixel statistics of pixel 5 (advertiser 7) without an event type; "
            "the record cannot be stored");
  EXPECT_FALSE(state_.Bookmark("pixel_event_stats", "7").has_value());
}

}  // namespace
}  // namespace tap
