#include "tap/json_guard.h"

#include <cstdint>
#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

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

// Mends the escape at s[i] ('\\') when it is an unpaired surrogate; returns the index after it.
size_t MendEscape(char* s, size_t i, size_t n, long long* replaced) {
  int unit = EscapeUnit(s, i, n);
  if (unit < 0xD800 || unit > 0xDFFF) return i + 2;  // any other escape, or "\\"
  int next = unit <= 0xDBFF ? EscapeUnit(s, i + 6, n) : -1;
  if (next >= 0xDC00 && next <= 0xDFFF) return i + 12;  // a proper pair
  std::memcpy(s + i + 2, "fffd", 4);
  ++*replaced;
  return i + 6;
}

// Skips the string whose opening quote is at s[i - 1]; returns the index after its closing
// quote.
size_t SkipString(const char* s, size_t i, size_t n) {
  while (i < n) {
    if (i + 8 <= n && !HasQuoteOrBackslash(s + i)) {
      i += 8;
    } else if (s[i] == '"') {
      return i + 1;
    } else {
      i += s[i] == '\\' ? 2 : 1;  // an escape's second character never ends the string
    }
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

// Whether the digits that end before s[i] may be a number token's: walking back over digits,
// '.' and '-', the text begins or a character that may come before a value does. ('"' may not:
// the digits are then inside a string, as in a hex id.)
bool MayStartNumber(const char* s, size_t i) {
  while (i > 0 && (IsDigit(s[i - 1]) || s[i - 1] == '.' || s[i - 1] == '-')) --i;
  if (i == 0) return true;
  char c = s[i - 1];
  return c == ':' || c == ',' || c == '[' || c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

// Whether s[i] may start the exponent of a number past 10^300 that has fewer than 256 digits:
// such a number needs an exponent of at least 45, so "e" or "E" after a digit, then '+' or
// nothing, then two digits, in a token that may be a number. Hex ids ("...B9E90F...") thus no
// longer send pages to the full scan (measured: an eighth of a sync's CPU).
bool ExponentMayBeLarge(const char* s, size_t i, size_t n) {
  if ((s[i] != 'e' && s[i] != 'E') || i == 0 || !IsDigit(s[i - 1])) return false;
  size_t j = i + 1;
  if (j < n && s[j] == '+') ++j;
  return j + 1 < n && IsDigit(s[j]) && IsDigit(s[j + 1]) && MayStartNumber(s, i);
}

}  // namespace

long long MendSurrogates(std::string& text) {
  long long replaced = 0;
  char* s = text.data();
  size_t n = text.size();
  // Escapes are taken whole from the first backslash on, so each backslash found starts one.
  for (size_t i = 0; i < n;) {
    const void* found = std::memchr(s + i, '\\', n - i);
    if (found == nullptr) break;
    i = MendEscape(s, static_cast<size_t>(static_cast<const char*>(found) - s), n, &replaced);
  }
  return replaced;
}

bool MayHoldHugeNumbers(std::string_view text) {
  const char* s = text.data();
  size_t n = text.size(), i = 0;
  int full_blocks = 0;  // consecutive 16-byte blocks of digits only
#if defined(__SSE2__)
  const __m128i zero = _mm_set1_epi8('0' - 1), nine = _mm_set1_epi8('9' + 1);
  const __m128i lower_e = _mm_set1_epi8('e'), upper_e = _mm_set1_epi8('E');
  unsigned previous_digit = 0;  // whether the byte before the block is a digit
  for (; i + 16 <= n; i += 16) {
    __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s + i));
    unsigned digits = static_cast<unsigned>(
        _mm_movemask_epi8(_mm_and_si128(_mm_cmpgt_epi8(v, zero), _mm_cmplt_epi8(v, nine))));
    unsigned es = static_cast<unsigned>(
        _mm_movemask_epi8(_mm_or_si128(_mm_cmpeq_epi8(v, lower_e), _mm_cmpeq_epi8(v, upper_e))));
    for (unsigned c = es & ((digits << 1) | previous_digit); c != 0; c &= c - 1) {
      if (ExponentMayBeLarge(s, i + static_cast<size_t>(__builtin_ctz(c)), n)) return true;
    }
    full_blocks = digits == 0xFFFF ? full_blocks + 1 : 0;
    if (full_blocks >= 16) return true;
    previous_digit = digits >> 15;
  }
#endif
  int run = full_blocks * 16;
  for (; i < n; ++i) {
    if (ExponentMayBeLarge(s, i, n)) return true;
    run = IsDigit(s[i]) ? run + 1 : 0;
    if (run >= 256) return true;
  }
  return false;
}

bool HasHugeNumbers(std::string_view text) {
  const char* s = text.data();
  size_t n = text.size();
  for (size_t i = 0; i < n;) {
    if (s[i] == '"') {
      i = SkipString(s, i + 1, n);
    } else if (s[i] == '-' || IsDigit(s[i])) {
      bool huge = false;
      i = SkipNumber(s, i, n, &huge);
      if (huge) return true;
    } else {
      ++i;
    }
  }
  return false;
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
  std::string out;
  out.reserve(text.size() + 16);
  const char* s = text.data();
  size_t n = text.size();
  for (size_t i = 0; i < n;) {
    size_t start = i;
    bool huge = false;
    if (s[i] == '"') {
      i = SkipString(s, i + 1, n);
    } else if (s[i] == '-' || IsDigit(s[i])) {
      i = SkipNumber(s, i, n, &huge);
    } else {
      ++i;
    }
    if (huge) out += '"';
    out.append(s + start, i - start);
    if (huge) out += '"';
  }
  return out;
}

}  // namespace tap
