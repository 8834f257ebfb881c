#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "tap/status.h"
#include "tap/timestamp.h"

namespace date {
class time_zone;
}

namespace tap {

using Date = std::chrono::sys_days;  // a calendar date (the time of day is meaningless)

/// An IANA time zone from the system's tz database, for reading TikTok's report times, which
/// are in the advertiser's local time.
class TimeZone {
 public:
  /// Finds `name` ("America/Los_Angeles", "Etc/GMT+8", "UTC"); kInvalidInput when unknown.
  static Result<TimeZone> Find(std::string_view name);
  static TimeZone Utc();

  const std::string& name() const { return name_; }
  /// The local calendar date at instant `t`.
  Date LocalDate(Timestamp t) const;
  /// RFC 3339 with this zone's offset at that local time ("2024-03-10T03:00:00-07:00").
  /// `local` is a wall-clock time; in a daylight-saving gap or overlap the earlier offset wins.
  std::string FormatLocal(std::chrono::local_seconds local) const;

 private:
  std::string name_;
  const date::time_zone* zone_ = nullptr;  // nullptr: UTC
};

/// "YYYY-MM-DD" of a date.
std::string FormatDay(Date d);
/// Parses "YYYY-MM-DD" (or a timestamp, taking its UTC date).
std::optional<Date> ParseDay(std::string_view text);

}  // namespace tap
