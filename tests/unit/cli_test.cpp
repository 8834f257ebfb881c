#include "tap/cli.h"

#include <gtest/gtest.h>

namespace tap {
namespace {

TEST(CommandLine, BothOptionForms) {
  auto o = ParseCommandLine({"--config=c.json", "--state", "s.json", "--catalog", "k.json"});
  ASSERT_TRUE(o.ok()) << o.status().message();
  EXPECT_EQ(o->config, "c.json");
  EXPECT_EQ(o->state, "s.json");
  EXPECT_EQ(o->catalog, "k.json");
}

TEST(CommandLine, SummaryTakesAFile) {
  auto o = ParseCommandLine({"--config", "c.json", "--summary", "run.json"});
  ASSERT_TRUE(o.ok()) << o.status().message();
  EXPECT_EQ(o->summary, "run.json");
  EXPECT_NE(UsageText().find("--summary FILE"), std::string::npos);
}

TEST(CommandLine, PropertiesIsTheLegacyCatalog) {
  auto o = ParseCommandLine({"-c", "c.json", "--properties", "p.json"});
  ASSERT_TRUE(o.ok());
  EXPECT_EQ(o->catalog, "p.json");
}

TEST(CommandLine, DiscoverAndAboutNeedNoConfigAndTolerateStrayFiles) {
  auto d = ParseCommandLine({"--discover", "--catalog", "x.json", "--state", "y.json"});
  ASSERT_TRUE(d.ok());
  EXPECT_TRUE(d->discover);
  auto a = ParseCommandLine({"--about", "--format", "json"});
  ASSERT_TRUE(a.ok());
  EXPECT_TRUE(a->about);
  EXPECT_EQ(a->format, "json");
  auto m = ParseCommandLine({"--about", "--format=markdown"});
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m->format, "markdown");
}

TEST(CommandLine, TheTokenHelperNeedsNoConfig) {
  auto o = ParseCommandLine(
      {"--exchange-auth-code", "abc", "--app-id=71", "--secret-file", "s.txt", "--sandbox"});
  ASSERT_TRUE(o.ok()) << o.status().message();
  EXPECT_EQ(o->exchange_auth_code, "abc");
  EXPECT_EQ(o->app_id, "71");
  EXPECT_EQ(o->secret_file, "s.txt");
  EXPECT_TRUE(o->sandbox);
  EXPECT_NE(UsageText().find("--exchange-auth-code CODE --app-id ID"), std::string::npos);
}

TEST(CommandLine, TheTokenHelperTakesOnlyItsOwnOptions) {
  struct Case {
    std::vector<std::string> args;
    const char* message;
  };
  for (const Case& c :
       {Case{{"--config", "c", "--app-id", "1"}, "go with --exchange-auth-code"},
        Case{{"--config", "c", "--sandbox"}, "go with --exchange-auth-code"},
        Case{{"--exchange-auth-code", "x", "--config", "c"}, "takes only --app-id"},
        Case{{"--exchange-auth-code", "x", "--discover"}, "takes only --app-id"},
        Case{{"--exchange-auth-code", "x", "--sandbox", "--api-base-url", "http://127.0.0.1/"},
             "not both"},
        Case{{"--exchange-auth-code", "x", "--secret", "s"}, "unknown argument '--secret'"}}) {
    auto o = ParseCommandLine(c.args);
    ASSERT_FALSE(o.ok());
    EXPECT_EQ(o.status().kind(), ErrorKind::kUsage);
    EXPECT_NE(o.status().message().find(c.message), std::string::npos) << o.status().message();
  }
}

TEST(CommandLine, UsageErrors) {
  struct Case {
    std::vector<std::string> args;
    const char* message;
  };
  for (const Case& c :
       {Case{{}, "--config is required"}, Case{{"--config"}, "--config needs a value"},
        Case{{"--config="}, "needs a non-empty value"},
        Case{{"--discover=yes"}, "--discover takes no value"},
        Case{{"--about", "--format", "xml"}, "--format must be json or markdown"},
        Case{{"--format", "json", "--config", "c"}, "--format goes with --about"},
        Case{{"--config", "c", "extra"}, "unknown argument 'extra'"}}) {
    auto o = ParseCommandLine(c.args);
    ASSERT_FALSE(o.ok());
    EXPECT_EQ(o.status().kind(), ErrorKind::kUsage);
    EXPECT_NE(o.status().message().find(c.message), std::string::npos) << o.status().message();
  }
}

TEST(CommandLine, HelpAndVersion) {
  EXPECT_TRUE(ParseCommandLine({"--help"})->help);
  EXPECT_TRUE(ParseCommandLine({"--version"})->version);
  EXPECT_NE(UsageText().find("--config"), std::string::npos);
}

}  // namespace
}  // namespace tap
