// libFuzzer target: any config file text must give settings or a clear error, never a crash.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "tap/json.h"
#include "tap/settings.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto doc = tap::ParseJson(text, "fuzz config");
  if (!doc.ok()) return 0;
  std::vector<std::string> warnings;
  auto settings = tap::ParseSettings(*doc, &warnings);
  if (!settings.ok() && settings.status().message().empty()) __builtin_trap();
  return 0;
}
