#include "tap/inplace_parser.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <string>

#include "tap/json.h"
#include "tap/json_guard.h"

namespace tap {

namespace {

using rapidjson::ParseErrorCode;

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// Whether `c` ends the plain run of a string: its closing quote, an escape or a control byte.
bool Special(char c) { return c == '"' || c == '\\' || static_cast<unsigned char>(c) < 0x20; }

#if defined(__SSE2__)
// A bit for each of the 16 bytes in `v` that is Special.
[[gnu::always_inline]] inline unsigned SpecialBits(__m128i v) {
  const __m128i control = _mm_set1_epi8(0x1F);
  __m128i hits = _mm_or_si128(
      _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('"')), _mm_cmpeq_epi8(v, _mm_set1_epi8('\\'))),
      _mm_cmpeq_epi8(_mm_max_epu8(v, control), control));
  return static_cast<unsigned>(_mm_movemask_epi8(hits));
}
#endif

// The first special byte of a string from `p`, or `end`. Unaligned 16-byte loads, which stay
// inside the text: most strings of a page (keys, ids, metric values) fit in one.
[[gnu::always_inline]] inline char* ScanPlain(char* p, const char* end) {
#if defined(__SSE2__)
  for (; end - p >= 16; p += 16) {
    unsigned bits = SpecialBits(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p)));
    if (bits != 0) return p + __builtin_ctz(bits);
  }
#endif
  while (p < end && !Special(*p)) ++p;
  return p;
}

// Whether the `n` bytes at `p` are `head`'s, which is followed by kHeadPadding readable bytes;
// `mask` has the low `n` bits set. A row's key and colon: three 16-byte compares where the text
// has 48 bytes, without branching on the length, which changes key by key.
[[gnu::always_inline]] inline bool SameHead(const char* p, const char* end, const char* head,
                                            size_t n, uint64_t mask) {
#if defined(__SSE2__)
  static_assert(InPlaceParser::kHeadPadding >= 48);
  if (n <= 48 && end - p >= 48) {
    auto same = [&](size_t i) {
      __m128i a = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + i));
      __m128i b = _mm_loadu_si128(reinterpret_cast<const __m128i*>(head + i));
      return static_cast<uint64_t>(_mm_movemask_epi8(_mm_cmpeq_epi8(a, b))) << i;
    };
    return (~(same(0) | same(16) | same(32)) & mask) == 0;
  }
#endif
  return static_cast<size_t>(end - p) >= n && SameBytes(p, head, n);
}

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// The four hex digits at `p` (bounds checked by the caller), or -1.
int Hex4(const char* p) {
  int value = 0;
  for (int i = 0; i < 4; ++i) {
    int d = HexDigit(p[i]);
    if (d < 0) return -1;
    value = value * 16 + d;
  }
  return value;
}

char* EncodeUtf8(unsigned cp, char* out) {
  auto put = [&](unsigned byte) { *out++ = static_cast<char>(byte); };
  if (cp < 0x80) {
    put(cp);
  } else if (cp < 0x800) {
    put(0xC0 | (cp >> 6));
    put(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    put(0xE0 | (cp >> 12));
    put(0x80 | ((cp >> 6) & 0x3F));
    put(0x80 | (cp & 0x3F));
  } else {
    put(0xF0 | (cp >> 18));
    put(0x80 | ((cp >> 12) & 0x3F));
    put(0x80 | ((cp >> 6) & 0x3F));
    put(0x80 | (cp & 0x3F));
  }
  return out;
}

char SimpleEscape(char e) {
  switch (e) {
    case '"':
    case '\\':
    case '/':
      return e;
    case 'b':
      return '\b';
    case 'f':
      return '\f';
    case 'n':
      return '\n';
    case 'r':
      return '\r';
    case 't':
      return '\t';
    default:
      return 0;
  }
}

// Whether the n bytes at `p`, a string's text without quote, backslash or control byte (ScanPlain
// stopped after them), are ASCII: then it is written between quotes as it is. 16 bytes at a
// time, all read inside the text (or before `end` for a short one).
bool AsciiText(const char* p, size_t n, const char* end) {
#if defined(__SSE2__)
  auto high = [](const char* at) {
    return static_cast<unsigned>(
        _mm_movemask_epi8(_mm_loadu_si128(reinterpret_cast<const __m128i*>(at))));
  };
  if (n < 16 && end - p >= 16) return (high(p) & ((1U << n) - 1)) == 0;
  if (n >= 16) {
    unsigned any = high(p + n - 16);
    for (size_t i = 0; i + 16 < n; i += 16) any |= high(p + i);
    return any == 0;
  }
#endif
  return std::all_of(p, p + n, [](char c) { return static_cast<unsigned char>(c) < 0x80; });
}

#if defined(__SSE2__)
// kNumberForm | kIntegerForm, kNumberForm or 0 for the n bytes (1 to 15) at `p`, loaded in `v`.
uint8_t NumberForm(__m128i v, const char* p, size_t n) {
  __m128i digit = _mm_and_si128(_mm_cmpgt_epi8(v, _mm_set1_epi8('0' - 1)),
                                _mm_cmplt_epi8(v, _mm_set1_epi8('9' + 1)));
  unsigned sign = p[0] == '-' ? 1U : 0U;  // the only other byte allowed besides one '.'
  unsigned other = ~static_cast<unsigned>(_mm_movemask_epi8(digit)) & ((1U << n) - 1) & ~sign;
  size_t first = sign;  // the first digit
  if (n == first) return 0;
  bool leading_zero = p[first] == '0';
  if (other == 0) {
    bool minus_zero = sign != 0 && n == 2 && leading_zero;
    return (leading_zero && n - first > 1) || minus_zero ? 0 : kNumberForm | kIntegerForm;
  }
  if ((other & (other - 1)) != 0) return 0;  // more than one byte that is not a digit
  auto dot = static_cast<size_t>(__builtin_ctz(other));
  if (p[dot] != '.' || dot == first || dot == n - 1) return 0;
  return leading_zero && dot > first + 1 ? 0 : kNumberForm;
}
#endif

// What the n bytes at `p` (a value's text, without quote, backslash or control byte) are known
// to be (see RowTable): kPlainForm when they are ASCII; kNumberForm and kIntegerForm when n is at
// most 15 and 16 bytes can be read from `p` before `end`. One load and a few mask operations for
// most values: it is done for every value of every table row.
#if defined(__SSE2__)
// FormOf for the n bytes (0 to 15) at `p`, loaded in `v`.
[[gnu::always_inline]] inline uint8_t LoadedForm(__m128i v, const char* p, size_t n) {
  uint8_t plain = (_mm_movemask_epi8(v) & ((1U << n) - 1)) == 0 ? kPlainForm : 0;
  return plain | NumberForm(v, p, n);
}
#endif

uint8_t FormOf(const char* p, size_t n, const char* end) {
#if defined(__SSE2__)
  if (n == 0 || n > 15 || end - p < 16) return AsciiText(p, n, end) ? kPlainForm : 0;
  return LoadedForm(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p)), p, n);
#else
  return AsciiText(p, n, end) ? kPlainForm : 0;
#endif
}

// A row's string whose closing quote is among the 16 bytes at `p` (most values: ids, dates,
// metric values): its closing quote, with its form (FormOf's) from the same load. nullptr for any
// other string, which the caller scans.
[[gnu::always_inline]] inline char* ShortString(char* p, const char* end, uint8_t* form) {
#if defined(__SSE2__)
  if (end - p < 16) return nullptr;
  __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
  unsigned bits = SpecialBits(v);
  if (bits == 0) return nullptr;
  auto n = static_cast<size_t>(__builtin_ctz(bits));
  if (p[n] != '"') return nullptr;
  *form = LoadedForm(v, p, n);
  return p + n;
#else
  (void)p, (void)end, (void)form;
  return nullptr;
#endif
}

// Decodes a string's escapes in place (no escape is shorter than what it stands for), from its
// first escape (or error) to its closing quote.
struct Unescaper {
  char* p;  // the next byte to read
  const char* end;
  long long mended = 0;  // unpaired surrogate escapes, read as U+FFFD
  ParseErrorCode error = rapidjson::kParseErrorNone;
  const char* at = nullptr;

  // Decodes from `out` (where p starts): the end of the decoded text, NUL-terminated, with p
  // after the closing quote; nullptr on an error.
  char* Run(char* out) {
    while (p < end && *p != '"') {
      if (*p == '\\') {
        if (!Escape(&out)) return nullptr;
      } else if (static_cast<unsigned char>(*p) < 0x20) {
        return Fail(rapidjson::kParseErrorStringEscapeInvalid, p);
      } else {
        char* stop = ScanPlain(p, end);
        std::memmove(out, p, static_cast<size_t>(stop - p));
        out += stop - p;
        p = stop;
      }
    }
    if (p == end) return Fail(rapidjson::kParseErrorStringMissQuotationMark, p);
    *out = '\0';
    ++p;
    return out;
  }

  char* Fail(ParseErrorCode code, const char* where) {
    error = code;
    at = where;
    return nullptr;
  }

  bool Escape(char** out) {
    const char* start = p;
    if (end - p < 2) return Fail(rapidjson::kParseErrorStringEscapeInvalid, start);
    if (char simple = SimpleEscape(p[1]); simple != 0) {
      *(*out)++ = simple;
      p += 2;
      return true;
    }
    if (p[1] != 'u') return Fail(rapidjson::kParseErrorStringEscapeInvalid, start);
    int unit = end - p >= 6 ? Hex4(p + 2) : -1;
    if (unit < 0) return Fail(rapidjson::kParseErrorStringUnicodeEscapeInvalidHex, start);
    p += 6;
    auto cp = static_cast<unsigned>(unit);
    int low = end - p >= 6 && p[0] == '\\' && p[1] == 'u' ? Hex4(p + 2) : -1;
    if (cp >= 0xD800 && cp <= 0xDBFF && low >= 0xDC00 && low <= 0xDFFF) {
      cp = 0x10000 + ((cp - 0xD800) << 10) + (static_cast<unsigned>(low) - 0xDC00);
      p += 6;
    } else if (cp >= 0xD800 && cp <= 0xDFFF) {
      cp = 0xFFFD;  // unpaired: no character, and not valid UTF-8 as it stands
      ++mended;
    }
    *out = EncodeUtf8(cp, *out);
    return true;
  }
};

}  // namespace

rapidjson::ParseResult InPlaceParser::Parse(rapidjson::Document& doc) {
  doc_ = &doc;
  auto generate = [&](rapidjson::Document&) {
    SkipSpace();
    if (p_ == end_) return Fail(rapidjson::kParseErrorDocumentEmpty, p_);
    if (!Value()) return false;
    SkipSpace();
    return p_ == end_ || Fail(rapidjson::kParseErrorDocumentRootNotSingular, p_);
  };
  doc.Populate(generate);
  if (error_.IsError()) return error_;
  for (char* end : number_ends_) *end = '\0';
  return {};
}

bool InPlaceParser::Fail(ParseErrorCode code, const char* at) {
  if (!error_.IsError()) error_.Set(code, static_cast<size_t>(at - begin_));
  return false;
}

// Inlined where it is read: most values of a page are short strings.
[[gnu::always_inline]] inline bool InPlaceParser::String() {
  char* start = ++p_;
  char* stop = ScanPlain(p_, end_);
  if (stop == end_ || *stop != '"') return Escaped(start, stop);
  *stop = '\0';
  p_ = stop + 1;
  auto length = static_cast<rapidjson::SizeType>(stop - start);
  string_ = {start, length};
  return doc_->String(start, length, false);
}

bool InPlaceParser::Value() {
  if (p_ == end_) return Fail(rapidjson::kParseErrorValueInvalid, p_);
  switch (*p_) {
    case '{':
      return Object();
    case '[':
      return Array();
    case '"':
      return String();
    case 't':
    case 'f':
    case 'n':
      return Literal();
    default:
      return Number();
  }
}

bool InPlaceParser::Enter() {
  too_deep_ = ++depth_ > kMaxJsonDepth;
  return !too_deep_ || Fail(rapidjson::kParseErrorTermination, p_);
}

// The members or elements of an object or array, from its opening bracket to `close`, each
// read by `item`; their count in *count.
template <typename Item>
bool InPlaceParser::Items(char close, rapidjson::ParseErrorCode missing, Item item,
                          rapidjson::SizeType* count) {
  if (!Enter()) return false;
  ++p_;
  SkipSpace();
  *count = 0;
  if (!At(close)) {
    for (;; ++p_, SkipSpace()) {
      if (!item()) return false;
      ++*count;
      SkipSpace();
      if (At(close)) break;
      if (!At(',')) return Fail(missing, p_);
    }
  }
  ++p_;
  --depth_;
  return true;
}

// Flattened: a page is mostly objects, and the calls per member (Key, Value, the document's
// handlers) cost more than their work (measured: about 2% of a sync's CPU).
[[gnu::flatten]] bool InPlaceParser::Object() {
  doc_->StartObject();
  auto depth = static_cast<size_t>(std::min(depth_, kMaxJsonDepth));
  if (depth >= expected_keys_.size()) expected_keys_.resize(depth + 1);
  std::vector<std::string>& expected = expected_keys_[depth];
  size_t index = 0;
  auto member = [&] { return Member(expected, index++); };
  rapidjson::SizeType members = 0;
  return Items('}', rapidjson::kParseErrorObjectMissCommaOrCurlyBracket, member, &members) &&
         doc_->EndObject(members);
}

[[gnu::always_inline]] inline bool InPlaceParser::Member(std::vector<std::string>& expected,
                                                         size_t index) {
  if (!At('"')) return Fail(rapidjson::kParseErrorObjectMissName, p_);
  if (!Key(expected, index)) return false;
  SkipSpace();
  if (!At(':')) return Fail(rapidjson::kParseErrorObjectMissColon, p_);
  ++p_;
  SkipSpace();
  if (table_ != nullptr && depth_ <= 2 && Diverts()) return Rows();
  return Value();
}

bool InPlaceParser::Array() {
  doc_->StartArray();
  rapidjson::SizeType elements = 0;
  return Items(
             ']', rapidjson::kParseErrorArrayMissCommaOrSquareBracket, [&] { return Value(); },
             &elements) &&
         doc_->EndArray(elements);
}

// Whether the string at `p` (its opening quote) is exactly the plain key `key`. Inlined: it runs
// for every key of every row.
[[gnu::always_inline]] inline bool InPlaceParser::KeyAt(const char* p, const char* end,
                                                        std::string_view key) {
  size_t n = key.size();
  return static_cast<size_t>(end - p) > n + 1 && p[n + 1] == '"' && SameBytes(p + 1, key.data(), n);
}

// The members of an API list's objects come in the same order object after object: a key is
// first compared with the key at its place in the previous object of the same depth, a few
// word compares instead of a scan. Only keys without escapes are expected, so a match is that
// key exactly (no quote or backslash inside it).
bool InPlaceParser::Key(std::vector<std::string>& expected, size_t index) {
  if (index < expected.size()) {
    const std::string& key = expected[index];
    size_t n = key.size();
    if (KeyAt(p_, end_, key)) {
      char* start = p_ + 1;
      start[n] = '\0';
      p_ += n + 2;
      string_ = {start, n};
      return doc_->String(start, static_cast<rapidjson::SizeType>(n), false);
    }
  } else {
    expected.resize(index + 1);
  }
  const char* before = p_;
  if (!String()) return false;
  // A plain key's text is its value: the scan stopped at the closing quote.
  auto length = static_cast<size_t>(p_ - before) - 2;
  if (before[length + 1] == '\0') expected[index].assign(before + 1, length);
  return true;
}

// The rest of a string from its first escape (or error) at `out`: decoded in place.
bool InPlaceParser::Escaped(char* start, char* out) {
  Unescaper decode{out, end_};
  char* decoded = decode.Run(out);
  mended_ += decode.mended;
  if (decoded == nullptr) return Fail(decode.error, decode.at);
  p_ = decode.p;
  auto length = static_cast<rapidjson::SizeType>(decoded - start);
  string_ = {start, length};
  return doc_->String(start, length, false);
}

// The end of the number token at `p`, or nullptr with the error and where it is.
char* InPlaceParser::NumberEnd(char* p, ParseErrorCode* code, char** at) const {
  auto digit = [&] { return p < end_ && IsDigit(*p); };
  auto fail = [&](ParseErrorCode c, char* where) -> char* {
    *code = c;
    *at = where;
    return nullptr;
  };
  char* start = p;
  if (p < end_ && *p == '-') ++p;
  if (p < end_ && *p == '0') {
    ++p;
  } else if (digit()) {
    while (digit()) ++p;
  } else {
    return fail(rapidjson::kParseErrorValueInvalid, start);
  }
  if (p < end_ && *p == '.') {
    ++p;
    if (!digit()) return fail(rapidjson::kParseErrorNumberMissFraction, p);
    while (digit()) ++p;
  }
  if (p < end_ && (*p == 'e' || *p == 'E')) {
    ++p;
    if (p < end_ && (*p == '+' || *p == '-')) ++p;
    if (!digit()) return fail(rapidjson::kParseErrorNumberMissExponent, p);
    while (digit()) ++p;
  }
  return p;
}

bool InPlaceParser::Number() {
  ParseErrorCode code = rapidjson::kParseErrorNone;
  char* at = nullptr;
  char* end = NumberEnd(p_, &code, &at);
  if (end == nullptr) return Fail(code, at);
  char* start = p_;
  p_ = end;
  number_ends_.push_back(end);
  return doc_->RawNumber(start, static_cast<rapidjson::SizeType>(end - start), false);
}

namespace {
constexpr std::string_view kLiterals[] = {"true", "false", "null"};
}  // namespace

// The length of the literal (true, false or null) at `p`, or 0.
size_t InPlaceParser::LiteralLength(const char* p, const char* end) {
  for (std::string_view word : kLiterals) {
    if (static_cast<size_t>(end - p) >= word.size() &&
        std::memcmp(p, word.data(), word.size()) == 0) {
      return word.size();
    }
  }
  return 0;
}

bool InPlaceParser::Literal() {
  size_t n = LiteralLength(p_, end_);
  if (n == 0) return Fail(rapidjson::kParseErrorValueInvalid, p_);
  char first = *p_;
  p_ += n;
  return first == 'n' ? doc_->Null() : doc_->Bool(first == 't');
}

void InPlaceParser::DivertRows(const RowLayout* layout, RowTable* table) {
  layout_ = layout;
  table_ = table;
  row_hints_.assign(layout->parts().size(), {});
}

// Whether the value that follows a member's key is the rows to divert: the first `<list>`
// member of the root's first `data` member, when it is an array.
bool InPlaceParser::Diverts() {
  if (depth_ == 1) {
    in_data_ = !data_seen_ && string_ == "data";
    data_seen_ = data_seen_ || in_data_;
    return false;
  }
  if (!in_data_ || list_seen_ || string_ != layout_->list()) return false;
  list_seen_ = true;
  return At('[');
}

// The diverted rows, into the table; the document gets an empty array in their place. Not
// inlined into Object: one page has one such array.
[[gnu::noinline]] bool InPlaceParser::Rows() {
  diverted_ = true;
  doc_->StartArray();
  rapidjson::SizeType rows = 0;
  return Items(
             ']', rapidjson::kParseErrorArrayMissCommaOrSquareBracket, [&] { return Row(); },
             &rows) &&
         doc_->EndArray(0);
}

bool InPlaceParser::Row() {
  char* start = p_;
  table_->AddRow();
  // TableRow reads up to the NUL after the text without bounds checks (Cursor).
  if (*end_ == '\0' && TableRow(table_->LastValues(), table_->LastForms())) return true;
  table_->ClearLast();
  p_ = start;
  return DocumentRow();
}

// A row of the layout's shape into `values`; false, with the text unchanged, for anything else.
bool InPlaceParser::TableRow(rapidjson::Value* values, uint8_t* forms) {
  Cursor c{p_, end_};
  row_ends_.clear();
  row_mended_ = 0;
  if (!RowMembers(c, values, forms)) {
    // Only the closing quotes of its strings were overwritten (RowValue): the parser passes no
    // NUL byte of the text, so every NUL it passed is one of those.
    for (char* q = p_; q < c.p; ++q) *q = *q == '\0' ? '"' : *q;
    return false;
  }
  p_ = c.p;
  // Numbers are terminated once the row fits: the byte after one is the next to read.
  for (char* end : row_ends_) *end = '\0';
  mended_ += row_mended_;
  return true;
}

// The row's parts at the cursor. Read with a local cursor, which stays in a register: p_ would
// be reloaded after every store of a value or its form (a byte store may alias it).
bool InPlaceParser::RowMembers(Cursor& c, rapidjson::Value* values, uint8_t* forms) {
  if (!c.Take('{')) return false;
  if (c.Take('}')) return true;
  for (size_t next = 0;;) {
    size_t part = RowPart(c, next);
    if (part == RowLayout::kNoSlot) return false;
    if (!c.Take(':') || !PartMembers(c, part, values, forms)) return false;
    next = part + 1;
    if (!c.Take(',')) return c.Take('}');  // a comma first: it follows all but the last
  }
}

// The part whose plain key is at the cursor, at or after part `from` (parts come once, in
// order), or kNoSlot.
size_t InPlaceParser::RowPart(Cursor& c, size_t from) const {
  const std::vector<std::string>& parts = layout_->parts();
  for (size_t k = from; k < parts.size() && c.Sees('"'); ++k) {
    if (KeyAt(c.p, c.end, parts[k])) {
      c.p += parts[k].size() + 2;
      return k;
    }
  }
  return RowLayout::kNoSlot;
}

// The members of a row's part: plain keys, each to its slot, with a plain string, a number or
// a literal. Flattened: the calls per member cost more than their work (measured: 10 % of a
// sync's instructions).
[[gnu::flatten]] bool InPlaceParser::PartMembers(Cursor& c, size_t part, rapidjson::Value* values,
                                                 uint8_t* forms) {
  if (!c.Take('{')) return false;
  if (c.Take('}')) return true;
  rapidjson::Value dropped;
  uint8_t dropped_form = 0;
  std::vector<KeyHint>& hints = row_hints_[part];
  // The keys of the previous row, which a row of the same shape has at the same places.
  const KeyHint* hint = hints.data();
  const KeyHint* hints_end = hint + hints.size();
  for (size_t index = 0;; ++index, ++hint) {
    size_t slot = RowLayout::kNoSlot;
    if (hint != hints_end && SameHead(c.p, c.end, hint->head.data(), hint->length, hint->mask)) {
      slot = hint->slot;
      c.p += hint->length;
    } else {
      if (!c.Sees('"') || !RowKey(c, hints, index, &slot) || !c.Take(':')) return false;
      hint = hints.data() + index;
      hints_end = hints.data() + hints.size();
    }
    bool kept = slot != RowLayout::kNoSlot;
    // A value starts with a quote, a digit, '-' or a literal's letter: anything else is white
    // space or an error, which Sees steps over or leaves.
    c.Sees('"');
    if (!RowValue(c, kept ? values[slot] : dropped, kept ? forms[slot] : dropped_form)) {
      return false;
    }
    if (!c.Take(',')) return c.Take('}');
  }
}

// A plain key at the cursor other than the one at its place (`index`) in the previous row: read,
// looked up, and remembered as the key at that place.
bool InPlaceParser::RowKey(Cursor& c, std::vector<KeyHint>& hints, size_t index, size_t* slot) {
  char* start = c.p + 1;
  char* stop = ScanPlain(start, c.end);
  if (stop == c.end || *stop != '"') return false;
  std::string_view key(start, static_cast<size_t>(stop - start));
  if (index == hints.size()) hints.emplace_back();
  // As it reads in compact text: quoted, then its colon.
  std::string head = '"' + std::string(key) + "\":";
  size_t length = head.size();
  head.append(kHeadPadding, '\0');
  uint64_t mask = length >= 64 ? ~uint64_t{0} : (uint64_t{1} << length) - 1;
  hints[index] = {std::move(head), length, mask, layout_->Slot(key)};
  *slot = hints[index].slot;
  c.p = stop + 1;
  return true;
}

// A plain string, a number or a literal at the cursor into `value` (strings and numbers as the
// string values Value() gives them).
bool InPlaceParser::RowValue(Cursor& c, rapidjson::Value& value, uint8_t& form) {
  char* start = c.p;
  char* end = nullptr;
  if (c.At('"')) {
    ++start;
    // Most strings end within 16 bytes, and get their form from the same load.
    if (end = ShortString(start, c.end, &form); end == nullptr) {
      end = ScanPlain(start, c.end);
      if (end != c.end && *end == '\\') {
        form = 0;
        return EscapedRowValue(c, start, end, value);
      }
      if (end == c.end || *end != '"') return false;
      form = FormOf(start, static_cast<size_t>(end - start), c.end);
    }
    *end = '\0';  // at once, as the reader is past it (TableRow puts it back if the row fails)
    c.p = end + 1;
  } else if (size_t n = LiteralLength(c.p, c.end); n > 0) {
    form = 0;
    if (*c.p == 'n') {
      value.SetNull();
    } else {
      value.SetBool(*c.p == 't');
    }
    c.p += n;
    return true;
  } else {
    ParseErrorCode code = rapidjson::kParseErrorNone;
    char* at = nullptr;
    end = NumberEnd(c.p, &code, &at);
    if (end == nullptr) return false;
    row_ends_.push_back(end);  // once the row fits: the byte after a number is the next to read
    c.p = end;
    form = FormOf(start, static_cast<size_t>(end - start), c.end);
  }
  SetStringRef(value, start, static_cast<rapidjson::SizeType>(end - start));
  if (static_cast<size_t>(c.end - start) >= JsonTokenSink::kPadding) form |= kPaddedForm;
  return true;
}

// A string of a row with escapes (its first at `escape`), decoded in a copy in the table's
// memory: the text stays as it is until the whole row is read.
bool InPlaceParser::EscapedRowValue(Cursor& c, char* start, char* escape, rapidjson::Value& value) {
  char* close = escape;
  while (close != c.end && *close == '\\') close = ScanPlain(std::min(close + 2, c.end), c.end);
  if (close == c.end || *close != '"') return false;
  size_t n = static_cast<size_t>(close - start) + 1;
  char* copy = static_cast<char*>(table_->allocator().Malloc(n));
  std::memcpy(copy, start, n);
  Unescaper decode{copy + (escape - start), copy + n};
  char* decoded = decode.Run(decode.p);
  if (decoded == nullptr) return false;
  row_mended_ += decode.mended;
  SetStringRef(value, copy, static_cast<rapidjson::SizeType>(decoded - copy));
  c.p = close + 1;
  return true;
}

// A row of another shape (or not JSON at all), read as Value() reads any value, and kept whole.
bool InPlaceParser::DocumentRow() {
  InPlaceParser row(p_, static_cast<size_t>(end_ - p_));
  row.depth_ = depth_;
  rapidjson::Document doc(&table_->allocator());
  row.doc_ = &doc;
  auto generate = [&](rapidjson::Document&) { return row.Value(); };
  doc.Populate(generate);
  mended_ += row.mended_;
  number_ends_.insert(number_ends_.end(), row.number_ends_.begin(), row.number_ends_.end());
  if (row.error_.IsError()) {
    too_deep_ = row.too_deep_;
    return Fail(row.error_.Code(), p_ + row.error_.Offset());
  }
  p_ = row.p_;
  table_->KeepDocument(std::move(doc));
  return true;
}

}  // namespace tap
