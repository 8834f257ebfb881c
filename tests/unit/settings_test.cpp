#include "tap/settings.h"

#include <gtest/gtest.h>

#include <fmt/format.h>

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

// The minimal config with the members of `extra` (a JSON object text) put over it.
std::string MergeConfig(const std::string& extra) {
  auto base = ParseJson(kMinimal, "base");
  auto more = ParseJson(extra, "extra");
  EXPECT_TRUE(more.ok()) << more.status().message();
  for (auto& m : more->GetObject()) {
    base->RemoveMember(m.name);
    base->AddMember(rapidjson::Value(m.name, base->GetAllocator()),
                    rapidjson::Value(m.value, base->GetAllocator()), base->GetAllocator());
  }
  return ToJson(*base);
}

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

TEST(Settings, BusinessCentersAloneAreEnoughAdvertisers) {
  auto s =
      Parse(R"({"access_token":"tok-123456","start_date":"2024-01-01","bc_ids":"71, 72, 71"})");
  ASSERT_TRUE(s.ok()) << s.status().message();
  EXPECT_EQ(s->bc_ids, (std::vector<std::string>{"71", "72"}));
  EXPECT_FALSE(s->discover_bc_advertisers);
  auto discover = Parse(
      R"({"access_token":"tok-123456","start_date":"2024-01-01","discover_bc_advertisers":true})");
  ASSERT_TRUE(discover.ok()) << discover.status().message();
  EXPECT_TRUE(discover->discover_bc_advertisers);
  auto bad = Parse(R"({"access_token":"tok-123456","start_date":"2024-01-01","bc_ids":["b1"]})");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("bc_ids: 'b1'"), std::string::npos)
      << bad.status().message();
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
           // User info would make curl connect to the host after the '@', in clear text.
           UrlCase{"http://localhost:80@example.com/", false, nullptr},
           UrlCase{"http://[::1]@example.com/", false, nullptr},
           UrlCase{"http://127.0.0.1@example.com", false, nullptr},
           UrlCase{"https://user:pass@example.com/", false, nullptr},
           UrlCase{"http://127.0.0.1:8080/?x=1", false, nullptr},
           UrlCase{"http://127.0.0.1:8080/#x", false, nullptr},
           UrlCase{"http://LOCALHOST:8080", false, "http://LOCALHOST:8080/open_api/v1.3/"},
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

TEST(ResolveApiBaseUrl, UserInfoIsNamedInTheError) {
  auto url = ResolveApiBaseUrl("http://localhost:80@example.com/", false);
  ASSERT_FALSE(url.ok());
  EXPECT_NE(url.status().message().find("has a user name or password"), std::string::npos)
      << url.status().message();
}

// A CR/LF in the token would add HTTP headers; the error names the key, never the value.
TEST(Settings, ControlCharactersAreRefusedWithoutEchoingTheValue) {
  auto s = Parse(R"({"access_token":"tok\r\nX-Evil: 1","advertiser_ids":["1"],)"
                 R"("start_date":"2024-01-01","log_level":"info\u0000"})");
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.status().message().find(
                "access_token: contains a control character (a line break, tab or NUL); remove it"),
            std::string::npos)
      << s.status().message();
  EXPECT_NE(s.status().message().find("log_level: contains a control character"),
            std::string::npos);
  EXPECT_EQ(s.status().message().find("Evil"), std::string::npos);
  auto pasted = Parse(R"({"access_token":"tok-123456\n","advertiser_ids":["1"],)"
                      R"("start_date":"2024-01-01"})");
  ASSERT_TRUE(pasted.ok()) << "a trailing newline is not inside the token";
  EXPECT_EQ(pasted->access_token.reveal(), "tok-123456");
}

TEST(Settings, EchoedValuesAreEscapedAndShort) {
  std::vector<std::string> warnings;
  std::string key = "evil\\nINFO forged line" + std::string(10000, 'x');
  auto s = Parse(
      MergeConfig(R"({")" + key + R"(":1,"start_date":")" + std::string(100000, '2') + R"("})"),
      &warnings);
  ASSERT_FALSE(s.ok());
  EXPECT_LT(s.status().message().size(), 1000u);
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_EQ(warnings[0].find('\n'), std::string::npos) << warnings[0].substr(0, 100);
  EXPECT_NE(warnings[0].find("'evil\\nINFO forged line"), std::string::npos) << warnings[0];
  EXPECT_LT(warnings[0].size(), 300u);
}

TEST(Settings, NanAndInfinitiesAreRejected) {
  for (const char* value : {"\"nan\"", "\"NaN\"", "\"inf\"", "\"-infinity\"", "\"1e999\""}) {
    std::vector<std::string> warnings;
    auto doc = ParseJson(MergeConfig(fmt::format(R"({{"retry_base_delay":{}}})", value)), "c");
    ASSERT_TRUE(doc.ok());
    auto s = ParseSettings(*doc, &warnings);
    ASSERT_FALSE(s.ok()) << value;
    EXPECT_NE(s.status().message().find("retry_base_delay: expected a number from 0 to 300"),
              std::string::npos);
  }
}

TEST(Settings, AKeyGivenTwiceIsAnErrorNamingIt) {
  auto doc = ParseJson(R"({"access_token":"a","start_date":"2024-01-01","access_token":"b"})",
                       "config file 'c.json'");
  ASSERT_FALSE(doc.ok());
  EXPECT_EQ(doc.status().message(),
            "config file 'c.json' gives the key 'access_token' twice in one object; keep one");
  auto nested = ParseJson(R"({"custom_reports":[{"name":"a","name":"b"}]})", "config");
  ASSERT_FALSE(nested.ok());
  EXPECT_NE(nested.status().message().find("'custom_reports[0].name'"), std::string::npos);
}

TEST(Settings, ManyAdvertiserIdsAreDeduplicated) {
  std::string ids;
  for (int i = 0; i < 100000; ++i)
    ids += fmt::format("{}\"{}\"", i ? "," : "", 1000000 + i % 60000);
  auto s = Parse(R"({"access_token":"tok-123456","start_date":"2024-01-01","advertiser_ids":[)" +
                 ids + "]}");
  ASSERT_TRUE(s.ok());
  ASSERT_EQ(s->advertiser_ids.size(), 60000u);
  EXPECT_EQ(s->advertiser_ids[0], "1000000");
  EXPECT_EQ(s->advertiser_ids[59999], "1059999");
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
