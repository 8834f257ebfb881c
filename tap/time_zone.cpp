#include "tap/time_zone.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>

namespace tap {

namespace {

// An IANA name is a relative path of letters, digits and "_+-." (never "..", never absolute):
// anything else cannot name a file below the zone directories.
bool ValidZoneName(std::string_view name) {
  if (name.empty() || name.size() > 255 || name.front() == '/' || name.back() == '/') return false;
  size_t start = 0;
  while (start <= name.size()) {
    size_t end = std::min(name.find('/', start), name.size());
    std::string_view part = name.substr(start, end - start);
    if (part.empty() || part == "." || part == "..") return false;
    for (char c : part) {
      if (!std::isalnum(static_cast<unsigned char>(c)) && std::strchr("_+-.", c) == nullptr) {
        return false;
      }
    }
    start = end + 1;
  }
  return true;
}

// The file's bytes when it is a regular file of a TZif file's size; nullopt otherwise.
std::optional<std::string> ReadZoneFile(const std::string& path) {
  constexpr std::uintmax_t kMaxBytes = 1 << 20;
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) return std::nullopt;
  std::uintmax_t size = std::filesystem::file_size(path, ec);
  if (ec || size > kMaxBytes) return std::nullopt;
  std::ifstream in(path, std::ios::binary);
  std::string bytes(static_cast<size_t>(size), '\0');
  if (!in.read(bytes.data(), static_cast<std::streamsize>(size))) return std::nullopt;
  return bytes;
}

// The directory of the running executable ("" when /proc is not mounted).
std::string ExecutableDirectory() {
  std::error_code ec;
  std::filesystem::path exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  return ec ? std::string() : exe.parent_path().string();
}

}  // namespace

std::vector<std::string> ZoneDirectories() {
  std::vector<std::string> dirs;
  if (const char* tzdir = std::getenv("TZDIR"); tzdir != nullptr && *tzdir != '\0') {
    dirs.emplace_back(tzdir);
  }
  dirs.emplace_back("/usr/share/zoneinfo");
  if (std::string exe_dir = ExecutableDirectory(); !exe_dir.empty()) {
    dirs.push_back(exe_dir + "/../share/zoneinfo");
  }
  return dirs;
}

Result<TimeZone> TimeZone::FindIn(std::string_view name,
                                  const std::vector<std::string>& directories) {
  TimeZone tz;
  tz.name_ = std::string(name);
  if (name == "UTC" || name == "Etc/UTC" || name == "Etc/GMT") return tz;
  auto unknown = [&](std::string_view why) {
    return Status::Error(ErrorKind::kInvalidInput,
                         fmt::format("unknown time zone '{}' ({})", name, why));
  };
  if (!ValidZoneName(name)) return unknown("not an IANA time zone name");
  for (const std::string& dir : directories) {
    std::string path = dir + "/" + tz.name_;
    std::optional<std::string> bytes = ReadZoneFile(path);
    if (!bytes) continue;
    auto rules = ZoneRules::Parse(*bytes, path);
    if (!rules.ok()) return rules.status();
    tz.rules_ = std::move(rules).value();
    return tz;
  }
  return unknown(fmt::format("no such zone in {}; install the tzdata package or set TZDIR",
                             fmt::join(directories, ", ")));
}

Result<TimeZone> TimeZone::Find(std::string_view name) {
  // Advertisers share a handful of zones: each file is read and parsed once per run.
  static std::mutex mutex;
  static std::map<std::string, TimeZone, std::less<>> found;
  std::lock_guard<std::mutex> lock(mutex);
  if (auto it = found.find(name); it != found.end()) return it->second;
  static const std::vector<std::string> directories = ZoneDirectories();
  auto zone = FindIn(name, directories);
  if (zone.ok()) found.emplace(std::string(name), *zone);
  return zone;
}

TimeZone TimeZone::Utc() {
  TimeZone tz;
  tz.name_ = "UTC";
  return tz;
}

Date TimeZone::LocalDate(Timestamp t) const {
  if (rules_ == nullptr) return std::chrono::floor<std::chrono::days>(t);
  return std::chrono::floor<std::chrono::days>(t + rules_->OffsetAt(t));
}

std::string TimeZone::FormatLocal(std::chrono::local_seconds local) const {
  std::chrono::seconds offset{0};
  if (rules_ != nullptr) offset = rules_->OffsetAtLocal(local);
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
