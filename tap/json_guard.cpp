#include "tap/json_guard.h"

#include <cstdint>
#include <cstring>

#include "tap/json.h"

namespace tap {
namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// The code unit of the \uXXXX escape at s[i] ('\\'), or -1 when there is none.
int EscapeUnit(const char* s, size_t i, size_t n) {
  if (i + 6 > n || s[i] != '\\' || s[i + 1] != 'u') return -1;
  int unit = 0;
  for (size_t k = i + 2; k < i + 6; ++k) {
    int h = HexValue(s[k]);
    if (h < 0) return -1;
    unit = unit * 16 + h;
  }
  return unit;
}

// Whether any of the 8 bytes at p is '"' or '\\' (the only bytes that end a run of a string).
bool HasQuoteOrBackslash(const char* p) {
  constexpr uint64_t kOnes = 0x0101010101010101ULL, kHighs = 0x8080808080808080ULL;
  uint64_t word;
  std::memcpy(&word, p, 8);
  uint64_t quote = word ^ (kOnes * '"'), slash = word ^ (kOnes * '\\');
  return (((quote - kOnes) & ~quote) | ((slash - kOnes) & ~slash)) & kHighs;
}

// Skips the string whose opening quote is at s[i - 1]; returns the index after its closing
// quote. Lone surrogate escapes are rewritten as \ufffd.
size_t SkipString(char* s, size_t i, size_t n, JsonScan* scan) {
  while (i < n) {
    if (i + 8 <= n && !HasQuoteOrBackslash(s + i)) {
      i += 8;
      continue;
    }
    if (s[i] == '"') return i + 1;
    if (s[i] != '\\') {
      ++i;
      continue;
    }
    int unit = EscapeUnit(s, i, n);
    if (unit < 0xD800 || unit > 0xDFFF) {
      i += 2;  // any other escape: its second character cannot end the string
      continue;
    }
    int next = unit <= 0xDBFF ? EscapeUnit(s, i + 6, n) : -1;
    if (next >= 0xDC00 && next <= 0xDFFF) {
      i += 12;  // a proper pair
      continue;
    }
    std::memcpy(s + i + 2, "fffd", 4);
    ++scan->replaced;
    i += 6;
  }
  return n;
}

// The end of the number token at s[i]; `*huge` when its magnitude passes 10^300.
size_t SkipNumber(const char* s, size_t i, size_t n, bool* huge) {
  if (s[i] == '-') ++i;
  while (i < n && s[i] == '0') ++i;
  long long magnitude = 0;
  for (; i < n && IsDigit(s[i]); ++i) ++magnitude;
  if (i < n && s[i] == '.') {
    for (++i; i < n && IsDigit(s[i]); ++i) {
    }
  }
  if (i < n && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    bool negative = i < n && s[i] == '-';
    if (i < n && (s[i] == '-' || s[i] == '+')) ++i;
    long long exponent = 0;
    for (; i < n && IsDigit(s[i]); ++i)
      exponent = exponent < 100000 ? exponent * 10 + (s[i] - '0') : exponent;
    magnitude += negative ? -exponent : exponent;
  }
  *huge = magnitude > 300;
  return i;
}

}  // namespace

JsonScan ScanJsonText(std::string& text) {
  JsonScan scan;
  char* s = text.data();
  size_t n = text.size();
  int depth = 0;
  for (size_t i = 0; i < n;) {
    char c = s[i];
    if (c == '"') {
      i = SkipString(s, i + 1, n, &scan);
    } else if (c == '-' || IsDigit(c)) {
      bool huge = false;
      i = SkipNumber(s, i, n, &huge);
      scan.huge_numbers = scan.huge_numbers || huge;
    } else {
      if (c == '[' || c == '{') {
        if (++depth > kMaxJsonDepth) return scan.too_deep = true, scan;
      } else if (c == ']' || c == '}') {
        --depth;
      }
      ++i;
    }
  }
  return scan;
}

std::string RepairUtf8(std::string_view text, long long* replaced) {
  std::string out;
  out.reserve(text.size() + 16);
  size_t i = 0;
  while (i < text.size()) {
    // The longest valid sequence here (1 to 4 bytes), or 0.
    size_t length = 0;
    for (size_t k = 1; k <= 4 && i + k <= text.size() && length == 0; ++k) {
      if (IsValidUtf8(text.substr(i, k))) length = k;
    }
    if (length == 0) {
      out += "\xEF\xBF\xBD";
      ++*replaced;
      ++i;
    } else {
      out.append(text.substr(i, length));
      i += length;
    }
  }
  return out;
}

std::string QuoteHugeNumbers(std::string_view text) {
  std::string copy(text);
  std::string out;
  out.reserve(text.size() + 16);
  JsonScan ignored;
  size_t n = copy.size();
  for (size_t i = 0; i < n;) {
    char c = copy[i];
    size_t start = i;
    if (c == '"') {
      i = SkipString(copy.data(), i + 1, n, &ignored);
      out.append(copy, start, i - start);
    } else if (c == '-' || IsDigit(c)) {
      bool huge = false;
      i = SkipNumber(copy.data(), i, n, &huge);
      if (huge) out += '"';
      out.append(copy, start, i - start);
      if (huge) out += '"';
    } else {
      out += c;
      ++i;
    }
  }
  return out;
}

}  // namespace tap
