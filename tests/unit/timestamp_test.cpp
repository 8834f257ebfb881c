#include "tap/timestamp.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

namespace tap {
namespace {

struct TimestampCase {
  const char* input;
  const char* expected;  // nullptr: rejected
};

class ParseTimestampTest : public ::testing::TestWithParam<TimestampCase> {};

TEST_P(ParseTimestampTest, ParsesToUtc) {
  auto t = ParseTimestamp(GetParam().input);
  if (GetParam().expected == nullptr) {
    EXPECT_FALSE(t.has_value()) << GetParam().input;
  } else {
    ASSERT_TRUE(t.has_value()) << GetParam().input;
    EXPECT_EQ(FormatRfc3339(*t), GetParam().expected);
  }
}

INSTANTIATE_TEST_SUITE_P(
    Forms, ParseTimestampTest,
    ::testing::Values(TimestampCase{"2024-03-01", "2024-03-01T00:00:00Z"},
                      TimestampCase{"2024-03-01 10:15:00", "2024-03-01T10:15:00Z"},
                      TimestampCase{"2024-03-01T10:15:00Z", "2024-03-01T10:15:00Z"},
                      TimestampCase{"2024-03-01T10:15:00.123456Z", "2024-03-01T10:15:00Z"},
                      TimestampCase{"2024-03-01T10:15:00+02:00", "2024-03-01T08:15:00Z"},
                      TimestampCase{"2024-03-01T01:15:00-0500", "2024-03-01T06:15:00Z"},
                      TimestampCase{"2024-03-01T00:30:00+01:00", "2024-02-29T23:30:00Z"},
                      TimestampCase{"2024-05-01T10:23:45.123456+00:00", "2024-05-01T10:23:45Z"},
                      TimestampCase{"2021-08-10T06:56:51.000000Z", "2021-08-10T06:56:51Z"},
                      TimestampCase{"2024-02-29", "2024-02-29T00:00:00Z"},
                      TimestampCase{"2023-02-29", nullptr}, TimestampCase{"2024-13-01", nullptr},
                      TimestampCase{"2024-03-01T25:00:00Z", nullptr},
                      TimestampCase{"2024-03-01T10:15:00Q", nullptr},
                      TimestampCase{"yesterday", nullptr}, TimestampCase{"", nullptr},
                      TimestampCase{"2024-3-1", nullptr},
                      // Each of the date's ten bytes is checked, the digits' neighbours too.
                      TimestampCase{"0000-01-01", "0000-01-01T00:00:00Z"},
                      TimestampCase{"9999-12-31 23:59:59", "9999-12-31T23:59:59Z"},
                      TimestampCase{"2024+03-01", nullptr}, TimestampCase{"20a4-03-01", nullptr},
                      TimestampCase{"2024-03-0:", nullptr}, TimestampCase{"2024-03-/1", nullptr},
                      TimestampCase{"2024-03-01x", nullptr}, TimestampCase{"2024-03-0", nullptr}),
    [](const auto& test) { return "Case" + std::to_string(test.index); });

TEST(EpochSeconds, ConvertsAdvertiserCreateTime) {
  auto t = ParseEpochSeconds("1630335591");
  ASSERT_TRUE(t.has_value());
  EXPECT_EQ(FormatRfc3339(*t), "2021-08-30T14:59:51Z");
  EXPECT_FALSE(ParseEpochSeconds("16303a5591").has_value());
  EXPECT_FALSE(ParseEpochSeconds("").has_value());
  // 13 digits: milliseconds (pixel create_time), the fraction dropped.
  auto ms = ParseEpochSeconds("1581679723600");
  ASSERT_TRUE(ms.has_value());
  EXPECT_EQ(FormatRfc3339(*ms), "2020-02-14T11:28:43Z");
  EXPECT_FALSE(ParseEpochSeconds("15816797236001").has_value());
}

TEST(FormatDate, IsTheUtcCalendarDay) {
  EXPECT_EQ(FormatDate(*ParseTimestamp("2024-03-01T23:59:59Z")), "2024-03-01");
}

// The digits written by hand are what fmt writes, from year 0 to 9999 and outside it.
TEST(FormatDate, WritesWhatFmtWrites) {
  auto by_fmt = [](Timestamp t, bool time) {
    auto day = std::chrono::floor<std::chrono::days>(t);
    std::chrono::year_month_day ymd{day};
    std::chrono::hh_mm_ss<std::chrono::seconds> tod{t - day};
    std::string date =
        fmt::format("{:04d}-{:02d}-{:02d}", static_cast<int>(ymd.year()),
                    static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
    if (!time) return date;
    return date + fmt::format("T{:02d}:{:02d}:{:02d}Z", tod.hours().count(), tod.minutes().count(),
                              tod.seconds().count());
  };
  const long long first = -62167219200LL - 86400LL * 400;  // before 0000-01-01
  const long long last = 253402300799LL + 86400LL * 400;   // after 9999-12-31T23:59:59Z
  for (long long s = first; s <= last; s += 86400LL * 37 + 3671) {
    Timestamp t{std::chrono::seconds{s}};
    ASSERT_EQ(FormatDate(t), by_fmt(t, false)) << s;
    ASSERT_EQ(FormatRfc3339(t), by_fmt(t, true)) << s;
  }
  EXPECT_EQ(FormatRfc3339(Timestamp{std::chrono::seconds{0}}), "1970-01-01T00:00:00Z");
  EXPECT_EQ(FormatRfc3339(Timestamp{std::chrono::seconds{253402300799LL}}), "9999-12-31T23:59:59Z");
}

// The short cut gives what parsing and formatting give, for the two forms it takes, and leaves
// every other text (other times, offsets, impossible days, short or long text) to them.
TEST(DateOfDay, IsFormatDateOfTheParsedText) {
  EXPECT_EQ(DateOfDay("2024-02-29"), "2024-02-29");
  EXPECT_EQ(DateOfDay("2024-02-29 00:00:00"), "2024-02-29");
  EXPECT_EQ(DateOfDay("0000-01-01 00:00:00"), "0000-01-01");
  for (std::string_view other :
       {"", "2024-02-3", "2023-02-29", "2024-13-01", "2024-00-10", "2024-02-29 00:00:01",
        "2024-02-29T00:00:00", "2024-02-29 00:00:00Z", "2024-02-29 00:00", "2024/02/29",
        "2024-02-29 00:00:00+01:00", "x024-02-29", "2024-02-29 "}) {
    EXPECT_EQ(DateOfDay(other), "") << other;
  }
  // Every day of four years, a leap year among them, and the days that are not.
  for (int y : {1999, 2000, 2024, 2100}) {
    for (int m = 1; m <= 12; ++m) {
      for (int d = 0; d <= 32; ++d) {
        for (std::string text : {fmt::format("{:04d}-{:02d}-{:02d}", y, m, d),
                                 fmt::format("{:04d}-{:02d}-{:02d} 00:00:00", y, m, d)}) {
          std::optional<Timestamp> t = ParseTimestamp(text);
          ASSERT_EQ(DateOfDay(text), t ? FormatDate(*t) : "") << text;
        }
      }
    }
  }
}

}  // namespace
}  // namespace tap
