// YAML and values documents as helm reads them (sigs.k8s.io/yaml into interface{}):
// every number is a float64, maps are map[string]interface{}.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "util/json.h"
#include "util/result.h"

namespace skiff::chart {

// One YAML document as JSON; numbers are floats (Go's float64). An empty document is null.
Result<Json> parse_yaml_json(std::string_view text, std::string_view source);

// helm's loader.LoadValues: every "---" document must be a map; later documents are
// merged over earlier ones (MergeMaps). Errors name `source`.
Result<Json> load_values(std::string_view text, std::string_view source);

// helm's loader.MergeMaps: maps merge recursively, anything else replaces.
Json merge_maps(const Json& a, const Json& b);

// sigs.k8s.io/yaml.Marshal of the values (trailing newline included).
Result<std::string> marshal_yaml(const Json& value);

}  // namespace skiff::chart
