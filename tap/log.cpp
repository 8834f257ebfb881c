#include "tap/log.h"

#include <algorithm>
#include <atomic>
#include <cctype>
#include <cstdio>
#include <mutex>

#include "tap/http.h"
#include "tap/json.h"

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

// Built by appending, not std::string::replace: GCC 12 at -O3 reports a false -Wrestrict
// on replace (seen in the pip build).
std::string ReplaceAll(std::string_view text, std::string_view from, std::string_view to) {
  std::string out;
  for (size_t start = 0;;) {
    size_t at = text.find(from, start);
    out.append(text.substr(start, at == std::string_view::npos ? at : at - start));
    if (at == std::string_view::npos) return out;
    out.append(to);
    start = at + from.size();
  }
}

// The forms in which a server may echo `secret`: as the tap sent it in a query (UrlEncode),
// that with lower-case hex, either with a space as + instead of %20, and inside a JSON string
// (JsonQuote), with or without "/" escaped.
std::vector<std::string> EncodedForms(const std::string& secret) {
  std::string upper = UrlEncode(secret), lower = upper;
  for (size_t at = lower.find('%'); at != std::string::npos; at = lower.find('%', at + 1)) {
    for (size_t k = at + 1; k <= at + 2 && k < lower.size(); ++k) {
      lower[k] = static_cast<char>(std::tolower(static_cast<unsigned char>(lower[k])));
    }
  }
  std::string quoted = JsonQuote(secret);
  std::string json = quoted.substr(1, quoted.size() - 2);
  return {secret,
          upper,
          lower,
          ReplaceAll(upper, "%20", "+"),
          ReplaceAll(lower, "%20", "+"),
          json,
          ReplaceAll(json, "/", "\\/")};
}

void EscapeControl(std::string_view text, std::string* out) {
  static constexpr char kHex[] = "0123456789abcdef";
  for (unsigned char c : text) {
    if (c == '\n') {
      *out += "\\n";
    } else if (c == '\r') {
      *out += "\\r";
    } else if (c == '\t') {
      *out += "\\t";
    } else if (c < 0x20 || c == 0x7f) {
      *out += {'\\', 'x', kHex[c >> 4], kHex[c & 15]};
    } else {
      *out += static_cast<char>(c);
    }
  }
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

std::string Echo(std::string_view value, size_t max) {
  std::string out;
  EscapeControl(value.substr(0, max), &out);
  if (value.size() > max) out += fmt::format("... ({} characters in all)", value.size());
  return out;
}

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
  for (std::string& form : EncodedForms(value)) {
    if (std::find(g_secrets.begin(), g_secrets.end(), form) == g_secrets.end()) {
      g_secrets.push_back(std::move(form));
    }
  }
}

void Log::CaptureForTest(std::vector<std::string>* sink) {
  std::lock_guard<std::mutex> lock(g_mutex);
  g_sink = sink;
}

void Log::Write(LogLevel level, std::string_view message) {
  if (level < g_level && level != LogLevel::kCritical) return;
  std::lock_guard<std::mutex> lock(g_mutex);
  std::string line = std::string(LevelName(level)) + " ";
  EscapeControl(RedactLocked(message), &line);
  if (line.size() > Log::kMaxLogLine) {
    size_t cut = line.size() - Log::kMaxLogLine;
    line.resize(Log::kMaxLogLine);
    line += fmt::format("... ({} more characters)", cut);
  }
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
