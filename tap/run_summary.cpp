#include "tap/run_summary.h"

#include <fmt/format.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "tap/json.h"
#include "tap/log.h"

namespace tap {

std::string Thousands(long long n) {
  std::string digits = std::to_string(n < 0 ? -n : n);
  std::string out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return n < 0 ? "-" + out : out;
}

namespace {

long long Total(const RunSummary& s) {
  long long total = 0;
  for (const auto& [stream, count] : s.records) total += count;
  return total;
}

std::string Plural(size_t n, std::string_view word) {
  return fmt::format("{} {}{}", Thousands(static_cast<long long>(n)), word, n == 1 ? "" : "s");
}

// "83,105 records in 13 streams for 3 advertisers, reports ..., 1,276 requests (4 retried), 9.0 s"
std::string Facts(const RunSummary& s) {
  size_t streams = 0;
  for (const auto& [stream, count] : s.records) streams += count > 0;
  std::string out = fmt::format("{} in {} for {}", Plural(static_cast<size_t>(Total(s)), "record"),
                                Plural(streams, "stream"), Plural(s.advertisers, "advertiser"));
  if (!s.skipped.empty()) out += fmt::format(" ({} skipped)", s.skipped.size());
  if (s.first_day && s.last_day) {
    out += fmt::format(", reports {}..{}", FormatDay(*s.first_day), FormatDay(*s.last_day));
  }
  return out + fmt::format(", {} ({} retried), {:.1f} s",
                           Plural(static_cast<size_t>(s.requests), "request"), Thousands(s.retries),
                           s.seconds);
}

}  // namespace

std::string SummaryLine(const RunSummary& s) {
  if (s.outcome == "success") return "Success: " + Facts(s);
  if (s.outcome == "stopped") {
    return (s.message.empty() ? std::string("Stopped") : s.message) + " after " + Facts(s) +
           "; the last STATE covers all completed work";
  }
  return "Failed after " + Facts(s) + (s.message.empty() ? "" : ": " + s.message);
}

std::string SummaryJson(const RunSummary& s) {
  std::string streams;
  for (const auto& [stream, count] : s.records) {
    streams += fmt::format("{}{}:{{\"records\":{}}}", streams.empty() ? "" : ",", JsonQuote(stream),
                           count);
  }
  std::string skipped;
  for (const std::string& id : s.skipped) {
    // Appended piece by piece: GCC 12 at -O3 reports a false -Wrestrict for "," + string.
    if (!skipped.empty()) skipped += ',';
    skipped += JsonQuote(id);
  }
  auto day = [](const std::optional<Date>& d) {
    return d ? JsonQuote(FormatDay(*d)) : std::string("null");
  };
  return fmt::format(
      R"({{"exit_status":{},"outcome":{},"message":{},"records":{},"streams":{{{}}},)"
      R"("report_days":{{"first":{},"last":{}}},"advertisers":{},"skipped_advertisers":[{}],)"
      R"("requests":{},"retries":{},"seconds":{:.3f}}})",
      s.exit_code, JsonQuote(s.outcome), JsonQuote(Log::Redact(s.message)), Total(s), streams,
      day(s.first_day), day(s.last_day), s.advertisers, skipped, s.requests, s.retries, s.seconds);
}

Status WriteSummaryFile(const std::string& path, const RunSummary& summary) {
  std::FILE* f = std::fopen(path.c_str(), "w");
  if (f == nullptr) {
    return Status::Error(
        ErrorKind::kInvalidInput,
        fmt::format("cannot write the summary file '{}': {}", path, std::strerror(errno)));
  }
  std::string text = SummaryJson(summary) + "\n";
  bool ok = std::fwrite(text.data(), 1, text.size(), f) == text.size();
  ok = std::fclose(f) == 0 && ok;
  if (!ok) {
    return Status::Error(ErrorKind::kFatal,
                         fmt::format("cannot write the summary file '{}'", path));
  }
  return Status::Ok();
}

}  // namespace tap
