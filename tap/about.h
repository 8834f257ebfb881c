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

/// The extractor's settings_group_validation: the sets of settings a working config needs (a
/// token with advertiser ids, with the app's id and secret, or with Business Centers).
std::string MeltanoGroupsYaml(int indent);

/// The Meltano Hub plugin definition of the tap (name, variant, namespace, pip_url, executable,
/// capabilities, settings with kinds, labels, descriptions and sensitivity, group validation,
/// docs and repo). examples/meltano/hub/tap-tiktok-ads.yml carries it, for
/// `meltano add --plugin-type extractor tap-tiktok-ads --from-ref <that file>` (a test keeps them
/// equal).
std::string MeltanoHubYaml();

/// The `select:` list of a meltano.yml for `streams`: every field of a stream without metrics
/// ("campaigns.*"), and a report stream's default metrics by name, because Meltano selects
/// everything a pattern matches (`ad_insights_daily.*` is every one of its 800 metrics).
/// examples/meltano/meltano.yml carries it for its streams (a test fails when they differ).
std::string MeltanoSelectYaml(int indent, const std::vector<std::string>& streams);

}  // namespace tap
