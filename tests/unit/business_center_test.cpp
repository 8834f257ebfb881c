// Business Centers on a fake TikTok: account discovery merged with the configured and the
// authorized advertisers, and the bc_advertisers stream (reference §9.3).
#include "tap/business_center.h"

#include <gtest/gtest.h>

#include "tap/accounts.h"
#include "tap/json.h"
#include "tap/log.h"
#include "tap/sync.h"
#include "tests/unit/fake_api.h"
#include "tests/unit/fake_env.h"
#include "tests/unit/memory_out.h"
#include "tests/unit/one_stream_sync.h"

namespace tap {
namespace {

// BC 1 holds accounts 10, 11 and a PENDING invitation 99; BC 2 holds 11 and 12. The app is
// authorized for 10 only.
std::string Serve(const ApiRequest& r) {
  if (r.path == "oauth2/advertiser/get/") {
    return Envelope(R"({"list":[{"advertiser_id":"10","advertiser_name":"Ten"}]})");
  }
  if (r.path == "bc/get/") {
    return Envelope(ListPage("list",
                             R"([{"bc_info":{"bc_id":"1","name":"One"},"user_role":"ADMIN"},)"
                             R"({"bc_info":{"bc_id":"2","name":"Two"},"user_role":"STANDARD"}])",
                             1, 2, 1));
  }
  if (r.path == "bc/asset/get/") {
    auto row = [](const char* id, const char* status) {
      return fmt::format(R"({{"asset_id":"{}","asset_name":"Account {}",)"
                         R"("relation_status":"{}","relation_type":"OWNER_BC"}})",
                         id, id, status);
    };
    std::string rows =
        r.Param("bc_id") == "1"
            ? "[" + row("10", "BOUND") + "," + row("11", "BOUND") + "," + row("99", "PENDING") + "]"
            : "[" + row("11", "BOUND") + "," + row("12", "BOUND") + "]";
    return Envelope(ListPage("list", rows, 1, 3, 1));
  }
  return Envelope(R"({"list":[]})", 40002);
}

std::vector<std::string> Resolve(const Settings& settings, FakeApi& api) {
  auto accounts = ResolveAccounts(settings, EntityStreams().front(), false, api);
  EXPECT_TRUE(accounts.ok()) << accounts.status().message();
  return accounts.ok() ? accounts->advertiser_ids : std::vector<std::string>{};
}

TEST(BusinessCenterTest, ConfiguredBusinessCentersAddTheirBoundAccountsOnce) {
  FakeApi api(Serve);
  Settings settings;
  settings.bc_ids = {"1", "2"};
  EXPECT_EQ(Resolve(settings, api), (std::vector<std::string>{"10", "11", "12"}));
  for (const ApiRequest& r : api.requests()) {
    EXPECT_EQ(r.path, "bc/asset/get/");  // no credentials: no /oauth2/advertiser/get/
    EXPECT_EQ(r.Param("asset_type"), "ADVERTISER");
    EXPECT_EQ(r.Param("page_size"), "50");
  }
}

TEST(BusinessCenterTest, AccountsFollowTheAuthorizedOnesWithoutDuplicates) {
  FakeApi api(Serve);
  Settings settings;
  settings.app_id = "app";
  settings.secret = Secret("s");
  settings.discover_bc_advertisers = true;
  EXPECT_EQ(Resolve(settings, api), (std::vector<std::string>{"10", "11", "12"}));
  EXPECT_EQ(api.requests().front().path, "oauth2/advertiser/get/");
  EXPECT_EQ(api.requests()[1].path, "bc/get/");
}

TEST(BusinessCenterTest, ConfiguredAdvertisersComeFirstAndWithoutBusinessCentersAlone) {
  FakeApi api(Serve);
  Settings settings;
  settings.advertiser_ids = {"12", "50"};
  EXPECT_EQ(Resolve(settings, api), (std::vector<std::string>{"12", "50"}));
  EXPECT_TRUE(api.requests().empty());
  settings.bc_ids = {"1"};
  EXPECT_EQ(Resolve(settings, api), (std::vector<std::string>{"12", "50", "10", "11"}));
}

TEST(BusinessCenterTest, AFailedAssetListingNamesTheBusinessCenter) {
  FakeApi api([](const ApiRequest&) { return Envelope("{}", 40001); });
  Settings settings;
  settings.bc_ids = {"1"};
  auto accounts = ResolveAccounts(settings, EntityStreams().front(), false, api);
  ASSERT_FALSE(accounts.ok());
  EXPECT_EQ(accounts.status().message(),
            "could not list the ad accounts of Business Center 1: TikTok API error 40001");
}

TEST(AccountsTest, TimeZonesAndCreationTimesComeFromOneAdvertiserInfoCall) {
  FakeApi api([](const ApiRequest& r) {
    EXPECT_EQ(r.path, "advertiser/info/");
    EXPECT_EQ(r.Param("fields"),
              R"(["advertiser_id","timezone","display_timezone","create_time"])");
    return Envelope(
        R"({"list":[)"
        R"({"advertiser_id":"1","display_timezone":"Asia/Tokyo","create_time":1700000000},)"
        R"({"advertiser_id":"2","timezone":"Etc/GMT+8","create_time":"1.5e9"},)"
        R"({"advertiser_id":"3","timezone":"UTC"}]})");
  });
  Settings settings;
  settings.advertiser_ids = {"1", "2", "3"};
  settings.start_date = *ParseTimestamp("2023-01-01");
  testing::internal::CaptureStderr();
  auto accounts = ResolveAccounts(settings, EntityStreams().front(), true, api);
  ASSERT_TRUE(accounts.ok()) << accounts.status().message();
  EXPECT_EQ(api.requests().size(), 1u);
  EXPECT_EQ(accounts->zones.size(), 3u);
  // An integer is read; anything else leaves the creation unknown (reports from start_date).
  ASSERT_EQ(accounts->created.size(), 1u);
  EXPECT_EQ(FormatRfc3339(accounts->created.at("1")), "2023-11-14T22:13:20Z");
  EXPECT_NE(
      testing::internal::GetCapturedStderr().find("1 advertiser(s) were created after start_date"),
      std::string::npos);
}

// One stream through the real Sync; its records (as JSON text) into `records`.
Status SyncStream(const Settings& settings, const std::string& stream, FakeApi& api,
                  std::vector<std::string>* records) {
  State state;
  std::vector<std::string> lines;
  Status status = RunSync(settings, CatalogOnly(stream), api, state, &lines);
  *records = RecordsOf(lines);
  return status;
}

std::vector<std::string> SyncRecords(const Settings& settings, const std::string& stream,
                                     FakeApi& api) {
  std::vector<std::string> records;
  Status status = SyncStream(settings, stream, api, &records);
  EXPECT_TRUE(status.ok()) << status.message();
  return records;
}

TEST(BusinessCenterTest, TheRelationStreamHasEveryAccountOfEachBusinessCenter) {
  FakeApi api(Serve);
  Settings settings;
  settings.advertiser_ids = {"10"};
  std::vector<std::string> records = SyncRecords(settings, "bc_advertisers", api);
  ASSERT_EQ(records.size(), 5u);  // the PENDING relation is data too
  EXPECT_EQ(records[0],
            R"({"bc_id":"1","advertiser_id":"10","advertiser_name":"Account 10",)"
            R"("advertiser_status":null,"advertiser_account_type":null,"advertiser_role":null,)"
            R"("relation_type":"OWNER_BC","relation_status":"BOUND","owner_bc_name":null})");
  EXPECT_NE(records[2].find(R"("advertiser_id":"99")"), std::string::npos);
  EXPECT_NE(records[4].find(R"("bc_id":"2","advertiser_id":"12")"), std::string::npos);
  for (const ApiRequest& r : api.requests()) EXPECT_TRUE(r.Param("advertiser_id").empty());
}

TEST(BusinessCenterTest, BusinessCentersAreReadOnceForTheToken) {
  FakeApi api(Serve);
  Settings settings;
  settings.advertiser_ids = {"10", "11", "12"};
  std::vector<std::string> records = SyncRecords(settings, "business_centers", api);
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[0],
            R"({"bc_id":"1","name":"One","company":null,"currency":null,"registered_area":null,)"
            R"("status":null,"timezone":null,"type":null,"user_role":"ADMIN",)"
            R"("ext_user_role":null})");
  ASSERT_EQ(api.requests().size(), 1u);
  EXPECT_EQ(api.requests()[0].path, "bc/get/");
  EXPECT_TRUE(api.requests()[0].Param("advertiser_id").empty());
}

TEST(BusinessCenterTest, ATokenWithoutBusinessCenterAccessFailsTheStreamNotAnAdvertiser) {
  FakeApi api([](const ApiRequest&) { return Envelope("{}", 40001); });
  Settings settings;
  settings.advertiser_ids = {"10"};
  settings.skip_inaccessible_advertisers = true;  // would hide a skip; this is no skip
  std::vector<std::string> records;
  Status status = SyncStream(settings, "business_centers", api, &records);
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.kind(), ErrorKind::kFatal);
  EXPECT_EQ(status.message(),
            "stream 'business_centers': TikTok API error 40001; give the app access to the "
            "Business Center (its Business Center permission), or deselect the stream");
  EXPECT_TRUE(records.empty());
}

}  // namespace
}  // namespace tap
