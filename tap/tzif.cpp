#include "tap/tzif.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <optional>

namespace tap {

namespace {

using std::chrono::days;
using std::chrono::seconds;

// RFC 8536's bounds on a UT offset, for the transition table and the footer's rule alike.
bool OffsetInBounds(seconds offset) {
  return offset > -std::chrono::hours(25) && offset < std::chrono::hours(26);
}

// When a POSIX rule changes the clocks: day Jn (1-365, no February 29), n (0-365) or
// Mm.w.d (weekday d of week w of month m, 5 meaning the last), at `time` local wall time.
struct RuleDate {
  char kind = 'M';  // 'J', 'n' or 'M'
  int day = 0, month = 0, week = 0, weekday = 0;
  seconds time = std::chrono::hours(2);
};

// A cursor over a POSIX TZ string ("PST8PDT,M3.2.0,M11.1.0", "<+0330>-3:30").
class PosixText {
 public:
  explicit PosixText(std::string_view text) : text_(text) {}
  bool done() const { return pos_ == text_.size(); }
  bool Skip(char c) {
    if (done() || text_[pos_] != c) return false;
    ++pos_;
    return true;
  }
  bool Name() {
    size_t start = pos_;
    if (Skip('<')) {
      while (!done() && text_[pos_] != '>') ++pos_;
      return pos_ - start >= 4 && Skip('>');
    }
    while (!done() && std::isalpha(static_cast<unsigned char>(text_[pos_])) != 0) ++pos_;
    return pos_ - start >= 3;
  }
  std::optional<int> Number(int max) {
    int value = 0;
    size_t start = pos_;
    while (!done() && std::isdigit(static_cast<unsigned char>(text_[pos_])) != 0 && value <= max) {
      value = value * 10 + (text_[pos_++] - '0');
    }
    if (pos_ == start || value > max) return std::nullopt;
    return value;
  }
  // [+-]hh[:mm[:ss]], hours up to 167 (RFC 8536's extension for rule times).
  std::optional<seconds> Time() {
    int sign = Skip('-') ? -1 : (Skip('+'), 1);
    auto h = Number(167);
    if (!h) return std::nullopt;
    long long total = *h * 3600LL;
    for (int unit : {60, 1}) {
      if (!Skip(':')) break;
      auto part = Number(59);
      if (!part) return std::nullopt;
      total += *part * unit;
    }
    return seconds(sign * total);
  }

 private:
  std::string_view text_;
  size_t pos_ = 0;
};

std::optional<RuleDate> ReadRuleDate(PosixText& in) {
  RuleDate r;
  if (in.Skip('J')) {
    r.kind = 'J';
    auto d = in.Number(365);
    if (!d || *d < 1) return std::nullopt;
    r.day = *d;
  } else if (in.Skip('M')) {
    int* fields[] = {&r.month, &r.week, &r.weekday};
    const int maxima[] = {12, 5, 6};
    for (int i = 0; i < 3; ++i) {
      auto n = (i == 0 || in.Skip('.')) ? in.Number(maxima[i]) : std::nullopt;
      if (!n || (i < 2 && *n < 1)) return std::nullopt;
      *fields[i] = *n;
    }
  } else {
    auto d = in.Number(365);
    if (!d) return std::nullopt;
    r.kind = 'n', r.day = *d;
  }
  if (in.Skip('/')) {
    auto t = in.Time();
    if (!t) return std::nullopt;
    r.time = *t;
  }
  return r;
}

// The local midnight (as days since the epoch) on which `r` falls in `year`.
days DayOf(const RuleDate& r, std::chrono::year year) {
  using namespace std::chrono;
  sys_days jan1 = year / January / 1;
  if (r.kind == 'n') return (jan1 + days(r.day)).time_since_epoch();
  if (r.kind == 'J') {
    bool after_feb = year.is_leap() && r.day >= 60;
    return (jan1 + days(r.day - 1 + (after_feb ? 1 : 0))).time_since_epoch();
  }
  sys_days first = year / month(static_cast<unsigned>(r.month)) / 1;
  unsigned wd = weekday(first).c_encoding();
  int day = 1 + (r.weekday - static_cast<int>(wd) + 7) % 7 + (r.week - 1) * 7;
  int last = static_cast<int>(static_cast<unsigned>(
      (year / month(static_cast<unsigned>(r.month)) / std::chrono::last).day()));
  while (day > last) day -= 7;
  return (first + days(day - 1)).time_since_epoch();
}

}  // namespace

// The footer's rule: standard time, and daylight time between `start` and `end` when it has
// one.
struct ZoneRules::Footer {
  seconds std_offset{0}, dst_offset{0};
  bool has_dst = false;
  RuleDate start, end;

  static std::optional<Footer> Parse(std::string_view text);
  seconds OffsetAt(std::chrono::sys_seconds t) const;
};

std::optional<ZoneRules::Footer> ZoneRules::Footer::Parse(std::string_view text) {
  PosixText in(text);
  Footer f;
  auto std_time = in.Name() ? in.Time() : std::nullopt;
  if (!std_time) return std::nullopt;
  f.std_offset = f.dst_offset = -*std_time;  // POSIX counts west of UTC as positive
  if (!OffsetInBounds(f.std_offset)) return std::nullopt;
  if (in.done()) return f;
  if (!in.Name()) return std::nullopt;
  f.has_dst = true;
  f.dst_offset = f.std_offset + std::chrono::hours(1);
  if (!in.done() && !in.Skip(',')) {
    auto dst_time = in.Time();
    if (!dst_time || !in.Skip(',')) return std::nullopt;
    f.dst_offset = -*dst_time;
  } else if (in.done()) {
    in = PosixText(",M3.2.0,M11.1.0");  // POSIX leaves the default rule to the system: the US one
    in.Skip(',');
  }
  auto from = ReadRuleDate(in);
  auto until = in.Skip(',') ? ReadRuleDate(in) : std::nullopt;
  if (!from || !until || !in.done() || !OffsetInBounds(f.dst_offset)) return std::nullopt;
  f.start = *from, f.end = *until;
  return f;
}

seconds ZoneRules::Footer::OffsetAt(std::chrono::sys_seconds t) const {
  if (!has_dst) return std_offset;
  using namespace std::chrono;
  year y = year_month_day(floor<days>(t + std_offset)).year();
  // The start is written in standard time, the end in daylight time.
  sys_seconds from{DayOf(start, y) + start.time - std_offset};
  sys_seconds until{DayOf(end, y) + end.time - dst_offset};
  bool in_dst = from < until ? (from <= t && t < until) : !(until <= t && t < from);
  return in_dst ? dst_offset : std_offset;
}

namespace {

// The six counts of a TZif header, in file order.
struct Counts {
  uint32_t isutcnt, isstdcnt, leapcnt, timecnt, typecnt, charcnt;
};

// Reads big-endian integers from the file, remembering whether it ran past the end.
class ByteReader {
 public:
  explicit ByteReader(std::string_view bytes) : bytes_(bytes) {}

  bool Has(size_t n) const { return n <= bytes_.size() - pos_; }
  size_t pos() const { return pos_; }
  std::string_view Take(size_t n) {
    if (!Has(n)) {
      pos_ = bytes_.size();
      short_ = true;
      return {};
    }
    std::string_view out = bytes_.substr(pos_, n);
    pos_ += n;
    return out;
  }
  uint64_t Unsigned(size_t width) {
    uint64_t value = 0;
    for (char c : Take(width)) value = (value << 8) | static_cast<unsigned char>(c);
    return value;
  }
  int64_t Signed(size_t width) {
    uint64_t value = Unsigned(width);
    int shift = static_cast<int>(64 - width * 8);
    return static_cast<int64_t>(value << shift) >> shift;  // sign-extend
  }
  bool truncated() const { return short_; }
  std::string_view Rest() const { return bytes_.substr(pos_); }

 private:
  std::string_view bytes_;
  size_t pos_ = 0;
  bool short_ = false;
};

// Reads a 44-byte header; false when it is not TZif.
bool ReadHeader(ByteReader& in, char& version, Counts& counts) {
  if (in.Take(4) != "TZif") return false;
  std::string_view v = in.Take(1);
  version = v.empty() ? '\0' : v[0];
  in.Take(15);
  uint32_t* fields[] = {&counts.isutcnt, &counts.isstdcnt, &counts.leapcnt,
                        &counts.timecnt, &counts.typecnt,  &counts.charcnt};
  for (uint32_t* field : fields) *field = static_cast<uint32_t>(in.Unsigned(4));
  return !in.truncated();
}

// The bytes a data block takes with times of `width` bytes (4 in version 1, 8 after).
uint64_t BlockSize(const Counts& c, uint64_t width) {
  return c.timecnt * width + c.timecnt + c.typecnt * 6ULL + c.charcnt + c.leapcnt * (width + 4) +
         c.isstdcnt + c.isutcnt;
}

// What a data block says; checked for consistency by Consistent().
struct Block {
  std::vector<int64_t> transitions;
  std::vector<uint8_t> type_of;
  std::vector<int32_t> offsets;
};

Block ReadBlock(ByteReader& in, const Counts& c, size_t width) {
  Block b;
  for (uint32_t i = 0; i < c.timecnt; ++i) b.transitions.push_back(in.Signed(width));
  for (uint32_t i = 0; i < c.timecnt; ++i) b.type_of.push_back(in.Unsigned(1) & 0xFF);
  for (uint32_t i = 0; i < c.typecnt; ++i) {
    b.offsets.push_back(static_cast<int32_t>(in.Signed(4)));
    in.Take(2);  // isdst, abbreviation index: the offset is all the tap needs
  }
  in.Take(c.charcnt + c.leapcnt * (width + 4) + c.isstdcnt + c.isutcnt);
  return b;
}

bool Consistent(const Block& b) {
  if (b.offsets.empty()) return false;
  for (uint8_t t : b.type_of) {
    if (t >= b.offsets.size()) return false;
  }
  for (int32_t offset : b.offsets) {
    if (!OffsetInBounds(seconds(offset))) return false;
  }
  return std::is_sorted(b.transitions.begin(), b.transitions.end()) &&
         std::adjacent_find(b.transitions.begin(), b.transitions.end()) == b.transitions.end();
}

// The footer "\n<TZ string>\n" of version 2 and later.
std::optional<std::string> ReadFooterText(std::string_view rest) {
  if (rest.size() < 2 || rest.front() != '\n') return std::nullopt;
  size_t end = rest.find('\n', 1);
  if (end == std::string_view::npos) return std::nullopt;
  return std::string(rest.substr(1, end - 1));
}

}  // namespace

Result<std::shared_ptr<const ZoneRules>> ZoneRules::Parse(std::string_view bytes,
                                                          std::string_view what) {
  auto invalid = [&](std::string_view why) {
    return Status::Error(ErrorKind::kInvalidInput,
                         fmt::format("time zone file {} is not valid TZif: {}", what, why));
  };
  ByteReader in(bytes);
  char version = 0;
  Counts counts{};
  if (!ReadHeader(in, version, counts)) return invalid("no TZif header");
  size_t width = 4;
  if (version >= '2') {  // skip the 32-bit block for the 64-bit one after it
    if (!in.Has(BlockSize(counts, 4))) return invalid("truncated");
    in.Take(BlockSize(counts, 4));
    if (!ReadHeader(in, version, counts)) return invalid("no second header");
    width = 8;
  }
  if (!in.Has(BlockSize(counts, width))) return invalid("truncated");
  Block block = ReadBlock(in, counts, width);
  if (!Consistent(block)) return invalid("inconsistent transitions or types");
  auto rules = std::shared_ptr<ZoneRules>(new ZoneRules());
  rules->transitions_ = std::move(block.transitions);
  rules->type_of_ = std::move(block.type_of);
  rules->offsets_ = std::move(block.offsets);
  if (width == 8) {
    std::optional<std::string> footer = ReadFooterText(in.Rest());
    if (!footer) return invalid("no footer");
    if (!footer->empty()) {
      std::optional<Footer> rule = Footer::Parse(*footer);
      if (!rule) return invalid(fmt::format("unreadable rule '{}'", *footer));
      rules->footer_ = std::make_shared<const Footer>(*rule);
    }
  }
  return std::shared_ptr<const ZoneRules>(std::move(rules));
}

std::chrono::seconds ZoneRules::OffsetAt(std::chrono::sys_seconds t) const {
  int64_t s = t.time_since_epoch().count();
  auto after = std::upper_bound(transitions_.begin(), transitions_.end(), s);
  if (after == transitions_.begin()) return std::chrono::seconds(offsets_[0]);
  if (after == transitions_.end() && footer_ != nullptr) {
    return footer_->OffsetAt(t);
  }
  size_t index = static_cast<size_t>(after - transitions_.begin()) - 1;
  return std::chrono::seconds(offsets_[type_of_[index]]);
}

std::chrono::seconds ZoneRules::OffsetAtLocal(std::chrono::local_seconds local) const {
  // The offsets a day before and a day after bracket any change near `local`; a candidate
  // holds when the instant it gives has that offset. Trying the earlier one first picks the
  // offset before the change in an overlap, and it is also the answer in a gap.
  std::chrono::sys_seconds as_utc{local.time_since_epoch()};
  std::chrono::seconds before = OffsetAt(as_utc - std::chrono::days(1));
  std::chrono::seconds after = OffsetAt(as_utc + std::chrono::days(1));
  if (OffsetAt(as_utc - before) == before) return before;
  if (OffsetAt(as_utc - after) == after) return after;
  return before;
}

}  // namespace tap
