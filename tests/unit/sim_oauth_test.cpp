// The simulator's authorization flow, with its clock injected.
#include "tests/simulator/sim_oauth.h"

#include <gtest/gtest.h>

namespace sim {
namespace {

class SimOAuthTest : public ::testing::Test {
 protected:
  SimOAuthTest() : oauth_(config_, {"11", "12"}, [this] { return now_; }) {}

  std::string Code(const std::string& state = "st") {
    OAuth::Redirect r = oauth_.Authorize(
        {{"app_id", config_.app_id}, {"redirect_uri", "https://app.example/cb"}, {"state", state}});
    EXPECT_TRUE(r.error.empty()) << r.error;
    size_t start = r.location.find("auth_code=") + 10;
    return r.location.substr(start, r.location.find('&', start) - start);
  }

  OAuth::Answer Exchange(const std::string& code, const std::string& secret = "sim-app-secret",
                         const std::string& extra = "") {
    return oauth_.Exchange("application/json",
                           R"({"app_id":")" + config_.app_id + R"(","secret":")" + secret +
                               R"(","auth_code":")" + code + "\"" + extra + "}");
  }

  SimConfig config_;
  std::chrono::steady_clock::time_point now_{};
  OAuth oauth_;
};

TEST_F(SimOAuthTest, TheRedirectCarriesTheCodeTwiceAndTheState) {
  OAuth::Redirect r = oauth_.Authorize({{"app_id", config_.app_id},
                                        {"redirect_uri", "https://app.example/cb?x=1"},
                                        {"state", "a b&c"}});
  ASSERT_TRUE(r.error.empty());
  std::string code = r.location.substr(r.location.find("auth_code=") + 10, 32);
  EXPECT_EQ(r.location,
            "https://app.example/cb?x=1&auth_code=" + code + "&code=" + code + "&state=a%20b%26c");
  EXPECT_NE(Code(), code) << "each authorization gets its own code";
}

TEST_F(SimOAuthTest, AuthorizeRefusesAnotherAppOrABadRedirect) {
  EXPECT_FALSE(oauth_.Authorize({{"app_id", "1"}, {"redirect_uri", "https://a/"}}).error.empty());
  EXPECT_FALSE(oauth_.Authorize({{"app_id", config_.app_id}, {"redirect_uri", "javascript:x"}})
                   .error.empty());
}

TEST_F(SimOAuthTest, ACodeIsTradedOnceForTheTokenAndTheAuthorizedAdvertisers) {
  std::string code = Code();
  OAuth::Answer first = Exchange(code);
  EXPECT_EQ(first.code, 0);
  EXPECT_EQ(first.data_json,
            R"({"access_token":"sim-token","advertiser_ids":["11","12"],"scope":[4,5,8,13]})");
  EXPECT_EQ(Exchange(code).code, 40110);
}

TEST_F(SimOAuthTest, ACodeExpiresAfterItsLifetime) {
  std::string code = Code();
  now_ += std::chrono::seconds(config_.auth_code_ttl_seconds);
  EXPECT_EQ(Exchange(code).code, 40110);
  std::string fresh = Code();
  now_ += std::chrono::seconds(config_.auth_code_ttl_seconds - 1);
  EXPECT_EQ(Exchange(fresh).code, 0);
}

TEST_F(SimOAuthTest, RefusesWhatTheApiRefuses) {
  std::string code = Code();
  EXPECT_EQ(Exchange(code, "wrong").code, 40101);
  EXPECT_EQ(Exchange("unknown").code, 40101);
  EXPECT_EQ(oauth_.Exchange("text/plain", "{}").code, 40002);
  EXPECT_EQ(oauth_.Exchange("application/json", "{nope").code, 40002);
  OAuth::Answer missing = oauth_.Exchange("application/json", R"({"app_id":"1","secret":"s"})");
  EXPECT_EQ(missing.code, 40002);
  EXPECT_EQ(missing.message, "auth_code: Missing data for required field.");
  EXPECT_EQ(Exchange(code).code, 0) << "a refused exchange does not use the code up";
}

TEST_F(SimOAuthTest, TheAdvertiserListCanBeTurnedOff) {
  OAuth::Answer a = Exchange(Code(), "sim-app-secret", R"(,"return_advertiser_ids":false)");
  EXPECT_EQ(a.code, 0);
  EXPECT_EQ(a.data_json.find("advertiser_ids"), std::string::npos) << a.data_json;
}

}  // namespace
}  // namespace sim
