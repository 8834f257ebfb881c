#include "tap/decimal.h"

#include <fmt/format.h>

#include <algorithm>
#include <limits>

namespace tap {
namespace {

constexpr int kMaxScale = 6;
constexpr int64_t kMicros = 1000000;

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

}  // namespace

std::optional<Decimal> Decimal::Parse(std::string_view text) {
  bool negative = !text.empty() && text.front() == '-';
  if (negative || (!text.empty() && text.front() == '+')) text.remove_prefix(1);
  size_t dot = text.find('.');
  std::string_view whole = text.substr(0, dot);
  std::string_view fraction = dot == std::string_view::npos ? "" : text.substr(dot + 1);
  if ((whole.empty() && fraction.empty()) || whole.size() > 12 ||
      fraction.size() > static_cast<size_t>(kMaxScale) ||
      !std::all_of(whole.begin(), whole.end(), IsDigit) ||
      !std::all_of(fraction.begin(), fraction.end(), IsDigit)) {
    return std::nullopt;
  }
  int64_t micros = 0;
  for (char c : whole) micros = micros * 10 + (c - '0');
  micros *= kMicros;
  int64_t unit = kMicros;
  for (char c : fraction) {
    unit /= 10;
    micros += (c - '0') * unit;
  }
  return FromMicros(negative ? -micros : micros, static_cast<int>(fraction.size()));
}

bool Decimal::Add(const Decimal& other) {
  int64_t sum = 0;
  if (__builtin_add_overflow(micros_, other.micros_, &sum)) return false;
  micros_ = sum;
  scale_ = std::max(scale_, other.scale_);
  return true;
}

Decimal Decimal::Minus(const Decimal& other) const {
  return FromMicros(micros_ - other.micros_, std::max(scale_, other.scale_));
}

Decimal Decimal::HalfUnit(int scale) {
  int64_t unit = kMicros;
  for (int i = 0; i < std::clamp(scale, 0, kMaxScale); ++i) unit /= 10;
  return FromMicros(unit / 2);
}

Decimal Decimal::Times(long long count) const {
  int64_t product = 0;
  if (__builtin_mul_overflow(micros_, static_cast<int64_t>(count), &product)) {
    product = std::numeric_limits<int64_t>::max();
  }
  return FromMicros(product, scale_);
}

std::string Decimal::ToString(int scale) const {
  scale = std::clamp(std::max(scale, scale_), 0, kMaxScale);
  uint64_t magnitude =
      micros_ < 0 ? 0 - static_cast<uint64_t>(micros_) : static_cast<uint64_t>(micros_);
  std::string out = fmt::format("{}{}", micros_ < 0 ? "-" : "", magnitude / kMicros);
  if (scale == 0) return out;
  std::string fraction = fmt::format("{:06d}", magnitude % kMicros);
  return out + "." + fraction.substr(0, static_cast<size_t>(scale));
}

}  // namespace tap
