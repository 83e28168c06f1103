#include "scheduler/plugins/plugins.h"

namespace skiff::scheduler::plugins {

PluginStatus TaintToleration::filter(const CycleState& state, const NodeInfo& node) const {
  for (const auto& taint : node.taints) {
    if (taint.effect != Taint::Effect::kNoSchedule && taint.effect != Taint::Effect::kNoExecute) continue;
    if (tolerates_all(state.pod.tolerations, taint)) continue;
    return PluginStatus::unresolvable("node(s) had untolerated taint {" + taint.key + ": " + taint.value + "}");
  }
  return {};
}

// The number of PreferNoSchedule taints the pod does not tolerate (fewer is better).
int64_t TaintToleration::score(const CycleState& state, const NodeInfo& node) const {
  int64_t count = 0;
  for (const auto& taint : node.taints) {
    if (taint.effect != Taint::Effect::kPreferNoSchedule) continue;
    bool tolerated = false;
    for (const auto& t : state.pod.tolerations)
      if ((!t.effect || *t.effect == Taint::Effect::kPreferNoSchedule) && t.tolerates(taint)) tolerated = true;
    if (!tolerated) ++count;
  }
  return count;
}

void TaintToleration::normalize(const CycleState&, std::vector<int64_t>& scores) const {
  default_normalize(scores, true);
}

}  // namespace skiff::scheduler::plugins
