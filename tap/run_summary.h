#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "tap/status.h"
#include "tap/time_zone.h"

namespace tap {

/// What one run did: the last log line says it, and --summary writes it as JSON for
/// orchestrators that alert on it.
struct RunSummary {
  int exit_code = 0;
  std::string outcome = "success";  // "success", "failed" or "stopped"
  std::string message = {};         // the failure, or what stopped the run
  std::map<std::string, long long, std::less<>> records = {};  // by stream
  std::optional<Date> first_day = {}, last_day = {};           // report days read
  size_t advertisers = 0;
  std::vector<std::string> skipped = {};  // advertisers the token could not read
  long long requests = 0, retries = 0;
  double seconds = 0;
};

/// The one-line summary: "Success: 83,105 records in 13 streams for 3 advertisers, reports
/// 2024-01-01..2024-04-15, 1,276 requests (4 retried), 9.0 s", "Failed after ...: <message>",
/// or "<message, e.g. Stopped by SIGTERM> after ...; the last STATE covers all completed work".
std::string SummaryLine(const RunSummary& summary);

/// The summary as a JSON object (exit status, outcome, message, streams with their records,
/// report days, advertisers, skipped advertisers, requests, retries, seconds).
std::string SummaryJson(const RunSummary& summary);

/// Writes SummaryJson to `path`; an error naming the file when it cannot.
Status WriteSummaryFile(const std::string& path, const RunSummary& summary);

/// 1234567 -> "1,234,567".
std::string Thousands(long long n);

}  // namespace tap
