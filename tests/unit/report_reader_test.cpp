// Report reading through the real Sync on a fake TikTok: origins, and reports TikTok cuts to its
// newest ids (reference/tiktok_api.md §9.1).
#include "tap/report_reader.h"

#include <gtest/gtest.h>

#include <set>

#include "tap/json.h"
#include "tap/sync.h"
#include "tests/unit/fake_api.h"
#include "tests/unit/fake_env.h"
#include "tests/unit/memory_out.h"

namespace tap {
namespace {

// A fake account: campaigns 100.. (newer ids are newer), Promote campaigns 900.., each with a
// row on 2024-06-29 and 2024-06-30. A report covering more than `limit` ids keeps the newest.
class FakeTikTok {
 public:
  FakeTikTok(int campaigns, int promote, size_t limit, bool warns = true)
      : limit_(limit), warns_(warns) {
    for (int i = 0; i < campaigns; ++i) regular_.push_back(std::to_string(100 + i));
    for (int i = 0; i < promote; ++i) promote_.push_back(std::to_string(900 + i));
  }

  std::string Serve(const ApiRequest& r) {
    if (r.path == "advertiser/info/") {
      return Envelope(R"({"list":[{"advertiser_id":"7","timezone":"UTC"}]})");
    }
    bool promote = r.Param("filtering").find("PROMOTE") != std::string::npos;
    if (r.path == "campaign/get/") {
      bool top_view = r.Param("filtering").find("TOP_VIEW") != std::string::npos;
      std::string rows = "[";
      for (const std::string& id : top_view ? std::vector<std::string>{} : Of(promote)) {
        rows += (rows.size() > 1 ? "," : "") + fmt::format(R"({{"campaign_id":"{}"}})", id);
      }
      return Envelope(ListPage("list", rows + "]", 1, 1, 1));
    }
    std::vector<std::string> ids = Filtered(r, promote);
    std::string rows = "[";
    for (const std::string& id : ids) {
      for (const char* day : {"2024-06-29", "2024-06-30"}) {
        rows +=
            (rows.size() > 1 ? "," : "") +
            fmt::format(R"({{"dimensions":{{"campaign_id":"{}","stat_time_day":"{} 00:00:00"}},)"
                        R"("metrics":{{"spend":"1.500"}}}})",
                        id, day);
      }
    }
    long long n = static_cast<long long>(ids.size() * 2);
    return Envelope(ListPage("list", rows + "]", 1, n, 1));
  }

  // Whether the answer to `r` carries X-Tt-Ads-Throttle.
  bool Cut(const ApiRequest& r) {
    if (r.path != "report/integrated/get/" || !warns_) return false;
    return always_cut_ ||
           Wanted(r, r.Param("filtering").find("PROMOTE") != std::string::npos).size() > limit_;
  }

  void AlwaysCut() { always_cut_ = true; }
  const std::vector<std::string>& regular() const { return regular_; }

  // The ids a report request filters by (campaign_ids), empty when it does not.
  static std::vector<std::string> IdFilter(const ApiRequest& r) {
    auto filtering = ParseJson(r.Param("filtering"), "filtering");
    std::vector<std::string> ids;
    if (!filtering.ok() || !filtering->IsArray()) return ids;
    for (const auto& f : filtering->GetArray()) {
      if (std::string(f["field_name"].GetString()) != "campaign_ids") continue;
      auto values = ParseJson(f["filter_value"].GetString(), "ids");
      for (const auto& v : values->GetArray()) ids.emplace_back(v.GetString());
    }
    return ids;
  }

 private:
  const std::vector<std::string>& Of(bool promote) const { return promote ? promote_ : regular_; }
  std::vector<std::string> Wanted(const ApiRequest& r, bool promote) const {
    std::vector<std::string> filter = IdFilter(r);
    std::vector<std::string> out;
    for (const std::string& id : Of(promote)) {
      if (filter.empty() || std::find(filter.begin(), filter.end(), id) != filter.end()) {
        out.push_back(id);
      }
    }
    return out;
  }
  std::vector<std::string> Filtered(const ApiRequest& r, bool promote) const {
    std::vector<std::string> ids = Wanted(r, promote);
    if (always_cut_) return {};  // a server that cuts everything, however few ids
    if (ids.size() > limit_) ids.erase(ids.begin(), ids.end() - static_cast<long>(limit_));
    return ids;
  }

  std::vector<std::string> regular_, promote_;
  size_t limit_;
  bool warns_;
  bool always_cut_ = false;
};

class ReportReaderTest : public ::testing::Test {
 protected:
  ReportReaderTest() : catalog_(DefaultCatalog(Streams())) {
    for (CatalogStream& cs : catalog_.streams) {
      cs.selected = cs.def->name == "campaign_insights_daily";
    }
    settings_.advertiser_ids = {"7"};
    settings_.start_date = *ParseTimestamp("2024-06-29");
    settings_.end_date = *ParseTimestamp("2024-06-30");
    settings_.report_id_limit = 10;
    settings_.include_promote_ads = false;
  }
  static const std::vector<StreamDef>& Streams() {
    static const std::vector<StreamDef> streams = AllStreams({});
    return streams;
  }

  Status Run(FakeTikTok& tiktok) {
    api_ = std::make_unique<FakeApi>([&](const ApiRequest& r) { return tiktok.Serve(r); });
    api_->SetThrottle([&](const ApiRequest& r) { return tiktok.Cut(r); });
    SingerWriter writer(out_.file());
    State state;
    FakeEnv env;
    Sync sync(settings_, catalog_, state, *api_, writer, env);
    Status status = sync.Run();
    writer.Flush();
    return status;
  }

  // campaign_id|day of every RECORD; fails the test on a duplicate.
  std::set<std::string> Keys() {
    std::set<std::string> keys;
    for (const std::string& line : out_.Lines()) {
      auto doc = ParseJson(line, "line");
      if (std::string((*doc)["type"].GetString()) != "RECORD") continue;
      const auto& record = (*doc)["record"];
      std::string key = std::string(record["campaign_id"].GetString()) + "|" +
                        record["stat_time_day"].GetString();
      EXPECT_TRUE(keys.insert(key).second) << key << " emitted twice";
    }
    return keys;
  }

  std::vector<ApiRequest> Reports() {
    std::vector<ApiRequest> out;
    for (const ApiRequest& r : api_->requests()) {
      if (r.path == "report/integrated/get/") out.push_back(r);
    }
    return out;
  }

  Catalog catalog_;
  Settings settings_;
  MemoryOut out_;
  std::unique_ptr<FakeApi> api_;
};

TEST_F(ReportReaderTest, ATruncatedReportIsCompletedByIdBatchesWithNoRowTwice) {
  FakeTikTok tiktok(25, 0, 10);
  Status status = Run(tiktok);
  ASSERT_TRUE(status.ok()) << status.message();
  EXPECT_EQ(Keys().size(), 50u);  // 25 campaigns x 2 days
  auto reports = Reports();
  // The window, then the 15 ids it lacked in batches of at most the limit (10 + 5).
  ASSERT_EQ(reports.size(), 3u);
  EXPECT_TRUE(FakeTikTok::IdFilter(reports[0]).empty());
  std::vector<std::string> batched;
  for (size_t i = 1; i < reports.size(); ++i) {
    auto ids = FakeTikTok::IdFilter(reports[i]);
    EXPECT_LE(ids.size(), 10u);
    batched.insert(batched.end(), ids.begin(), ids.end());
  }
  // Exactly the ids the truncated answer did not have: the oldest 15.
  EXPECT_EQ(batched,
            std::vector<std::string>(tiktok.regular().begin(), tiktok.regular().begin() + 15));
}

TEST_F(ReportReaderTest, AsManyIdsAsTheLimitCountsAsTruncatedWithoutTheWarning) {
  FakeTikTok tiktok(25, 0, 10, /*warns=*/false);
  ASSERT_TRUE(Run(tiktok).ok());
  EXPECT_EQ(Keys().size(), 50u);
}

TEST_F(ReportReaderTest, AnUntruncatedReportIsReadOnce) {
  FakeTikTok tiktok(9, 0, 10);
  ASSERT_TRUE(Run(tiktok).ok());
  EXPECT_EQ(Keys().size(), 18u);
  EXPECT_EQ(Reports().size(), 1u);
  for (const ApiRequest& r : api_->requests()) EXPECT_NE(r.path, "campaign/get/");
}

TEST_F(ReportReaderTest, PromoteRowsHaveTheirOwnRequestAndTheirOwnIds) {
  settings_.include_promote_ads = true;
  FakeTikTok tiktok(3, 12, 10);
  ASSERT_TRUE(Run(tiktok).ok());
  EXPECT_EQ(Keys().size(), 30u);  // (3 + 12) x 2
  auto reports = Reports();
  ASSERT_GE(reports.size(), 2u);
  EXPECT_EQ(reports[0].Param("filtering"), "");
  EXPECT_EQ(
      reports[1].Param("filtering"),
      R"([{"field_name":"campaign_system_origins","filter_type":"IN","filter_value":"[\"PROMOTE\"]"}])");
  // The two Promote ids the cut answer lacked come from the Promote listing.
  for (const ApiRequest& r : api_->requests()) {
    if (r.path == "campaign/get/") {
      EXPECT_EQ(r.Param("filtering"), R"({"campaign_system_origins":["PROMOTE"]})");
    }
  }
}

TEST_F(ReportReaderTest, AnAccountWithoutPromoteObjectsMakesNoPromoteReportRequest) {
  settings_.include_promote_ads = true;
  FakeTikTok tiktok(3, 0, 10);
  ASSERT_TRUE(Run(tiktok).ok());
  EXPECT_EQ(Keys().size(), 6u);
  ASSERT_EQ(Reports().size(), 1u);
  EXPECT_EQ(Reports()[0].Param("filtering"), "");
}

TEST_F(ReportReaderTest, ASingleIdStillTruncatedIsAnErrorNotALoop) {
  FakeTikTok tiktok(3, 0, 10);
  tiktok.AlwaysCut();
  Status status = Run(tiktok);
  EXPECT_EQ(status.message(),
            "TikTok says its report of stream 'campaign_insights_daily' (advertiser 7) for the "
            "single id 100 was cut to its newest ids (X-Tt-Ads-Throttle); it cannot be read "
            "whole. Lower report_id_limit only if TikTok changed its limit.");
}

}  // namespace
}  // namespace tap
