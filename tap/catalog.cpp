#include "tap/catalog.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <stdexcept>

#include "tap/embedded_schemas.h"
#include "tap/json.h"

namespace tap {
namespace {

using Breadcrumb = std::vector<std::string>;
using Allocator = rapidjson::Document::AllocatorType;

rapidjson::Value Str(std::string_view text, Allocator& a) {
  return rapidjson::Value(text.data(), static_cast<rapidjson::SizeType>(text.size()), a);
}

rapidjson::Value StrArray(const std::vector<std::string_view>& items, Allocator& a) {
  rapidjson::Value array(rapidjson::kArrayType);
  for (std::string_view item : items) array.PushBack(Str(item, a), a);
  return array;
}

bool IsAutomatic(const StreamDef& stream, std::string_view property) {
  return property == stream.replication_key ||
         std::find(stream.key_properties.begin(), stream.key_properties.end(), property) !=
             stream.key_properties.end();
}

const StreamDef* FindStream(const std::vector<StreamDef>& streams, std::string_view name) {
  for (const StreamDef& s : streams) {
    if (s.name == name) return &s;
  }
  return nullptr;
}

// Reads a JSON boolean, accepting "true"/"false" strings as singer-io's docs write them.
std::optional<bool> Flag(const rapidjson::Value* v) {
  if (v == nullptr) return std::nullopt;
  if (v->IsBool()) return v->GetBool();
  if (v->IsString()) {
    std::string_view s(v->GetString(), v->GetStringLength());
    if (s == "true" || s == "True") return true;
    if (s == "false" || s == "False") return false;
  }
  return std::nullopt;
}

// The metadata of one catalog entry, by breadcrumb.
class Metadata {
 public:
  Status Load(const rapidjson::Value* list, std::string_view stream) {
    if (list == nullptr || list->IsNull()) return Status::Ok();
    if (!list->IsArray()) {
      return Invalid(stream,
                     fmt::format("'metadata' must be an array, got {}", JsonTypeName(*list)));
    }
    for (const auto& entry : list->GetArray()) {
      const rapidjson::Value* crumb = FindMember(entry, "breadcrumb");
      const rapidjson::Value* md = FindMember(entry, "metadata");
      if (crumb == nullptr || !crumb->IsArray() || md == nullptr || !md->IsObject()) {
        return Invalid(stream,
                       "every metadata entry needs a 'breadcrumb' array and a "
                       "'metadata' object");
      }
      Breadcrumb path;
      for (const auto& part : crumb->GetArray()) {
        if (!part.IsString()) return Invalid(stream, "breadcrumb parts must be strings");
        path.emplace_back(part.GetString(), part.GetStringLength());
      }
      entries_[path] = md;
    }
    return Status::Ok();
  }

  bool empty() const { return entries_.empty(); }

  const rapidjson::Value* Get(const Breadcrumb& path, std::string_view key) const {
    auto it = entries_.find(path);
    return it == entries_.end() ? nullptr : FindMember(*it->second, key);
  }

  // Field selection rules of reference/singer_meltano.md §3.5.
  bool FieldSelected(const Breadcrumb& path) const {
    if (entries_.empty()) return true;
    if (entries_.find(path) == entries_.end()) return true;  // inherits its (selected) parent
    const rapidjson::Value* inclusion = Get(path, "inclusion");
    if (inclusion != nullptr && inclusion->IsString()) {
      std::string_view value = inclusion->GetString();
      if (value == "unsupported") return false;
      if (value == "automatic") return true;
    }
    if (auto selected = Flag(Get(path, "selected"))) return *selected;
    if (auto by_default = Flag(Get(path, "selected-by-default"))) return *by_default;
    return true;
  }

  static Status Invalid(std::string_view stream, std::string text) {
    return Status::Error(ErrorKind::kInvalidInput,
                         fmt::format("catalog stream '{}': {}", stream, text));
  }

 private:
  std::map<Breadcrumb, const rapidjson::Value*> entries_;
};

// Removes deselected properties from `schema` (an object schema) and, below it, from nested
// objects and array items. `path` is the breadcrumb of `schema`.
void Prune(rapidjson::Value& schema, const Breadcrumb& path, const Metadata& md,
           const StreamDef& stream) {
  if (!schema.IsObject()) return;
  if (rapidjson::Value* items = const_cast<rapidjson::Value*>(FindMember(schema, "items"))) {
    Breadcrumb item_path = path;
    item_path.push_back("items");
    Prune(*items, item_path, md, stream);
  }
  auto props = schema.FindMember("properties");
  if (props == schema.MemberEnd() || !props->value.IsObject()) return;
  rapidjson::Value& properties = props->value;
  for (auto it = properties.MemberBegin(); it != properties.MemberEnd();) {
    std::string name(it->name.GetString(), it->name.GetStringLength());
    Breadcrumb child = path;
    child.push_back("properties");
    child.push_back(name);
    bool forced = path.empty() && IsAutomatic(stream, name);
    if (!forced && !md.FieldSelected(child)) {
      it = properties.EraseMember(it);
      continue;
    }
    Prune(it->value, child, md, stream);
    ++it;
  }
}

// An unselected stream keeps no schema: a report's runs to hundreds of properties, and a
// Meltano catalog lists every stream, so keeping them all would cost megabytes for nothing.
CatalogStream MakeStream(const StreamDef& stream, rapidjson::Document schema, bool selected) {
  CatalogStream cs;
  cs.def = &stream;
  cs.selected = selected;
  if (selected) {
    cs.schema = std::move(schema);
  } else {
    cs.schema.SetObject();
    cs.schema.AddMember("type", "object", cs.schema.GetAllocator());
    cs.schema.AddMember("properties", rapidjson::Value(rapidjson::kObjectType),
                        cs.schema.GetAllocator());
  }
  cs.key_properties = stream.key_properties;
  cs.replication_key = stream.replication_key;
  return cs;
}

}  // namespace

std::vector<std::string> CatalogStream::PropertyNames() const {
  std::vector<std::string> names;
  if (const rapidjson::Value* props = FindMember(schema, "properties");
      props && props->IsObject()) {
    for (const auto& m : props->GetObject()) {
      names.emplace_back(m.name.GetString(), m.name.GetStringLength());
    }
  }
  return names;
}

rapidjson::Document DiscoverCatalog(const std::vector<StreamDef>& defs) {
  rapidjson::Document catalog(rapidjson::kObjectType);
  Allocator& a = catalog.GetAllocator();
  rapidjson::Value streams(rapidjson::kArrayType);
  for (const StreamDef& stream : defs) {
    rapidjson::Value entry(rapidjson::kObjectType);
    entry.AddMember("tap_stream_id", Str(stream.name, a), a);
    entry.AddMember("stream", Str(stream.name, a), a);
    std::vector<std::string_view> keys(stream.key_properties.begin(), stream.key_properties.end());
    entry.AddMember("key_properties", StrArray(keys, a), a);
    bool incremental = !stream.replication_key.empty();
    entry.AddMember("replication_method", Str(incremental ? "INCREMENTAL" : "FULL_TABLE", a), a);
    if (incremental) entry.AddMember("replication_key", Str(stream.replication_key, a), a);
    rapidjson::Document schema = stream.Schema();
    rapidjson::Value schema_copy(schema, a);

    rapidjson::Value metadata(rapidjson::kArrayType);
    rapidjson::Value top(rapidjson::kObjectType);
    top.AddMember("inclusion", "available", a);
    top.AddMember("selected-by-default", stream.selected_by_default, a);
    top.AddMember("table-key-properties", StrArray(keys, a), a);
    top.AddMember("valid-replication-keys",
                  incremental ? StrArray({stream.replication_key}, a)
                              : rapidjson::Value(rapidjson::kArrayType),
                  a);
    top.AddMember("forced-replication-method", Str(incremental ? "INCREMENTAL" : "FULL_TABLE", a),
                  a);
    if (incremental) top.AddMember("replication-key", Str(stream.replication_key, a), a);
    rapidjson::Value top_entry(rapidjson::kObjectType);
    top_entry.AddMember("breadcrumb", rapidjson::Value(rapidjson::kArrayType), a);
    top_entry.AddMember("metadata", top, a);
    metadata.PushBack(top_entry, a);
    for (const auto& prop : schema["properties"].GetObject()) {
      std::string_view name(prop.name.GetString(), prop.name.GetStringLength());
      rapidjson::Value crumb(rapidjson::kArrayType);
      crumb.PushBack("properties", a);
      crumb.PushBack(Str(name, a), a);
      rapidjson::Value md(rapidjson::kObjectType);
      md.AddMember("inclusion", IsAutomatic(stream, name) ? "automatic" : "available", a);
      if (!stream.PropertySelectedByDefault(name)) md.AddMember("selected-by-default", false, a);
      rapidjson::Value e(rapidjson::kObjectType);
      e.AddMember("breadcrumb", crumb, a);
      e.AddMember("metadata", md, a);
      metadata.PushBack(e, a);
    }
    entry.AddMember("schema", schema_copy, a);
    entry.AddMember("metadata", metadata, a);
    streams.PushBack(entry, a);
  }
  catalog.AddMember("streams", streams, a);
  return catalog;
}

Catalog DefaultCatalog(const std::vector<StreamDef>& defs) {
  Catalog catalog;
  for (const StreamDef& stream : defs) {
    if (!stream.selected_by_default) {
      catalog.streams.push_back(MakeStream(stream, rapidjson::Document(), false));
      continue;
    }
    rapidjson::Document schema = stream.Schema();
    rapidjson::Value& props = schema["properties"];
    for (auto it = props.MemberBegin(); it != props.MemberEnd();) {
      if (stream.PropertySelectedByDefault(it->name.GetString())) {
        ++it;
      } else {
        it = props.EraseMember(it);
      }
    }
    catalog.streams.push_back(MakeStream(stream, std::move(schema), stream.selected_by_default));
  }
  return catalog;
}

namespace {

// Stream selection: [] metadata, then the legacy top-level and schema flags.
bool StreamSelected(const rapidjson::Value& entry, const Metadata& md) {
  std::optional<bool> selected = Flag(md.Get({}, "selected"));
  if (!selected) selected = Flag(FindMember(entry, "selected"));
  const rapidjson::Value* schema_value = FindMember(entry, "schema");
  if (!selected && schema_value != nullptr) selected = Flag(FindMember(*schema_value, "selected"));
  if (!selected) {
    selected = md.empty() ? std::optional<bool>(true) : Flag(md.Get({}, "selected-by-default"));
  }
  return selected.value_or(false);
}

// The entry's schema, checked for its key properties, with deselected fields removed.
Result<rapidjson::Document> EntrySchema(const rapidjson::Value& entry, std::string_view name,
                                        const Metadata& md, const StreamDef& stream) {
  const rapidjson::Value* schema_value = FindMember(entry, "schema");
  if (schema_value == nullptr || !schema_value->IsObject() ||
      FindMember(*schema_value, "properties") == nullptr ||
      !FindMember(*schema_value, "properties")->IsObject()) {
    return Metadata::Invalid(name, "'schema' must be a JSON Schema object with 'properties'");
  }
  rapidjson::Document schema;
  schema.CopyFrom(*schema_value, schema.GetAllocator());
  schema.RemoveMember("selected");
  for (const std::string& key : stream.key_properties) {
    if (FindMember(schema["properties"], key) == nullptr) {
      return Metadata::Invalid(name, fmt::format("the schema lacks the key property '{}'", key));
    }
  }
  Prune(schema, {}, md, stream);
  return schema;
}

// Replication method and key as the catalog asks; what cannot be honoured is warned about.
void ApplyReplication(const rapidjson::Value& entry, std::string_view name, const Metadata& md,
                      CatalogStream& cs, std::vector<std::string>* warnings) {
  const rapidjson::Value* method = md.Get({}, "replication-method");
  if (method == nullptr) method = FindMember(entry, "replication_method");
  if (method != nullptr && method->IsString()) {
    std::string_view m = method->GetString();
    if (m == "FULL_TABLE" && cs.incremental()) {
      cs.replication_key.clear();  // an explicit full refresh of an incremental stream
    } else if (m == "INCREMENTAL" && !cs.incremental() && warnings != nullptr) {
      warnings->push_back(
          fmt::format("catalog stream '{}': INCREMENTAL is not possible, the "
                      "API has no replication key for it; using FULL_TABLE",
                      name));
    }
  }
  const std::string& supported = cs.def->replication_key;
  const rapidjson::Value* key = md.Get({}, "replication-key");
  if (key != nullptr && key->IsString() && cs.incremental() &&
      std::string_view(key->GetString()) != supported && warnings != nullptr) {
    warnings->push_back(
        fmt::format("catalog stream '{}': replication key '{}' is not "
                    "supported; using '{}'",
                    name, key->GetString(), supported));
  }
}

Result<CatalogStream> ParseEntry(const rapidjson::Value& entry, const std::vector<StreamDef>& defs,
                                 std::vector<std::string>* warnings) {
  const rapidjson::Value* id = FindMember(entry, "tap_stream_id");
  if (id == nullptr) id = FindMember(entry, "stream");
  if (id == nullptr || !id->IsString()) {
    return Status::Error(ErrorKind::kInvalidInput,
                         "every catalog stream needs a 'tap_stream_id' string");
  }
  std::string_view name(id->GetString(), id->GetStringLength());
  const StreamDef* stream = FindStream(defs, name);
  if (stream == nullptr) {
    return Metadata::Invalid(name,
                             "tap-tiktok-ads has no such stream; regenerate the catalog "
                             "with --discover (or remove the stream)");
  }
  Metadata md;
  if (Status s = md.Load(FindMember(entry, "metadata"), name); !s.ok()) return s;
  bool selected = StreamSelected(entry, md);
  auto schema = EntrySchema(entry, name, md, *stream);
  if (!schema.ok()) return schema.status();
  CatalogStream cs = MakeStream(*stream, std::move(schema).value(), selected);
  ApplyReplication(entry, name, md, cs, warnings);
  return cs;
}

}  // namespace

Result<Catalog> ParseCatalog(const rapidjson::Value& doc, const std::vector<StreamDef>& defs,
                             std::vector<std::string>* warnings) {
  const rapidjson::Value* list = FindMember(doc, "streams");
  if (list == nullptr || !list->IsArray()) {
    return Status::Error(ErrorKind::kInvalidInput,
                         "the catalog must be an object with a 'streams' array; generate one "
                         "with --discover");
  }
  std::map<std::string, CatalogStream, std::less<>> chosen;
  for (const auto& entry : list->GetArray()) {
    auto cs = ParseEntry(entry, defs, warnings);
    if (!cs.ok()) return cs.status();
    const std::string& name = cs->def->name;
    if (chosen.count(name) != 0) return Metadata::Invalid(name, "listed twice");
    chosen.emplace(name, std::move(cs).value());
  }
  Catalog catalog;
  for (const StreamDef& stream : defs) {
    auto it = chosen.find(stream.name);
    if (it != chosen.end()) {
      catalog.streams.push_back(std::move(it->second));
    } else {
      catalog.streams.push_back(MakeStream(stream, rapidjson::Document(), false));
    }
  }
  return catalog;
}

Result<Catalog> LoadCatalog(const std::string& path, const std::vector<StreamDef>& defs,
                            std::vector<std::string>* warnings) {
  auto doc = ReadJsonFile(path, "catalog file");
  if (!doc.ok()) return doc.status();
  auto catalog = ParseCatalog(*doc, defs, warnings);
  if (!catalog.ok()) {
    return Status::Error(ErrorKind::kInvalidInput, fmt::format("catalog file '{}' is invalid: {}",
                                                               path, catalog.status().message()));
  }
  return catalog;
}

}  // namespace tap
