// VolumeBinding's filter: the pod's volumes (resolved by the scheduler, volume_binding.h)
// must be reachable from the node.
#include "scheduler/plugins/plugins.h"

namespace skiff::scheduler::plugins {

PluginStatus VolumeBinding::pre_filter(CycleState& state) {
  const PodVolumes& v = state.pod.volumes;
  if (!v.unresolvable.empty()) return PluginStatus::unresolvable(v.unresolvable);
  if (v.every_node_fails.empty() && v.node_affinity.empty()) return PluginStatus::skip();
  return {};
}

PluginStatus VolumeBinding::filter(const CycleState& state, const NodeInfo& node) const {
  const PodVolumes& v = state.pod.volumes;
  if (!v.every_node_fails.empty()) return PluginStatus::unresolvable(v.every_node_fails);
  for (const auto& terms : v.node_affinity) {
    bool reachable = false;
    for (const auto& term : terms) reachable = reachable || node_selector_term_matches(term, node);
    if (!reachable) return PluginStatus::unresolvable(kReasonVolumeNodeConflict);
  }
  return {};
}

}  // namespace skiff::scheduler::plugins
