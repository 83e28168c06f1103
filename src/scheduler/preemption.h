// Preemption (Kubernetes' DefaultPreemption post-filter): for a pod that fits nowhere, find a
// node where evicting lower-priority pods would let it fit, with the fewest and least
// important victims.
#pragma once

#include <string>
#include <vector>

#include "scheduler/algorithm.h"
#include "scheduler/cache.h"

namespace skiff::scheduler {

struct PreemptionResult {
  std::string node;  // empty: preemption cannot help
  std::vector<PodInfoPtr> victims;
  // Why not, as the post-filter part of the FitError ("preemption: 0/3 nodes are available: ...").
  std::string message;
};

PreemptionResult preempt(const Algorithm& algorithm, Cache& cache, const PodInfo& pod, const FitError& fit);

}  // namespace skiff::scheduler
