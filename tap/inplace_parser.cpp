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

// The first special byte of a string from `p`, or `end`. Unaligned 16-byte loads, which stay
// inside the text: most strings of a page (keys, ids, metric values) fit in one.
[[gnu::always_inline]] inline char* ScanPlain(char* p, const char* end) {
#if defined(__SSE2__)
  const __m128i quote = _mm_set1_epi8('"'), slash = _mm_set1_epi8('\\');
  const __m128i control = _mm_set1_epi8(0x1F);
  for (; end - p >= 16; p += 16) {
    __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
    __m128i hits = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, quote), _mm_cmpeq_epi8(v, slash)),
                                _mm_cmpeq_epi8(_mm_max_epu8(v, control), control));
    if (int mask = _mm_movemask_epi8(hits); mask != 0) return p + __builtin_ctz(mask);
  }
#endif
  while (p < end && !Special(*p)) ++p;
  return p;
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

void InPlaceParser::SkipSpace() {
  while (p_ < end_ && (*p_ == ' ' || *p_ == '\n' || *p_ == '\r' || *p_ == '\t')) ++p_;
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
  std::vector<std::string>& expected = expected_keys_[std::min(depth_, kMaxJsonDepth)];
  size_t index = 0;
  auto member = [&] {
    if (!At('"')) return Fail(rapidjson::kParseErrorObjectMissName, p_);
    if (!Key(expected, index++)) return false;
    SkipSpace();
    if (!At(':')) return Fail(rapidjson::kParseErrorObjectMissColon, p_);
    ++p_;
    SkipSpace();
    return Value();
  };
  rapidjson::SizeType members = 0;
  return Items('}', rapidjson::kParseErrorObjectMissCommaOrCurlyBracket, member, &members) &&
         doc_->EndObject(members);
}

bool InPlaceParser::Array() {
  doc_->StartArray();
  rapidjson::SizeType elements = 0;
  return Items(
             ']', rapidjson::kParseErrorArrayMissCommaOrSquareBracket, [&] { return Value(); },
             &elements) &&
         doc_->EndArray(elements);
}

// The members of an API list's objects come in the same order object after object: a key is
// first compared with the key at its place in the previous object of the same depth, a few
// word compares instead of a scan. Only keys without escapes are expected, so a match is that
// key exactly (no quote or backslash inside it).
bool InPlaceParser::Key(std::vector<std::string>& expected, size_t index) {
  if (index < expected.size()) {
    const std::string& key = expected[index];
    size_t n = key.size();
    if (static_cast<size_t>(end_ - p_) > n + 1 && p_[n + 1] == '"' &&
        SameBytes(p_ + 1, key.data(), n)) {
      char* start = p_ + 1;
      start[n] = '\0';
      p_ += n + 2;
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

// The rest of a string from its first escape (or error) at `out`: decoded in place, since no
// escape is shorter than what it stands for.
bool InPlaceParser::Escaped(char* start, char* out) {
  p_ = out;
  while (p_ < end_ && *p_ != '"') {
    if (*p_ == '\\') {
      if (!Escape(&out)) return false;
    } else if (static_cast<unsigned char>(*p_) < 0x20) {
      return Fail(rapidjson::kParseErrorStringEscapeInvalid, p_);
    } else {
      char* stop = ScanPlain(p_, end_);
      std::memmove(out, p_, static_cast<size_t>(stop - p_));
      out += stop - p_;
      p_ = stop;
    }
  }
  if (p_ == end_) return Fail(rapidjson::kParseErrorStringMissQuotationMark, p_);
  *out = '\0';
  ++p_;
  auto length = static_cast<rapidjson::SizeType>(out - start);
  return doc_->String(start, length, false);
}

bool InPlaceParser::Escape(char** out) {
  const char* at = p_;
  if (end_ - p_ < 2) return Fail(rapidjson::kParseErrorStringEscapeInvalid, at);
  if (char simple = SimpleEscape(p_[1]); simple != 0) {
    *(*out)++ = simple;
    p_ += 2;
    return true;
  }
  if (p_[1] != 'u') return Fail(rapidjson::kParseErrorStringEscapeInvalid, at);
  int unit = end_ - p_ >= 6 ? Hex4(p_ + 2) : -1;
  if (unit < 0) return Fail(rapidjson::kParseErrorStringUnicodeEscapeInvalidHex, at);
  p_ += 6;
  auto cp = static_cast<unsigned>(unit);
  int low = end_ - p_ >= 6 && p_[0] == '\\' && p_[1] == 'u' ? Hex4(p_ + 2) : -1;
  if (cp >= 0xD800 && cp <= 0xDBFF && low >= 0xDC00 && low <= 0xDFFF) {
    cp = 0x10000 + ((cp - 0xD800) << 10) + (static_cast<unsigned>(low) - 0xDC00);
    p_ += 6;
  } else if (cp >= 0xD800 && cp <= 0xDFFF) {
    cp = 0xFFFD;  // unpaired: no character, and not valid UTF-8 as it stands
    ++mended_;
  }
  *out = EncodeUtf8(cp, *out);
  return true;
}

bool InPlaceParser::Number() {
  char* start = p_;
  if (At('-')) ++p_;
  if (At('0')) {
    ++p_;
  } else if (p_ < end_ && IsDigit(*p_)) {
    while (p_ < end_ && IsDigit(*p_)) ++p_;
  } else {
    return Fail(rapidjson::kParseErrorValueInvalid, start);
  }
  if (At('.')) {
    ++p_;
    if (p_ == end_ || !IsDigit(*p_)) return Fail(rapidjson::kParseErrorNumberMissFraction, p_);
    while (p_ < end_ && IsDigit(*p_)) ++p_;
  }
  if (At('e') || At('E')) {
    ++p_;
    if (At('+') || At('-')) ++p_;
    if (p_ == end_ || !IsDigit(*p_)) return Fail(rapidjson::kParseErrorNumberMissExponent, p_);
    while (p_ < end_ && IsDigit(*p_)) ++p_;
  }
  number_ends_.push_back(p_);
  return doc_->RawNumber(start, static_cast<rapidjson::SizeType>(p_ - start), false);
}

bool InPlaceParser::Literal() {
  static constexpr std::string_view kWords[] = {"true", "false", "null"};
  for (std::string_view word : kWords) {
    if (static_cast<size_t>(end_ - p_) < word.size() ||
        std::memcmp(p_, word.data(), word.size()) != 0) {
      continue;
    }
    p_ += word.size();
    if (word == "null") return doc_->Null();
    return doc_->Bool(word == "true");
  }
  return Fail(rapidjson::kParseErrorValueInvalid, p_);
}

}  // namespace tap
