#include "scheduler/algorithm.h"

#include <algorithm>
#include <map>

namespace skiff::scheduler {

std::string FitError::message() const {
  if (num_all_nodes == 0 && statuses.empty() && pre_filter_message.empty())
    return "no nodes available to schedule pods";
  std::string msg = "0/" + std::to_string(num_all_nodes) + " nodes are available:";
  if (!pre_filter_message.empty()) {
    msg += " " + pre_filter_message + ".";
  } else {
    std::map<std::string, int> histogram;
    for (const auto& [node, status] : statuses)
      for (const auto& reason : status.reasons) ++histogram[reason];
    std::vector<std::string> parts;
    for (const auto& [reason, count] : histogram) parts.push_back(std::to_string(count) + " " + reason);
    // Kubernetes sorts the "<count> <reason>" strings themselves.
    std::sort(parts.begin(), parts.end());
    if (!parts.empty()) {
      msg += " ";
      for (size_t i = 0; i < parts.size(); ++i) msg += (i ? ", " : "") + parts[i];
      msg += ".";
    }
  }
  if (!post_filter_message.empty()) msg += " " + post_filter_message + ".";
  return msg;
}

int32_t feasible_nodes_to_find(int32_t all_nodes, int32_t percentage) {
  constexpr int32_t kMinFeasible = 100, kMinPercentage = 5;
  if (all_nodes < kMinFeasible) return all_nodes;
  if (percentage <= 0) percentage = std::max(50 - all_nodes / 125, kMinPercentage);
  if (percentage >= 100) return all_nodes;
  return std::max(static_cast<int32_t>(static_cast<int64_t>(all_nodes) * percentage / 100), kMinFeasible);
}

Algorithm::Algorithm(Profile profile, AlgorithmOptions options)
    : profile_(std::move(profile)), options_(options), rng_(options.seed | 1) {}

uint64_t Algorithm::next_random() {
  // xorshift64: tie-breaking only needs to be cheap and spread evenly.
  rng_ ^= rng_ << 13;
  rng_ ^= rng_ >> 7;
  rng_ ^= rng_ << 17;
  return rng_;
}

PluginStatus Algorithm::pre_filter(CycleState& state) const {
  state.active_filters.clear();
  for (FilterPlugin* f : profile_.filters) {
    PluginStatus s = f->pre_filter(state);
    if (s.code == Code::kSkip) continue;
    if (!s.ok()) return s;
    state.active_filters.push_back(f);
  }
  return {};
}

PluginStatus Algorithm::run_filters(const CycleState& state, const NodeInfo& node) const {
  for (const FilterPlugin* f : state.active_filters) {
    PluginStatus s = f->filter(state, node);
    if (!s.ok()) return s;
  }
  return {};
}

// As Kubernetes' RunFilterPluginsWithNominatedPods: a node must also fit the pod with the pods
// of at least its priority that a preemption nominated to the node counted on it, so a
// lower-priority pod cannot take the room a preemption freed.
PluginStatus Algorithm::filter(const CycleState& state, const NodeInfo& node) const {
  PluginStatus s = run_filters(state, node);
  if (!s.ok() || !state.cache.has_nominations()) return s;
  const std::vector<PodInfoPtr>* nominated = state.cache.nominated_on(node.name);
  if (!nominated) return s;
  NodeInfo with_nominated = node;
  bool added = false;
  for (const auto& p : *nominated) {
    if (p->key == state.pod.key || p->priority < state.pod.priority) continue;
    with_nominated.add_pod(p);
    added = true;
  }
  return added ? run_filters(state, with_nominated) : s;
}

ScheduleOutcome Algorithm::schedule(Cache& cache, const PodInfo& pod) {
  ScheduleOutcome out;
  const auto& nodes = cache.nodes();
  const int32_t n = static_cast<int32_t>(nodes.size());
  out.error.num_all_nodes = n;
  if (n == 0) return out;

  CycleState state(pod, cache);
  if (PluginStatus s = pre_filter(state); !s.ok()) {
    for (size_t i = 0; i < s.reasons.size(); ++i)
      out.error.pre_filter_message += (i ? ", " : "") + s.reasons[i];
    s.code = Code::kUnresolvable;
    for (const NodeInfo* node : nodes) out.error.statuses.emplace_back(node->name, s);
    return out;
  }

  // A node nominated by an earlier preemption is tried first.
  if (!pod.nominated_node_name.empty())
    if (NodeInfo* nominated = cache.node(pod.nominated_node_name); nominated && nominated->has_node)
      if (filter(state, *nominated).ok()) {
        out.node = nominated->name;
        out.evaluated_nodes = out.feasible_nodes = 1;
        return out;
      }

  const int32_t to_find = feasible_nodes_to_find(n, options_.percentage_of_nodes_to_score);
  std::vector<NodeInfo*> feasible;
  feasible.reserve(to_find);
  const size_t start = next_start_index_ % n;
  int32_t processed = 0;
  for (int32_t i = 0; i < n; ++i) {
    NodeInfo* node = nodes[(start + i) % n];
    ++processed;
    PluginStatus s = filter(state, *node);
    if (s.ok()) {
      feasible.push_back(node);
      if (static_cast<int32_t>(feasible.size()) >= to_find) break;
    } else {
      out.error.statuses.emplace_back(node->name, std::move(s));
    }
  }
  next_start_index_ = (start + processed) % n;
  out.evaluated_nodes = processed;
  out.feasible_nodes = static_cast<int32_t>(feasible.size());
  if (feasible.empty()) return out;
  out.error.statuses.clear();
  if (feasible.size() == 1) {
    out.node = feasible[0]->name;
    return out;
  }
  out.node = select_host(state, feasible);
  return out;
}

std::string Algorithm::select_host(CycleState& state, const std::vector<NodeInfo*>& feasible) {
  const size_t n = feasible.size();
  totals_.assign(n, 0);
  for (const auto& [plugin, weight] : profile_.scores) {
    if (!plugin->pre_score(state, feasible)) continue;
    scores_.resize(n);
    for (size_t i = 0; i < n; ++i) scores_[i] = plugin->score(state, *feasible[i]);
    plugin->normalize(state, scores_);
    for (size_t i = 0; i < n; ++i) totals_[i] += scores_[i] * weight;
  }
  // Highest total wins; ties are broken uniformly at random (reservoir sampling).
  size_t best = 0;
  uint64_t ties = 1;
  for (size_t i = 1; i < n; ++i) {
    if (totals_[i] > totals_[best]) {
      best = i;
      ties = 1;
    } else if (totals_[i] == totals_[best] && next_random() % ++ties == 0) {
      best = i;
    }
  }
  return feasible[best]->name;
}

}  // namespace skiff::scheduler
