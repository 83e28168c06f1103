// Where a DaemonSet's pods belong, as Kubernetes' NodeShouldRunDaemonPod decides it: node name,
// nodeSelector, required node affinity and NoSchedule/NoExecute taints against the pod's
// tolerations plus the ones every daemon pod gets.
#pragma once

#include <string>

#include "util/json.h"

namespace skiff::controllers::daemon_set {

struct Placement {
  bool should_run = false;               // a pod should be created on the node
  bool should_continue_running = false;  // a pod already there may stay
};

// pod_spec: the DaemonSet's spec.template.spec.
Placement placement_on(const Json& node, const Json& pod_spec);

// Adds the tolerations of node conditions a daemon pod survives (not-ready and unreachable
// NoExecute without tolerationSeconds; disk/memory/pid pressure and unschedulable NoSchedule;
// network-unavailable NoSchedule with hostNetwork), replacing a matching one.
void add_daemon_tolerations(Json& pod_spec);
// Replaces required node affinity with matchFields metadata.name In [node], so the scheduler
// binds the pod to that node.
void pin_to_node(Json& pod_spec, const std::string& node);
// spec.nodeName, else the node the pod is pinned to by affinity; "" when neither.
std::string target_node(const Json& pod);

// Kubernetes' ToleratesTaint for one toleration list and one taint.
bool tolerates(const Json& tolerations, const Json& taint);
// Required node affinity semantics: terms are ORed; within a term every expression holds.
bool matches_node_selector_terms(const Json& terms, const Json& node);

}  // namespace skiff::controllers::daemon_set
