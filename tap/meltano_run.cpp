#include "tap/meltano_run.h"

#include <cctype>

namespace tap {

std::string MeltanoRun::EnvName(std::string_view key) const {
  std::string_view top = key.substr(0, key.find_first_of("[."));
  std::string name;
  for (std::string_view part : {std::string_view(plugin), std::string_view("_"), top}) {
    for (char c : part) {
      name += c == '-' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    }
  }
  return name;
}

std::string MeltanoRun::Label(std::string_view key) const {
  return std::string(key) + " (" + EnvName(key) + ")";
}

std::optional<MeltanoRun> DetectMeltano(const std::string& config_path,
                                        const std::function<const char*(const char*)>& getenv) {
  const char* plugin = getenv("MELTANO_EXTRACTOR_NAME");
  if (plugin == nullptr || *plugin == '\0') return std::nullopt;
  MeltanoRun run{.plugin = plugin};
  const char* sys_dir = getenv("MELTANO_SYS_DIR_ROOT");
  if (sys_dir != nullptr && *sys_dir != '\0') {
    std::string run_dir = std::string(sys_dir) + "/run/";
    run.temporary_config = config_path.rfind(run_dir, 0) == 0;
  }
  return run;
}

}  // namespace tap
