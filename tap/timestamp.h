#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace tap {

using Timestamp = std::chrono::sys_seconds;

/// Parses the timestamp forms TikTok and Singer users write: "2024-03-01",
/// "2024-03-01 10:15:00" (TikTok entities, UTC), "2024-03-01T10:15:00", each optionally with
/// fractional seconds and "Z" or an offset ("+02:00", "-0500"). Without an offset the time is
/// UTC. Returns nullopt for anything else, including impossible dates.
std::optional<Timestamp> ParseTimestamp(std::string_view text);

/// Parses Unix epoch seconds written as decimal digits ("1630335591"), or milliseconds when
/// there are 13 digits ("1581679723600", pixel create_time; the fraction is dropped); nullopt
/// past 9999-12-31T23:59:59Z, which RFC 3339 cannot write.
std::optional<Timestamp> ParseEpochSeconds(std::string_view digits);

/// RFC 3339 in UTC with a "Z": "2024-03-01T10:15:00Z".
std::string FormatRfc3339(Timestamp t);

/// The calendar date of `t` in UTC: "2024-03-01".
std::string FormatDate(Timestamp t);

/// FormatDate(*ParseTimestamp(text)) without the conversions, for the two forms whose date is
/// their first ten bytes: "2024-03-01" and "2024-03-01 00:00:00" (a report row's day). Empty for
/// any other text, which the caller parses in full.
std::string_view DateOfDay(std::string_view text);

}  // namespace tap
