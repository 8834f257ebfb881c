#pragma once

#include <rapidjson/document.h>
#include <rapidjson/error/error.h>

#include <cstddef>
#include <string>
#include <vector>

#include "tap/json_guard.h"

namespace tap {

/// Parses one JSON text in place into a RapidJSON document, as RapidJSON's own in-place parse
/// with kParseNumbersAsStringsFlag does (strings and number tokens become string values that
/// point into the text, each NUL-terminated; escapes are decoded where they stand), at a
/// fraction of its cost on API pages: those are mostly short strings, which RapidJSON scans a
/// byte at a time up to 16-byte alignment, while this scans every string 16 bytes at a time.
/// It also accepts numbers beyond double range (kept as their digits, like any other number).
///
/// The text must be valid UTF-8. A surrogate escape without its pair becomes U+FFFD, as
/// MendSurrogates would write it; mended() counts them. Nesting deeper than kMaxJsonDepth fails.
class InPlaceParser {
 public:
  InPlaceParser(char* text, size_t size) : p_(text), begin_(text), end_(text + size) {}

  /// Parses the whole text into `doc`; the error code and offset when it is not one JSON value.
  rapidjson::ParseResult Parse(rapidjson::Document& doc);
  /// Whether it failed by nesting deeper than kMaxJsonDepth.
  bool too_deep() const { return too_deep_; }
  /// How many unpaired surrogate escapes were read as U+FFFD.
  long long mended() const { return mended_; }

 private:
  bool Value();
  bool Object();
  bool Array();
  template <typename Item>
  bool Items(char close, rapidjson::ParseErrorCode missing, Item item, rapidjson::SizeType* count);
  bool Key(std::vector<std::string>& expected, size_t index);
  bool String();
  bool Escaped(char* start, char* out);
  bool Escape(char** out);
  bool Number();
  bool Literal();
  bool Enter();
  bool Fail(rapidjson::ParseErrorCode code, const char* at);
  bool At(char c) const { return p_ < end_ && *p_ == c; }
  void SkipSpace();

  char* p_;
  char* const begin_;
  char* const end_;
  rapidjson::Document* doc_ = nullptr;
  std::vector<std::vector<std::string>> expected_keys_ =
      std::vector<std::vector<std::string>>(kMaxJsonDepth + 1);  // by depth: Key()
  std::vector<char*> number_ends_;  // terminated once parsed: the byte there ends the token
  int depth_ = 0;
  bool too_deep_ = false;
  long long mended_ = 0;
  rapidjson::ParseResult error_;
};

}  // namespace tap
