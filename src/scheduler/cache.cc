#include "scheduler/cache.h"

#include <algorithm>

namespace skiff::scheduler {
namespace {

constexpr size_t kMaxCounters = 1024;

std::string group_key(TermGroup::Kind kind, const AffinityTerm& term) {
  return std::to_string(static_cast<int>(kind)) + ":" + std::to_string(term.weight) + ":" + term.topology_key +
         "\x1c" + term.signature();
}

void grow(std::vector<int32_t>& v, size_t size) {
  if (v.size() < size) v.resize(size, 0);
}

}  // namespace

// ---- SlotCounts ----

const std::vector<int32_t>& SlotCounts::by_domain(const Cache& cache, int32_t topology_id) {
  const TopologyIndex& topo = cache.topology(topology_id);
  for (auto& [id, counts] : per_domain_)
    if (id == topology_id) {
      grow(counts, topo.domain_names.size());
      return counts;
    }
  std::vector<int32_t> counts(topo.domain_names.size(), 0);
  for (int32_t slot = 0; slot < static_cast<int32_t>(per_slot_.size()); ++slot)
    if (per_slot_[slot] != 0)
      if (int32_t d = topo.domain(slot); d >= 0) counts[d] += per_slot_[slot];
  per_domain_.emplace_back(topology_id, std::move(counts));
  return per_domain_.back().second;
}

void SlotCounts::add(const Cache& cache, int32_t slot, int32_t delta) {
  grow(per_slot_, slot + 1);
  per_slot_[slot] += delta;
  total_ += delta;
  for (auto& [id, counts] : per_domain_) {
    int32_t d = cache.topology(id).domain(slot);
    if (d < 0) continue;
    grow(counts, d + 1);
    counts[d] += delta;
  }
}

void SlotCounts::move_slot(int32_t topology_id, int32_t slot, int32_t old_domain, int32_t new_domain) {
  int32_t n = at_slot(slot);
  if (n == 0) return;
  for (auto& [id, counts] : per_domain_) {
    if (id != topology_id) continue;
    if (old_domain >= 0) {
      grow(counts, old_domain + 1);
      counts[old_domain] -= n;
    }
    if (new_domain >= 0) {
      grow(counts, new_domain + 1);
      counts[new_domain] += n;
    }
  }
}

// ---- Cache ----

Cache::Cache() = default;
Cache::~Cache() = default;

NodeInfo* Cache::node(const std::string& name) const {
  auto it = nodes_.find(name);
  return it == nodes_.end() ? nullptr : it->second.get();
}

NodeInfo* Cache::node_for_pod(const std::string& name) {
  auto& entry = nodes_[name];
  if (!entry) {
    entry = std::make_unique<NodeInfo>();
    entry->name = name;
    if (!free_slots_.empty()) {
      entry->slot = free_slots_.back();
      free_slots_.pop_back();
      slots_[entry->slot] = entry.get();
    } else {
      entry->slot = static_cast<int32_t>(slots_.size());
      slots_.push_back(entry.get());
    }
    for (auto& topo : topologies_)
      if (topo->domain_of_slot.size() < slots_.size()) topo->domain_of_slot.resize(slots_.size(), -1);
  }
  return entry.get();
}

void Cache::set_topology(NodeInfo& node, bool present) {
  for (size_t id = 0; id < topologies_.size(); ++id) {
    TopologyIndex& topo = *topologies_[id];
    if (static_cast<int32_t>(topo.domain_of_slot.size()) <= node.slot) topo.domain_of_slot.resize(node.slot + 1, -1);
    int32_t old_domain = topo.domain_of_slot[node.slot];
    int32_t new_domain = -1;
    if (present)
      if (const std::string* value = node.labels.find(topo.key)) {
        auto [it, inserted] = topo.domain_ids.try_emplace(*value, static_cast<int32_t>(topo.domain_names.size()));
        if (inserted) {
          topo.domain_names.push_back(*value);
          topo.nodes_in_domain.push_back(0);
        }
        new_domain = it->second;
      }
    if (old_domain == new_domain) continue;
    if (old_domain >= 0) --topo.nodes_in_domain[old_domain], --topo.nodes_with_key;
    if (new_domain >= 0) ++topo.nodes_in_domain[new_domain], ++topo.nodes_with_key;
    topo.domain_of_slot[node.slot] = new_domain;
    for (auto& [sig, c] : counters_) c->counts.move_slot(static_cast<int32_t>(id), node.slot, old_domain, new_domain);
    for (auto& g : term_groups_) g->counts.move_slot(static_cast<int32_t>(id), node.slot, old_domain, new_domain);
  }
}

Status Cache::upsert_node(const Json& node) {
  std::string name = find_path(node, "metadata.name") ? get_string(node["metadata"], "name") : "";
  if (name.empty()) return Error::bad_request("node without metadata.name");
  NodeInfo tmp;
  SKIFF_TRY(apply_node_object(node, tmp));
  NodeInfo* info = node_for_pod(name);
  if (!info->has_node) node_list_.push_back(info);
  info->has_node = true;
  info->labels = std::move(tmp.labels);
  info->taints = std::move(tmp.taints);
  info->unschedulable = tmp.unschedulable;
  info->allocatable = std::move(tmp.allocatable);
  info->allowed_pods = tmp.allowed_pods;
  set_topology(*info, true);
  return ok_status();
}

void Cache::set_nomination(PodInfoPtr pod, const std::string& node) {
  clear_nomination(pod->key);
  if (node.empty()) return;
  nominated_node_of_[pod->key] = node;
  nominated_by_node_[node].push_back(std::move(pod));
}

void Cache::clear_nomination(const std::string& key) {
  auto it = nominated_node_of_.find(key);
  if (it == nominated_node_of_.end()) return;
  auto& pods = nominated_by_node_[it->second];
  pods.erase(std::remove_if(pods.begin(), pods.end(), [&](const PodInfoPtr& p) { return p->key == key; }), pods.end());
  if (pods.empty()) nominated_by_node_.erase(it->second);
  nominated_node_of_.erase(it);
}

const std::vector<PodInfoPtr>* Cache::nominated_on(const std::string& node) const {
  auto it = nominated_by_node_.find(node);
  return it == nominated_by_node_.end() ? nullptr : &it->second;
}

void Cache::remove_node(const std::string& name) {
  NodeInfo* info = node(name);
  if (!info || !info->has_node) return;
  info->has_node = false;
  node_list_.erase(std::find(node_list_.begin(), node_list_.end(), info));
  set_topology(*info, false);
  release_if_empty(info);
}

void Cache::release_if_empty(NodeInfo* info) {
  if (info->has_node || !info->pods.empty()) return;
  slots_[info->slot] = nullptr;
  free_slots_.push_back(info->slot);
  nodes_.erase(info->name);
}

void Cache::count_pod(const PodInfo& pod, int32_t slot, int32_t delta) {
  for (auto& [sig, c] : counters_)
    if (namespace_matches(c->namespaces, pod.ns, this) && c->selector.matches(pod.labels))
      c->counts.add(*this, slot, delta);
  auto count_terms = [&](TermGroup::Kind kind, const std::vector<AffinityTerm>& terms) {
    for (const auto& term : terms) {
      std::string key = group_key(kind, term);
      auto it = term_group_index_.find(key);
      TermGroup* group;
      if (it == term_group_index_.end()) {
        auto g = std::make_unique<TermGroup>();
        g->kind = kind;
        g->term = term;
        g->topology_id = topology_id(term.topology_key);
        group = g.get();
        term_groups_.push_back(std::move(g));
        term_group_index_[key] = group;
      } else {
        group = it->second;
      }
      group->counts.add(*this, slot, delta);
    }
  };
  count_terms(TermGroup::Kind::kRequiredAffinity, pod.required_affinity);
  count_terms(TermGroup::Kind::kRequiredAntiAffinity, pod.required_anti_affinity);
  count_terms(TermGroup::Kind::kPreferredAffinity, pod.preferred_affinity);
  count_terms(TermGroup::Kind::kPreferredAntiAffinity, pod.preferred_anti_affinity);
}

void Cache::place(PodInfoPtr pod, NodeInfo* node, bool assumed) {
  count_pod(*pod, node->slot, +1);
  std::string key = pod->key;
  node->add_pod(pod);
  pods_[key] = PodEntry{std::move(pod), node, assumed};
}

void Cache::unplace(const std::string& key) {
  auto it = pods_.find(key);
  if (it == pods_.end()) return;
  NodeInfo* node = it->second.node;
  count_pod(*it->second.pod, node->slot, -1);
  node->remove_pod(key);
  pods_.erase(it);
  release_if_empty(node);
}

void Cache::add_pod(PodInfoPtr pod) {
  if (pod->node_name.empty()) return;
  unplace(pod->key);
  NodeInfo* node = node_for_pod(pod->node_name);
  place(std::move(pod), node, false);
}

void Cache::remove_pod(const std::string& key) { unplace(key); }

void Cache::assume_pod(const PodInfo& pod, const std::string& node_name) {
  auto copy = std::make_shared<PodInfo>(pod);
  copy->node_name = node_name;
  unplace(copy->key);
  place(std::move(copy), node_for_pod(node_name), true);
}

void Cache::forget_pod(const std::string& key) {
  auto it = pods_.find(key);
  if (it != pods_.end() && it->second.assumed) unplace(key);
}

bool Cache::is_assumed(const std::string& key) const {
  auto it = pods_.find(key);
  return it != pods_.end() && it->second.assumed;
}

PodInfoPtr Cache::pod(const std::string& key) const {
  auto it = pods_.find(key);
  return it == pods_.end() ? nullptr : it->second.pod;
}

void Cache::set_namespace_labels(const std::string& ns, LabelSet labels) {
  auto& current = namespaces_[ns];
  if (current == labels) return;
  current = std::move(labels);
  for (auto& [sig, c] : counters_)
    if (c->namespaces.selector && !c->namespaces.all()) rebuild_counter(*c);
}

void Cache::remove_namespace(const std::string& ns) {
  if (namespaces_.erase(ns) == 0) return;
  for (auto& [sig, c] : counters_)
    if (c->namespaces.selector && !c->namespaces.all()) rebuild_counter(*c);
}

const LabelSet* Cache::labels(const std::string& ns) const {
  auto it = namespaces_.find(ns);
  return it == namespaces_.end() ? nullptr : &it->second;
}

int32_t Cache::topology_id(const std::string& key) {
  auto [it, inserted] = topology_ids_.try_emplace(key, static_cast<int32_t>(topologies_.size()));
  if (!inserted) return it->second;
  auto topo = std::make_unique<TopologyIndex>();
  topo->key = key;
  topo->domain_of_slot.assign(slots_.size(), -1);
  topologies_.push_back(std::move(topo));
  TopologyIndex& t = *topologies_.back();
  for (NodeInfo* n : node_list_) {
    const std::string* value = n->labels.find(key);
    if (!value) continue;
    auto [d, fresh] = t.domain_ids.try_emplace(*value, static_cast<int32_t>(t.domain_names.size()));
    if (fresh) {
      t.domain_names.push_back(*value);
      t.nodes_in_domain.push_back(0);
    }
    t.domain_of_slot[n->slot] = d->second;
    ++t.nodes_in_domain[d->second];
    ++t.nodes_with_key;
  }
  return it->second;
}

void Cache::rebuild_counter(MatchCounter& c) {
  c.counts = SlotCounts();
  for (const auto& [key, entry] : pods_)
    if (namespace_matches(c.namespaces, entry.pod->ns, this) && c.selector.matches(entry.pod->labels))
      c.counts.add(*this, entry.node->slot, 1);
}

MatchCounter& Cache::counter(const Selector& selector, const NamespaceMatcher& namespaces) {
  std::string sig = selector.signature() + "\x1d" + namespaces.signature();
  ++counter_clock_;
  auto it = counters_.find(sig);
  if (it != counters_.end()) {
    it->second->last_used = counter_clock_;
    return *it->second;
  }
  if (counters_.size() >= kMaxCounters) {
    // Evict the least recently used half; callers hold references only within one cycle,
    // and a cycle asks for far fewer counters than that.
    std::vector<std::pair<uint64_t, std::string>> ages;
    for (const auto& [s, c] : counters_) ages.emplace_back(c->last_used, s);
    std::sort(ages.begin(), ages.end());
    for (size_t i = 0; i < ages.size() / 2; ++i) counters_.erase(ages[i].second);
  }
  auto c = std::make_unique<MatchCounter>();
  c->selector = selector;
  c->namespaces = namespaces;
  c->last_used = counter_clock_;
  rebuild_counter(*c);
  return *counters_.emplace(std::move(sig), std::move(c)).first->second;
}

}  // namespace skiff::scheduler
