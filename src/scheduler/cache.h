// The scheduler's view of the cluster: NodeInfos with their assigned and assumed pods, plus
// incrementally maintained indexes so that a scheduling cycle never scans every pod:
// topology domains per label key, counts of pods matching a selector per node and per
// domain, and groups of existing pods' (anti-)affinity terms.
// Not thread-safe: the owner (Scheduler) serialises access.
#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "scheduler/node_info.h"
#include "scheduler/pod_info.h"
#include "util/json.h"
#include "util/result.h"

namespace skiff::scheduler {

class Cache;

// Nodes grouped by the value of one label key.
struct TopologyIndex {
  std::string key;
  std::vector<int32_t> domain_of_slot;  // -1: the node lacks the key (or has no Node object)
  std::vector<std::string> domain_names;
  std::unordered_map<std::string, int32_t> domain_ids;
  std::vector<int32_t> nodes_in_domain;
  int32_t nodes_with_key = 0;

  int32_t domain(int32_t slot) const {
    return slot >= 0 && slot < static_cast<int32_t>(domain_of_slot.size()) ? domain_of_slot[slot] : -1;
  }
};

// Pod counts per node slot, and per topology domain for the keys asked for.
class SlotCounts {
 public:
  int32_t at_slot(int32_t slot) const {
    return slot < static_cast<int32_t>(per_slot_.size()) ? per_slot_[slot] : 0;
  }
  int64_t total() const { return total_; }
  // Counts by domain of the topology index (built on first use, then kept up to date).
  const std::vector<int32_t>& by_domain(const Cache& cache, int32_t topology_id);

 private:
  friend class Cache;
  void add(const Cache& cache, int32_t slot, int32_t delta);
  void move_slot(int32_t topology_id, int32_t slot, int32_t old_domain, int32_t new_domain);

  std::vector<int32_t> per_slot_;
  int64_t total_ = 0;
  std::deque<std::pair<int32_t, std::vector<int32_t>>> per_domain_;  // deque: references stay valid
};

// Pods matching a selector within a set of namespaces.
struct MatchCounter {
  Selector selector;
  NamespaceMatcher namespaces;
  SlotCounts counts;
  uint64_t last_used = 0;
};

// Existing pods carrying the same (anti-)affinity term.
struct TermGroup {
  enum class Kind { kRequiredAffinity, kRequiredAntiAffinity, kPreferredAffinity, kPreferredAntiAffinity };
  Kind kind;
  AffinityTerm term;
  int32_t topology_id = -1;
  SlotCounts counts;
};

class Cache : public NamespaceLabels {
 public:
  Cache();
  ~Cache() override;

  Status upsert_node(const Json& node);
  void remove_node(const std::string& name);

  // A pod the API server reports as assigned (spec.nodeName set); replaces an assumed copy.
  void add_pod(PodInfoPtr pod);
  void remove_pod(const std::string& key);
  // The scheduler's decision, counted before the binding is confirmed.
  void assume_pod(const PodInfo& pod, const std::string& node_name);
  void forget_pod(const std::string& key);
  bool is_assumed(const std::string& key) const;
  PodInfoPtr pod(const std::string& key) const;

  // Pending pods nominated to a node by a preemption (status.nominatedNodeName): the room they
  // were given is held for them against pods of lower priority. An empty node clears it.
  void set_nomination(PodInfoPtr pod, const std::string& node);
  void clear_nomination(const std::string& key);
  bool has_nominations() const { return !nominated_node_of_.empty(); }
  size_t nomination_count() const { return nominated_node_of_.size(); }
  // The pods nominated to the node, or nullptr.
  const std::vector<PodInfoPtr>* nominated_on(const std::string& node) const;

  void set_namespace_labels(const std::string& ns, LabelSet labels);
  void remove_namespace(const std::string& ns);
  const LabelSet* labels(const std::string& ns) const override;

  // Nodes that have a Node object, in a stable order (scheduling round-robins over it).
  const std::vector<NodeInfo*>& nodes() const { return node_list_; }
  NodeInfo* node(const std::string& name) const;
  size_t pod_count() const { return pods_.size(); }
  int32_t slot_capacity() const { return static_cast<int32_t>(slots_.size()); }

  int32_t topology_id(const std::string& key);
  const TopologyIndex& topology(int32_t id) const { return *topologies_[id]; }
  MatchCounter& counter(const Selector& selector, const NamespaceMatcher& namespaces);
  const std::vector<std::unique_ptr<TermGroup>>& term_groups() const { return term_groups_; }
  // Every pod on a node with a Node object (slow paths, tests).
  template <class F>
  void for_each_pod(F&& f) const {
    for (const NodeInfo* n : node_list_)
      for (const auto& p : n->pods) f(*n, *p);
  }

 private:
  struct PodEntry {
    PodInfoPtr pod;
    NodeInfo* node = nullptr;
    bool assumed = false;
  };
  NodeInfo* node_for_pod(const std::string& name);
  void place(PodInfoPtr pod, NodeInfo* node, bool assumed);
  void unplace(const std::string& key);
  void count_pod(const PodInfo& pod, int32_t slot, int32_t delta);
  void release_if_empty(NodeInfo* node);
  void set_topology(NodeInfo& node, bool present);
  void rebuild_counter(MatchCounter& c);

  std::unordered_map<std::string, std::unique_ptr<NodeInfo>> nodes_;
  std::unordered_map<std::string, std::vector<PodInfoPtr>> nominated_by_node_;
  std::unordered_map<std::string, std::string> nominated_node_of_;  // pod key -> node
  std::vector<NodeInfo*> node_list_;
  std::vector<NodeInfo*> slots_;
  std::vector<int32_t> free_slots_;
  std::unordered_map<std::string, PodEntry> pods_;
  std::unordered_map<std::string, LabelSet> namespaces_;
  std::vector<std::unique_ptr<TopologyIndex>> topologies_;
  std::unordered_map<std::string, int32_t> topology_ids_;
  std::unordered_map<std::string, std::unique_ptr<MatchCounter>> counters_;
  uint64_t counter_clock_ = 0;
  std::vector<std::unique_ptr<TermGroup>> term_groups_;
  std::unordered_map<std::string, TermGroup*> term_group_index_;
};

}  // namespace skiff::scheduler
