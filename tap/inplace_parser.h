#pragma once

#include <rapidjson/document.h>
#include <rapidjson/error/error.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "tap/json_guard.h"
#include "tap/row_table.h"

namespace tap {

/// Parses one JSON text in place into a RapidJSON document, as RapidJSON's own in-place parse
/// with kParseNumbersAsStringsFlag does (strings and number tokens become string values that
/// point into the text, each NUL-terminated; escapes are decoded where they stand), at a
/// fraction of its cost on API pages: those are mostly short strings, which RapidJSON scans a
/// byte at a time up to 16-byte alignment, while this scans every string 16 bytes at a time.
/// It also accepts numbers beyond double range (kept as their digits, like any other number).
///
/// The text must be valid UTF-8 and followed by a NUL byte, as a std::string's data() and size()
/// are (rows are read without a bounds check before each structural byte). A surrogate escape
/// without its pair becomes U+FFFD, as MendSurrogates would write it; mended() counts them. Nesting
/// deeper than kMaxJsonDepth fails.
class InPlaceParser {
 public:
  InPlaceParser(char* text, size_t size) : p_(text), begin_(text), end_(text + size) {
    // Grown as objects nest (Object), never moved: an outer object holds its depth's keys.
    expected_keys_.reserve(kMaxJsonDepth + 1);
  }

  /// Parses the whole text into `doc`; the error code and offset when it is not one JSON value.
  rapidjson::ParseResult Parse(rapidjson::Document& doc);
  /// The rows of the first `data.<layout.list()>` array of the root object go into `table`
  /// instead of `doc`, where that array is left empty. The rows are checked as any other JSON
  /// (an error in a row fails the parse); a row of another shape is kept whole (RowTable).
  void DivertRows(const RowLayout* layout, RowTable* table);
  /// Whether rows went into the table: the document's `data.<list>` is the array they left.
  bool diverted() const { return diverted_; }
  /// Whether it failed by nesting deeper than kMaxJsonDepth.
  bool too_deep() const { return too_deep_; }
  /// How many unpaired surrogate escapes were read as U+FFFD.
  long long mended() const { return mended_; }
  /// Bytes readable after a row key's text in its hint, for block compares.
  static constexpr size_t kHeadPadding = 48;

 private:
  bool Value();
  bool Object();
  bool Array();
  template <typename Item>
  bool Items(char close, rapidjson::ParseErrorCode missing, Item item, rapidjson::SizeType* count);
  bool Key(std::vector<std::string>& expected, size_t index);
  static bool KeyAt(const char* p, const char* end, std::string_view key);
  bool Member(std::vector<std::string>& expected, size_t index);
  bool Diverts();
  bool Rows();
  bool Row();
  // Where a table row is read, and where its text ends. API text is compact: white space is
  // looked for only where the expected byte is not there. p never passes end, and the byte at
  // end is the text's terminating NUL, which At never expects: no bounds check is needed.
  struct Cursor {
    char* p;
    char* end;
    bool At(char c) const { return *p == c; }
    /// Whether `c` is next, after any white space.
    bool Sees(char c) {
      if (At(c)) return true;
      p = PastSpace(p, end);
      return At(c);
    }
    /// Sees(c), and then steps over it.
    bool Take(char c) { return Sees(c) && (++p, true); }
  };
  struct KeyHint {
    std::string head;  // `"key":`, then kHeadPadding NUL bytes
    size_t length;     // of `"key":`
    uint64_t mask;     // the low `length` bits
    size_t slot;
  };
  bool TableRow(rapidjson::Value* values, uint8_t* forms);
  bool RowMembers(Cursor& c, rapidjson::Value* values, uint8_t* forms);
  size_t RowPart(Cursor& c, size_t from) const;
  bool PartMembers(Cursor& c, size_t part, rapidjson::Value* values, uint8_t* forms);
  bool RowKey(Cursor& c, std::vector<KeyHint>& hints, size_t index, size_t* slot);
  bool RowValue(Cursor& c, rapidjson::Value& value, uint8_t& form);
  bool EscapedRowValue(Cursor& c, char* start, char* escape, rapidjson::Value& value);
  bool DocumentRow();
  bool String();
  bool Escaped(char* start, char* out);
  bool Number();
  char* NumberEnd(char* p, rapidjson::ParseErrorCode* code, char** at) const;
  bool Literal();
  static size_t LiteralLength(const char* p, const char* end);
  bool Enter();
  bool Fail(rapidjson::ParseErrorCode code, const char* at);
  bool At(char c) const { return p_ < end_ && *p_ == c; }
  void SkipSpace() { p_ = PastSpace(p_, end_); }
  /// The first byte at or after `p` that is not JSON white space.
  static char* PastSpace(char* p, const char* end) {
    while (p < end && (*p == ' ' || *p == '\n' || *p == '\r' || *p == '\t')) ++p;
    return p;
  }

  char* p_;
  char* const begin_;
  char* const end_;
  rapidjson::Document* doc_ = nullptr;
  std::vector<std::vector<std::string>> expected_keys_;  // by depth: Key()
  std::vector<char*> number_ends_;  // terminated once parsed: the byte there ends the token
  int depth_ = 0;
  std::string_view string_;  // the string read last, decoded
  // DivertRows: where the rows go, whether the parser is inside the root's first `data`, and
  // whether its rows were diverted already.
  const RowLayout* layout_ = nullptr;
  RowTable* table_ = nullptr;
  bool in_data_ = false, data_seen_ = false, list_seen_ = false, diverted_ = false;
  std::vector<std::vector<KeyHint>> row_hints_;  // by part, by position: Key() for row members
  std::vector<char*> row_ends_;                  // a table row's numbers, terminated once it fits
  long long row_mended_ = 0;  // a table row's unpaired surrogates, counted once it fits
  bool too_deep_ = false;
  long long mended_ = 0;
  rapidjson::ParseResult error_;
};

}  // namespace tap
