#include "tap/sync.h"

#include <gtest/gtest.h>

#include <cstdio>

#include "tap/plan.h"
#include "tap/unit_reader.h"
#include "tests/unit/fake_api.h"
#include "tests/unit/fake_env.h"
#include "tests/unit/memory_out.h"
#include "tests/unit/one_stream_sync.h"

namespace tap {
namespace {

// A stream that exists only here: its rows are under data.pixels and its pages hold at most 20
// rows. Adding it takes one table row and no new code.
const StreamDef& TestPixels() {
  static const StreamDef row{.name = "test_pixels",
                             .key_properties = {"advertiser_id", "pixel_id"},
                             .path = "pixel/list/",
                             .list_key = "pixels",
                             .max_page_size = 20,
                             .injected = {"advertiser_id"},
                             .hooks = {PreparePaged, PartitionWhole, ReadEntities, EntityRow}};
  return row;
}

// 45 pixels, paged as the request's page_size says.
std::string ServePixels(const ApiRequest& r) {
  long long page = std::stoll(r.Param("page")), size = std::stoll(r.Param("page_size"));
  std::string rows = "[";
  for (long long i = (page - 1) * size; i < std::min(45LL, page * size); ++i) {
    rows += fmt::format(R"({}{{"pixel_id":"{}","pixel_name":"p{}"}})", rows.size() > 1 ? "," : "",
                        9000 + i, i);
  }
  rows += "]";
  return Envelope(ListPage("pixels", rows, page, 45, (45 + size - 1) / size));
}

class SyncCoreTest : public ::testing::Test {
 protected:
  SyncCoreTest() : writer_(out_.file()) {
    settings_.advertiser_ids = {"7"};
    settings_.start_date = *ParseTimestamp("2024-01-01");
    settings_.page_size = 1000;
    CatalogStream cs;
    cs.def = &TestPixels();
    cs.selected = true;
    cs.key_properties = TestPixels().key_properties;
    cs.schema = std::move(ParseJson(R"({"type":"object","properties":{
        "advertiser_id":{"type":"string"},"pixel_id":{"type":"string"},
        "pixel_name":{"type":["null","string"]}}})",
                                    "schema"))
                    .value();
    catalog_.streams.push_back(std::move(cs));
  }
  std::vector<std::string> Lines() {
    writer_.Flush();
    return out_.Lines();
  }

  MemoryOut out_;
  SingerWriter writer_;
  Settings settings_;
  Catalog catalog_;
  State state_;
  FakeEnv env_;
};

TEST_F(SyncCoreTest, AStreamWithItsOwnListKeyAndPageSizeIsOneTableRow) {
  FakeApi api(ServePixels);
  Sync sync(settings_, catalog_, state_, api, writer_, env_);
  Status status = sync.Run();
  ASSERT_TRUE(status.ok()) << status.message();
  auto requests = api.requests();
  ASSERT_EQ(requests.size(), 3u);  // 20 + 20 + 5
  for (const ApiRequest& r : requests) {
    EXPECT_EQ(r.path, "pixel/list/");
    EXPECT_EQ(r.Param("page_size"), "20");
    EXPECT_EQ(r.Param("advertiser_id"), "7");
  }
  auto lines = Lines();
  ASSERT_EQ(lines.size(), 1u + 45u + 1u);  // SCHEMA, RECORDs, one final STATE
  EXPECT_EQ(lines[1].substr(0, lines[1].find(",\"time_extracted\"")),
            R"({"type":"RECORD","stream":"test_pixels","record":{"advertiser_id":"7",)"
            R"("pixel_id":"9000","pixel_name":"p0"})");
  EXPECT_NE(lines[1].find(R"("time_extracted":"2024-07-01T00:00:00Z")"), std::string::npos);
  EXPECT_EQ(lines.back().rfind(R"({"type":"STATE")", 0), 0u);
}

TEST_F(SyncCoreTest, ARowWithoutItsKeyFailsWithTheKeyNamed) {
  FakeApi api([](const ApiRequest&) {
    return Envelope(ListPage("pixels", R"([{"pixel_name":"x"}])", 1, 1, 1));
  });
  Sync sync(settings_, catalog_, state_, api, writer_, env_);
  Status status = sync.Run();
  EXPECT_EQ(status.message(),
            "TikTok returned a test_pixels row without its key 'pixel_id' (advertiser 7); the "
            "record cannot be stored");
  auto lines = Lines();
  EXPECT_EQ(lines.back().rfind(R"({"type":"STATE")", 0), 0u) << "a final STATE all the same";
}

// Spark Ads posts: the record's own fields are under item_info, the rest beside it.
Status SyncSparkPosts(const std::string& rows, std::vector<std::string>* records) {
  Settings settings;
  settings.advertiser_ids = {"7"};
  FakeApi api([&](const ApiRequest&) { return Envelope(ListPage("list", rows, 1, 1, 1)); });
  State state;
  std::vector<std::string> lines;
  Status status = RunSync(settings, CatalogOnly("spark_ads_posts"), api, state, &lines);
  *records = RecordsOf(lines);
  return status;
}

TEST(NestedRows, AreReadFromTheirMemberAndFailWithoutTheirKey) {
  std::vector<std::string> records;
  Status status = SyncSparkPosts(R"([{"item_info":{"item_id":"71","text":"hi","auth_code":"c0de"},)"
                                 R"("user_info":{"identity_id":"i9"}}])",
                                 &records);
  ASSERT_TRUE(status.ok()) << status.message();
  ASSERT_EQ(records.size(), 1u);
  EXPECT_NE(records[0].find(R"("advertiser_id":"7","item_id":"71")"), std::string::npos);
  EXPECT_NE(records[0].find(R"("text":"hi")"), std::string::npos) << records[0];
  EXPECT_NE(records[0].find(R"("user_info":{"identity_id":"i9"})"), std::string::npos);
  EXPECT_EQ(records[0].find("c0de"), std::string::npos) << "auth_code is not in the schema";
  records.clear();
  status = SyncSparkPosts(R"([{"user_info":{}}])", &records);
  EXPECT_EQ(status.message(),
            "TikTok returned a spark_ads_posts row without its key 'item_id' (advertiser 7); the "
            "record cannot be stored");
  EXPECT_TRUE(records.empty());
}

// An advertiser the token cannot read costs the requests that find it out, not one per unit.
TEST(NoAccess, AfterTheFirstRefusalAnAdvertiserGetsNoMoreRequests) {
  static const std::vector<StreamDef> streams = AllStreams({});
  Catalog catalog = DefaultCatalog(streams);
  Settings settings;
  settings.advertiser_ids = {"7", "8"};
  settings.start_date = *ParseTimestamp("2024-01-01");
  settings.end_date = *ParseTimestamp("2024-06-30");
  settings.skip_inaccessible_advertisers = true;
  settings.max_concurrency = 1;  // units one after the other: the count is exact
  auto refused = [](const ApiRequest& r) {
    return r.Param("advertiser_id") == "8" ||
           r.Param("advertiser_ids").find("\"8\"") != std::string::npos;
  };
  FakeApi api([&](const ApiRequest& r) {
    if (refused(r)) return Envelope("{}", 40001);
    if (r.path == "advertiser/info/") {
      return Envelope(R"({"list":[{"advertiser_id":"7","timezone":"Etc/GMT"}]})");
    }
    return Envelope(ListPage("list", "[]", 1, 0, 0));
  });
  State state;
  std::vector<std::string> lines;
  Status status = RunSync(settings, catalog, api, state, &lines);
  ASSERT_TRUE(status.ok()) << status.message();
  size_t to_8 = 0, to_7 = 0;
  for (const ApiRequest& r : api.requests()) {
    if (refused(r)) {
      ++to_8;
      EXPECT_EQ(r.path, "advertiser/info/") << "no unit of advertiser 8 after its refusal";
    } else if (r.Param("advertiser_id") == "7") {
      ++to_7;
    }
  }
  // Time zones and the advertisers stream: a batch of both, then 8 alone; nothing else.
  EXPECT_EQ(to_8, 4u);
  EXPECT_GT(to_7, 20u) << "advertiser 7 is read as usual";
}

TEST_F(SyncCoreTest, ExactlyOneFinalStateWhenStoppedBeforeAnyWork) {
  FakeApi api(ServePixels);
  std::atomic<bool> stop{true};
  Sync sync(settings_, catalog_, state_, api, writer_, env_, &stop);
  EXPECT_EQ(sync.Run().kind(), ErrorKind::kCancelled);
  auto lines = Lines();
  ASSERT_EQ(lines.size(), 2u);  // SCHEMA, STATE
  EXPECT_EQ(lines[1], R"({"type":"STATE","value":{}})");
}

TEST(SyncReports, ALargeMergeWhoseRowsLackTheirIdFailsInsteadOfEmittingNothing) {
  static const std::vector<StreamDef> streams = AllStreams({});
  Catalog catalog = DefaultCatalog(streams);
  for (CatalogStream& cs : catalog.streams) {
    cs.selected = cs.def->name == "ad_insights_daily";
    if (cs.selected) cs.schema = cs.def->Schema();  // every metric: several metric groups
  }
  Settings settings;
  settings.advertiser_ids = {"7"};
  settings.start_date = *ParseTimestamp("2024-06-25");
  settings.end_date = *ParseTimestamp("2024-06-30");
  // Page 1 announces more rows than one merge holds; the rows have no ad_id.
  FakeApi api([](const ApiRequest& r) {
    if (r.path == "advertiser/info/") {
      return Envelope(R"({"list":[{"advertiser_id":"7","timezone":"UTC"}]})");
    }
    return Envelope(
        ListPage("list", R"([{"dimensions":{"stat_time_day":"2024-06-25 00:00:00"},"metrics":{}}])",
                 1, 50000, 1));
  });
  MemoryOut out;
  SingerWriter writer(out.file());
  State state;
  FakeEnv env;
  Sync sync(settings, catalog, state, api, writer, env);
  Status status = sync.Run();
  EXPECT_EQ(status.message(),
            "TikTok returned ad_insights_daily rows without 'ad_id' (advertiser 7); they cannot "
            "be merged");
}

}  // namespace
}  // namespace tap
