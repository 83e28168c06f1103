// Finds keys that appear twice in one JSON object, which encoding/json (and so Kubernetes)
// accepts silently but fieldValidation=Strict rejects.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace skiff {

// Dotted paths of duplicated fields ("metadata.name", "spec.containers[0].image"), in
// document order; empty for valid JSON without duplicates (and for invalid JSON).
std::vector<std::string> find_duplicate_json_fields(std::string_view text);

}  // namespace skiff
