#include "tap/log.h"

#include <gtest/gtest.h>

#include "tap/secret.h"

namespace tap {
namespace {

TEST(Log, SecretsAreRedactedEverywhere) {
  std::vector<std::string> lines;
  Log::CaptureForTest(&lines);
  Log::AddSecret("super-secret-token");
  LogWarning("url ...?secret={}&x=1", "super-secret-token");
  LogInfo("token {}", Secret("anything"));
  Log::CaptureForTest(nullptr);
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0], "WARNING url ...?secret=***&x=1");
  EXPECT_EQ(lines[1], "INFO token ***");
}

TEST(Log, LevelFilters) {
  std::vector<std::string> lines;
  Log::CaptureForTest(&lines);
  Log::SetLevel(LogLevel::kWarning);
  LogInfo("hidden");
  LogDebug("hidden");
  LogError("shown");
  Log::SetLevel(LogLevel::kInfo);
  Log::CaptureForTest(nullptr);
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0], "ERROR shown");
}

TEST(ParseLogLevel, Names) {
  EXPECT_EQ(ParseLogLevel("DEBUG"), LogLevel::kDebug);
  EXPECT_EQ(ParseLogLevel("warn"), LogLevel::kWarning);
  EXPECT_FALSE(ParseLogLevel("loud").has_value());
}

}  // namespace
}  // namespace tap
