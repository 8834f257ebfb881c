// libFuzzer target: any catalog must be applied or rejected clearly.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "tap/catalog.h"
#include "tap/json.h"
#include "tap/transform.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const std::vector<tap::StreamDef> streams = tap::AllStreams({});
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto doc = tap::ParseJson(text, "fuzz catalog");
  if (!doc.ok()) return 0;
  std::vector<std::string> warnings;
  auto catalog = tap::ParseCatalog(*doc, streams, &warnings);
  if (!catalog.ok()) return 0;
  for (const tap::CatalogStream& cs : catalog->streams) {
    if (cs.selected) tap::CompileShape(cs.schema);  // user schemas must compile
  }
  return 0;
}
