#pragma once

#include <string_view>
#include <vector>

namespace tap {

/// One file of schemas/, compiled into the binary.
struct EmbeddedFile {
  std::string_view name;  // "campaigns.json"
  std::string_view content;
};

/// Every schemas/*.json, sorted by name. Defined in the generated embedded_schemas.cpp.
const std::vector<EmbeddedFile>& EmbeddedSchemaFiles();

/// The content of schemas/<name>, or an empty view when there is no such file.
std::string_view EmbeddedSchema(std::string_view name);

}  // namespace tap
