// A pod as the scheduler reads it, parsed once from JSON so that filters and scores never
// touch JSON.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "scheduler/label_set.h"
#include "scheduler/resources.h"
#include "util/json.h"
#include "util/result.h"

namespace skiff::scheduler {

struct Taint {
  enum class Effect { kNoSchedule, kPreferNoSchedule, kNoExecute, kOther };
  std::string key, value;
  Effect effect = Effect::kNoSchedule;
};

struct Toleration {
  std::string key;  // empty with Exists: every key
  bool exists = false;  // operator Exists (else Equal)
  std::string value;
  std::optional<Taint::Effect> effect;  // unset: every effect
  bool tolerates(const Taint& taint) const;
};

bool tolerates_all(const std::vector<Toleration>& tolerations, const Taint& taint);

// Node selector terms are ORed; the requirements (and fields) inside a term are ANDed.
struct NodeSelectorTerm {
  std::vector<Requirement> expressions;
  std::vector<Requirement> fields;  // only metadata.name is supported, as in Kubernetes
};

struct PreferredNodeTerm {
  int32_t weight = 0;
  NodeSelectorTerm term;
};

// Which namespaces an affinity term's selector looks in.
struct NamespaceMatcher {
  std::vector<std::string> names;        // listed namespaces (the pod's own when both are empty)
  std::optional<Selector> selector;      // namespaceSelector; {} selects every namespace
  bool all() const { return selector && selector->requirements.empty() && !selector->match_nothing; }
  std::string signature() const;
};

struct AffinityTerm {
  Selector selector;
  NamespaceMatcher namespaces;
  std::string topology_key;
  int32_t weight = 0;  // preferred terms only
  std::string signature() const;  // selector + namespaces (not the topology key)
};

struct SpreadConstraint {
  int32_t max_skew = 1;
  std::string topology_key;
  bool do_not_schedule = true;  // whenUnsatisfiable
  int32_t min_domains = 1;
  Selector selector;            // labelSelector plus matchLabelKeys
  bool honor_node_affinity = true;  // nodeAffinityPolicy (default Honor)
  bool honor_node_taints = false;   // nodeTaintsPolicy (default Ignore)
};

struct HostPort {
  std::string ip;  // "" or 0.0.0.0 means every address
  std::string protocol;
  int32_t port = 0;
  bool conflicts(const HostPort& other) const;
};

// What a pod's PersistentVolumeClaims demand of its node. Claims bind and volumes appear
// after the pod was parsed, so this is worked out at each scheduling attempt
// (volume_binding.h), not by parse_pod.
struct PodVolumes {
  std::string unresolvable;  // no node can help, e.g. persistentvolumeclaim "x" not found
  std::string every_node_fails;  // a per-node failure reason that holds for every node
  // Bound (or pre-bound) volumes' required node affinity: the node must match one term of each.
  std::vector<std::vector<NodeSelectorTerm>> node_affinity;
  // Unbound WaitForFirstConsumer claims to provision on the chosen node (claim names).
  std::vector<std::string> claims_to_provision;
};

struct PodInfo {
  std::string ns, name, uid, key;  // key: ns/name
  std::string node_name;
  std::string scheduler_name;
  std::string nominated_node_name;
  std::string priority_class_name;
  LabelSet labels;
  Resources requests;
  // cpu/memory with Kubernetes' defaults for pods requesting none: what scoring counts.
  int64_t nonzero_milli_cpu = 0, nonzero_memory = 0;
  int32_t priority = 0;
  bool preempt_never = false;
  bool terminating = false;
  int64_t creation_seconds = 0;  // metadata.creationTimestamp (0 when absent)

  LabelSet node_selector;
  std::optional<std::vector<NodeSelectorTerm>> required_node_affinity;
  std::vector<PreferredNodeTerm> preferred_node_affinity;
  std::vector<Toleration> tolerations;
  std::vector<HostPort> host_ports;
  std::vector<AffinityTerm> required_affinity, required_anti_affinity;
  std::vector<AffinityTerm> preferred_affinity, preferred_anti_affinity;
  std::vector<SpreadConstraint> spread_constraints;
  std::vector<std::string> claim_names;  // spec.volumes[].persistentVolumeClaim.claimName
  PodVolumes volumes;

  bool has_node_constraints() const { return !node_selector.empty() || required_node_affinity.has_value(); }
};

using PodInfoPtr = std::shared_ptr<const PodInfo>;

// 400 BadRequest on fields the scheduler cannot read (bad quantities, selectors).
Result<std::shared_ptr<PodInfo>> parse_pod(const Json& pod);
Result<NodeSelectorTerm> parse_node_selector_term(const Json& term);

// Whether a namespace matches, given the labels of namespaces (for namespaceSelector).
class NamespaceLabels {
 public:
  virtual ~NamespaceLabels() = default;
  virtual const LabelSet* labels(const std::string& ns) const = 0;
};
bool namespace_matches(const NamespaceMatcher& m, const std::string& ns, const NamespaceLabels* labels);
bool term_matches_pod(const AffinityTerm& term, const PodInfo& pod, const NamespaceLabels* labels);

}  // namespace skiff::scheduler
