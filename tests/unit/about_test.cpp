#include "tap/about.h"

#include <gtest/gtest.h>

#include <algorithm>

#include <fstream>
#include <sstream>

#include "tap/json.h"
#include "tap/settings.h"

namespace tap {
namespace {

TEST(About, JsonHasTheMeltanoSdkShape) {
  auto doc = ParseJson(AboutText("json"), "about");
  ASSERT_TRUE(doc.ok());
  for (const char* key : {"name", "description", "version", "capabilities", "settings"}) {
    EXPECT_TRUE(doc->HasMember(key)) << key;
  }
  const auto& settings = (*doc)["settings"];
  EXPECT_TRUE(settings["properties"]["access_token"]["secret"].GetBool());
  EXPECT_TRUE(settings["properties"]["access_token"]["writeOnly"].GetBool());
  EXPECT_TRUE(settings["properties"]["secret"]["secret"].GetBool());
  EXPECT_EQ(settings["properties"].MemberCount(), SettingSpecs().size());
  EXPECT_EQ(ToJson(settings["required"]), R"(["access_token","start_date"])");
  EXPECT_EQ(settings["properties"]["page_size"]["default"].GetInt(), 1000);
}

TEST(About, ReadmeCarriesTheMarkdownSettingsTable) {
  std::ifstream in(std::string(TAP_SOURCE_DIR) + "/README.md");
  std::stringstream readme;
  readme << in.rdbuf();
  std::string markdown = AboutText("markdown");
  size_t table = markdown.find("| Setting |");
  ASSERT_NE(table, std::string::npos);
  std::string rows = markdown.substr(table, markdown.find("\n\n", table) - table);
  EXPECT_NE(readme.str().find(rows), std::string::npos)
      << "README.md's settings table differs from --about --format=markdown; paste:\n"
      << rows;
}

TEST(About, MeltanoProjectDeclaresEverySetting) {
  std::ifstream in(std::string(TAP_SOURCE_DIR) + "/examples/meltano/meltano.yml");
  std::stringstream yml;
  yml << in.rdbuf();
  std::string settings = MeltanoSettingsYaml(4);
  EXPECT_NE(yml.str().find(settings), std::string::npos)
      << "examples/meltano/meltano.yml's extractor settings differ from the tap's; paste:\n"
      << settings;
}

TEST(About, MeltanoProjectValidatesTheSameSettingGroups) {
  std::ifstream in(std::string(TAP_SOURCE_DIR) + "/examples/meltano/meltano.yml");
  std::stringstream yml;
  yml << in.rdbuf();
  EXPECT_NE(yml.str().find(MeltanoGroupsYaml(4)), std::string::npos) << MeltanoGroupsYaml(4);
}

TEST(About, TheHubDefinitionIsTheTapsOwn) {
  const std::string path = std::string(TAP_SOURCE_DIR) + "/examples/meltano/hub/tap-tiktok-ads.yml";
  std::ifstream in(path);
  std::stringstream file;
  file << in.rdbuf();
  std::string expected = MeltanoHubYaml();
  if (file.str() != expected) {
    std::string fresh = ::testing::TempDir() + "tap-tiktok-ads.yml";
    std::ofstream(fresh) << expected;
    ADD_FAILURE() << path << " differs from the tap's settings; update it with:\n  cp " << fresh
                  << " " << path;
  }
}

TEST(About, TheHubDefinitionLabelsAndMarksEverySetting) {
  std::string hub = MeltanoHubYaml();
  EXPECT_NE(hub.find("- name: access_token\n  label: Access Token\n  kind: string\n"
                     "  sensitive: true\n"),
            std::string::npos)
      << hub;
  EXPECT_NE(hub.find("- name: advertiser_ids\n  label: Advertiser IDs\n  kind: array\n"),
            std::string::npos);
  EXPECT_NE(hub.find("- name: api_base_url\n  label: API Base URL\n"), std::string::npos);
  EXPECT_NE(hub.find("- name: secret\n  label: Secret\n  kind: string\n  sensitive: true\n"),
            std::string::npos);
  EXPECT_NE(hub.find("\npip_url: tap-tiktok-ads-native\nexecutable: tap-tiktok-ads\n"),
            std::string::npos);
  size_t names = 0;
  for (size_t at = hub.find("\n- name: "); at != std::string::npos;
       at = hub.find("\n- name: ", at + 1)) {
    ++names;
  }
  EXPECT_EQ(names, SettingSpecs().size());
}

// The streams examples/meltano/meltano.yml selects.
const std::vector<std::string> kExampleStreams = {
    "advertisers", "campaigns", "adgroups", "ads", "ad_insights_daily", "campaign_insights_daily"};

TEST(About, MeltanoProjectSelectsTheDefaultMetricsByName) {
  std::ifstream in(std::string(TAP_SOURCE_DIR) + "/examples/meltano/meltano.yml");
  std::stringstream yml;
  yml << in.rdbuf();
  std::string select = MeltanoSelectYaml(4, kExampleStreams);
  EXPECT_NE(yml.str().find(select), std::string::npos)
      << "examples/meltano/meltano.yml's select differs from the tap's defaults; paste:\n"
      << select;
}

TEST(About, SelectNamesEveryFieldOfEntitiesAndOnlyTheDefaultMetricsOfReports) {
  std::string select = MeltanoSelectYaml(0, {"campaigns", "ad_insights_daily"});
  EXPECT_EQ(select.rfind("select:\n- campaigns.*\n- ad_insights_daily.", 0), 0u) << select;
  EXPECT_NE(select.find("- ad_insights_daily.spend\n"), std::string::npos);
  EXPECT_EQ(select.find("ad_insights_daily.*"), std::string::npos);
  EXPECT_EQ(select.find("- ad_insights_daily.billed_cost\n"), std::string::npos) << "not a default";
  size_t lines = static_cast<size_t>(std::count(select.begin(), select.end(), '\n'));
  EXPECT_GT(lines, 20u);
  EXPECT_LT(lines, 150u);
}

TEST(About, MeltanoSettingsCarryKindSensitivityAndDefault) {
  std::string yml = MeltanoSettingsYaml(0);
  EXPECT_NE(yml.find("- name: access_token\n  kind: string\n  sensitive: true\n"),
            std::string::npos);
  EXPECT_NE(yml.find("- name: lookback_days\n  kind: integer\n  value: 7\n"), std::string::npos);
  // A string, so that Meltano hands the tap what the user wrote and the tap validates it.
  EXPECT_NE(yml.find("- name: start_date\n  kind: string\n"), std::string::npos);
  EXPECT_EQ(yml.find("date_iso8601"), std::string::npos);
  EXPECT_NE(yml.find("- name: include_deleted\n  kind: boolean\n  value: false\n"),
            std::string::npos);
  EXPECT_EQ(yml.find("- name: app_id\n  kind: string\n  sensitive"), std::string::npos);
}

}  // namespace
}  // namespace tap
