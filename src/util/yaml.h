// YAML <-> JSON, with the scalar resolution Kubernetes' YAML decoder uses.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "util/json.h"

namespace skiff {

// One document. Errors give line and column ("yaml: line 3, column 5: ...").
Result<Json> parse_yaml(std::string_view text);

// A stream of "---"-separated documents; empty documents are dropped.
Result<std::vector<Json>> parse_yaml_documents(std::string_view text);

// Block-style YAML for display (keys in the JSON's order).
std::string to_yaml(const Json& j);

}  // namespace skiff
