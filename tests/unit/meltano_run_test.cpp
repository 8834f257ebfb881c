#include "tap/meltano_run.h"

#include <gtest/gtest.h>

#include <map>

#include "tap/json.h"
#include "tap/settings.h"

namespace tap {
namespace {

// An environment of `vars` only.
std::function<const char*(const char*)> Env(std::map<std::string, std::string> vars) {
  return [vars = std::move(vars)](const char* name) -> const char* {
    auto it = vars.find(name);
    return it == vars.end() ? nullptr : it->second.c_str();
  };
}

TEST(MeltanoRun, OnlyWhenMeltanoStartedTheExtractor) {
  EXPECT_FALSE(DetectMeltano("/tmp/config.json", Env({})).has_value());
  EXPECT_FALSE(DetectMeltano("/tmp/config.json", Env({{"MELTANO_EXTRACTOR_NAME", ""}})));
  auto by_hand = DetectMeltano(
      "/home/me/config.json",
      Env({{"MELTANO_EXTRACTOR_NAME", "tap-tiktok-ads"}, {"MELTANO_SYS_DIR_ROOT", "/p/.meltano"}}));
  ASSERT_TRUE(by_hand.has_value());
  EXPECT_FALSE(by_hand->temporary_config) << "a file the user named is the user's";
  auto meltano = DetectMeltano(
      "/p/.meltano/run/tap-tiktok-ads/tap.0191.config.json",
      Env({{"MELTANO_EXTRACTOR_NAME", "tap-tiktok-ads"}, {"MELTANO_SYS_DIR_ROOT", "/p/.meltano"}}));
  ASSERT_TRUE(meltano.has_value());
  EXPECT_TRUE(meltano->temporary_config);
  EXPECT_EQ(meltano->plugin, "tap-tiktok-ads");
}

TEST(MeltanoRun, SettingsAreNamedAsMeltanoUsersSetThem) {
  MeltanoRun run{.plugin = "tap-tiktok-ads-eu"};
  EXPECT_EQ(run.EnvName("start_date"), "TAP_TIKTOK_ADS_EU_START_DATE");
  EXPECT_EQ(run.EnvName("custom_reports[0].name"), "TAP_TIKTOK_ADS_EU_CUSTOM_REPORTS");
  EXPECT_EQ(run.Label("lookback_days"), "lookback_days (TAP_TIKTOK_ADS_EU_LOOKBACK_DAYS)");
  auto doc =
      ParseJson(R"({"access_token":"tok-123456","advertiser_ids":"1","start_date":"x"})", "config");
  auto settings =
      ParseSettings(*doc, nullptr, [&](std::string_view key) { return run.Label(key); });
  ASSERT_FALSE(settings.ok());
  EXPECT_EQ(settings.status().message().rfind("start_date (TAP_TIKTOK_ADS_EU_START_DATE): 'x'", 0),
            0u)
      << settings.status().message();
}

}  // namespace
}  // namespace tap
