#include "tap/tzif.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace tap {
namespace {

constexpr const char* kZoneinfo = "/usr/share/zoneinfo";

std::string Bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

std::shared_ptr<const ZoneRules> Rules(const std::string& zone) {
  auto rules = ZoneRules::Parse(Bytes(std::string(kZoneinfo) + "/" + zone), zone);
  EXPECT_TRUE(rules.ok()) << rules.status().message();
  return rules.ok() ? *rules : nullptr;
}

// glibc's own reading of the same file: the reference the parser is held to.
long GlibcOffset(const std::string& zone, time_t t) {
  setenv("TZ", (":" + zone).c_str(), 1);
  tzset();
  std::tm local{};
  localtime_r(&t, &local);
  return local.tm_gmtoff;
}

std::chrono::sys_seconds At(int64_t t) { return std::chrono::sys_seconds(std::chrono::seconds(t)); }

// Every zone of the system's database, 1900 to 2100 in steps of about nine days (crossing
// each year's daylight-saving changes at varying hours), equals glibc's offset.
TEST(ZoneRules, EveryZoneMatchesGlibc) {
  int zones = 0;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(kZoneinfo)) {
    std::string rel = std::filesystem::relative(entry.path(), kZoneinfo).string();
    if (!entry.is_regular_file() || rel.find('.') != std::string::npos ||
        rel.rfind("right/", 0) == 0 || rel.rfind("posix", 0) == 0 || rel == "Factory" ||
        Bytes(entry.path()).rfind("TZif", 0) != 0) {
      continue;
    }
    auto rules = Rules(rel);
    ASSERT_NE(rules, nullptr) << rel;
    for (int64_t t = -2208988800; t < 4102444800; t += 9 * 86400 + 3917) {
      ASSERT_EQ(rules->OffsetAt(At(t)).count(), GlibcOffset(rel, static_cast<time_t>(t)))
          << rel << " at " << t;
    }
    ++zones;
  }
  unsetenv("TZ");
  EXPECT_GT(zones, 300);
}

TEST(ZoneRules, FutureInstantsFollowTheFooterRule) {
  auto la = Rules("America/Los_Angeles");
  // 2090-07-01 is far past the last transition the file lists: the POSIX rule decides.
  EXPECT_EQ(la->OffsetAt(At(3802636800)).count(), -7 * 3600);
  EXPECT_EQ(la->OffsetAt(At(3786912000)).count(), -8 * 3600);  // 2090-01-01
}

std::chrono::local_seconds Local(int64_t t) {
  return std::chrono::local_seconds(std::chrono::seconds(t));
}

TEST(ZoneRules, LocalTimesInGapsAndOverlapsTakeTheEarlierOffset) {
  auto la = Rules("America/Los_Angeles");
  constexpr int64_t kMarch10 = 1710028800;    // 2024-03-10T00:00 (as a local wall clock)
  constexpr int64_t kNovember3 = 1730592000;  // 2024-11-03T00:00
  EXPECT_EQ(la->OffsetAtLocal(Local(kMarch10 + 3600)).count(), -8 * 3600);
  EXPECT_EQ(la->OffsetAtLocal(Local(kMarch10 + 9000)).count(), -8 * 3600);  // 02:30, in the gap
  EXPECT_EQ(la->OffsetAtLocal(Local(kMarch10 + 3 * 3600)).count(), -7 * 3600);
  EXPECT_EQ(la->OffsetAtLocal(Local(kNovember3 + 5400)).count(), -7 * 3600);  // 01:30, twice
  EXPECT_EQ(la->OffsetAtLocal(Local(kNovember3 + 2 * 3600)).count(), -8 * 3600);
}

// A hand-made version-1 file: one transition at 0 from type 0 (+01:00) to `type`.
std::string VersionOneFile(char type) {
  std::string file("TZif", 4);
  file += std::string(16, '\0');
  auto u32 = [&](uint32_t v) {
    for (int shift = 24; shift >= 0; shift -= 8) file += static_cast<char>((v >> shift) & 0xFF);
  };
  for (uint32_t count : {0U, 0U, 0U, 1U, 2U, 4U}) u32(count);
  u32(0);        // transition time
  file += type;  // its type
  u32(3600);
  file += std::string("\0\0", 2);  // type 0: +01:00
  u32(7200);
  file += std::string("\1\0", 2);   // type 1: +02:00
  file += std::string("ABC\0", 4);  // abbreviations
  return file;
}

TEST(ZoneRules, VersionOneFilesUseTheirOnlyBlock) {
  auto rules = ZoneRules::Parse(VersionOneFile('\1'), "v1");
  ASSERT_TRUE(rules.ok()) << rules.status().message();
  EXPECT_EQ((*rules)->OffsetAt(At(-1)).count(), 3600);
  EXPECT_EQ((*rules)->OffsetAt(At(0)).count(), 7200);
}

TEST(ZoneRules, DamagedFilesAreErrorsNamingTheFile) {
  std::string tokyo = Bytes(std::string(kZoneinfo) + "/Asia/Tokyo");
  struct Case {
    std::string bytes, why;
  };
  std::vector<Case> cases = {
      {"", "no TZif header"},
      {"TZjf" + tokyo.substr(4), "no TZif header"},
      {tokyo.substr(0, 60), "truncated"},
      {VersionOneFile('\7'), "inconsistent transitions or types"},
      {tokyo.substr(0, tokyo.size() - 1), "no footer"},
      {tokyo.substr(0, tokyo.rfind('\n', tokyo.size() - 2)) + "\nJST-9,garbage\n",
       "unreadable rule 'JST-9,garbage'"},
      // Offsets beyond RFC 8536's bounds (-25 h, 26 h), in the rule as in the table (fuzz_tzif).
      {tokyo.substr(0, tokyo.rfind('\n', tokyo.size() - 2)) + "\nJST-90\n",
       "unreadable rule 'JST-90'"},
      {tokyo.substr(0, tokyo.rfind('\n', tokyo.size() - 2)) + "\nA0B-30,M3.2.0,M11.1.0\n",
       "unreadable rule 'A0B-30,M3.2.0,M11.1.0'"},
  };
  for (const Case& c : cases) {
    auto rules = ZoneRules::Parse(c.bytes, "'/zones/Asia/Tokyo'");
    ASSERT_FALSE(rules.ok()) << c.why;
    EXPECT_EQ(rules.status().message(),
              "time zone file '/zones/Asia/Tokyo' is not valid TZif: " + c.why);
  }
}

TEST(ZoneRules, HugeCountsDoNotAllocate) {
  std::string file("TZif2", 5);
  file += std::string(15, '\0');
  file += std::string(24, '\xff');  // every count 4294967295
  auto rules = ZoneRules::Parse(file, "huge");
  ASSERT_FALSE(rules.ok());
  EXPECT_NE(rules.status().message().find("truncated"), std::string::npos);
}

}  // namespace
}  // namespace tap
