// The JSONPath subset CRD printer columns and scale paths use (client-go's jsonpath):
// ".spec.replicas", ".metadata.labels['app.kubernetes.io/name']", ".items[0]", ".items[*].name",
// ".status.conditions[?(@.type=="Ready")].status".
#pragma once

#include <string_view>
#include <vector>

#include "util/json.h"
#include "util/result.h"

namespace skiff::api {

// Every value the path selects, in document order (missing keys select nothing).
Result<std::vector<const Json*>> json_path_find(const Json& root, std::string_view path);

// Sets the value at a simple dotted path (".spec.replicas"), creating objects on the way.
Status json_path_set(Json& root, std::string_view path, Json value);

}  // namespace skiff::api
