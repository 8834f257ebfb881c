#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace tap {

/// What changes when Meltano runs the tap (it sets MELTANO_EXTRACTOR_NAME for the extractor it
/// starts): the config is a temporary file Meltano writes and deletes, which the user cannot
/// protect, and the user knows the settings by Meltano's names and environment variables.
struct MeltanoRun {
  std::string plugin;             // e.g. "tap-tiktok-ads"
  bool temporary_config = false;  // the config is Meltano's file below $MELTANO_SYS_DIR_ROOT/run/

  /// The environment variable Meltano reads setting `key` from: TAP_TIKTOK_ADS_START_DATE (for
  /// a nested key such as custom_reports[0].name, its top-level setting's).
  std::string EnvName(std::string_view key) const;
  /// `key` as the user knows it: "start_date (TAP_TIKTOK_ADS_START_DATE)".
  std::string Label(std::string_view key) const;
};

/// Meltano's run of the tap with config file `config_path`, or nullopt when Meltano did not
/// start it. `getenv` reads the environment (std::getenv; injectable for tests).
std::optional<MeltanoRun> DetectMeltano(const std::string& config_path,
                                        const std::function<const char*(const char*)>& getenv);

}  // namespace tap
