// libFuzzer target: any time zone file must parse or fail clearly, and a parsed one must answer
// every instant and local time without crashing (a wheel may read files it did not ship).
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "tap/tzif.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  auto rules = tap::ZoneRules::Parse(bytes, "fuzz");
  if (!rules.ok()) return 0;
  for (int64_t t : {-4000000000LL, 0LL, 1719878400LL, 4102444800LL, 253402300799LL}) {
    std::chrono::seconds offset =
        (*rules)->OffsetAt(std::chrono::sys_seconds{std::chrono::seconds{t}});
    if (offset.count() <= -26 * 3600 || offset.count() >= 27 * 3600) __builtin_trap();
    (*rules)->OffsetAtLocal(std::chrono::local_seconds{std::chrono::seconds{t}});
  }
  return 0;
}
