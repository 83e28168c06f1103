// InterPodAffinity: required pod affinity / anti-affinity of the incoming pod, required
// anti-affinity of existing pods against it, and preferred terms (both sides) as scores.
// Counts come from the cache's incremental indexes, so a cycle does not scan every pod.
#include <limits>

#include "scheduler/plugins/domain_counts.h"
#include "scheduler/plugins/plugins.h"

namespace skiff::scheduler::plugins {
namespace {

struct ExistingAnti {
  DomainCounts counts;
  const TermGroup* group;
};

struct FilterState final : PluginState {
  std::vector<ExistingAnti> existing_anti;
  std::vector<DomainCounts> anti;      // one per required anti-affinity term of the pod
  std::vector<DomainCounts> affinity;  // one per required affinity term (pods matching all terms)
  std::vector<std::vector<int32_t>> owned;  // backing store for counts computed in this cycle
  bool any_affinity_match = false;
  bool pod_matches_own_affinity = false;
  std::unique_ptr<PluginState> clone() const override {
    auto copy = std::make_unique<FilterState>(*this);
    // Rebase pointers into owned storage onto the copy's storage.
    for (auto& c : copy->affinity)
      for (size_t i = 0; i < owned.size(); ++i)
        if (c.base == &owned[i]) c.base = &copy->owned[i];
    return copy;
  }
};

struct ScoreTerm {
  DomainCounts counts;
  int64_t weight;
};

struct ScoreState final : PluginState {
  std::vector<ScoreTerm> terms;
  std::unique_ptr<PluginState> clone() const override { return std::make_unique<ScoreState>(*this); }
};

bool matches_all(const std::vector<AffinityTerm>& terms, const PodInfo& pod, const NamespaceLabels* labels) {
  for (const auto& t : terms)
    if (!term_matches_pod(t, pod, labels)) return false;
  return !terms.empty();
}

int32_t domain_of(const Cache& cache, int32_t topology_id, const NodeInfo& node) {
  return cache.topology(topology_id).domain(node.slot);
}

bool same_term(const AffinityTerm& a, const AffinityTerm& b) {
  return a.topology_key == b.topology_key && a.signature() == b.signature();
}

void what_if(const InterPodAffinity* self, CycleState& state, const NodeInfo& node, const PodInfo& pod, int32_t change) {
  auto* s = state.get<FilterState>(self);
  if (!s) return;
  const Cache& cache = state.cache;
  const auto& anti_terms = state.pod.required_anti_affinity;
  for (size_t i = 0; i < s->anti.size(); ++i)
    if (term_matches_pod(anti_terms[i], pod, &cache))
      s->anti[i].adjust(domain_of(cache, s->anti[i].topology_id, node), change);
  if (matches_all(state.pod.required_affinity, pod, &cache))
    for (auto& c : s->affinity) c.adjust(domain_of(cache, c.topology_id, node), change);
  for (auto& e : s->existing_anti)
    for (const auto& t : pod.required_anti_affinity)
      if (same_term(t, e.group->term)) e.counts.adjust(domain_of(cache, e.counts.topology_id, node), change);
}

}  // namespace

PluginStatus InterPodAffinity::pre_filter(CycleState& state) {
  Cache& cache = state.cache;
  const PodInfo& pod = state.pod;
  auto s = std::make_unique<FilterState>();
  for (const auto& g : cache.term_groups()) {
    if (g->kind != TermGroup::Kind::kRequiredAntiAffinity || g->counts.total() == 0) continue;
    if (!term_matches_pod(g->term, pod, &cache)) continue;
    s->existing_anti.push_back({{g->topology_id, &g->counts.by_domain(cache, g->topology_id), {}}, g.get()});
  }
  for (const auto& term : pod.required_anti_affinity) {
    int32_t tid = cache.topology_id(term.topology_key);
    MatchCounter& counter = cache.counter(term.selector, term.namespaces);
    s->anti.push_back({tid, &counter.counts.by_domain(cache, tid), {}});
  }
  const auto& affinity = pod.required_affinity;
  if (affinity.size() == 1) {
    int32_t tid = cache.topology_id(affinity[0].topology_key);
    MatchCounter& counter = cache.counter(affinity[0].selector, affinity[0].namespaces);
    s->affinity.push_back({tid, &counter.counts.by_domain(cache, tid), {}});
    s->any_affinity_match = counter.counts.total() > 0;
  } else if (affinity.size() > 1) {
    // A pod counts for affinity only when it matches every term: no shared index for that.
    std::vector<int32_t> tids;
    for (const auto& t : affinity) {
      tids.push_back(cache.topology_id(t.topology_key));
      s->owned.emplace_back(cache.topology(tids.back()).domain_names.size(), 0);
    }
    cache.for_each_pod([&](const NodeInfo& node, const PodInfo& other) {
      if (!matches_all(affinity, other, &cache)) return;
      for (size_t i = 0; i < tids.size(); ++i)
        if (int32_t d = cache.topology(tids[i]).domain(node.slot); d >= 0) {
          ++s->owned[i][d];
          s->any_affinity_match = true;
        }
    });
    for (size_t i = 0; i < tids.size(); ++i) s->affinity.push_back({tids[i], &s->owned[i], {}});
  }
  s->pod_matches_own_affinity = matches_all(affinity, pod, &cache);
  if (s->existing_anti.empty() && s->anti.empty() && s->affinity.empty()) return PluginStatus::skip();
  state.put(this, std::move(s));
  return {};
}

PluginStatus InterPodAffinity::filter(const CycleState& state, const NodeInfo& node) const {
  const auto* s = state.get<FilterState>(this);
  if (!s) return {};
  const Cache& cache = state.cache;
  if (!s->affinity.empty()) {
    bool pods_exist = true;
    for (const auto& c : s->affinity) {
      int32_t d = domain_of(cache, c.topology_id, node);
      if (d < 0) return PluginStatus::unresolvable(kReasonAffinity);
      if (c.at(d) <= 0) pods_exist = false;
    }
    // The first pod of a group with affinity to itself may go anywhere the keys exist.
    if (!pods_exist && !(!s->any_affinity_match && s->pod_matches_own_affinity))
      return PluginStatus::unresolvable(kReasonAffinity);
  }
  for (const auto& c : s->anti)
    if (c.at(domain_of(cache, c.topology_id, node)) > 0) return PluginStatus::unschedulable(kReasonAntiAffinity);
  for (const auto& e : s->existing_anti)
    if (e.counts.at(domain_of(cache, e.counts.topology_id, node)) > 0)
      return PluginStatus::unschedulable(kReasonExistingAntiAffinity);
  return {};
}

void InterPodAffinity::remove_pod(CycleState& state, const NodeInfo& node, const PodInfo& pod) const {
  what_if(this, state, node, pod, -1);
}

void InterPodAffinity::add_pod(CycleState& state, const NodeInfo& node, const PodInfo& pod) const {
  what_if(this, state, node, pod, +1);
}

bool InterPodAffinity::pre_score(CycleState& state, const std::vector<NodeInfo*>&) {
  Cache& cache = state.cache;
  const PodInfo& pod = state.pod;
  auto s = std::make_unique<ScoreState>();
  auto add_own = [&](const std::vector<AffinityTerm>& terms, int64_t sign) {
    for (const auto& t : terms) {
      if (t.weight == 0) continue;
      int32_t tid = cache.topology_id(t.topology_key);
      MatchCounter& counter = cache.counter(t.selector, t.namespaces);
      if (counter.counts.total() == 0) continue;
      s->terms.push_back({{tid, &counter.counts.by_domain(cache, tid), {}}, sign * t.weight});
    }
  };
  add_own(pod.preferred_affinity, +1);
  add_own(pod.preferred_anti_affinity, -1);
  for (const auto& g : cache.term_groups()) {
    int64_t weight = 0;
    switch (g->kind) {
      case TermGroup::Kind::kRequiredAffinity: weight = 1; break;  // hardPodAffinityWeight
      case TermGroup::Kind::kPreferredAffinity: weight = g->term.weight; break;
      case TermGroup::Kind::kPreferredAntiAffinity: weight = -g->term.weight; break;
      case TermGroup::Kind::kRequiredAntiAffinity: continue;
    }
    if (weight == 0 || g->counts.total() == 0 || !term_matches_pod(g->term, pod, &cache)) continue;
    s->terms.push_back({{g->topology_id, &g->counts.by_domain(cache, g->topology_id), {}}, weight});
  }
  if (s->terms.empty()) return false;
  state.put(this, std::move(s));
  return true;
}

int64_t InterPodAffinity::score(const CycleState& state, const NodeInfo& node) const {
  const auto* s = state.get<ScoreState>(this);
  int64_t total = 0;
  for (const auto& t : s->terms) total += t.weight * t.counts.at(domain_of(state.cache, t.counts.topology_id, node));
  return total;
}

void InterPodAffinity::normalize(const CycleState&, std::vector<int64_t>& scores) const {
  if (scores.empty()) return;
  int64_t lo = std::numeric_limits<int64_t>::max(), hi = std::numeric_limits<int64_t>::min();
  for (int64_t s : scores) lo = std::min(lo, s), hi = std::max(hi, s);
  for (int64_t& s : scores)
    s = hi > lo ? static_cast<int64_t>(static_cast<double>(kMaxNodeScore) * static_cast<double>(s - lo) /
                                       static_cast<double>(hi - lo))
                : 0;
}

}  // namespace skiff::scheduler::plugins
