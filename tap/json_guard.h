#pragma once

#include <string>
#include <string_view>

namespace tap {

/// How deep any JSON the tap reads may nest. TikTok's pages nest a handful of levels and a
/// catalog schema a dozen; the limit keeps every recursive walk of a parsed document (writing,
/// schema compiling, destruction) far from the stack's end.
inline constexpr int kMaxJsonDepth = 256;

/// What ScanJsonText found in a JSON text before it is parsed.
struct JsonScan {
  long long replaced = 0;     // lone UTF-16 surrogate escapes, now \ufffd
  bool too_deep = false;      // arrays and objects nest deeper than kMaxJsonDepth
  bool huge_numbers = false;  // a number token no double can hold (1e400, 400 digits)
};

/// One pass over `text`: rewrites every unpaired surrogate escape ("\udc00") as "\ufffd" in
/// place (same length; RapidJSON would otherwise write it as invalid UTF-8, or refuse a lone high
/// surrogate), and notes nesting beyond kMaxJsonDepth and numbers beyond double range. It
/// tracks strings, so brackets and digits inside them do not count. Stops at the first level
/// too deep.
JsonScan ScanJsonText(std::string& text);

/// Rewrites every unpaired surrogate escape in `text` as "\ufffd" in place and returns how many
/// there were. Visits only backslashes (most pages have none), so it costs about a memchr.
long long MendSurrogates(std::string& text);

/// Whether `text` may hold a number token ScanJsonText calls huge: a run of 256 or more digits,
/// or an 'e' or 'E' right after a digit. False only when it certainly holds none; 16 bytes at a
/// time, so API pages need the full scan only when they might.
bool MayHoldHugeNumbers(std::string_view text);

/// `text` with each invalid UTF-8 sequence written as U+FFFD; `*replaced` counts them.
std::string RepairUtf8(std::string_view text, long long* replaced);

/// `text` with every number token that ScanJsonText calls huge written as a JSON string, so
/// a parser that keeps numbers as strings reads it and the schema decides what becomes of it.
std::string QuoteHugeNumbers(std::string_view text);

}  // namespace tap
