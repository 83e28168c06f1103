// The downward API's values, shared by environment variables and downwardAPI/projected volumes:
// the pod's metadata fields (labels and annotations as whole maps, too) and containers' resources.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "util/json.h"
#include "util/result.h"

namespace skiff::agent::cri {

// What a container's unset limits stand for, as the kubelet defaults them for the downward API.
struct NodeAllocatable {
  int64_t cpu_millis = 0;
  int64_t memory_bytes = 0;
  int64_t ephemeral_storage_bytes = 0;
};

// A labels or annotations map as the kubelet writes it to a file: key="value" lines sorted by key,
// values quoted as Go's %q does, no newline after the last.
std::string format_metadata_map(const Json& map);

// metadata.name, .namespace, .uid, .labels, .annotations and the subscripted labels['k'] and
// annotations['k']; nullopt for any other path (the caller may know more fields).
std::optional<std::string> metadata_field_value(const Json& pod, const std::string& field_path);

// A resourceFieldRef's value: the container named by ref.containerName, else `current` (may be
// null when the ref must name one); unset limits are the node's allocatable amounts; the value is
// divided by the divisor and rounded up. Errors carry reason CreateContainerConfigError.
Result<std::string> resource_field_value(const Json& pod, const Json* current, const Json& ref,
                                         const NodeAllocatable& node);

}  // namespace skiff::agent::cri
