#pragma once

#include <string>
#include <vector>

#include "tap/catalog.h"
#include "tap/json.h"
#include "tap/sync.h"
#include "tests/unit/fake_env.h"
#include "tests/unit/memory_out.h"

namespace tap {

/// The built-in streams with only `stream` selected, with its whole schema (a stream that is
/// not selected by default has none in the default catalog).
inline Catalog CatalogOnly(const std::string& stream) {
  static const std::vector<StreamDef> streams = AllStreams({});
  Catalog catalog = DefaultCatalog(streams);
  for (CatalogStream& cs : catalog.streams) {
    cs.selected = cs.def->name == stream;
    if (cs.selected) cs.schema = cs.def->Schema();
  }
  return catalog;
}

/// One run of the real Sync on `api` (fake clock); its stdout lines into `lines`.
inline Status RunSync(const Settings& settings, const Catalog& catalog, ApiClient& api,
                      State& state, std::vector<std::string>* lines) {
  MemoryOut out;
  SingerWriter writer(out.file());
  FakeEnv env;
  Sync sync(settings, catalog, state, api, writer, env);
  Status status = sync.Run();
  writer.Flush();
  *lines = out.Lines();
  return status;
}

/// The record objects of the RECORD lines among `lines`, as JSON text.
inline std::vector<std::string> RecordsOf(const std::vector<std::string>& lines) {
  std::vector<std::string> records;
  for (const std::string& line : lines) {
    auto doc = ParseJson(line, "line");
    if (doc.ok() && doc->IsObject() && std::string((*doc)["type"].GetString()) == "RECORD") {
      records.push_back(ToJson((*doc)["record"]));
    }
  }
  return records;
}

}  // namespace tap
