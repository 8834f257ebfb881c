#include "tap/time_zone.h"

#include <gtest/gtest.h>

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

TEST(ParseDay, DatesAndTimestamps) {
  EXPECT_EQ(FormatDay(*ParseDay("2024-02-29")), "2024-02-29");
  EXPECT_EQ(FormatDay(*ParseDay("2024-02-29T23:00:00-02:00")), "2024-03-01");
  EXPECT_FALSE(ParseDay("2024-02-30").has_value());
}

}  // namespace
}  // namespace tap
