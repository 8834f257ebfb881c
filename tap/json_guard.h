#pragma once

#include <string>
#include <string_view>

namespace tap {

/// How deep any JSON the tap reads may nest (ParseJson and ParseJsonInPlace stop the parser past
/// it). TikTok's pages nest a handful of levels and a catalog schema a dozen; the limit keeps
/// every recursive walk of a parsed document (parsing, writing, schema compiling) far from the
/// stack's end.
inline constexpr int kMaxJsonDepth = 256;

/// Rewrites every unpaired surrogate escape in `text` as "\ufffd" in place and returns how many
/// there were. Visits only backslashes (most pages have none), so it costs about a memchr.
long long MendSurrogates(std::string& text);

/// Whether `text` may hold a number token HasHugeNumbers finds: a run of digits that fills 16
/// aligned 16-byte blocks (every run of more than 270 digits does), or an 'e' or 'E' right after
/// a digit and before two digits (an optional '+' between) where a number may be. False only when
/// it certainly holds none; 16 bytes at a time, so API pages need the full scan only when they
/// might.
bool MayHoldHugeNumbers(std::string_view text);

/// Whether a number token outside the strings of `text` has a magnitude past 10^300, which no
/// double holds (1e400, 400 digits): RapidJSON refuses such a text.
bool HasHugeNumbers(std::string_view text);

/// `text` with each invalid UTF-8 sequence written as U+FFFD; `*replaced` counts them.
std::string RepairUtf8(std::string_view text, long long* replaced);

/// `text` with every number token that HasHugeNumbers finds written as a JSON string, so a
/// parser that keeps numbers as strings reads it and the schema decides what becomes of it.
std::string QuoteHugeNumbers(std::string_view text);

}  // namespace tap
