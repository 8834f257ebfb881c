#include "tap/log.h"

#include <algorithm>
#include <atomic>
#include <cctype>
#include <cstdio>
#include <mutex>

namespace tap {
namespace {

std::atomic<LogLevel> g_level{LogLevel::kInfo};
std::mutex g_mutex;
std::vector<std::string> g_secrets;
std::vector<std::string>* g_sink = nullptr;

const char* LevelName(LogLevel level) {
  switch (level) {
    case LogLevel::kDebug:
      return "DEBUG";
    case LogLevel::kInfo:
      return "INFO";
    case LogLevel::kWarning:
      return "WARNING";
    case LogLevel::kError:
      return "ERROR";
    case LogLevel::kCritical:
      return "CRITICAL";
  }
  return "INFO";
}

std::string RedactLocked(std::string_view text) {
  std::string out(text);
  for (const std::string& secret : g_secrets) {
    for (size_t pos = out.find(secret); pos != std::string::npos; pos = out.find(secret, pos + 3)) {
      out.replace(pos, secret.size(), "***");
    }
  }
  return out;
}

}  // namespace

std::optional<LogLevel> ParseLogLevel(std::string_view text) {
  std::string lower(text);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (lower == "debug") return LogLevel::kDebug;
  if (lower == "info") return LogLevel::kInfo;
  if (lower == "warning" || lower == "warn") return LogLevel::kWarning;
  if (lower == "error") return LogLevel::kError;
  if (lower == "critical" || lower == "fatal") return LogLevel::kCritical;
  return std::nullopt;
}

void Log::SetLevel(LogLevel level) { g_level = level; }
LogLevel Log::Level() { return g_level; }

void Log::AddSecret(std::string value) {
  // Very short values would redact ordinary words; real tokens and secrets are long.
  if (value.size() < 4) return;
  std::lock_guard<std::mutex> lock(g_mutex);
  if (std::find(g_secrets.begin(), g_secrets.end(), value) == g_secrets.end()) {
    g_secrets.push_back(std::move(value));
  }
}

void Log::CaptureForTest(std::vector<std::string>* sink) {
  std::lock_guard<std::mutex> lock(g_mutex);
  g_sink = sink;
}

void Log::Write(LogLevel level, std::string_view message) {
  if (level < g_level && level != LogLevel::kCritical) return;
  std::lock_guard<std::mutex> lock(g_mutex);
  std::string line = std::string(LevelName(level)) + " " + RedactLocked(message);
  if (g_sink != nullptr) {
    g_sink->push_back(std::move(line));
    return;
  }
  line += '\n';
  std::fwrite(line.data(), 1, line.size(), stderr);
  std::fflush(stderr);
}

std::string Log::Redact(std::string_view text) {
  std::lock_guard<std::mutex> lock(g_mutex);
  return RedactLocked(text);
}

}  // namespace tap
