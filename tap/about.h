#pragma once

#include <string>
#include <string_view>

namespace tap {

/// The --about output: `format` is "json" (the Meltano SDK's shape), "markdown" (the settings
/// section README carries) or empty (plain text).
std::string AboutText(std::string_view format);

/// The `settings:` list of the extractor in a meltano.yml (name, kind, sensitive, default value,
/// description), each line indented by `indent` spaces. examples/meltano/meltano.yml carries it
/// (a test fails when they differ).
std::string MeltanoSettingsYaml(int indent);

}  // namespace tap
