#include "tap/settings.h"

#include <gtest/gtest.h>

#include "tap/json.h"

namespace tap {
namespace {

Result<Settings> Parse(const std::string& json, std::vector<std::string>* warnings = nullptr) {
  auto doc = ParseJson(json, "test config");
  EXPECT_TRUE(doc.ok()) << doc.status().message();
  return ParseSettings(*doc, warnings);
}

constexpr const char* kMinimal =
    R"({"access_token":"tok-123456","advertiser_ids":["7002238017842757633"],"start_date":"2024-01-01"})";

TEST(Settings, MinimalConfigGetsDefaults) {
  auto s = Parse(kMinimal);
  ASSERT_TRUE(s.ok()) << s.status().message();
  EXPECT_EQ(s->access_token.reveal(), "tok-123456");
  EXPECT_EQ(s->advertiser_ids, std::vector<std::string>{"7002238017842757633"});
  EXPECT_EQ(FormatRfc3339(s->start_date), "2024-01-01T00:00:00Z");
  EXPECT_FALSE(s->end_date.has_value());
  EXPECT_EQ(s->page_size, 1000);
  EXPECT_EQ(s->request_timeout, 300);
  EXPECT_FALSE(s->include_deleted);
  EXPECT_EQ(s->api_base_url, "https://business-api.tiktok.com/open_api/v1.3/");
}

TEST(Settings, AdvertiserIdsAcceptEveryShapeAndAlias) {
  for (const char* ids :
       {R"("advertiser_ids":"111, 222")", R"("advertiser_id":"111,222")", R"("accounts":"111,222")",
        R"("advertiser_ids":["111","222","111"])", R"("advertiser_ids":[111,222])"}) {
    auto s = Parse(std::string(R"({"access_token":"tok-123456","start_date":"2024-01-01",)") + ids +
                   "}");
    ASSERT_TRUE(s.ok()) << ids << ": " << s.status().message();
    EXPECT_EQ(s->advertiser_ids, (std::vector<std::string>{"111", "222"})) << ids;
  }
}

TEST(Settings, StringsForBooleansAndNumbers) {
  auto s = Parse(
      R"({"access_token":"tok-123456","advertiser_ids":"1","start_date":"2024-01-01T00:00:00+02:00",
          "include_deleted":"true","sandbox":"false","page_size":"250","request_timeout":60,
          "end_date":"2024-02-01"})");
  ASSERT_TRUE(s.ok()) << s.status().message();
  EXPECT_TRUE(s->include_deleted);
  EXPECT_EQ(s->page_size, 250);
  EXPECT_EQ(s->request_timeout, 60);
  EXPECT_EQ(FormatRfc3339(s->start_date), "2023-12-31T22:00:00Z");
  EXPECT_EQ(FormatRfc3339(*s->end_date), "2024-02-01T00:00:00Z");
}

TEST(Settings, EveryProblemIsReportedAtOnceWithItsKey) {
  auto s = Parse(R"({"advertiser_ids":["12x"],"start_date":"soon","page_size":0,
                     "include_deleted":"maybe","log_level":"loud"})");
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.status().kind(), ErrorKind::kInvalidInput);
  const std::string& m = s.status().message();
  for (const char* part :
       {"access_token: missing", "advertiser_ids: '12x' is not an advertiser id",
        "start_date: 'soon' is not a date", "page_size: 0 is out of range",
        "include_deleted: expected true or false", "log_level: 'loud' is not a level"}) {
    EXPECT_NE(m.find(part), std::string::npos) << part << " not in: " << m;
  }
}

TEST(Settings, BearerPrefixIsExplained) {
  auto s =
      Parse(R"({"access_token":"Bearer abcdef","advertiser_ids":"1","start_date":"2024-01-01"})");
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.status().message().find("remove the prefix"), std::string::npos);
  EXPECT_EQ(s.status().message().find("abcdef"), std::string::npos) << "no secret in errors";
}

TEST(Settings, NeedsAdvertisersOrAppCredentials) {
  auto s = Parse(R"({"access_token":"tok-123456","start_date":"2024-01-01"})");
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.status().message().find("set app_id and secret"), std::string::npos);
  auto with_app = Parse(
      R"({"access_token":"tok-123456","start_date":"2024-01-01","app_id":"1","secret":"shh-secret"})");
  ASSERT_TRUE(with_app.ok()) << with_app.status().message();
  EXPECT_TRUE(with_app->advertiser_ids.empty());
}

TEST(Settings, AliasGivenTwiceIsAnError) {
  auto s = Parse(
      R"({"access_token":"tok-123456","start_date":"2024-01-01","advertiser_ids":"1","accounts":"2"})");
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.status().message().find("given twice"), std::string::npos);
}

TEST(Settings, EndDateBeforeStartDate) {
  auto s = Parse(
      R"({"access_token":"tok-123456","advertiser_ids":"1","start_date":"2024-02-01","end_date":"2024-01-01"})");
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.status().message().find("end_date: 2024-01-01T00:00:00Z is before start_date"),
            std::string::npos);
}

TEST(Settings, UnknownKeysWarn) {
  std::vector<std::string> warnings;
  auto s = Parse(
      R"({"access_token":"tok-123456","advertiser_ids":"1","start_date":"2024-01-01","start_dat":"x"})",
      &warnings);
  ASSERT_TRUE(s.ok());
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_NE(warnings[0].find("'start_dat'"), std::string::npos);
}

TEST(Settings, NotAnObject) {
  auto s = Parse("[1,2]");
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.status().message().find("must be a JSON object"), std::string::npos);
}

struct UrlCase {
  const char* configured;
  bool sandbox;
  const char* expected;  // nullptr: rejected
};

TEST(ResolveApiBaseUrl, HostsAndLoopbackRule) {
  for (const UrlCase& c : {
           UrlCase{"", false, "https://business-api.tiktok.com/open_api/v1.3/"},
           UrlCase{"", true, "https://sandbox-ads.tiktok.com/open_api/v1.3/"},
           UrlCase{"http://127.0.0.1:8080", false, "http://127.0.0.1:8080/open_api/v1.3/"},
           UrlCase{"http://localhost:1/open_api/v1.3/", false, "http://localhost:1/open_api/v1.3/"},
           UrlCase{"http://[::1]:9000/", false, "http://[::1]:9000/open_api/v1.3/"},
           UrlCase{"https://proxy.example.com/tiktok", true,
                   "https://proxy.example.com/tiktok/open_api/v1.3/"},
           UrlCase{"http://10.0.0.5", false, nullptr},
           UrlCase{"http://127.0.0.1.evil.com", false, nullptr},
           UrlCase{"ftp://x", false, nullptr},
           UrlCase{"https://", false, nullptr},
       }) {
    auto url = ResolveApiBaseUrl(c.configured, c.sandbox);
    if (c.expected == nullptr) {
      EXPECT_FALSE(url.ok()) << c.configured;
    } else {
      ASSERT_TRUE(url.ok()) << c.configured << ": " << url.status().message();
      EXPECT_EQ(*url, c.expected);
    }
  }
}

TEST(SettingSpecs, EverySettingIsDocumented) {
  for (const SettingSpec& spec : SettingSpecs()) {
    EXPECT_FALSE(spec.description.empty()) << spec.name;
  }
}

TEST(Settings, StartDateBeforeTikTokAdsIsRejected) {
  auto s = Parse(R"({"access_token":"tok-123456","advertiser_ids":"1","start_date":"0001-01-01"})");
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.status().message(),
            "start_date: 0001-01-01 is before TikTok Ads existed; set 2012-01-01 or later");
  EXPECT_TRUE(
      Parse(R"({"access_token":"tok-123456","advertiser_ids":"1","start_date":"2012-01-01"})")
          .ok());
}

TEST(Settings, StateIntervalDefaultsToFiveSeconds) {
  auto s = Parse(R"({"access_token":"tok-123456","advertiser_ids":"1","start_date":"2024-01-01"})");
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->state_interval, 5.0);
  auto t = Parse(
      R"({"access_token":"tok-123456","advertiser_ids":"1","start_date":"2024-01-01","state_interval":0})");
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->state_interval, 0.0);
}

}  // namespace
}  // namespace tap
