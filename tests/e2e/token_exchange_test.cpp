// End-to-end: `tap-tiktok-ads --exchange-auth-code` against the simulator's authorization flow.
#include <gtest/gtest.h>
#include <httplib.h>

#include <memory>

#include "tap/json.h"
#include "tests/e2e/harness.h"

namespace e2e {
namespace {

class TokenExchangeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    config_.advertisers = 3;
    config_.bc_only_advertisers = 1;  // not granted by an authorization
    config_.secret = "sim-secret-7f3a9c";
    simulator_ = std::make_unique<sim::Simulator>(config_);
    port_ = simulator_->Start("127.0.0.1", 0);
    ASSERT_GT(port_, 0);
    secret_file_ = dir_.Write("secret.txt", config_.secret + "\n");
  }

  // What the browser is sent to after the user approves: the auth_code in the redirect.
  std::string AuthCode() {
    httplib::Client client("127.0.0.1", port_);
    auto reply = client.Get("/portal/auth?app_id=" + config_.app_id +
                            "&redirect_uri=http%3A%2F%2Flocalhost%2Fcallback&state=s1");
    EXPECT_TRUE(reply) << "no answer from the simulator";
    if (!reply) return "";
    EXPECT_EQ(reply->status, 302);
    std::string location = reply->get_header_value("Location");
    EXPECT_EQ(location.rfind("http://localhost/callback?auth_code=", 0), 0U) << location;
    size_t start = location.find('=') + 1;
    return location.substr(start, location.find('&') - start);
  }

  TapRun Exchange(const std::string& code, std::vector<std::string> more = {},
                  const std::vector<std::string>& env = {}) {
    std::vector<std::string> args = {"--exchange-auth-code",
                                     code,
                                     "--app-id",
                                     config_.app_id,
                                     "--api-base-url",
                                     "http://127.0.0.1:" + std::to_string(port_)};
    args.insert(args.end(), more.begin(), more.end());
    return RunTap(args, dir_, env);
  }

  static void ExpectNoSecrets(const TapRun& run, const std::string& code) {
    for (const std::string* text : {&run.out, &run.err}) {
      EXPECT_EQ(text->find("sim-secret-7f3a9c"), std::string::npos) << *text;
      EXPECT_EQ(text->find(code), std::string::npos) << *text;
    }
  }

  sim::SimConfig config_;
  std::unique_ptr<sim::Simulator> simulator_;
  int port_ = 0;
  TempDir dir_;
  std::string secret_file_;
};

TEST_F(TokenExchangeTest, PrintsTheTokenAndTheAuthorizedAdvertisersAsAConfigFragment) {
  std::string code = AuthCode();
  TapRun run = Exchange(code, {"--secret-file", secret_file_});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  auto fragment = tap::ParseJson(run.out, "stdout");
  ASSERT_TRUE(fragment.ok()) << run.out;
  EXPECT_EQ(tap::StringMember(*fragment, "access_token"), config_.access_token);
  std::vector<std::string> ids;
  for (const auto& id : (*fragment)["advertiser_ids"].GetArray()) ids.emplace_back(id.GetString());
  std::vector<std::string> expected;
  for (const sim::Advertiser& adv : simulator_->data().advertisers) {
    if (!adv.bc_only) expected.push_back(adv.id);
  }
  EXPECT_EQ(ids, expected);
  EXPECT_NE(run.err.find("config fragment"), std::string::npos) << run.err;
  EXPECT_NE(run.err.find("meltano config set tap-tiktok-ads access_token"), std::string::npos);
  EXPECT_EQ(run.err.find(config_.access_token), std::string::npos) << "token only on stdout";
  ExpectNoSecrets(run, code);
  // The fragment is a config the tap accepts as it is.
  std::string config = MergeJson(Config(port_, config_), run.out);
  TapRun sync = RunTap({"--config", dir_.Write("merged.json", config), "--catalog",
                        dir_.Write("c.json", CatalogSelecting({"advertisers"}))},
                       dir_);
  EXPECT_EQ(sync.exit_code, 0) << sync.err;
}

TEST_F(TokenExchangeTest, ACodeWorksOnce) {
  std::string code = AuthCode();
  ASSERT_EQ(Exchange(code, {"--secret-file", secret_file_}).exit_code, 0);
  TapRun again = Exchange(code, {"--secret-file", secret_file_});
  EXPECT_EQ(again.exit_code, 1);
  EXPECT_NE(again.err.find("already used"), std::string::npos) << again.err;
  EXPECT_NE(again.err.find("40110"), std::string::npos) << again.err;
  EXPECT_TRUE(again.out.empty()) << again.out;
  ExpectNoSecrets(again, code);
}

TEST_F(TokenExchangeTest, AnExpiredCodeIsRefusedWithWhatToDo) {
  // A second simulator (stopping the first one just after it started could race its listener).
  config_.auth_code_ttl_seconds = 0;  // expired as soon as it is issued
  sim::Simulator expiring(config_);
  port_ = expiring.Start("127.0.0.1", 0);
  ASSERT_GT(port_, 0);
  std::string code = AuthCode();
  TapRun run = Exchange(code, {"--secret-file", secret_file_});
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_NE(run.err.find("authorize the app again"), std::string::npos) << run.err;
}

TEST_F(TokenExchangeTest, TheSecretComesFromTheEnvironmentWhenNoFileIsGiven) {
  std::string code = AuthCode();
  TapRun run = Exchange(code, {}, {"TAP_TIKTOK_ADS_SECRET=" + config_.secret});
  EXPECT_EQ(run.exit_code, 0) << run.err;
  ExpectNoSecrets(run, code);
}

TEST_F(TokenExchangeTest, AWrongSecretIsNamedButNeverEchoed) {
  std::string code = AuthCode();
  std::string wrong = dir_.Write("wrong.txt", "not-the-secret-123");
  TapRun run = Exchange(code, {"--secret-file", wrong});
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_NE(run.err.find("40101"), std::string::npos) << run.err;
  EXPECT_NE(run.err.find("check --app-id and the secret"), std::string::npos) << run.err;
  EXPECT_EQ(run.err.find("not-the-secret-123"), std::string::npos) << run.err;
}

TEST_F(TokenExchangeTest, TheSecretIsNeverTakenFromTheCommandLine) {
  TapRun run = Exchange("abc", {"--secret", config_.secret});
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_NE(run.err.find("unknown argument '--secret'"), std::string::npos) << run.err;
  TapRun none = Exchange("abc");
  EXPECT_EQ(none.exit_code, 2);
  EXPECT_NE(none.err.find("--secret-file FILE or set TAP_TIKTOK_ADS_SECRET"), std::string::npos)
      << none.err;
  EXPECT_EQ(simulator_->request_count(), 0) << "nothing is sent before the input is checked";
}

TEST_F(TokenExchangeTest, APlainHttpHostOtherThanLoopbackIsRefusedBeforeAnyConnection) {
  // A documentation address (RFC 5737): refused by the URL check, never connected to.
  TapRun run = RunTap({"--exchange-auth-code", "abc", "--app-id", config_.app_id, "--secret-file",
                       secret_file_, "--api-base-url", "http://192.0.2.1/"},
                      dir_);
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_NE(run.err.find("plain http is allowed only to a loopback"), std::string::npos) << run.err;
}

}  // namespace
}  // namespace e2e
