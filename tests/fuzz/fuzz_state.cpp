// libFuzzer target: any state file must parse or fail clearly, and round-trip once parsed.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "tap/json.h"
#include "tap/state.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto doc = tap::ParseJson(text, "fuzz state");
  if (!doc.ok()) return 0;
  auto state = tap::State::Parse(*doc);
  if (!state.ok()) return 0;
  state->SetBookmark("ads", "1", "modify_time", *tap::ParseTimestamp("2024-03-01T10:15:00Z"));
  auto again = tap::ParseJson(state->ToJson(), "state out");
  if (!again.ok() || !tap::State::Parse(*again).ok()) __builtin_trap();  // must round-trip
  return 0;
}
