// A node as the scheduler sees it: allocatable resources, labels and taints parsed once,
// plus the pods assigned (or assumed) to it and their summed requests.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "scheduler/label_set.h"
#include "scheduler/pod_info.h"
#include "scheduler/resources.h"
#include "util/json.h"
#include "util/result.h"

namespace skiff::scheduler {

struct NodeInfo {
  int32_t slot = -1;  // stable index for per-node counters in the cache
  std::string name;
  bool has_node = false;  // false while only pods name it (the Node is not known or was deleted)
  LabelSet labels;
  std::vector<Taint> taints;
  bool unschedulable = false;
  Resources allocatable;
  int64_t allowed_pods = 0;

  Resources requested;
  int64_t nonzero_milli_cpu = 0, nonzero_memory = 0;
  std::vector<PodInfoPtr> pods;
  std::vector<HostPort> used_ports;

  void add_pod(PodInfoPtr pod);
  // false when no pod with that key is on the node.
  bool remove_pod(const std::string& key);
};

// Reads labels, taints, spec.unschedulable and status.allocatable (capacity when allocatable
// is absent) into node, keeping its pods.
Status apply_node_object(const Json& node, NodeInfo& info);

}  // namespace skiff::scheduler
