#include "tap/timestamp.h"

#include <fmt/format.h>

#include <cctype>

namespace tap {
namespace {

using std::chrono::days;
using std::chrono::hours;
using std::chrono::minutes;
using std::chrono::seconds;

// Reads exactly `n` digits at `pos`; advances pos.
bool Digits(std::string_view s, size_t& pos, size_t n, int* out) {
  if (pos + n > s.size()) return false;
  int value = 0;
  for (size_t i = 0; i < n; ++i) {
    char c = s[pos + i];
    if (c < '0' || c > '9') return false;
    value = value * 10 + (c - '0');
  }
  pos += n;
  *out = value;
  return true;
}

bool Expect(std::string_view s, size_t& pos, char c) {
  if (pos >= s.size() || s[pos] != c) return false;
  ++pos;
  return true;
}

// The calendar date "YYYY-MM-DD" at the start of `s`, when it is a real day; pos after it.
std::optional<std::chrono::year_month_day> DatePart(std::string_view s, size_t& pos) {
  int y = 0, mo = 0, d = 0;
  if (!Digits(s, pos, 4, &y) || !Expect(s, pos, '-') || !Digits(s, pos, 2, &mo) ||
      !Expect(s, pos, '-') || !Digits(s, pos, 2, &d)) {
    return std::nullopt;
  }
  std::chrono::year_month_day ymd{std::chrono::year{y},
                                  std::chrono::month{static_cast<unsigned>(mo)},
                                  std::chrono::day{static_cast<unsigned>(d)}};
  return ymd.ok() ? std::optional(ymd) : std::nullopt;
}

}  // namespace

std::optional<Timestamp> ParseTimestamp(std::string_view s) {
  size_t pos = 0;
  std::optional<std::chrono::year_month_day> ymd = DatePart(s, pos);
  if (!ymd) return std::nullopt;
  Timestamp t{std::chrono::sys_days{*ymd}};
  if (pos == s.size()) return t;

  if (s[pos] != 'T' && s[pos] != 't' && s[pos] != ' ') return std::nullopt;
  ++pos;
  int h = 0, mi = 0, sec = 0;
  if (!Digits(s, pos, 2, &h) || !Expect(s, pos, ':') || !Digits(s, pos, 2, &mi)) {
    return std::nullopt;
  }
  if (pos < s.size() && s[pos] == ':') {
    ++pos;
    if (!Digits(s, pos, 2, &sec)) return std::nullopt;
  }
  if (h > 23 || mi > 59 || sec > 60) return std::nullopt;
  if (sec == 60) sec = 59;  // a leap second is kept inside its minute
  if (pos < s.size() && s[pos] == '.') {
    ++pos;
    size_t start = pos;
    while (pos < s.size() && std::isdigit(static_cast<unsigned char>(s[pos]))) ++pos;
    if (pos == start) return std::nullopt;
  }
  t += hours{h} + minutes{mi} + seconds{sec};
  if (pos == s.size()) return t;
  if (s[pos] == 'Z' || s[pos] == 'z') {
    return pos + 1 == s.size() ? std::optional<Timestamp>(t) : std::nullopt;
  }
  if (s[pos] != '+' && s[pos] != '-') return std::nullopt;
  int sign = s[pos] == '+' ? 1 : -1;
  ++pos;
  int oh = 0, om = 0;
  if (!Digits(s, pos, 2, &oh)) return std::nullopt;
  if (pos < s.size()) {
    if (s[pos] == ':') ++pos;
    if (!Digits(s, pos, 2, &om)) return std::nullopt;
  }
  if (pos != s.size() || oh > 23 || om > 59) return std::nullopt;
  // Local time = UTC + offset, so UTC = local - offset.
  t -= sign * (hours{oh} + minutes{om});
  return t;
}

std::optional<Timestamp> ParseEpochSeconds(std::string_view digits) {
  // 13 digits are milliseconds (pixel create_time): as seconds they would be past year 9999.
  constexpr size_t kMillisecondDigits = 13;
  if (digits.empty() || digits.size() > kMillisecondDigits) return std::nullopt;
  long long value = 0;
  for (char c : digits) {
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + (c - '0');
  }
  if (digits.size() == kMillisecondDigits) value /= 1000;
  // RFC 3339 has four-digit years: 9999-12-31T23:59:59Z is the last time it can write.
  constexpr long long kLastRfc3339Second = 253402300799;
  if (value > kLastRfc3339Second) return std::nullopt;
  return Timestamp{seconds{value}};
}

namespace {

// `value` (0..10^width - 1) as `width` decimal digits at `out`, zero-padded.
char* PutDigits(unsigned value, int width, char* out) {
  for (int i = width - 1; i >= 0; --i, value /= 10) out[i] = static_cast<char>('0' + value % 10);
  return out + width;
}

// YYYY-MM-DD of `day` at `out` (10 bytes), or nullptr for a year without four digits.
char* PutDate(std::chrono::sys_days day, char* out) {
  std::chrono::year_month_day ymd{day};
  int year = static_cast<int>(ymd.year());
  if (year < 0 || year > 9999) return nullptr;
  out = PutDigits(static_cast<unsigned>(year), 4, out);
  *out++ = '-';
  out = PutDigits(static_cast<unsigned>(ymd.month()), 2, out);
  *out++ = '-';
  return PutDigits(static_cast<unsigned>(ymd.day()), 2, out);
}

}  // namespace

// By hand, not fmt::format: a report row's date is written for every row (fmt took 7 % of a
// sync's instructions).
std::string FormatRfc3339(Timestamp t) {
  auto day = std::chrono::floor<days>(t);
  std::chrono::hh_mm_ss<seconds> tod{t - day};
  char text[20];
  char* out = PutDate(day, text);
  if (out == nullptr) {
    std::chrono::year_month_day ymd{day};
    return fmt::format("{:04d}-{:02d}-{:02d}T{:02d}:{:02d}:{:02d}Z", static_cast<int>(ymd.year()),
                       static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                       tod.hours().count(), tod.minutes().count(), tod.seconds().count());
  }
  *out++ = 'T';
  out = PutDigits(static_cast<unsigned>(tod.hours().count()), 2, out);
  *out++ = ':';
  out = PutDigits(static_cast<unsigned>(tod.minutes().count()), 2, out);
  *out++ = ':';
  out = PutDigits(static_cast<unsigned>(tod.seconds().count()), 2, out);
  *out++ = 'Z';
  return {text, static_cast<size_t>(out - text)};
}

std::string FormatDate(Timestamp t) {
  auto day = std::chrono::floor<days>(t);
  char text[10];
  if (char* out = PutDate(day, text)) return {text, static_cast<size_t>(out - text)};
  std::chrono::year_month_day ymd{day};
  return fmt::format("{:04d}-{:02d}-{:02d}", static_cast<int>(ymd.year()),
                     static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
}

// For every report row: its day's text is the date it writes (ParseTimestamp and FormatDate
// took 2 % of a sync's instructions for it).
std::string_view DateOfDay(std::string_view text) {
  constexpr std::string_view kMidnight = " 00:00:00";
  size_t pos = 0;
  if (text.size() < 10 || (text.size() > 10 && text.substr(10) != kMidnight)) return {};
  return DatePart(text, pos) ? text.substr(0, 10) : std::string_view();
}

}  // namespace tap
