#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tap/status.h"
#include "tap/timestamp.h"
#include "tap/tzif.h"

namespace tap {

using Date = std::chrono::sys_days;  // a calendar date (the time of day is meaningless)

/// An IANA time zone, for reading TikTok's report times, which are in the advertiser's local
/// time. Its rules come from the first of ZoneDirectories() that has the zone's TZif file: the
/// system's database when there is one, else the copy a self-contained install carries.
class TimeZone {
 public:
  /// Finds `name` ("America/Los_Angeles", "Etc/GMT+8", "UTC"); kInvalidInput when unknown.
  static Result<TimeZone> Find(std::string_view name);
  /// The same, searching `directories` in order (for tests).
  static Result<TimeZone> FindIn(std::string_view name,
                                 const std::vector<std::string>& directories);
  static TimeZone Utc();

  const std::string& name() const { return name_; }
  /// The local calendar date at instant `t`.
  Date LocalDate(Timestamp t) const;
  /// RFC 3339 with this zone's offset at that local time ("2024-03-10T03:00:00-07:00").
  /// `local` is a wall-clock time; in a daylight-saving gap or overlap the earlier offset wins.
  std::string FormatLocal(std::chrono::local_seconds local) const;

 private:
  std::string name_;
  std::shared_ptr<const ZoneRules> rules_;  // null: UTC
};

/// Where time zones are looked up, in order: $TZDIR when set, the system's
/// /usr/share/zoneinfo, then share/zoneinfo beside the directory of the running executable
/// (a wheel's bundled copy, for systems without the tzdata package).
std::vector<std::string> ZoneDirectories();

/// "YYYY-MM-DD" of a date.
std::string FormatDay(Date d);
/// Parses "YYYY-MM-DD" (or a timestamp, taking its UTC date).
std::optional<Date> ParseDay(std::string_view text);

}  // namespace tap
