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

/// A value from a file or a server as a log line or error message shows it: control
/// characters escaped (\n, \x1b), so it cannot forge a line, and cut to `max` characters.
std::string Echo(std::string_view value, size_t max = 64);

/// Writes "LEVEL message" lines to stderr. Every registered secret is replaced by "***" in every
/// line, as a second line of defence behind the Secret type, also where a server echoed it
/// percent-encoded or JSON-escaped. Control characters are escaped, so one call is one line,
/// and a line is cut at kMaxLogLine characters. Thread-safe.
class Log {
 public:
  static constexpr size_t kMaxLogLine = 4000;
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
