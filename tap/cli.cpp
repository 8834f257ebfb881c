#include "tap/cli.h"

#include <fmt/format.h>

#include <algorithm>
#include <optional>

namespace tap {

std::string UsageText() {
  return "Usage: tap-tiktok-ads --config CONFIG [--catalog CATALOG] [--state STATE]\n"
         "                      [--summary FILE]\n"
         "       tap-tiktok-ads --discover [--config CONFIG]\n"
         "       tap-tiktok-ads --exchange-auth-code CODE --app-id ID [--secret-file FILE]\n"
         "                      [--api-base-url URL | --sandbox]\n"
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
         "      --summary FILE     also write the run's summary (records, requests, outcome) as\n"
         "                         JSON to FILE\n"
         "  -d, --discover         print the catalog of every stream and exit\n"
         "      --about            print the tap's capabilities and settings and exit\n"
         "      --format FORMAT    with --about: json or markdown\n"
         "      --exchange-auth-code CODE\n"
         "                         trade the auth_code of an authorization redirect for a\n"
         "                         long-term access token; prints a config fragment and exits\n"
         "      --app-id ID        with --exchange-auth-code: the app's id\n"
         "      --secret-file FILE with --exchange-auth-code: a file holding the app secret\n"
         "                         (else the TAP_TIKTOK_ADS_SECRET environment variable)\n"
         "      --api-base-url URL with --exchange-auth-code: another API host (a simulator)\n"
         "      --sandbox          with --exchange-auth-code: TikTok's sandbox host\n"
         "      --version          print the version and exit\n"
         "  -h, --help             print this help and exit\n"
         "\n"
         "Exit status: 0 success, 1 failure (see the CRITICAL line), 2 usage error.\n";
}

namespace {

Status Usage(std::string text) { return Status::Error(ErrorKind::kUsage, std::move(text)); }

// One option: its spellings, and the string it sets (options with a value) or the flag.
struct OptionSpec {
  std::vector<std::string_view> names;
  std::string Options::*text = nullptr;
  bool Options::*flag = nullptr;
};

const OptionSpec* FindOption(std::string_view arg) {
  static const std::vector<OptionSpec> specs = {
      {{"--config", "-c"}, &Options::config, nullptr},
      {{"--state", "-s"}, &Options::state, nullptr},
      {{"--catalog", "--properties", "-p"}, &Options::catalog, nullptr},
      {{"--format"}, &Options::format, nullptr},
      {{"--summary"}, &Options::summary, nullptr},
      {{"--exchange-auth-code"}, &Options::exchange_auth_code, nullptr},
      {{"--app-id"}, &Options::app_id, nullptr},
      {{"--secret-file"}, &Options::secret_file, nullptr},
      {{"--api-base-url"}, &Options::api_base_url, nullptr},
      {{"--sandbox"}, nullptr, &Options::sandbox},
      {{"--discover", "-d"}, nullptr, &Options::discover},
      {{"--about"}, nullptr, &Options::about},
      {{"--version"}, nullptr, &Options::version},
      {{"--help", "-h"}, nullptr, &Options::help},
  };
  for (const OptionSpec& spec : specs) {
    if (std::find(spec.names.begin(), spec.names.end(), arg) != spec.names.end()) return &spec;
  }
  return nullptr;
}

// Reads args[i] (and the value after it, moving `i` past it) into `options`.
Status ParseArgument(const std::vector<std::string>& args, size_t& i, Options& options) {
  std::string arg = args[i];
  std::optional<std::string> inline_value;
  if (size_t eq = arg.find('='); arg.rfind("--", 0) == 0 && eq != std::string::npos) {
    inline_value = arg.substr(eq + 1);
    arg = arg.substr(0, eq);
  }
  const OptionSpec* spec = FindOption(arg);
  if (spec == nullptr) return Usage(fmt::format("unknown argument '{}'", args[i]));
  if (spec->flag != nullptr) {
    if (inline_value) return Usage(fmt::format("{} takes no value", arg));
    options.*(spec->flag) = true;
    return Status::Ok();
  }
  std::string& out = options.*(spec->text);
  if (inline_value) {
    out = *inline_value;
  } else if (i + 1 < args.size()) {
    out = args[++i];
  } else {
    return Usage(fmt::format("{} needs a value", arg));
  }
  if (out.empty()) return Usage(fmt::format("{} needs a non-empty value", arg));
  if (spec->text == &Options::format && out != "json" && out != "markdown") {
    return Usage(fmt::format("--format must be json or markdown, not '{}'", out));
  }
  return Status::Ok();
}

// The token helper's options go only with it, and it goes with nothing else.
Status CheckExchangeOptions(const Options& o) {
  bool helper_option =
      !o.app_id.empty() || !o.secret_file.empty() || !o.api_base_url.empty() || o.sandbox;
  if (o.exchange_auth_code.empty()) {
    return helper_option ? Usage(
                               "--app-id, --secret-file, --api-base-url and --sandbox go with "
                               "--exchange-auth-code")
                         : Status::Ok();
  }
  if (!o.config.empty() || !o.state.empty() || !o.catalog.empty() || !o.summary.empty() ||
      o.discover || o.about) {
    return Usage(
        "--exchange-auth-code takes only --app-id, --secret-file, --api-base-url and "
        "--sandbox");
  }
  if (o.sandbox && !o.api_base_url.empty())
    return Usage("give --api-base-url or --sandbox, not both");
  return Status::Ok();
}

}  // namespace

Result<Options> ParseCommandLine(const std::vector<std::string>& args) {
  Options options;
  for (size_t i = 0; i < args.size(); ++i) {
    if (Status s = ParseArgument(args, i, options); !s.ok()) return s;
  }
  if (!options.format.empty() && !options.about) return Usage("--format goes with --about");
  if (Status s = CheckExchangeOptions(options); !s.ok()) return s;
  if (!options.help && !options.version && !options.about && !options.discover &&
      options.exchange_auth_code.empty() && options.config.empty()) {
    return Usage("--config is required to sync");
  }
  return options;
}

}  // namespace tap
