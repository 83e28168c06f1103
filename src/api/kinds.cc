// Discovery facts kube-apiserver 1.33 reports that the OpenAPI documents lack: short names and
// categories (as `kubectl api-resources -o wide` shows them on a real cluster).
#include "api/builtin_facts.h"

namespace skiff::api::internal {

const std::vector<KindFacts>& kind_facts() {
  static const std::vector<KindFacts> facts = {
      {"", "Namespace", {"ns"}, {}},
      {"", "Pod", {"po"}, {"all"}},
      {"", "Service", {"svc"}, {"all"}},
      {"", "Endpoints", {"ep"}, {}},
      {"", "ConfigMap", {"cm"}, {}},
      {"", "Secret", {}, {}},
      {"", "ServiceAccount", {"sa"}, {}},
      {"", "Node", {"no"}, {}},
      {"", "Event", {"ev"}, {}},
      {"", "PersistentVolume", {"pv"}, {}},
      {"", "PersistentVolumeClaim", {"pvc"}, {}},
      {"", "LimitRange", {"limits"}, {}},
      {"", "ResourceQuota", {"quota"}, {}},
      {"apps", "Deployment", {"deploy"}, {"all"}},
      {"apps", "ReplicaSet", {"rs"}, {"all"}},
      {"apps", "StatefulSet", {"sts"}, {"all"}},
      {"apps", "DaemonSet", {"ds"}, {"all"}},
      {"apps", "ControllerRevision", {}, {}},
      {"batch", "Job", {}, {"all"}},
      {"batch", "CronJob", {"cj"}, {"all"}},
      {"autoscaling", "HorizontalPodAutoscaler", {"hpa"}, {"all"}},
      {"networking.k8s.io", "Ingress", {"ing"}, {}},
      {"networking.k8s.io", "IngressClass", {}, {}},
      {"networking.k8s.io", "NetworkPolicy", {"netpol"}, {}},
      {"rbac.authorization.k8s.io", "Role", {}, {}},
      {"rbac.authorization.k8s.io", "ClusterRole", {}, {}},
      {"rbac.authorization.k8s.io", "RoleBinding", {}, {}},
      {"rbac.authorization.k8s.io", "ClusterRoleBinding", {}, {}},
      {"coordination.k8s.io", "Lease", {}, {}},
      {"discovery.k8s.io", "EndpointSlice", {}, {}},
      {"policy", "PodDisruptionBudget", {"pdb"}, {}},
      {"events.k8s.io", "Event", {"ev"}, {}},
      {"storage.k8s.io", "StorageClass", {"sc"}, {}},
      {"scheduling.k8s.io", "PriorityClass", {"pc"}, {}},
      {"apiextensions.k8s.io", "CustomResourceDefinition", {"crd", "crds"}, {"api-extensions"}},
  };
  return facts;
}

}  // namespace skiff::api::internal
