#include "tap/about.h"

#include <fmt/format.h>

#include <rapidjson/document.h>
#include <algorithm>

#include "tap/json.h"
#include "tap/settings.h"
#include "tap/streams.h"
#include "tap/version.h"

namespace tap {
namespace {

constexpr std::string_view kDescription =
    "Singer tap for the TikTok API for Business v1.3: advertisers, campaigns, ad groups, ads, "
    "audiences, the creative library, pixels, Business Centers and every performance report, "
    "incremental per advertiser with a lookback.";
const char* const kCapabilities[] = {"catalog", "discover", "state", "about"};

// How each kind of setting is named in JSON Schema (--about) and in meltano.yml.
struct KindNames {
  SettingKind kind;
  std::string_view json_schema;
  std::string_view meltano;
};
constexpr KindNames kKindNames[] = {
    {SettingKind::kString, "string", "string"},
    {SettingKind::kInteger, "integer", "integer"},
    {SettingKind::kNumber, "number", "decimal"},
    {SettingKind::kBoolean, "boolean", "boolean"},
    // Dates are strings to Meltano, so the tap's own validation sees what the user wrote
    // (date_iso8601 made Meltano read 2024-13-01 as 13 January).
    {SettingKind::kDate, "string", "string"},
    {SettingKind::kArray, "array", "array"},
    {SettingKind::kObjectArray, "array", "array"},
};

const KindNames& NamesOf(SettingKind kind) {
  for (const KindNames& names : kKindNames) {
    if (names.kind == kind) return names;
  }
  return kKindNames[0];
}

std::string_view JsonSchemaType(SettingKind kind) { return NamesOf(kind).json_schema; }
std::string_view MeltanoKind(SettingKind kind) { return NamesOf(kind).meltano; }

std::string Json() {
  rapidjson::Document doc(rapidjson::kObjectType);
  auto& a = doc.GetAllocator();
  auto str = [&](std::string_view s) {
    return rapidjson::Value(s.data(), static_cast<rapidjson::SizeType>(s.size()), a);
  };
  doc.AddMember("name", str(kTapName), a);
  doc.AddMember("description", str(kDescription), a);
  doc.AddMember("version", str(kTapVersion), a);
  doc.AddMember("sdk_version", rapidjson::Value(), a);
  doc.AddMember("supported_python_versions", rapidjson::Value(), a);
  rapidjson::Value capabilities(rapidjson::kArrayType);
  for (const char* c : kCapabilities) capabilities.PushBack(rapidjson::StringRef(c), a);
  doc.AddMember("capabilities", capabilities, a);

  rapidjson::Value properties(rapidjson::kObjectType);
  rapidjson::Value required(rapidjson::kArrayType);
  for (const SettingSpec& spec : SettingSpecs()) {
    rapidjson::Value p(rapidjson::kObjectType);
    rapidjson::Value type(rapidjson::kArrayType);
    type.PushBack(str(JsonSchemaType(spec.kind)), a);
    if (!spec.required) type.PushBack("null", a);
    p.AddMember("type", type, a);
    if (spec.kind == SettingKind::kDate) p.AddMember("format", "date-time", a);
    if (spec.kind == SettingKind::kArray || spec.kind == SettingKind::kObjectArray) {
      rapidjson::Value items(rapidjson::kObjectType);
      items.AddMember("type", spec.kind == SettingKind::kArray ? "string" : "object", a);
      p.AddMember("items", items, a);
    }
    if (spec.secret) {
      p.AddMember("secret", true, a);
      p.AddMember("writeOnly", true, a);
    }
    if (!spec.default_value.empty()) {
      rapidjson::Document value;
      value.Parse(spec.default_value.data(), spec.default_value.size());
      p.AddMember("default", rapidjson::Value(value, a), a);
    }
    p.AddMember("description", str(spec.description), a);
    properties.AddMember(str(spec.name), p, a);
    if (spec.required) required.PushBack(str(spec.name), a);
  }
  rapidjson::Value settings(rapidjson::kObjectType);
  settings.AddMember("type", "object", a);
  settings.AddMember("properties", properties, a);
  settings.AddMember("required", required, a);
  doc.AddMember("settings", settings, a);
  return ToPrettyJson(doc) + "\n";
}

std::string DefaultText(const SettingSpec& spec) {
  if (spec.default_value.empty()) return "None";
  std::string text(spec.default_value);
  if (text.size() >= 2 && text.front() == '"') text = text.substr(1, text.size() - 2);
  return text;
}

}  // namespace

std::string MeltanoSettingsYaml(int indent) {
  const std::string pad(static_cast<size_t>(indent), ' ');
  std::string out = pad + "settings:\n";
  for (const SettingSpec& spec : SettingSpecs()) {
    out += fmt::format("{}- name: {}\n", pad, spec.name);
    out += fmt::format("{}  kind: {}\n", pad, MeltanoKind(spec.kind));
    if (spec.secret) out += pad + "  sensitive: true\n";
    // Defaults are JSON text, which YAML reads as the same value.
    if (!spec.default_value.empty()) out += fmt::format("{}  value: {}\n", pad, spec.default_value);
    // A JSON string is a valid YAML double-quoted scalar, whatever the description contains.
    rapidjson::Value description(
        rapidjson::StringRef(spec.description.data(), spec.description.size()));
    out += fmt::format("{}  description: {}\n", pad, ToJson(description));
  }
  return out;
}

std::string MeltanoSelectYaml(int indent, const std::vector<std::string>& streams) {
  const std::string pad(static_cast<size_t>(indent), ' ');
  std::string out = pad + "select:\n";
  const std::vector<StreamDef> defs = AllStreams({});
  for (const std::string& name : streams) {
    auto def =
        std::find_if(defs.begin(), defs.end(), [&](const StreamDef& d) { return d.name == name; });
    if (def == defs.end()) continue;
    if (def->report == nullptr) {
      out += fmt::format("{}- {}.*\n", pad, name);
      continue;
    }
    for (const std::string& metric : def->report->default_metrics) {
      out += fmt::format("{}- {}.{}\n", pad, name, metric);
    }
  }
  return out;
}

std::string AboutText(std::string_view format) {
  if (format == "json") return Json();
  if (format == "markdown") {
    std::string out = fmt::format("# `{}`\n\n{}\n\nBuilt with C++; version {}.\n\n", kTapName,
                                  kDescription, kTapVersion);
    out += "## Capabilities\n\n";
    for (const char* c : kCapabilities) out += fmt::format("* `{}`\n", c);
    out += "\n## Settings\n\n";
    out += "| Setting | Required | Default | Description |\n";
    out += "|:--------|:--------:|:-------:|:------------|\n";
    for (const SettingSpec& spec : SettingSpecs()) {
      std::string description(spec.description);
      if (!spec.aliases.empty()) {
        description += " Also accepted as";
        for (size_t i = 0; i < spec.aliases.size(); ++i) {
          description += fmt::format("{} `{}`", i == 0 ? "" : ",", spec.aliases[i]);
        }
        description += ".";
      }
      if (spec.secret) description += " Secret: never logged.";
      out += fmt::format("| {} | {} | {} | {} |\n", spec.name, spec.required ? "True" : "False",
                         DefaultText(spec), description);
    }
    out += fmt::format(
        "\nA full list of supported settings and capabilities is available by running: `{} "
        "--about`\n",
        kTapName);
    return out;
  }
  std::string out = fmt::format("Name: {}\nDescription: {}\nVersion: {}\nCapabilities:\n", kTapName,
                                kDescription, kTapVersion);
  for (const char* c : kCapabilities) out += fmt::format("  - {}\n", c);
  out += "Settings:\n";
  for (const SettingSpec& spec : SettingSpecs()) {
    out += fmt::format("  - Name: {}\n    Type: {}\n    Required: {}\n", spec.name,
                       JsonSchemaType(spec.kind), spec.required ? "yes" : "no");
  }
  return out;
}

}  // namespace tap
