#pragma once

#include <string>
#include <vector>

#include "tap/status.h"

namespace tap {

/// The command line, Singer and Meltano style.
struct Options {
  std::string config;
  std::string state;
  std::string catalog;  // --catalog, or its legacy alias --properties
  std::string format;   // with --about: "json", "markdown" or empty (text)
  std::string summary;  // --summary: where to write the run's summary as JSON
  // The token helper: --exchange-auth-code CODE --app-id ID [--secret-file FILE]
  // [--api-base-url URL | --sandbox]. The secret is never taken from the command line.
  std::string exchange_auth_code;
  std::string app_id;
  std::string secret_file;
  std::string api_base_url;
  bool sandbox = false;
  bool discover = false;
  bool about = false;
  bool version = false;
  bool help = false;
};

/// Parses argv (without the program name). Accepts "--opt value" and "--opt=value" in any
/// order; errors are kUsage.
Result<Options> ParseCommandLine(const std::vector<std::string>& args);

/// The --help text.
std::string UsageText();

}  // namespace tap
