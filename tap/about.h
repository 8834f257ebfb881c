#pragma once

#include <string>
#include <string_view>

namespace tap {

/// The --about output: `format` is "json" (the Meltano SDK's shape), "markdown" (the settings
/// section README carries) or empty (plain text).
std::string AboutText(std::string_view format);

}  // namespace tap
