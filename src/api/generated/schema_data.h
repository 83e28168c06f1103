// The schema registry's generated input (tools/gen_schema.py): compact JSON describing the
// served kinds' types and resources. Parsed once by the schema loader, then unused.
#pragma once

#include <cstddef>

namespace skiff::api::generated {

extern const char kSchemaData[];
extern const std::size_t kSchemaDataSize;

}  // namespace skiff::api::generated
