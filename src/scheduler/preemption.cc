#include "scheduler/preemption.h"

#include <algorithm>
#include <unordered_map>

namespace skiff::scheduler {
namespace {

constexpr const char* kNoVictims = "No preemption victims found for incoming pod";
constexpr const char* kNotHelpful = "Preemption is not helpful for scheduling";

// Kubernetes' MoreImportantPod: higher priority, then the one that started earlier.
bool more_important(const PodInfoPtr& a, const PodInfoPtr& b) {
  if (a->priority != b->priority) return a->priority > b->priority;
  return a->creation_seconds < b->creation_seconds;
}

struct Candidate {
  NodeInfo* node;
  std::vector<PodInfoPtr> victims;  // most important first
};

void filter_remove(const Algorithm& algorithm, CycleState& state, NodeInfo& node, const PodInfo& pod) {
  node.remove_pod(pod.key);
  for (const FilterPlugin* f : algorithm.profile().filters) f->remove_pod(state, node, pod);
}

void filter_add(const Algorithm& algorithm, CycleState& state, NodeInfo& node, const PodInfoPtr& pod) {
  node.add_pod(pod);
  for (const FilterPlugin* f : algorithm.profile().filters) f->add_pod(state, node, *pod);
}

// The victims on one node, or why there are none.
PluginStatus select_victims(const Algorithm& algorithm, const CycleState& base, const NodeInfo& original,
                            Candidate& out) {
  const PodInfo& pod = base.pod;
  std::vector<PodInfoPtr> potential;
  for (const auto& p : original.pods)
    if (p->priority < pod.priority) potential.push_back(p);
  if (potential.empty()) return PluginStatus::unresolvable(kNoVictims);
  NodeInfo node = original;
  CycleState state = base.clone();
  for (const auto& p : potential) filter_remove(algorithm, state, node, *p);
  if (PluginStatus s = algorithm.filter(state, node); !s.ok()) return s;
  std::sort(potential.begin(), potential.end(), more_important);
  for (const auto& p : potential) {
    filter_add(algorithm, state, node, p);
    if (!algorithm.filter(state, node).ok()) {
      filter_remove(algorithm, state, node, *p);
      out.victims.push_back(p);
    }
  }
  if (out.victims.empty()) return {Code::kError, {"expected at least one victim pod on node " + original.name}};
  return {};
}

// Kubernetes' pickOneNodeForPreemption, without PodDisruptionBudgets.
const Candidate* pick(const std::vector<Candidate>& candidates) {
  const Candidate* best = nullptr;
  auto key = [](const Candidate& c) {
    int64_t highest = c.victims.front()->priority;
    int64_t sum = 0;
    for (const auto& v : c.victims) sum += static_cast<int64_t>(v->priority) + (int64_t{1} << 31);
    // Earliest start among the highest-priority victims: later is better.
    int64_t earliest = c.victims.front()->creation_seconds;
    for (const auto& v : c.victims)
      if (v->priority == highest) earliest = std::min(earliest, v->creation_seconds);
    return std::make_tuple(highest, sum, static_cast<int64_t>(c.victims.size()), -earliest);
  };
  for (const auto& c : candidates)
    if (!best || key(c) < key(*best)) best = &c;
  return best;
}

}  // namespace

PreemptionResult preempt(const Algorithm& algorithm, Cache& cache, const PodInfo& pod, const FitError& fit) {
  PreemptionResult result;
  if (pod.preempt_never) {
    result.message = "preemption: not eligible due to preemptionPolicy=Never.";
    return result;
  }
  if (!pod.nominated_node_name.empty())
    if (const NodeInfo* nominated = cache.node(pod.nominated_node_name))
      for (const auto& p : nominated->pods)
        if (p->terminating && p->priority < pod.priority) {
          result.message = "preemption: not eligible due to a terminating pod on the nominated node.";
          return result;
        }

  CycleState base(pod, cache);
  FitError why;
  why.num_all_nodes = static_cast<int32_t>(fit.statuses.size());
  std::vector<Candidate> candidates;
  if (!algorithm.pre_filter(base).ok()) {
    for (const auto& [name, status] : fit.statuses) why.statuses.emplace_back(name, PluginStatus::unresolvable(kNotHelpful));
  } else {
    const size_t wanted = std::max<size_t>(cache.nodes().size() / 10, 100);
    for (const auto& [name, status] : fit.statuses) {
      NodeInfo* node = cache.node(name);
      if (status.code != Code::kUnschedulable || !node || candidates.size() >= wanted) {
        why.statuses.emplace_back(name, PluginStatus::unresolvable(kNotHelpful));
        continue;
      }
      Candidate c{node, {}};
      PluginStatus s = select_victims(algorithm, base, *node, c);
      if (s.ok()) candidates.push_back(std::move(c));
      else why.statuses.emplace_back(name, std::move(s));
    }
  }
  if (const Candidate* best = pick(candidates)) {
    result.node = best->node->name;
    result.victims = best->victims;
    return result;
  }
  result.message = "preemption: " + why.message();
  return result;
}

}  // namespace skiff::scheduler
