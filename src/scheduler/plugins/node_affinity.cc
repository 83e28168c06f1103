// NodeAffinity: spec.nodeSelector and required node affinity filter; preferred terms score.
#include "scheduler/plugins/plugins.h"

namespace skiff::scheduler::plugins {
namespace {

bool field_matches(const Requirement& r, const NodeInfo& node) {
  if (r.key != "metadata.name") return false;
  bool listed = std::find(r.values.begin(), r.values.end(), node.name) != r.values.end();
  if (r.op == Requirement::Op::kIn) return listed;
  if (r.op == Requirement::Op::kNotIn) return !listed;
  return false;
}

}  // namespace

bool node_selector_term_matches(const NodeSelectorTerm& term, const NodeInfo& node) {
  if (term.expressions.empty() && term.fields.empty()) return false;
  for (const auto& r : term.expressions)
    if (!r.matches(node.labels)) return false;
  for (const auto& r : term.fields)
    if (!field_matches(r, node)) return false;
  return true;
}

bool matches_node_selector_and_affinity(const PodInfo& pod, const NodeInfo& node) {
  for (const auto& [key, value] : pod.node_selector.items()) {
    const std::string* v = node.labels.find(key);
    if (!v || *v != value) return false;
  }
  if (!pod.required_node_affinity) return true;
  for (const auto& term : *pod.required_node_affinity)
    if (node_selector_term_matches(term, node)) return true;
  return false;
}

PluginStatus NodeAffinity::pre_filter(CycleState& state) {
  return state.pod.has_node_constraints() ? PluginStatus{} : PluginStatus::skip();
}

PluginStatus NodeAffinity::filter(const CycleState& state, const NodeInfo& node) const {
  if (matches_node_selector_and_affinity(state.pod, node)) return {};
  return PluginStatus::unresolvable(kReasonNodeAffinity);
}

bool NodeAffinity::pre_score(CycleState& state, const std::vector<NodeInfo*>&) {
  return !state.pod.preferred_node_affinity.empty();
}

int64_t NodeAffinity::score(const CycleState& state, const NodeInfo& node) const {
  int64_t total = 0;
  for (const auto& p : state.pod.preferred_node_affinity)
    if (p.weight != 0 && node_selector_term_matches(p.term, node)) total += p.weight;
  return total;
}

void NodeAffinity::normalize(const CycleState&, std::vector<int64_t>& scores) const {
  default_normalize(scores, false);
}

}  // namespace skiff::scheduler::plugins
