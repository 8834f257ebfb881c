#pragma once

#include <fmt/format.h>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tap {

enum class LogLevel { kDebug = 0, kInfo = 1, kWarning = 2, kError = 3, kCritical = 4 };

/// Parses "debug", "info", "warning", "error", "critical" (any case); nullopt otherwise.
std::optional<LogLevel> ParseLogLevel(std::string_view text);

/// Writes "LEVEL message" lines to stderr. Every registered secret is replaced by "***" in every
/// line, as a second line of defence behind the Secret type. Thread-safe.
class Log {
 public:
  static void SetLevel(LogLevel level);
  static LogLevel Level();
  /// Registers a value that must never be printed (tokens, app secrets).
  static void AddSecret(std::string value);
  /// Sends lines to `sink` instead of stderr (tests); nullptr restores stderr.
  static void CaptureForTest(std::vector<std::string>* sink);
  static void Write(LogLevel level, std::string_view message);
  /// Replaces registered secrets in `text` with "***".
  static std::string Redact(std::string_view text);
};

template <typename... Args>
void LogDebug(fmt::format_string<Args...> f, Args&&... args) {
  if (Log::Level() <= LogLevel::kDebug) {
    Log::Write(LogLevel::kDebug, fmt::format(f, std::forward<Args>(args)...));
  }
}
template <typename... Args>
void LogInfo(fmt::format_string<Args...> f, Args&&... args) {
  if (Log::Level() <= LogLevel::kInfo) {
    Log::Write(LogLevel::kInfo, fmt::format(f, std::forward<Args>(args)...));
  }
}
template <typename... Args>
void LogWarning(fmt::format_string<Args...> f, Args&&... args) {
  Log::Write(LogLevel::kWarning, fmt::format(f, std::forward<Args>(args)...));
}
template <typename... Args>
void LogError(fmt::format_string<Args...> f, Args&&... args) {
  Log::Write(LogLevel::kError, fmt::format(f, std::forward<Args>(args)...));
}
template <typename... Args>
void LogCritical(fmt::format_string<Args...> f, Args&&... args) {
  Log::Write(LogLevel::kCritical, fmt::format(f, std::forward<Args>(args)...));
}

}  // namespace tap
