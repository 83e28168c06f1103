// One-line descriptions that `kubectl explain` shows for kinds and their top-level fields.
#include <string>
#include <string_view>

#include "api/openapi_internal.h"

namespace skiff::api::openapi_internal {
namespace {

struct KindText {
  std::string_view kind;
  std::string_view text;
};

constexpr KindText kKinds[] = {
    {"Pod", "A group of containers scheduled together on one node, sharing network and volumes."},
    {"Service", "A stable virtual address and DNS name that load-balances to the pods its selector matches."},
    {"Endpoints", "The addresses and ports that currently back a Service."},
    {"EndpointSlice", "A subset of the network endpoints behind a Service."},
    {"ConfigMap", "Non-secret configuration data as key-value pairs, for pods to consume."},
    {"Secret", "Sensitive data (passwords, tokens, keys) as base64-encoded key-value pairs."},
    {"Namespace", "A scope for names; most objects live in exactly one namespace."},
    {"Node", "A machine that runs pods."},
    {"ServiceAccount", "An identity for processes that run in pods."},
    {"Event", "A report of something that happened to an object, for humans and tools to inspect."},
    {"PersistentVolume", "A piece of storage in the cluster, provisioned by an administrator or dynamically."},
    {"PersistentVolumeClaim", "A request for storage by a user, bound to a matching PersistentVolume."},
    {"LimitRange", "Default and maximum resource limits for the pods and containers in a namespace."},
    {"ResourceQuota", "Limits on the total resources that objects in a namespace may consume."},
    {"Deployment", "Declares a desired state for a set of identical pods and rolls updates out through ReplicaSets."},
    {"ReplicaSet", "Keeps a given number of identical pods running."},
    {"StatefulSet", "Runs pods with stable names and per-pod storage, created and updated in order."},
    {"DaemonSet", "Runs one copy of a pod on every (selected) node."},
    {"ControllerRevision", "An immutable snapshot of a controller's pod template, used for rollbacks."},
    {"Job", "Runs pods until a given number of them complete successfully."},
    {"CronJob", "Creates Jobs on a repeating schedule."},
    {"HorizontalPodAutoscaler", "Scales a workload's replica count to keep observed metrics near a target."},
    {"Ingress", "HTTP(S) routing rules from outside the cluster to Services."},
    {"IngressClass", "Names the controller that implements a class of Ingresses."},
    {"NetworkPolicy", "Which network traffic is allowed to and from the selected pods."},
    {"Role", "A set of permissions within one namespace."},
    {"ClusterRole", "A set of permissions that applies cluster-wide or can be bound in any namespace."},
    {"RoleBinding", "Grants the permissions of a Role or ClusterRole to subjects within a namespace."},
    {"ClusterRoleBinding", "Grants the permissions of a ClusterRole to subjects across the cluster."},
    {"Lease", "A lock with an expiry, used for leader election and node heartbeats."},
    {"PodDisruptionBudget", "Limits how many pods of a set may be down at once through voluntary disruptions."},
    {"StorageClass", "A kind of storage that PersistentVolumeClaims can request dynamically."},
    {"PriorityClass", "A named priority for pods, used for scheduling order and preemption."},
    {"Scale", "The desired and observed replica count of a scalable resource."},
    {"Eviction", "A request to evict a pod, subject to its PodDisruptionBudgets."},
    {"Binding", "Assigns a pod to a node."},
    {"TokenRequest", "A request for a service account token."},
    {"DeleteOptions", "Options for a delete request: grace period, preconditions and propagation policy."},
    {"Status", "The result of an operation that returns no object, such as an error."},
    {"WatchEvent", "One change to a watched object."},
    {"APIResourceList", "The resources a group-version serves."},
};

}  // namespace

std::string kind_description(std::string_view kind) {
  for (const auto& k : kKinds) {
    if (k.kind == kind) return std::string(k.text);
  }
  if (kind.ends_with("List")) return "A list of " + std::string(kind.substr(0, kind.size() - 4)) + " objects.";
  return "A " + std::string(kind) + " object.";
}

std::string_view field_description(std::string_view field, bool list) {
  if (field == "apiVersion") return "The versioned schema of this object, such as apps/v1.";
  if (field == "kind") return "The type of this object, such as Deployment.";
  if (field == "metadata") {
    return list ? "Standard list metadata: the resourceVersion of the list and a continue token."
                : "Standard object metadata: name, namespace, labels, annotations, owner references.";
  }
  if (field == "spec") return "The desired state of the object, set by its user.";
  if (field == "status") return "The most recently observed state of the object, written by the system.";
  if (field == "items") return list ? "The objects in the list." : "";
  return "";
}

}  // namespace skiff::api::openapi_internal
