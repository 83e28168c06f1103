// Builds Schema nodes and resource descriptions from the generated schema data
// (api/generated/schema_data.cc). Internal to the schema registry.
#pragma once

#include <deque>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "api/builtin_facts.h"
#include "api/schema.h"
#include "util/result.h"

namespace skiff::api::internal {

struct LoadedSchemas {
  std::deque<Schema> nodes;  // owns every node; deque keeps addresses stable
  std::map<std::string, const Schema*, std::less<>> named;
  std::vector<ResourceInfo> resources;  // schema, scope, verbs, subresources; no short names yet
};

// Parses the compiled-in JSON once; `enums` are attached to the named types' fields.
Result<std::unique_ptr<LoadedSchemas>> load_generated_schemas(const std::vector<EnumFact>& enums);

}  // namespace skiff::api::internal
