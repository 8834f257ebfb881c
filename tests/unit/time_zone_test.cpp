#include "tap/time_zone.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

namespace tap {
namespace {

std::chrono::local_seconds Local(const char* text) {
  return std::chrono::local_seconds{ParseTimestamp(text)->time_since_epoch()};
}

TEST(TimeZone, OffsetsFollowDaylightSaving) {
  TimeZone la = std::move(TimeZone::Find("America/Los_Angeles")).value();
  EXPECT_EQ(la.FormatLocal(Local("2024-03-10 01:00:00")), "2024-03-10T01:00:00-08:00");
  EXPECT_EQ(la.FormatLocal(Local("2024-03-10 03:00:00")), "2024-03-10T03:00:00-07:00");
  EXPECT_EQ(la.FormatLocal(Local("2024-11-03 00:00:00")), "2024-11-03T00:00:00-07:00");
  EXPECT_EQ(la.FormatLocal(Local("2024-11-03 02:00:00")), "2024-11-03T02:00:00-08:00");
  TimeZone tokyo = std::move(TimeZone::Find("Asia/Tokyo")).value();
  EXPECT_EQ(tokyo.FormatLocal(Local("2024-07-01 23:00:00")), "2024-07-01T23:00:00+09:00");
  EXPECT_EQ(TimeZone::Utc().FormatLocal(Local("2024-07-01 23:00:00")), "2024-07-01T23:00:00Z");
}

TEST(TimeZone, PosixSignedGmtNames) {
  // Etc/GMT+8 is UTC-8 (POSIX sign), as TikTok's `timezone` field writes it.
  TimeZone gmt8 = std::move(TimeZone::Find("Etc/GMT+8")).value();
  EXPECT_EQ(gmt8.FormatLocal(Local("2024-07-01 10:00:00")), "2024-07-01T10:00:00-08:00");
}

TEST(TimeZone, LocalDateIsTheAdvertisersToday) {
  TimeZone tokyo = std::move(TimeZone::Find("Asia/Tokyo")).value();
  TimeZone la = std::move(TimeZone::Find("America/Los_Angeles")).value();
  Timestamp t = *ParseTimestamp("2024-07-01T20:00:00Z");
  EXPECT_EQ(FormatDay(tokyo.LocalDate(t)), "2024-07-02");
  EXPECT_EQ(FormatDay(la.LocalDate(t)), "2024-07-01");
  EXPECT_EQ(FormatDay(TimeZone::Utc().LocalDate(t)), "2024-07-01");
}

TEST(TimeZone, UnknownZoneIsAnError) {
  auto zone = TimeZone::Find("Mars/Olympus_Mons");
  ASSERT_FALSE(zone.ok());
  EXPECT_NE(zone.status().message().find("unknown time zone 'Mars/Olympus_Mons'"),
            std::string::npos);
}

// A directory holding copies of some of the system's zone files, like a wheel's bundled copy.
class ZoneDirTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("tap-zones-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir_ / "Asia");
    std::filesystem::copy_file("/usr/share/zoneinfo/Asia/Tokyo", dir_ / "Asia/Tokyo");
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string Dir() const { return dir_.string(); }

  std::filesystem::path dir_;
};

TEST_F(ZoneDirTest, TheBundledCopyServesWhenTheSystemHasNone) {
  Timestamp t = *ParseTimestamp("2024-07-01T20:00:00Z");
  auto zone = TimeZone::FindIn("Asia/Tokyo", {Dir() + "/missing", Dir()});
  ASSERT_TRUE(zone.ok()) << zone.status().message();
  EXPECT_EQ(FormatDay(zone->LocalDate(t)), "2024-07-02");
  EXPECT_EQ(zone->LocalDate(t), std::move(TimeZone::Find("Asia/Tokyo")).value().LocalDate(t));
}

TEST_F(ZoneDirTest, TheFirstDirectoryWithTheZoneWins) {
  // A "Tokyo" that is really Los Angeles, first in the list: it is the one read.
  std::filesystem::create_directories(dir_ / "first/Asia");
  std::filesystem::copy_file("/usr/share/zoneinfo/America/Los_Angeles", dir_ / "first/Asia/Tokyo");
  auto zone = TimeZone::FindIn("Asia/Tokyo", {Dir() + "/first", Dir()});
  ASSERT_TRUE(zone.ok());
  EXPECT_EQ(FormatDay(zone->LocalDate(*ParseTimestamp("2024-07-01T20:00:00Z"))), "2024-07-01");
}

TEST_F(ZoneDirTest, MissingZonesSayWhereTheyWereLookedFor) {
  auto zone = TimeZone::FindIn("Europe/Paris", {Dir()});
  ASSERT_FALSE(zone.ok());
  EXPECT_EQ(zone.status().message(), "unknown time zone 'Europe/Paris' (no such zone in " + Dir() +
                                         "; install the tzdata package or set TZDIR)");
}

TEST_F(ZoneDirTest, NamesThatAreNotZoneNamesReadNoFile) {
  std::filesystem::copy_file("/usr/share/zoneinfo/Asia/Tokyo", dir_ / "secret");
  for (const char* name :
       {"../secret", "Asia/../secret", "/etc/passwd", "Asia/", "Asia//Tokyo", "Asia/Tok yo", "."}) {
    auto zone = TimeZone::FindIn(name, {Dir() + "/Asia"});
    ASSERT_FALSE(zone.ok()) << name;
    EXPECT_NE(zone.status().message().find("not an IANA time zone name"), std::string::npos)
        << name;
  }
}

TEST_F(ZoneDirTest, ADamagedFileIsAnErrorNotUtc) {
  std::ofstream(dir_ / "Asia/Broken") << "not a zone";
  auto zone = TimeZone::FindIn("Asia/Broken", {Dir()});
  ASSERT_FALSE(zone.ok());
  EXPECT_NE(zone.status().message().find("is not valid TZif"), std::string::npos);
}

TEST(ZoneDirectories, SystemFirstThenBesideTheExecutable) {
  std::vector<std::string> dirs = ZoneDirectories();
  ASSERT_GE(dirs.size(), 2U);
  EXPECT_EQ(dirs[dirs.size() - 2], "/usr/share/zoneinfo");
  EXPECT_NE(dirs.back().find("/../share/zoneinfo"), std::string::npos);
}

TEST(ParseDay, DatesAndTimestamps) {
  EXPECT_EQ(FormatDay(*ParseDay("2024-02-29")), "2024-02-29");
  EXPECT_EQ(FormatDay(*ParseDay("2024-02-29T23:00:00-02:00")), "2024-03-01");
  EXPECT_FALSE(ParseDay("2024-02-30").has_value());
}

}  // namespace
}  // namespace tap
