#include "tap/about.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <rapidjson/document.h>
#include <algorithm>
#include <cctype>
#include <utility>

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
// What a working config holds (meltano.yml's settings_group_validation).
const std::vector<std::vector<std::string_view>> kSettingGroups = {
    {"access_token", "advertiser_ids", "start_date"},
    {"access_token", "app_id", "secret", "start_date"},
    {"access_token", "bc_ids", "start_date"},
};
// The wheel's distribution name: "tap-tiktok-ads" on PyPI is the singer-io tap.
constexpr std::string_view kPipUrl = "tap-tiktok-ads-native";

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

// A JSON string is a valid YAML double-quoted scalar, whatever the text contains.
std::string YamlQuote(std::string_view text) {
  return ToJson(rapidjson::Value(rapidjson::StringRef(text.data(), text.size())));
}

// "advertiser_ids" -> "Advertiser IDs": the label Hub shows for a setting.
std::string Label(std::string_view name) {
  static const std::vector<std::pair<std::string_view, std::string_view>> kWords = {
      {"id", "ID"}, {"ids", "IDs"}, {"api", "API"}, {"url", "URL"}, {"bc", "BC"}, {"mb", "MB"}};
  std::string out;
  for (size_t start = 0; start <= name.size();) {
    size_t end = std::min(name.find('_', start), name.size());
    std::string word(name.substr(start, end - start));
    auto special =
        std::find_if(kWords.begin(), kWords.end(), [&](const auto& w) { return w.first == word; });
    if (special != kWords.end()) {
      word = special->second;
    } else if (!word.empty()) {
      word[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(word[0])));
    }
    out += (out.empty() ? "" : " ") + word;
    start = end + 1;
  }
  return out;
}

std::string HubSettingsYaml() {
  std::string out = "settings:\n";
  for (const SettingSpec& spec : SettingSpecs()) {
    out += fmt::format("- name: {}\n  label: {}\n  kind: {}\n", spec.name, Label(spec.name),
                       MeltanoKind(spec.kind));
    if (spec.secret) out += "  sensitive: true\n";
    if (!spec.default_value.empty()) out += fmt::format("  value: {}\n", spec.default_value);
    out += fmt::format("  description: {}\n", YamlQuote(spec.description));
  }
  return out;
}

}  // namespace

std::string MeltanoGroupsYaml(int indent) {
  const std::string pad(static_cast<size_t>(indent), ' ');
  std::string out = pad + "settings_group_validation:\n";
  for (const auto& group : kSettingGroups) {
    out += fmt::format("{}- [{}]\n", pad, fmt::join(group, ", "));
  }
  return out;
}

std::string MeltanoHubYaml() {
  std::string out = fmt::format(
      "# The Meltano Hub plugin definition of {0}, written by the tap itself (a test keeps it\n"
      "# equal to the settings of `{0} --about`). Add the extractor to a project with\n"
      "#   meltano add --plugin-type extractor {0} --from-ref <this file>\n"
      "name: {0}\nvariant: {0}\nnamespace: tap_tiktok_ads\nlabel: TikTok Ads\n"
      "description: {1}\nrepo: {2}\ndocs: {2}#readme\npip_url: {3}\nexecutable: {0}\n"
      "maintenance_status: active\nkeywords: [tiktok, ads, marketing, singer, cpp]\n",
      kTapName, YamlQuote(kDescription), kTapHomepage, kPipUrl);
  out += "capabilities:\n";
  for (const char* c : kCapabilities) out += fmt::format("- {}\n", c);
  return out + MeltanoGroupsYaml(0) + HubSettingsYaml();
}

std::string MeltanoSettingsYaml(int indent) {
  const std::string pad(static_cast<size_t>(indent), ' ');
  std::string out = pad + "settings:\n";
  for (const SettingSpec& spec : SettingSpecs()) {
    out += fmt::format("{}- name: {}\n", pad, spec.name);
    out += fmt::format("{}  kind: {}\n", pad, MeltanoKind(spec.kind));
    if (spec.secret) out += pad + "  sensitive: true\n";
    // Defaults are JSON text, which YAML reads as the same value.
    if (!spec.default_value.empty()) out += fmt::format("{}  value: {}\n", pad, spec.default_value);
    out += fmt::format("{}  description: {}\n", pad, YamlQuote(spec.description));
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
