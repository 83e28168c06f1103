// YAML <-> JSON as Kubernetes converts them (go-yaml v2 semantics; Skiff's own parser in util/yaml_*).
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

// Block-style YAML as Kubernetes writes it (sigs.k8s.io/yaml.JSONToYAML: keys in go-yaml's order).
std::string to_yaml(const Json& j);

}  // namespace skiff
