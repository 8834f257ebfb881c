#include "tap/time_zone.h"

#include <date/tz.h>
#include <fmt/format.h>

namespace tap {

Result<TimeZone> TimeZone::Find(std::string_view name) {
  TimeZone tz;
  tz.name_ = std::string(name);
  if (name == "UTC" || name == "Etc/UTC" || name == "Etc/GMT") return tz;
  try {
    tz.zone_ = date::locate_zone(tz.name_);
  } catch (const std::exception&) {
    return Status::Error(
        ErrorKind::kInvalidInput,
        fmt::format("unknown time zone '{}' (is the tzdata package installed?)", name));
  }
  return tz;
}

TimeZone TimeZone::Utc() {
  TimeZone tz;
  tz.name_ = "UTC";
  return tz;
}

Date TimeZone::LocalDate(Timestamp t) const {
  if (zone_ == nullptr) return std::chrono::floor<std::chrono::days>(t);
  auto info = zone_->get_info(date::sys_seconds{t.time_since_epoch()});
  Timestamp local = t + info.offset;
  return std::chrono::floor<std::chrono::days>(local);
}

std::string TimeZone::FormatLocal(std::chrono::local_seconds local) const {
  std::chrono::seconds offset{0};
  if (zone_ != nullptr) {
    date::local_seconds l{local.time_since_epoch()};
    auto info = zone_->get_info(l);
    // In a gap (spring forward) or an overlap (fall back), the first of the two offsets.
    offset = info.first.offset;
  }
  auto day = std::chrono::floor<std::chrono::days>(local);
  std::chrono::year_month_day ymd{std::chrono::sys_days{day.time_since_epoch()}};
  std::chrono::hh_mm_ss<std::chrono::seconds> tod{local - day};
  std::string out =
      fmt::format("{:04d}-{:02d}-{:02d}T{:02d}:{:02d}:{:02d}", static_cast<int>(ymd.year()),
                  static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                  tod.hours().count(), tod.minutes().count(), tod.seconds().count());
  if (offset.count() == 0) return out + "Z";
  long long minutes = offset.count() / 60;
  char sign = minutes < 0 ? '-' : '+';
  if (minutes < 0) minutes = -minutes;
  return out + fmt::format("{}{:02d}:{:02d}", sign, minutes / 60, minutes % 60);
}

std::string FormatDay(Date d) { return FormatDate(Timestamp{d}); }

std::optional<Date> ParseDay(std::string_view text) {
  auto t = ParseTimestamp(text);
  if (!t) return std::nullopt;
  return std::chrono::floor<std::chrono::days>(*t);
}

}  // namespace tap
