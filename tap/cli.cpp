#include "tap/cli.h"

#include <fmt/format.h>

namespace tap {

std::string UsageText() {
  return "Usage: tap-tiktok-ads --config CONFIG [--catalog CATALOG] [--state STATE]\n"
         "       tap-tiktok-ads --discover [--config CONFIG]\n"
         "       tap-tiktok-ads --about [--format json|markdown]\n"
         "       tap-tiktok-ads --version | --help\n"
         "\n"
         "Singer tap for the TikTok API for Business v1.3: writes SCHEMA, RECORD and STATE\n"
         "messages to stdout and logs to stderr.\n"
         "\n"
         "  -c, --config FILE      JSON config (access_token, advertiser_ids, start_date, ...)\n"
         "      --catalog FILE     catalog with stream and field selection (from --discover)\n"
         "  -p, --properties FILE  legacy name of --catalog\n"
         "  -s, --state FILE       state from an earlier run, for incremental syncs\n"
         "  -d, --discover         print the catalog of every stream and exit\n"
         "      --about            print the tap's capabilities and settings and exit\n"
         "      --format FORMAT    with --about: json or markdown\n"
         "      --version          print the version and exit\n"
         "  -h, --help             print this help and exit\n"
         "\n"
         "Exit status: 0 success, 1 failure (see the CRITICAL line), 2 usage error.\n";
}

Result<Options> ParseCommandLine(const std::vector<std::string>& args) {
  Options options;
  auto usage = [](std::string text) { return Status::Error(ErrorKind::kUsage, std::move(text)); };
  for (size_t i = 0; i < args.size(); ++i) {
    std::string arg = args[i];
    std::string value;
    bool has_inline_value = false;
    if (arg.rfind("--", 0) == 0) {
      if (size_t eq = arg.find('='); eq != std::string::npos) {
        value = arg.substr(eq + 1);
        arg = arg.substr(0, eq);
        has_inline_value = true;
      }
    }
    auto take_value = [&](std::string* out) -> Status {
      if (has_inline_value) {
        *out = value;
      } else if (i + 1 < args.size()) {
        *out = args[++i];
      } else {
        return usage(fmt::format("{} needs a value", arg));
      }
      if (out->empty()) return usage(fmt::format("{} needs a non-empty value", arg));
      return Status::Ok();
    };
    auto flag = [&](bool* out) -> Status {
      if (has_inline_value) return usage(fmt::format("{} takes no value", arg));
      *out = true;
      return Status::Ok();
    };
    Status s;
    if (arg == "--config" || arg == "-c") {
      s = take_value(&options.config);
    } else if (arg == "--state" || arg == "-s") {
      s = take_value(&options.state);
    } else if (arg == "--catalog" || arg == "--properties" || arg == "-p") {
      s = take_value(&options.catalog);
    } else if (arg == "--format") {
      s = take_value(&options.format);
      if (s.ok() && options.format != "json" && options.format != "markdown") {
        s = usage(fmt::format("--format must be json or markdown, not '{}'", options.format));
      }
    } else if (arg == "--discover" || arg == "-d") {
      s = flag(&options.discover);
    } else if (arg == "--about") {
      s = flag(&options.about);
    } else if (arg == "--version") {
      s = flag(&options.version);
    } else if (arg == "--help" || arg == "-h") {
      s = flag(&options.help);
    } else {
      s = usage(fmt::format("unknown argument '{}'", args[i]));
    }
    if (!s.ok()) return s;
  }
  if (!options.format.empty() && !options.about) return usage("--format goes with --about");
  if (!options.help && !options.version && !options.about && !options.discover &&
      options.config.empty()) {
    return usage("--config is required to sync");
  }
  return options;
}

}  // namespace tap
