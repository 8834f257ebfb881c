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

// A server that echoes the secret as it was sent in the query, or inside a JSON string.
TEST(Log, EncodedFormsOfSecretsAreRedacted) {
  std::vector<std::string> lines;
  Log::CaptureForTest(&lines);
  Log::AddSecret("APP SECRET/456\"x");
  LogWarning("a {}", "APP%20SECRET%2F456%22x");
  LogWarning("b {}", "app APP%20SECRET%2f456%22x");
  LogWarning("c {}", "APP+SECRET%2F456%22x");
  LogWarning("d {}", R"({"message":"APP SECRET\/456\"x"})");
  LogWarning("e {}", R"(APP SECRET/456\"x)");
  LogWarning("f {}", "APP SECRET/456\"x");
  Log::CaptureForTest(nullptr);
  for (const std::string& line : lines) {
    EXPECT_EQ(line.find("SECRET"), std::string::npos) << line;
  }
}

TEST(Log, EveryCallIsOneShortLine) {
  std::vector<std::string> lines;
  Log::CaptureForTest(&lines);
  LogWarning("key '{}'", "a\nCRITICAL forged\r\x1b[31m");
  LogWarning("{}", std::string(1 << 20, 'v'));
  Log::CaptureForTest(nullptr);
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0], "WARNING key 'a\\nCRITICAL forged\\r\\x1b[31m'");
  EXPECT_LT(lines[1].size(), Log::kMaxLogLine + 100);
  EXPECT_NE(lines[1].find("more characters)"), std::string::npos);
  EXPECT_EQ(Echo(std::string(100, 'z'), 10), "zzzzzzzzzz... (100 characters in all)");
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
