#pragma once

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "tap/json_guard.h"
#include "tap/row_table.h"
#include "tap/status.h"

namespace tap {

/// Whether `text` is well-formed UTF-8 (no overlong forms, surrogates or code points above
/// U+10FFFF). Fast on ASCII, which API pages mostly are.
bool IsValidUtf8(std::string_view text);
/// The length of the longest prefix of `text` made of whole well-formed UTF-8 characters: it
/// stops before an invalid byte or a character cut off at the end.
size_t Utf8ValidPrefix(std::string_view text);

/// Validates UTF-8 that arrives in chunks (a response body), each while it is still in cache.
class Utf8Checker {
 public:
  /// `text` is all the text so far, its newest chunk at the end.
  void Grew(std::string_view text);
  /// Whether `text`, as last passed to Grew, is well-formed UTF-8.
  bool Valid(std::string_view text) const { return !invalid_ && valid_ == text.size(); }

 private:
  size_t valid_ = 0;  // bytes of whole, well-formed characters
  bool invalid_ = false;
};

/// Writes `s` (`n` bytes of UTF-8) as the body of a JSON string literal at `out`, ASCII only:
/// '"', '\\' and control characters escaped as RapidJSON does, other non-ASCII as \uXXXX
/// (surrogate pairs past U+FFFF), each byte of an invalid sequence as \uFFFD. Writes at most
/// 6 * n bytes; returns the end.
char* EscapeJsonString(const char* s, size_t n, char* out);

/// Copies `n` bytes: keys and number tokens are a few bytes, so two overlapping fixed-size
/// copies each, inlined, instead of a call to memcpy for every value of every record.
inline void CopyShort(char* to, const char* from, size_t n) {
  if (n > 16 && n <= 32) {
    std::memcpy(to, from, 16);
    std::memcpy(to + n - 16, from + n - 16, 16);
  } else if (n >= 8 && n <= 16) {
    std::memcpy(to, from, 8);
    std::memcpy(to + n - 8, from + n - 8, 8);
  } else if (n >= 4 && n < 8) {
    std::memcpy(to, from, 4);
    std::memcpy(to + n - 4, from + n - 4, 4);
  } else {
    std::memcpy(to, from, n);
  }
}

/// Makes `value` (which owns no memory: a null, a boolean or such a string) a string that refers
/// to `s` (not copied): what value.SetString(StringRef(s, n)) makes, written as two words.
/// RapidJSON keeps the type in the top bytes of the pointer's word and sets it by a narrow store
/// and then a read of the whole word, which the CPU cannot forward: a stall on every value of a
/// table row (measured: half the time of reading one).
inline void SetStringRef(rapidjson::Value& value, const char* s, rapidjson::SizeType n) {
#if RAPIDJSON_48BITPOINTER_OPTIMIZATION
  // RapidJSON's constant-string flags (kStringType | kStringFlag) in the top 16 bits; the layout
  // is checked against SetString by Json.SetStringRefMakesWhatSetStringMakes.
  static_assert(sizeof(rapidjson::Value) == 16);
  constexpr uint64_t kConstString = uint64_t{0x0405} << 48;
  const uint64_t words[2] = {n, kConstString | reinterpret_cast<uintptr_t>(s)};
  std::memcpy(static_cast<void*>(&value), words, sizeof(words));
#else
  value.SetString(rapidjson::StringRef(s, n));
#endif
}

/// Whether the `n` bytes at `a` and `b` are the same: one to four word compares for a key,
/// inlined, where memcmp would be a call for every member of every row.
inline bool SameBytes(const char* a, const char* b, size_t n) {
  auto load64 = [](const char* p) {
    uint64_t word;
    std::memcpy(&word, p, 8);
    return word;
  };
  auto load32 = [](const char* p) {
    uint32_t word;
    std::memcpy(&word, p, 4);
    return word;
  };
  if (n >= 8) {
    for (size_t i = 0; i + 8 < n; i += 8) {
      if (load64(a + i) != load64(b + i)) return false;
    }
    return load64(a + n - 8) == load64(b + n - 8);
  }
  if (n >= 4) return load32(a) == load32(b) && load32(a + n - 4) == load32(b + n - 4);
  for (size_t i = 0; i < n; ++i) {
    if (a[i] != b[i]) return false;
  }
  return true;
}

/// Appends `n` bytes of UTF-8 as a quoted, escaped JSON string (EscapeJsonString) to `out`.
inline void AppendJsonString(rapidjson::StringBuffer& out, const char* s, size_t n) {
  size_t room = 6 * n + 2;
  char* start = out.Push(room);
  *start = '"';
  char* end = EscapeJsonString(s, n, start + 1);
  *end++ = '"';
  out.Pop(room - static_cast<size_t>(end - start));
}

/// Appends `n` bytes of printable ASCII only (nothing to escape) between quotes, as they are.
inline void AppendPlainString(rapidjson::StringBuffer& out, const char* s, size_t n) {
  char* to = out.Push(n + 2);
  to[0] = '"';
  CopyShort(to + 1, s, n);
  to[n + 1] = '"';
}

/// Appends JSON tokens to a buffer with no separators and no nesting bookkeeping: for a record
/// whose layout (keys, commas) the caller writes itself. The same value methods as JsonWriter,
/// so a value converter serves both.
class JsonTokenSink {
 public:
  explicit JsonTokenSink(rapidjson::StringBuffer& out) : out_(out) {}

  void Raw(std::string_view text) { CopyShort(out_.Push(text.size()), text.data(), text.size()); }
  /// Bytes readable after any text passed to Padded.
  static constexpr size_t kPadding = 32;
  /// Raw, for `n` bytes at `p` followed by kPadding readable ones (a padded table): a short text
  /// is copied as one block of fixed size, without branching on its length.
  void Padded(const char* p, size_t n) {
    if (n > kPadding) return Raw({p, n});
    out_.Reserve(kPadding);
    std::memcpy(out_.PushUnsafe(n), p, kPadding);
  }
  /// Padded(head, head_n), then `n` bytes of text, between quotes when `quoted` (printable
  /// ASCII only, as PlainString), in one reservation: a record member written as it came. With
  /// `padded`, kPadding bytes can be read from `s`, so that short text is copied as one block.
  void PaddedThenText(const char* head, size_t head_n, const char* s, size_t n, bool quoted,
                      bool padded) {
    if (head_n > kPadding || n > kPadding || !padded) {
      Padded(head, head_n);
      return quoted ? AppendPlainString(out_, s, n) : Raw({s, n});
    }
    const size_t q = quoted ? 1 : 0;
    out_.Reserve(2 * kPadding + 2);
    char* to = out_.PushUnsafe(head_n + n + 2 * q);
    std::memcpy(to, head, kPadding);
    // Both quotes are stored either way: unquoted text overwrites the first, and the second
    // falls past the pushed bytes, in reserved room that the next write overwrites.
    to[head_n] = '"';
    std::memcpy(to + head_n + q, s, kPadding);
    to[head_n + q + n] = '"';
  }
  bool Null() { return Raw("null"), true; }
  bool Bool(bool b) { return Raw(b ? std::string_view("true") : "false"), true; }
  bool RawValue(const char* json, size_t n, rapidjson::Type /*type*/) {
    return Raw({json, n}), true;
  }
  bool String(const char* s, rapidjson::SizeType n, bool /*copy*/ = false) {
    return AppendJsonString(out_, s, n), true;
  }
  bool String(const char* s) { return String(s, static_cast<rapidjson::SizeType>(std::strlen(s))); }
  /// A string of printable ASCII only (nothing to escape), between quotes as it is.
  bool PlainString(const char* s, size_t n) { return AppendPlainString(out_, s, n), true; }
  rapidjson::StringBuffer& buffer() { return out_; }

 private:
  rapidjson::StringBuffer& out_;
};

/// The writer of every JSON line the tap emits: UTF-8 in, ASCII out (non-ASCII as \uXXXX).
/// Strings and keys go through EscapeJsonString, which copies runs of plain ASCII eight bytes at
/// a time; RapidJSON's ASCII transcoding decodes every character (measured: a seventh of a
/// sync's CPU) and stops mid-string at invalid UTF-8, leaving a broken line.
class JsonWriter
    : public rapidjson::Writer<rapidjson::StringBuffer, rapidjson::UTF8<>, rapidjson::ASCII<>> {
  using Base = rapidjson::Writer<rapidjson::StringBuffer, rapidjson::UTF8<>, rapidjson::ASCII<>>;

 public:
  using Base::Base;
  using Base::Key;
  using Base::String;

  bool String(const char* s, rapidjson::SizeType n, bool /*copy*/ = false) {
    Prefix(rapidjson::kStringType);
    AppendJsonString(*os_, s, n);
    return EndValue(true);
  }
  bool String(const char* s) { return String(s, static_cast<rapidjson::SizeType>(Length(s))); }
  /// `json` as it is (RapidJSON's own copies it a byte at a time).
  bool RawValue(const char* json, size_t n, rapidjson::Type type) {
    Prefix(type);
    CopyShort(os_->Push(n), json, n);
    return EndValue(true);
  }
  /// A string of printable ASCII only (nothing to escape), between quotes as it is.
  bool PlainString(const char* s, size_t n) {
    Prefix(rapidjson::kStringType);
    AppendPlainString(*os_, s, n);
    return EndValue(true);
  }
  bool Key(const char* s, rapidjson::SizeType n, bool copy = false) { return String(s, n, copy); }
  bool Key(const char* s) { return String(s); }

  /// A value whose text `append` writes to the output itself (JsonTokenSink): a record laid
  /// out by the Transformer, without this writer's bookkeeping for each of its values.
  template <typename Append>
  bool RawWith(rapidjson::Type type, Append append) {
    Prefix(type);
    append(*os_);
    return EndValue(true);
  }

 private:
  static size_t Length(const char* s) { return std::char_traits<char>::length(s); }
};

/// Parses `text` as one JSON document. `what` names the input in the error ("config file
/// 'c.json'"). Unpaired surrogate escapes are read as U+FFFD; nesting deeper than
/// kMaxJsonDepth is an error. With `numbers_as_strings`, every number keeps its exact digits as a
/// string value (used for API responses, so ids and metrics never pass through a double).
Result<rapidjson::Document> ParseJson(std::string_view text, std::string_view what,
                                      bool numbers_as_strings = false);

/// Like ParseJson with `numbers_as_strings`, but in place: string values point into `text`
/// (which must outlive the document and not change), so nothing is copied. For API pages, which
/// the tap does not control: invalid UTF-8 and unpaired surrogate escapes are read as U+FFFD
/// (counted in `*replaced`), numbers beyond double range as strings; nesting deeper than
/// kMaxJsonDepth is an error. `valid_utf8`: the caller has seen that `text` is well-formed UTF-8
/// (as it arrived, while it was still in cache), so it is not validated again. With `layout`,
/// the rows of `data.<layout.list()>` go into `*rows` instead (InPlaceParser::DivertRows); it is
/// nullptr when the document has no such array.
Result<rapidjson::Document> ParseJsonInPlace(std::string& text, std::string_view what,
                                             long long* replaced = nullptr, bool valid_utf8 = false,
                                             const RowLayout* layout = nullptr,
                                             std::unique_ptr<RowTable>* rows = nullptr);

/// Reads and parses a JSON file; a missing or unreadable file is an kInvalidInput error.
Result<rapidjson::Document> ReadJsonFile(const std::string& path, std::string_view what);

/// Reads a whole file; a directory or an unreadable file is a kInvalidInput error naming
/// `what` ("state file") and the path.
Result<std::string> ReadTextFile(const std::string& path, std::string_view what);

/// Compact JSON text of `value`, non-ASCII escaped as \uXXXX (what Singer consumers expect).
std::string ToJson(const rapidjson::Value& value);

/// Multi-line JSON text of `value`, for files people read (catalogs).
std::string ToPrettyJson(const rapidjson::Value& value);

/// A JSON string literal for `text`, with quotes.
std::string JsonQuote(std::string_view text);

/// A JSON array of strings: ["a","b"].
std::string JsonStringArray(const std::vector<std::string>& items);

/// The member `key` of `object`, or nullptr when `object` is not an object or has no such key.
const rapidjson::Value* FindMember(const rapidjson::Value& object, std::string_view key);
/// The string member `key` of `object`; empty when `object` is not an object or the member is
/// absent or not a string.
std::string StringMember(const rapidjson::Value& object, std::string_view key);

/// A short description of a JSON value's type for error messages ("a string", "an array").
const char* JsonTypeName(const rapidjson::Value& value);

}  // namespace tap
