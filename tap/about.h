#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace tap {

/// The --about output: `format` is "json" (the Meltano SDK's shape), "markdown" (the settings
/// section README carries) or empty (plain text).
std::string AboutText(std::string_view format);

/// The `settings:` list of the extractor in a meltano.yml (name, kind, sensitive, default value,
/// description), each line indented by `indent` spaces. examples/meltano/meltano.yml carries it
/// (a test fails when they differ).
std::string MeltanoSettingsYaml(int indent);

/// The `select:` list of a meltano.yml for `streams`: every field of a stream without metrics
/// ("campaigns.*"), and a report stream's default metrics by name, because Meltano selects
/// everything a pattern matches (`ad_insights_daily.*` is every one of its 800 metrics).
/// examples/meltano/meltano.yml carries it for its streams (a test fails when they differ).
std::string MeltanoSelectYaml(int indent, const std::vector<std::string>& streams);

}  // namespace tap
