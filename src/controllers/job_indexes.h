// Completion indexes of Indexed Jobs: the index a pod runs, and status.completedIndexes in
// Kubernetes' compressed form ("1,3-5,7,8").
#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>

#include "util/json.h"

namespace skiff::controllers {

inline constexpr const char* kJobCompletionIndexKey = "batch.kubernetes.io/job-completion-index";

// The pod's completion index (from its annotation, else its label), if it is a valid one
// below completions.
std::optional<int64_t> pod_completion_index(const Json& pod, int64_t completions);

// Parses "1,3-5,7"; indexes at or above completions and malformed parts are dropped.
std::set<int64_t> parse_index_ranges(std::string_view text, int64_t completions);
std::string format_index_ranges(const std::set<int64_t>& indexes);

}  // namespace skiff::controllers
