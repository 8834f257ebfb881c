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
