#include "tap/token_exchange.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>

#include "tap/json.h"

namespace tap {
namespace {

AuthCodeExchange Valid() {
  AuthCodeExchange e;
  e.app_id = "7100000000000000001";
  e.secret = Secret("s3cr3t-value");
  e.auth_code = Secret("c0de-value");
  e.api_root = "http://127.0.0.1:1/open_api/v1.3/";
  return e;
}

HttpResponse Answer(const std::string& body, long status = 200) {
  HttpResponse r;
  r.status = status;
  r.body = body;
  return r;
}

class RecordingTransport : public Transport {
 public:
  explicit RecordingTransport(HttpResponse reply) : reply_(std::move(reply)) {}
  HttpResponse Send(const HttpRequest& request) override {
    sent.push_back(request);
    return reply_;
  }
  std::vector<HttpRequest> sent;

 private:
  HttpResponse reply_;
};

TEST(TokenExchange, PostsTheCodeAsJsonToTheAccessTokenPath) {
  RecordingTransport transport(Answer(
      R"({"code":0,"message":"OK","request_id":"r","data":{"access_token":"tok","advertiser_ids":["1","2"]}})"));
  auto grant = ExchangeAuthCode(Valid(), transport);
  ASSERT_TRUE(grant.ok()) << grant.status().message();
  EXPECT_EQ(grant->access_token.reveal(), "tok");
  EXPECT_EQ(grant->advertiser_ids, (std::vector<std::string>{"1", "2"}));
  ASSERT_EQ(transport.sent.size(), 1U);
  EXPECT_EQ(transport.sent[0].url, "http://127.0.0.1:1/open_api/v1.3/oauth2/access_token/");
  auto body = ParseJson(transport.sent[0].json_body, "body");
  ASSERT_TRUE(body.ok());
  EXPECT_EQ(StringMember(*body, "app_id"), "7100000000000000001");
  EXPECT_EQ(StringMember(*body, "secret"), "s3cr3t-value");
  EXPECT_EQ(StringMember(*body, "auth_code"), "c0de-value");
  for (const auto& [name, value] : transport.sent[0].headers) {
    EXPECT_NE(name, "Access-Token") << "the exchange needs no token";
  }
}

TEST(TokenExchange, NothingIsSentForInputThatCannotWork) {
  struct Case {
    void (*spoil)(AuthCodeExchange&);
    const char* message;
  };
  for (const Case& c : {
           Case{[](AuthCodeExchange& e) { e.app_id.clear(); }, "--app-id is required"},
           Case{[](AuthCodeExchange& e) { e.app_id = "my-app"; }, "numeric id"},
           Case{[](AuthCodeExchange& e) { e.secret = Secret(); }, "TAP_TIKTOK_ADS_SECRET"},
           Case{[](AuthCodeExchange& e) { e.secret = Secret("a b"); }, "spaces"},
           Case{[](AuthCodeExchange& e) { e.auth_code = Secret(" "); }, "auth_code from"},
       }) {
    AuthCodeExchange e = Valid();
    c.spoil(e);
    RecordingTransport transport(Answer("{}"));
    auto grant = ExchangeAuthCode(e, transport);
    ASSERT_FALSE(grant.ok());
    EXPECT_EQ(grant.status().kind(), ErrorKind::kUsage);
    EXPECT_NE(grant.status().message().find(c.message), std::string::npos)
        << grant.status().message();
    EXPECT_TRUE(transport.sent.empty());
  }
}

TEST(TokenExchange, TikTokErrorsSayWhatToDo) {
  struct Case {
    const char* body;
    const char* message;
  };
  for (const Case& c : {
           Case{R"({"code":40110,"message":"auth_code expired","request_id":"r1"})",
                "authorize the app again"},
           Case{R"({"code":40101,"message":"Invalid app_id or secret.","request_id":"r2"})",
                "check --app-id and the secret"},
           Case{R"({"code":40002,"message":"auth_code: Missing data","request_id":"r3"})",
                "refused the request's parameters"},
           Case{R"({"code":0,"message":"OK","data":{}})", "without an access token"},
           Case{R"({"code":0,"message":"OK","data":{"access_token":"t","advertiser_ids":"1"}})",
                "is not a list"},
           Case{R"({"code":0,"message":"OK","data":{"access_token":"t","advertiser_ids":[{}]}})",
                "not an id"},
           Case{R"(<html>gateway</html>)", "check --api-base-url"},
           Case{R"({"status":"ok"})", "not a TikTok API envelope"},
       }) {
    auto grant = ReadGrant(Answer(c.body));
    ASSERT_FALSE(grant.ok()) << c.body;
    EXPECT_EQ(grant.status().kind(), ErrorKind::kAuth);
    EXPECT_NE(grant.status().message().find(c.message), std::string::npos)
        << grant.status().message();
  }
}

TEST(TokenExchange, TransportAndHttpFailuresAreNamed) {
  HttpResponse refused;
  refused.transport_error = "Connection refused";
  EXPECT_NE(ReadGrant(refused).status().message().find("Connection refused"), std::string::npos);
  EXPECT_NE(ReadGrant(Answer("404 page not found", 404)).status().message().find("HTTP 404"),
            std::string::npos);
}

TEST(TokenExchange, NumericAdvertiserIdsAreKeptExactlyAndAnAbsentListIsEmpty) {
  auto grant = ReadGrant(Answer(
      R"({"code":0,"message":"OK","data":{"access_token":"t","advertiser_ids":[7002238017842757633]}})"));
  ASSERT_TRUE(grant.ok()) << grant.status().message();
  EXPECT_EQ(grant->advertiser_ids, (std::vector<std::string>{"7002238017842757633"}));
  auto none = ReadGrant(Answer(R"({"code":0,"message":"OK","data":{"access_token":"t"}})"));
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->advertiser_ids.empty());
  EXPECT_NE(WhereToPutIt(*none).find("no advertiser ids"), std::string::npos);
}

TEST(TokenExchange, TheFragmentIsConfigJson) {
  TokenGrant grant{Secret("to\"k"), {"1", "2"}};
  auto parsed = ParseJson(ConfigFragment(grant), "fragment");
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(StringMember(*parsed, "access_token"), "to\"k");
  EXPECT_EQ((*parsed)["advertiser_ids"].Size(), 2U);
  EXPECT_EQ(WhereToPutIt(grant).find("to\"k"), std::string::npos);
  EXPECT_NE(WhereToPutIt(grant).find("2 authorized advertiser id(s)"), std::string::npos);
}

TEST(TokenExchange, SecretFilesAreTrimmedAndCheckedForContent) {
  std::string path = ::testing::TempDir() + "token_exchange_secret.txt";
  std::ofstream(path) << "  abc123\n\n";
  auto secret = ReadSecretFile(path);
  ASSERT_TRUE(secret.ok()) << secret.status().message();
  EXPECT_EQ(secret->reveal(), "abc123");
  std::ofstream(path) << "\n";
  EXPECT_NE(ReadSecretFile(path).status().message().find("is empty"), std::string::npos);
  std::remove(path.c_str());
  auto missing = ReadSecretFile(path);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().kind(), ErrorKind::kUsage);
  EXPECT_NE(missing.status().message().find("secret file"), std::string::npos);
}

}  // namespace
}  // namespace tap
