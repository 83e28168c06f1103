// PodTopologySpread: DoNotSchedule constraints filter (skew of matching pods per topology
// domain, minDomains, nodeAffinityPolicy / nodeTaintsPolicy), ScheduleAnyway constraints score.
#include <cmath>
#include <limits>

#include "scheduler/plugins/domain_counts.h"
#include "scheduler/plugins/plugins.h"

namespace skiff::scheduler::plugins {
namespace {

struct Entry {
  const SpreadConstraint* constraint;
  DomainCounts counts;
  std::vector<int32_t> domains;  // domains of eligible nodes
  int32_t min_match = 0;
  bool self_match = false;
};

struct FilterState final : PluginState {
  std::vector<Entry> entries;
  std::vector<std::vector<int32_t>> owned;
  std::unique_ptr<PluginState> clone() const override {
    auto copy = std::make_unique<FilterState>(*this);
    for (auto& e : copy->entries)
      for (size_t i = 0; i < owned.size(); ++i)
        if (e.counts.base == &owned[i]) e.counts.base = &copy->owned[i];
    return copy;
  }
};

struct ScoreEntry {
  const SpreadConstraint* constraint;
  DomainCounts counts;
  double weight;
};

struct ScoreState final : PluginState {
  std::vector<ScoreEntry> entries;
  std::unique_ptr<PluginState> clone() const override { return std::make_unique<ScoreState>(*this); }
};

bool has_untolerated_taint(const PodInfo& pod, const NodeInfo& node) {
  for (const auto& t : node.taints)
    if ((t.effect == Taint::Effect::kNoSchedule || t.effect == Taint::Effect::kNoExecute) &&
        !tolerates_all(pod.tolerations, t))
      return true;
  return false;
}

bool node_included(const SpreadConstraint& c, const PodInfo& pod, const NodeInfo& node) {
  if (c.honor_node_affinity && !matches_node_selector_and_affinity(pod, node)) return false;
  if (c.honor_node_taints && has_untolerated_taint(pod, node)) return false;
  return true;
}

bool has_all_keys(const Cache& cache, const std::vector<int32_t>& tids, const NodeInfo& node) {
  for (int32_t tid : tids)
    if (cache.topology(tid).domain(node.slot) < 0) return false;
  return true;
}

void recompute_min(Entry& e) {
  int32_t lo = std::numeric_limits<int32_t>::max();
  for (int32_t d : e.domains) lo = std::min(lo, e.counts.at(d));
  e.min_match = e.domains.empty() ? 0 : lo;
}

void what_if(const PodTopologySpread* self, CycleState& state, const NodeInfo& node, const PodInfo& pod,
             int32_t change) {
  auto* s = state.get<FilterState>(self);
  if (!s || pod.ns != state.pod.ns) return;
  std::vector<int32_t> tids;
  for (const auto& e : s->entries) tids.push_back(e.counts.topology_id);
  if (!has_all_keys(state.cache, tids, node)) return;
  for (auto& e : s->entries) {
    if (!node_included(*e.constraint, state.pod, node) || !e.constraint->selector.matches(pod.labels)) continue;
    e.counts.adjust(state.cache.topology(e.counts.topology_id).domain(node.slot), change);
    recompute_min(e);
  }
}

}  // namespace

PluginStatus PodTopologySpread::pre_filter(CycleState& state) {
  Cache& cache = state.cache;
  const PodInfo& pod = state.pod;
  auto s = std::make_unique<FilterState>();
  std::vector<int32_t> tids;
  bool exact_from_index = true;
  const int32_t node_count = static_cast<int32_t>(cache.nodes().size());
  for (const auto& c : pod.spread_constraints) {
    if (!c.do_not_schedule) continue;
    Entry e;
    e.constraint = &c;
    e.counts.topology_id = cache.topology_id(c.topology_key);
    e.self_match = c.selector.matches(pod.labels);
    tids.push_back(e.counts.topology_id);
    if (c.honor_node_taints || (c.honor_node_affinity && pod.has_node_constraints())) exact_from_index = false;
    s->entries.push_back(std::move(e));
  }
  if (s->entries.empty()) return PluginStatus::skip();
  for (int32_t tid : tids)
    if (cache.topology(tid).nodes_with_key != node_count) exact_from_index = false;

  NamespaceMatcher own_namespace;
  own_namespace.names.push_back(pod.ns);
  if (exact_from_index) {
    // Every node is eligible and has every key: the cache's per-domain counts are the answer.
    for (auto& e : s->entries) {
      MatchCounter& counter = cache.counter(e.constraint->selector, own_namespace);
      e.counts.base = &counter.counts.by_domain(cache, e.counts.topology_id);
      const TopologyIndex& topo = cache.topology(e.counts.topology_id);
      for (int32_t d = 0; d < static_cast<int32_t>(topo.nodes_in_domain.size()); ++d)
        if (topo.nodes_in_domain[d] > 0) e.domains.push_back(d);
    }
  } else {
    s->owned.reserve(s->entries.size());
    std::vector<MatchCounter*> counters;
    std::vector<std::vector<char>> present;
    for (auto& e : s->entries) {
      counters.push_back(&cache.counter(e.constraint->selector, own_namespace));
      s->owned.emplace_back(cache.topology(e.counts.topology_id).domain_names.size(), 0);
      present.emplace_back(s->owned.back().size(), 0);
    }
    for (const NodeInfo* node : cache.nodes()) {
      if (!has_all_keys(cache, tids, *node)) continue;
      for (size_t i = 0; i < s->entries.size(); ++i) {
        if (!node_included(*s->entries[i].constraint, pod, *node)) continue;
        int32_t d = cache.topology(tids[i]).domain(node->slot);
        present[i][d] = 1;
        s->owned[i][d] += counters[i]->counts.at_slot(node->slot);
      }
    }
    for (size_t i = 0; i < s->entries.size(); ++i) {
      s->entries[i].counts.base = &s->owned[i];
      for (int32_t d = 0; d < static_cast<int32_t>(present[i].size()); ++d)
        if (present[i][d]) s->entries[i].domains.push_back(d);
    }
  }
  for (auto& e : s->entries) recompute_min(e);
  state.put(this, std::move(s));
  return {};
}

PluginStatus PodTopologySpread::filter(const CycleState& state, const NodeInfo& node) const {
  const auto* s = state.get<FilterState>(this);
  if (!s) return {};
  for (const auto& e : s->entries) {
    int32_t d = state.cache.topology(e.counts.topology_id).domain(node.slot);
    if (d < 0) return PluginStatus::unresolvable(kReasonSpreadMissingLabel);
    int32_t min_match = static_cast<int32_t>(e.domains.size()) < e.constraint->min_domains ? 0 : e.min_match;
    int32_t skew = e.counts.at(d) + (e.self_match ? 1 : 0) - min_match;
    if (skew > e.constraint->max_skew) return PluginStatus::unschedulable(kReasonSpread);
  }
  return {};
}

void PodTopologySpread::remove_pod(CycleState& state, const NodeInfo& node, const PodInfo& pod) const {
  what_if(this, state, node, pod, -1);
}

void PodTopologySpread::add_pod(CycleState& state, const NodeInfo& node, const PodInfo& pod) const {
  what_if(this, state, node, pod, +1);
}

bool PodTopologySpread::pre_score(CycleState& state, const std::vector<NodeInfo*>& feasible) {
  Cache& cache = state.cache;
  const PodInfo& pod = state.pod;
  auto s = std::make_unique<ScoreState>();
  NamespaceMatcher own_namespace;
  own_namespace.names.push_back(pod.ns);
  std::vector<int32_t> tids;
  for (const auto& c : pod.spread_constraints) {
    if (c.do_not_schedule) continue;
    int32_t tid = cache.topology_id(c.topology_key);
    MatchCounter& counter = cache.counter(c.selector, own_namespace);
    s->entries.push_back({&c, {tid, &counter.counts.by_domain(cache, tid), {}}, 0});
    tids.push_back(tid);
  }
  if (s->entries.empty()) return false;
  for (size_t i = 0; i < s->entries.size(); ++i) {
    // Weight by the number of domains among the feasible nodes, as Kubernetes does.
    std::vector<char> seen(cache.topology(tids[i]).domain_names.size(), 0);
    size_t domains = 0;
    for (const NodeInfo* node : feasible) {
      if (!has_all_keys(cache, tids, *node)) continue;
      int32_t d = cache.topology(tids[i]).domain(node->slot);
      if (!seen[d]) seen[d] = 1, ++domains;
    }
    s->entries[i].weight = std::log(static_cast<double>(domains + 2));
  }
  state.put(this, std::move(s));
  return true;
}

// -1 marks a node lacking a constraint's key (ignored by normalize, then scored 0).
int64_t PodTopologySpread::score(const CycleState& state, const NodeInfo& node) const {
  const auto* s = state.get<ScoreState>(this);
  double total = 0;
  for (const auto& e : s->entries) {
    int32_t d = state.cache.topology(e.counts.topology_id).domain(node.slot);
    if (d < 0) return -1;
    total += static_cast<double>(e.counts.at(d)) * e.weight + static_cast<double>(e.constraint->max_skew - 1);
  }
  return static_cast<int64_t>(std::round(total));
}

void PodTopologySpread::normalize(const CycleState&, std::vector<int64_t>& scores) const {
  int64_t lo = std::numeric_limits<int64_t>::max(), hi = 0;
  for (int64_t s : scores) {
    if (s < 0) continue;
    lo = std::min(lo, s);
    hi = std::max(hi, s);
  }
  for (int64_t& s : scores) {
    if (s < 0) s = 0;
    else if (hi == 0) s = kMaxNodeScore;
    else s = kMaxNodeScore * (hi + lo - s) / hi;
  }
}

}  // namespace skiff::scheduler::plugins
