#pragma once

#include <fmt/format.h>

#include <string>
#include <utility>

namespace tap {

/// A credential. It can only be read through reveal(); formatting one prints "***", so a
/// secret cannot reach a log line or an error message by accident.
class Secret {
 public:
  Secret() = default;
  explicit Secret(std::string value) : value_(std::move(value)) {}

  const std::string& reveal() const { return value_; }
  bool empty() const { return value_.empty(); }

 private:
  std::string value_;
};

}  // namespace tap

template <>
struct fmt::formatter<tap::Secret> : fmt::formatter<std::string_view> {
  template <typename Context>
  auto format(const tap::Secret&, Context& ctx) const {
    return fmt::formatter<std::string_view>::format("***", ctx);
  }
};
