// NodeName, NodeUnschedulable and NodePorts: checks that need no per-cycle state.
#include "scheduler/plugins/plugins.h"

namespace skiff::scheduler::plugins {

PluginStatus NodeName::filter(const CycleState& state, const NodeInfo& node) const {
  const std::string& wanted = state.pod.node_name;
  if (wanted.empty() || wanted == node.name) return {};
  return PluginStatus::unresolvable(kReasonNodeName);
}

PluginStatus NodeUnschedulable::filter(const CycleState& state, const NodeInfo& node) const {
  if (!node.unschedulable) return {};
  static const Taint kUnschedulableTaint{"node.kubernetes.io/unschedulable", "", Taint::Effect::kNoSchedule};
  if (tolerates_all(state.pod.tolerations, kUnschedulableTaint)) return {};
  return PluginStatus::unresolvable(kReasonUnschedulable);
}

PluginStatus NodePorts::pre_filter(CycleState& state) {
  return state.pod.host_ports.empty() ? PluginStatus::skip() : PluginStatus{};
}

PluginStatus NodePorts::filter(const CycleState& state, const NodeInfo& node) const {
  for (const auto& wanted : state.pod.host_ports)
    for (const auto& used : node.used_ports)
      if (wanted.conflicts(used)) return PluginStatus::unschedulable(kReasonNodePorts);
  return {};
}

}  // namespace skiff::scheduler::plugins
