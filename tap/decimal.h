#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace tap {

/// An exact decimal amount as TikTok writes money ("20.000", "7", "-0.5"), in millionths, so
/// sums of thousands of values are exact (a double would round them). Overflow is reported,
/// never wrapped.
class Decimal {
 public:
  Decimal() = default;

  /// Parses digits with an optional sign and at most six decimals; nullopt otherwise.
  static std::optional<Decimal> Parse(std::string_view text);

  /// Adds `other`; false (and unchanged) on overflow.
  bool Add(const Decimal& other);
  Decimal Minus(const Decimal& other) const;
  Decimal Abs() const { return FromMicros(micros_ < 0 ? -micros_ : micros_); }
  /// The largest number of decimals of any value parsed into or added to this one.
  int scale() const { return scale_; }
  /// Half a unit of the last of `scale` decimals: the rounding of one value written with them.
  static Decimal HalfUnit(int scale);
  /// `count` times this amount (saturating).
  Decimal Times(long long count) const;

  /// With at least `scale` decimals: "20.500" for 20.5 at scale 3.
  std::string ToString(int scale) const;

  bool operator==(const Decimal& other) const { return micros_ == other.micros_; }
  bool operator<(const Decimal& other) const { return micros_ < other.micros_; }
  bool operator<=(const Decimal& other) const { return micros_ <= other.micros_; }
  bool negative() const { return micros_ < 0; }

 private:
  static Decimal FromMicros(int64_t micros, int scale = 0) {
    Decimal d;
    d.micros_ = micros;
    d.scale_ = scale;
    return d;
  }
  int64_t micros_ = 0;
  int scale_ = 0;
};

}  // namespace tap
