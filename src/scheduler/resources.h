// Resource amounts as the scheduler counts them: integers (milli-CPU, bytes), with extended
// resources (nvidia.com/gpu, hugepages-2Mi) in a small sorted list.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "util/json.h"
#include "util/result.h"

namespace skiff::scheduler {

struct Resources {
  int64_t milli_cpu = 0;
  int64_t memory = 0;
  int64_t ephemeral_storage = 0;
  std::vector<std::pair<std::string, int64_t>> scalars;  // sorted by name

  int64_t scalar(const std::string& name) const;
  void add(const Resources& other);
  void subtract(const Resources& other);
  void max_with(const Resources& other);
  bool is_zero() const;
  friend bool operator==(const Resources&, const Resources&) = default;
};

// Defaults used when scoring pods that request nothing, as Kubernetes' non-zero requests.
inline constexpr int64_t kDefaultMilliCpuRequest = 100;
inline constexpr int64_t kDefaultMemoryRequest = 200 * 1024 * 1024;

// A v1.ResourceList ({"cpu": "500m", "memory": "1Gi", ...}). "pods" is returned separately by
// callers that need it (node allocatable); here it is skipped.
Result<Resources> resources_from_json(const Json* list);

// What a pod asks for: max(sum of containers + sidecars, largest init container step) +
// overhead, as Kubernetes' resource.PodRequests.
Result<Resources> pod_requests(const Json& pod_spec);

}  // namespace skiff::scheduler
