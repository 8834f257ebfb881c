#include "tap/embedded_schemas.h"

namespace tap {

std::string_view EmbeddedSchema(std::string_view name) {
  for (const EmbeddedFile& file : EmbeddedSchemaFiles()) {
    if (file.name == name) return file.content;
  }
  return {};
}

}  // namespace tap
