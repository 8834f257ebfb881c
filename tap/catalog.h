#pragma once

#include <rapidjson/document.h>

#include <string>
#include <vector>

#include "tap/status.h"
#include "tap/streams.h"

namespace tap {

/// One stream as a sync sees it: its definition, whether it is selected, and the schema to emit
/// (the catalog's schema, user overrides kept, deselected fields removed).
struct CatalogStream {
  const StreamDef* def = nullptr;
  bool selected = false;
  rapidjson::Document schema;
  std::vector<std::string> key_properties;
  std::string replication_key;  // empty: FULL_TABLE
  bool incremental() const { return !replication_key.empty(); }
  /// Top-level property names of `schema`, in schema order.
  std::vector<std::string> PropertyNames() const;
};

/// The streams to sync, in the tap's stream order (unselected streams included, marked so).
struct Catalog {
  std::vector<CatalogStream> streams;
};

/// The full catalog of `streams` for --discover and catalog/catalog.json.
rapidjson::Document DiscoverCatalog(const std::vector<StreamDef>& streams);

/// Every stream and field selected by default: the sync without --catalog.
Catalog DefaultCatalog(const std::vector<StreamDef>& streams);

/// Applies a catalog given with --catalog / --properties. A stream the tap does not know, or a
/// malformed entry, is a kInvalidInput error naming the stream; known streams the catalog
/// omits are not selected. Notes about ignored overrides go to `warnings`.
Result<Catalog> ParseCatalog(const rapidjson::Value& doc, const std::vector<StreamDef>& streams,
                             std::vector<std::string>* warnings);

/// Reads a catalog file and applies it.
Result<Catalog> LoadCatalog(const std::string& path, const std::vector<StreamDef>& streams,
                            std::vector<std::string>* warnings);

}  // namespace tap
