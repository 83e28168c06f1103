// The enumerations kube-apiserver 1.33 validates (Unsupported value: ... supported values: ...).
// The OpenAPI facts carry no enums for built-in types, so they are declared here, per named
// type and field, and attached to the schema nodes when the registry is built. An empty
// string in a list means "absent/empty is accepted too" and is not shown in messages.
#include "api/builtin_facts.h"

namespace skiff::api::internal {


const std::vector<EnumFact>& enum_facts() {
  static const std::vector<std::string_view> protocols = {"SCTP", "TCP", "UDP"};
  static const std::vector<std::string_view> access_modes = {"ReadOnlyMany", "ReadWriteMany", "ReadWriteOnce",
                                                             "ReadWriteOncePod"};
  static const std::vector<std::string_view> pull_policies = {"Always", "IfNotPresent", "Never"};
  static const std::vector<std::string_view> message_policies = {"FallbackToLogsOnError", "File"};
  static const std::vector<std::string_view> taint_effects = {"NoExecute", "NoSchedule", "PreferNoSchedule"};
  static const std::vector<EnumFact> facts = {
      {"io.k8s.api.core.v1.PodSpec", "restartPolicy", {"Always", "Never", "OnFailure"}},
      {"io.k8s.api.core.v1.PodSpec", "dnsPolicy", {"ClusterFirst", "ClusterFirstWithHostNet", "Default", "None"}},
      {"io.k8s.api.core.v1.PodSpec", "preemptionPolicy", {"Never", "PreemptLowerPriority"}},
      {"io.k8s.api.core.v1.Container", "imagePullPolicy", pull_policies},
      {"io.k8s.api.core.v1.Container", "terminationMessagePolicy", message_policies},
      {"io.k8s.api.core.v1.EphemeralContainer", "imagePullPolicy", pull_policies},
      {"io.k8s.api.core.v1.EphemeralContainer", "terminationMessagePolicy", message_policies},
      {"io.k8s.api.core.v1.ContainerPort", "protocol", protocols},
      {"io.k8s.api.core.v1.ServicePort", "protocol", protocols},
      {"io.k8s.api.core.v1.EndpointPort", "protocol", protocols},
      {"io.k8s.api.core.v1.ServiceSpec", "type", {"ClusterIP", "ExternalName", "LoadBalancer", "NodePort"}},
      {"io.k8s.api.core.v1.ServiceSpec", "sessionAffinity", {"ClientIP", "None"}},
      {"io.k8s.api.core.v1.ServiceSpec", "externalTrafficPolicy", {"Cluster", "Local"}},
      {"io.k8s.api.core.v1.ServiceSpec", "internalTrafficPolicy", {"Cluster", "Local"}},
      {"io.k8s.api.core.v1.ServiceSpec", "ipFamilyPolicy", {"PreferDualStack", "RequireDualStack", "SingleStack"}},
      {"io.k8s.api.core.v1.ServiceSpec", "ipFamilies[]", {"IPv4", "IPv6"}},
      {"io.k8s.api.core.v1.HTTPGetAction", "scheme", {"HTTP", "HTTPS"}},
      {"io.k8s.api.core.v1.Toleration", "operator", {"", "Equal", "Exists"}},
      {"io.k8s.api.core.v1.Toleration", "effect", {"", "NoExecute", "NoSchedule", "PreferNoSchedule"}},
      {"io.k8s.api.core.v1.Taint", "effect", taint_effects},
      {"io.k8s.api.core.v1.NodeSelectorRequirement", "operator", {"DoesNotExist", "Exists", "Gt", "In", "Lt", "NotIn"}},
      {"io.k8s.apimachinery.pkg.apis.meta.v1.LabelSelectorRequirement", "operator",
       {"DoesNotExist", "Exists", "In", "NotIn"}},
      {"io.k8s.api.core.v1.TopologySpreadConstraint", "whenUnsatisfiable", {"DoNotSchedule", "ScheduleAnyway"}},
      {"io.k8s.api.core.v1.PersistentVolumeClaimSpec", "accessModes[]", access_modes},
      {"io.k8s.api.core.v1.PersistentVolumeClaimSpec", "volumeMode", {"Block", "Filesystem"}},
      {"io.k8s.api.core.v1.PersistentVolumeSpec", "accessModes[]", access_modes},
      {"io.k8s.api.core.v1.PersistentVolumeSpec", "volumeMode", {"Block", "Filesystem"}},
      {"io.k8s.api.core.v1.PersistentVolumeSpec", "persistentVolumeReclaimPolicy", {"Delete", "Recycle", "Retain"}},
      {"io.k8s.api.core.v1.LimitRangeItem", "type", {"Container", "PersistentVolumeClaim", "Pod"}},
      {"io.k8s.api.core.v1.SeccompProfile", "type", {"Localhost", "RuntimeDefault", "Unconfined"}},
      {"io.k8s.api.apps.v1.DeploymentStrategy", "type", {"Recreate", "RollingUpdate"}},
      {"io.k8s.api.apps.v1.StatefulSetSpec", "podManagementPolicy", {"OrderedReady", "Parallel"}},
      {"io.k8s.api.apps.v1.StatefulSetUpdateStrategy", "type", {"OnDelete", "RollingUpdate"}},
      {"io.k8s.api.apps.v1.DaemonSetUpdateStrategy", "type", {"OnDelete", "RollingUpdate"}},
      {"io.k8s.api.apps.v1.StatefulSetPersistentVolumeClaimRetentionPolicy", "whenDeleted", {"Delete", "Retain"}},
      {"io.k8s.api.apps.v1.StatefulSetPersistentVolumeClaimRetentionPolicy", "whenScaled", {"Delete", "Retain"}},
      {"io.k8s.api.batch.v1.JobSpec", "completionMode", {"Indexed", "NonIndexed"}},
      {"io.k8s.api.batch.v1.JobSpec", "podReplacementPolicy", {"Failed", "TerminatingOrFailed"}},
      {"io.k8s.api.batch.v1.CronJobSpec", "concurrencyPolicy", {"Allow", "Forbid", "Replace"}},
      {"io.k8s.api.batch.v1.PodFailurePolicyRule", "action", {"Count", "FailIndex", "FailJob", "Ignore"}},
      {"io.k8s.api.batch.v1.PodFailurePolicyOnExitCodesRequirement", "operator", {"In", "NotIn"}},
      {"io.k8s.api.autoscaling.v2.MetricSpec", "type", {"ContainerResource", "External", "Object", "Pods", "Resource"}},
      {"io.k8s.api.autoscaling.v2.MetricTarget", "type", {"AverageValue", "Utilization", "Value"}},
      {"io.k8s.api.autoscaling.v2.HPAScalingRules", "selectPolicy", {"Disabled", "Max", "Min"}},
      {"io.k8s.api.autoscaling.v2.HPAScalingPolicy", "type", {"Percent", "Pods"}},
      {"io.k8s.api.networking.v1.HTTPIngressPath", "pathType", {"Exact", "ImplementationSpecific", "Prefix"}},
      {"io.k8s.api.networking.v1.NetworkPolicySpec", "policyTypes[]", {"Egress", "Ingress"}},
      {"io.k8s.api.networking.v1.NetworkPolicyPort", "protocol", protocols},
      {"io.k8s.api.networking.v1.IngressClassParametersReference", "scope", {"Cluster", "Namespace"}},
      {"io.k8s.api.discovery.v1.EndpointSlice", "addressType", {"FQDN", "IPv4", "IPv6"}},
      {"io.k8s.api.discovery.v1.EndpointPort", "protocol", protocols},
      {"io.k8s.api.storage.v1.StorageClass", "reclaimPolicy", {"Delete", "Retain"}},
      {"io.k8s.api.storage.v1.StorageClass", "volumeBindingMode", {"Immediate", "WaitForFirstConsumer"}},
      {"io.k8s.api.scheduling.v1.PriorityClass", "preemptionPolicy", {"Never", "PreemptLowerPriority"}},
      {"io.k8s.api.policy.v1.PodDisruptionBudgetSpec", "unhealthyPodEvictionPolicy", {"AlwaysAllow", "IfHealthyBudget"}},
      {"io.k8s.api.rbac.v1.Subject", "kind", {"Group", "ServiceAccount", "User"}},
  };
  return facts;
}

}  // namespace skiff::api::internal
