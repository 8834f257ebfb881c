#include "tap/json.h"

#include <fmt/format.h>
#include <rapidjson/encodedstream.h>
#include <rapidjson/error/en.h>
#include <rapidjson/memorystream.h>
#include <rapidjson/prettywriter.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <sys/stat.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include <cstdint>
#include <cstring>
#include <fstream>
#include <sstream>
#include <unordered_set>

#include "tap/inplace_parser.h"
#include "tap/json_guard.h"
#include "tap/log.h"

namespace tap {

namespace {

Status ParseError(const rapidjson::ParseResult& result, std::string_view what) {
  return Status::Error(ErrorKind::kInvalidInput,
                       fmt::format("{} is not valid JSON: {} (at character {})", what,
                                   rapidjson::GetParseError_En(result.Code()), result.Offset()));
}

}  // namespace

namespace {

// The first of the 64-byte blocks from `p` that holds a non-ASCII byte (or the tail shorter
// than a block). Pages are ASCII but for a few names: this is most of a page's validation.
const unsigned char* SkipAsciiBlocks(const unsigned char* p, const unsigned char* end) {
#if defined(__SSE2__)
  for (; end - p >= 64; p += 64) {
    const auto* v = reinterpret_cast<const __m128i*>(p);
    __m128i any = _mm_or_si128(_mm_or_si128(_mm_loadu_si128(v), _mm_loadu_si128(v + 1)),
                               _mm_or_si128(_mm_loadu_si128(v + 2), _mm_loadu_si128(v + 3)));
    if (_mm_movemask_epi8(any) != 0) break;
  }
#endif
  return p;
}

}  // namespace

bool IsValidUtf8(std::string_view text) { return Utf8ValidPrefix(text) == text.size(); }

size_t Utf8ValidPrefix(std::string_view text) {
  const auto* begin = reinterpret_cast<const unsigned char*>(text.data());
  const auto* p = begin;
  const auto* end = p + text.size();
  auto stop = [&] { return static_cast<size_t>(p - begin); };
  while (p < end) {
    p = SkipAsciiBlocks(p, end);
    if (p == end) break;
    // Eight ASCII bytes at a time: none has its high bit set.
    uint64_t word;
    if (end - p >= 8 && (std::memcpy(&word, p, 8), (word & 0x8080808080808080ULL) == 0)) {
      p += 8;
      continue;
    }
    if (*p < 0x80) {
      ++p;
      continue;
    }
    // Lead byte: how many continuation bytes follow, and the range the second byte must be in
    // (which rules out overlong forms, surrogates and code points above U+10FFFF).
    int more = 0;
    unsigned char low = 0x80, high = 0xBF;
    if (*p >= 0xC2 && *p <= 0xDF) {
      more = 1;
    } else if (*p >= 0xE0 && *p <= 0xEF) {
      more = 2;
      if (*p == 0xE0) low = 0xA0;
      if (*p == 0xED) high = 0x9F;
    } else if (*p >= 0xF0 && *p <= 0xF4) {
      more = 3;
      if (*p == 0xF0) low = 0x90;
      if (*p == 0xF4) high = 0x8F;
    } else {
      return stop();
    }
    if (end - p <= more) return stop();
    if (p[1] < low || p[1] > high) return stop();
    for (int i = 2; i <= more; ++i) {
      if (p[i] < 0x80 || p[i] > 0xBF) return stop();
    }
    p += more + 1;
  }
  return stop();
}

void Utf8Checker::Grew(std::string_view text) {
  if (invalid_) return;
  valid_ += Utf8ValidPrefix(text.substr(valid_));
  // A character cut at the chunk's end (at most 3 bytes) is completed by the next chunk.
  invalid_ = text.size() - valid_ > 3;
}

namespace {

// Whether any of the 8 bytes in `word` needs escaping: below 0x20, non-ASCII, '"' or '\\'.
bool NeedsEscape(uint64_t word) {
  constexpr uint64_t kOnes = 0x0101010101010101ULL, kHighs = 0x8080808080808080ULL;
  uint64_t quote = word ^ (kOnes * '"'), slash = word ^ (kOnes * '\\');
  uint64_t control = word - kOnes * 0x20;  // a high bit where a byte is below 0x20 (or >= 0xA0)
  return ((control | word | (quote - kOnes) | (slash - kOnes)) & kHighs) != 0;
}

char* WriteUnit(unsigned unit, char* out) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  out[0] = '\\';
  out[1] = 'u';
  out[2] = kHex[(unit >> 12) & 15];
  out[3] = kHex[(unit >> 8) & 15];
  out[4] = kHex[(unit >> 4) & 15];
  out[5] = kHex[unit & 15];
  return out + 6;
}

// The ASCII byte `c` escaped (or copied) at `out`.
char* WriteAscii(unsigned char c, char* out) {
  static constexpr char kShort[] = "uuuuuuuubtnufruuuuuuuuuuuuuuuuuu";
  if (c >= 0x20 && c != '"' && c != '\\') {
    *out = static_cast<char>(c);
    return out + 1;
  }
  if (c >= 0x20 || kShort[c] != 'u') {
    out[0] = '\\';
    out[1] = c >= 0x20 ? static_cast<char>(c) : kShort[c];
    return out + 2;
  }
  return WriteUnit(c, out);
}

// The length of the valid UTF-8 sequence at p (2 to 4 bytes; its code point in *cp), or 0.
size_t DecodeUtf8(const unsigned char* p, const unsigned char* end, unsigned* cp) {
  size_t length = 1;
  for (size_t k = 2; k <= 4 && length == 1 && p + k <= end; ++k) {
    if (IsValidUtf8(std::string_view(reinterpret_cast<const char*>(p), k))) length = k;
  }
  if (length == 1) return 0;
  unsigned value = p[0] & (0x7F >> length);
  for (size_t k = 1; k < length; ++k) value = (value << 6) | (p[k] & 0x3F);
  *cp = value;
  return length;
}

}  // namespace

char* EscapeJsonString(const char* s, size_t n, char* out) {
  const auto* p = reinterpret_cast<const unsigned char*>(s);
  const auto* end = p + n;
  while (p < end) {
    uint64_t word;
    if (end - p >= 8 && (std::memcpy(&word, p, 8), !NeedsEscape(word))) {
      std::memcpy(out, p, 8);
      p += 8, out += 8;
    } else if (*p < 0x80) {
      out = WriteAscii(*p++, out);
    } else {
      unsigned cp = 0xFFFD;
      size_t length = DecodeUtf8(p, end, &cp);
      p += length == 0 ? 1 : length;
      if (cp >= 0x10000) {
        cp -= 0x10000;
        out = WriteUnit(0xD800 + (cp >> 10), out);
        cp = 0xDC00 + (cp & 0x3FF);
      }
      out = WriteUnit(cp, out);
    }
  }
  return out;
}

namespace {

// The first key that one object of `v` gives twice, as a path ("custom_reports[0].name").
std::optional<std::string> DuplicateKey(const rapidjson::Value& v, const std::string& path) {
  if (v.IsArray()) {
    for (rapidjson::SizeType i = 0; i < v.Size(); ++i) {
      if (auto d = DuplicateKey(v[i], fmt::format("{}[{}]", path, i))) return d;
    }
  } else if (v.IsObject()) {
    std::unordered_set<std::string_view> seen;
    for (const auto& m : v.GetObject()) {
      std::string_view name(m.name.GetString(), m.name.GetStringLength());
      std::string at = path.empty() ? std::string(name) : fmt::format("{}.{}", path, name);
      if (!seen.insert(name).second) return at;
      if (auto d = DuplicateKey(m.value, at)) return d;
    }
  }
  return std::nullopt;
}

Status TooDeep(std::string_view what) {
  return Status::Error(
      ErrorKind::kInvalidInput,
      fmt::format("{} nests arrays or objects deeper than {} levels", what, kMaxJsonDepth));
}

// Forwards a parser's events to a document, failing past kMaxJsonDepth: the recursive parser
// then stops before its recursion is deeper than that, and nesting costs no pass of its own.
class DepthLimited {
 public:
  explicit DepthLimited(rapidjson::Document& doc) : doc_(doc) {}
  bool too_deep() const { return too_deep_; }

  bool Null() { return doc_.Null(); }
  bool Bool(bool b) { return doc_.Bool(b); }
  bool Int(int i) { return doc_.Int(i); }
  bool Uint(unsigned i) { return doc_.Uint(i); }
  bool Int64(int64_t i) { return doc_.Int64(i); }
  bool Uint64(uint64_t i) { return doc_.Uint64(i); }
  bool Double(double d) { return doc_.Double(d); }
  bool RawNumber(const char* s, rapidjson::SizeType n, bool copy) {
    return doc_.RawNumber(s, n, copy);
  }
  bool String(const char* s, rapidjson::SizeType n, bool copy) { return doc_.String(s, n, copy); }
  bool Key(const char* s, rapidjson::SizeType n, bool copy) { return doc_.Key(s, n, copy); }
  bool StartObject() { return Enter() && doc_.StartObject(); }
  bool EndObject(rapidjson::SizeType members) { return --depth_, doc_.EndObject(members); }
  bool StartArray() { return Enter() && doc_.StartArray(); }
  bool EndArray(rapidjson::SizeType elements) { return --depth_, doc_.EndArray(elements); }

 private:
  bool Enter() {
    too_deep_ = ++depth_ > kMaxJsonDepth;
    return !too_deep_;
  }
  rapidjson::Document& doc_;
  int depth_ = 0;
  bool too_deep_ = false;
};

// The one parse of every JSON text the tap reads: `stream` into a document, at most
// kMaxJsonDepth deep.
template <unsigned kFlags, typename Stream>
Result<rapidjson::Document> ParseLimited(Stream& stream, std::string_view what) {
  rapidjson::Document doc;
  rapidjson::ParseResult result;
  DepthLimited limited(doc);
  auto parse = [&](rapidjson::Document&) {
    rapidjson::Reader reader;
    result = reader.Parse<kFlags>(stream, limited);
    return !result.IsError();
  };
  doc.Populate(parse);
  if (limited.too_deep()) return TooDeep(what);
  if (result.IsError()) return ParseError(result, what);
  return doc;
}

// Mends what the parser would refuse or write wrongly: unpaired surrogate escapes become
// \ufffd; with `quote_huge`, numbers beyond double range become strings. Returns how many
// escapes it mended.
long long MendText(std::string& text, bool quote_huge) {
  long long mended = MendSurrogates(text);
  if (quote_huge && MayHoldHugeNumbers(text) && HasHugeNumbers(text)) {
    text = QuoteHugeNumbers(text);
  }
  return mended;
}

}  // namespace

Result<rapidjson::Document> ParseJsonInPlace(std::string& text, std::string_view what,
                                             long long* replaced, bool valid_utf8,
                                             const RowLayout* layout,
                                             std::unique_ptr<RowTable>* rows) {
  // RapidJSON's own validation decodes every character, a tenth of a sync's CPU; validating
  // the whole page first, ASCII at full speed, gives the same guarantee.
  // Numbers beyond double range and unpaired surrogate escapes need no mending here: the parser
  // keeps the one as digits and reads the other as U+FFFD.
  long long mended = 0;
  if (!valid_utf8 && !IsValidUtf8(text)) text = RepairUtf8(text, &mended);
  rapidjson::Document doc;
  InPlaceParser parser(text.data(), text.size());
  auto table = layout != nullptr ? std::make_unique<RowTable>(layout->width()) : nullptr;
  if (table) parser.DivertRows(layout, table.get());
  rapidjson::ParseResult result = parser.Parse(doc);
  if (parser.too_deep()) return TooDeep(what);
  if (result.IsError()) return ParseError(result, what);
  if (rows != nullptr) *rows = parser.diverted() ? std::move(table) : nullptr;
  if (replaced != nullptr) *replaced = mended + parser.mended();
  return doc;
}

Result<rapidjson::Document> ParseJson(std::string_view text, std::string_view what,
                                      bool numbers_as_strings) {
  std::string copy(text);
  MendText(copy, numbers_as_strings);
  rapidjson::MemoryStream memory(copy.data(), copy.size());
  rapidjson::EncodedInputStream<rapidjson::UTF8<>, rapidjson::MemoryStream> stream(memory);
  // Not kParseFullPrecisionFlag: in RapidJSON 1.1 it reads out of bounds on numbers with very
  // many digits (found by fuzz_settings). Config, state and catalog numbers are small.
  auto doc = numbers_as_strings ? ParseLimited<rapidjson::kParseNumbersAsStringsFlag |
                                               rapidjson::kParseValidateEncodingFlag>(stream, what)
                                : ParseLimited<rapidjson::kParseValidateEncodingFlag>(stream, what);
  if (!doc.ok()) return doc;
  // RapidJSON keeps both members and readers pick the first: which one was meant is unknown.
  if (auto key = DuplicateKey(*doc, "")) {
    return Status::Error(
        ErrorKind::kInvalidInput,
        fmt::format("{} gives the key '{}' twice in one object; keep one", what, Echo(*key)));
  }
  return doc;
}

Result<std::string> ReadTextFile(const std::string& path, std::string_view what) {
  struct stat info {};
  if (stat(path.c_str(), &info) == 0 && S_ISDIR(info.st_mode)) {
    // A stream over a directory opens and reads as empty: an empty state would re-sync all.
    return Status::Error(
        ErrorKind::kInvalidInput,
        fmt::format("{} '{}' is a directory: give the path of a file", what, Echo(path, 200)));
  }
  std::ifstream in(path, std::ios::binary);
  std::ostringstream buffer;
  if (in) buffer << in.rdbuf();
  if (!in || in.bad()) {
    return Status::Error(ErrorKind::kInvalidInput,
                         fmt::format("cannot read {} '{}': check that the file exists and is "
                                     "readable",
                                     what, Echo(path, 200)));
  }
  return buffer.str();
}

Result<rapidjson::Document> ReadJsonFile(const std::string& path, std::string_view what) {
  auto text = ReadTextFile(path, what);
  if (!text.ok()) return text.status();
  return ParseJson(*text, fmt::format("{} '{}'", what, Echo(path, 200)));
}

std::string ToJson(const rapidjson::Value& value) {
  rapidjson::StringBuffer buffer;
  JsonWriter writer(buffer);
  value.Accept(writer);
  return std::string(buffer.GetString(), buffer.GetSize());
}

std::string ToPrettyJson(const rapidjson::Value& value) {
  rapidjson::StringBuffer buffer;
  rapidjson::PrettyWriter<rapidjson::StringBuffer, rapidjson::UTF8<>, rapidjson::ASCII<>> writer(
      buffer);
  writer.SetIndent(' ', 2);
  writer.SetFormatOptions(rapidjson::kFormatSingleLineArray);
  value.Accept(writer);
  return std::string(buffer.GetString(), buffer.GetSize());
}

std::string JsonQuote(std::string_view text) {
  rapidjson::StringBuffer buffer;
  JsonWriter writer(buffer);
  writer.String(text.data(), static_cast<rapidjson::SizeType>(text.size()));
  return std::string(buffer.GetString(), buffer.GetSize());
}

std::string JsonStringArray(const std::vector<std::string>& items) {
  std::string out = "[";
  for (size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out += ',';
    out += JsonQuote(items[i]);
  }
  out += ']';
  return out;
}

const rapidjson::Value* FindMember(const rapidjson::Value& object, std::string_view key) {
  if (!object.IsObject()) return nullptr;
  // Lengths first, then words: rows are looked into this way row after row.
  for (const auto& m : object.GetObject()) {
    if (m.name.GetStringLength() == key.size() &&
        SameBytes(m.name.GetString(), key.data(), key.size())) {
      return &m.value;
    }
  }
  return nullptr;
}

std::string StringMember(const rapidjson::Value& object, std::string_view key) {
  const rapidjson::Value* v = FindMember(object, key);
  return v != nullptr && v->IsString() ? std::string(v->GetString(), v->GetStringLength()) : "";
}

const char* JsonTypeName(const rapidjson::Value& value) {
  switch (value.GetType()) {
    case rapidjson::kNullType:
      return "null";
    case rapidjson::kFalseType:
    case rapidjson::kTrueType:
      return "a boolean";
    case rapidjson::kObjectType:
      return "an object";
    case rapidjson::kArrayType:
      return "an array";
    case rapidjson::kStringType:
      return "a string";
    case rapidjson::kNumberType:
      return "a number";
  }
  return "a value";
}

}  // namespace tap
