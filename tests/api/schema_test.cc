// Discovery facts and schema lookup of the built-in schema registry.
#include "api/schema.h"

#include <gtest/gtest.h>

#include <algorithm>

namespace skiff::api {
namespace {

const SchemaRegistry& reg() { return SchemaRegistry::builtin(); }

bool contains(const std::vector<std::string>& v, std::string_view s) { return std::find(v.begin(), v.end(), s) != v.end(); }

TEST(SchemaRegistryDiscovery, ServesEveryRequestedKind) {
  const std::vector<std::tuple<std::string, std::string, std::string>> kinds = {
      {"", "v1", "Namespace"}, {"", "v1", "Pod"}, {"", "v1", "Service"}, {"", "v1", "Endpoints"},
      {"", "v1", "ConfigMap"}, {"", "v1", "Secret"}, {"", "v1", "ServiceAccount"}, {"", "v1", "Node"},
      {"", "v1", "Event"}, {"", "v1", "PersistentVolume"}, {"", "v1", "PersistentVolumeClaim"},
      {"", "v1", "LimitRange"}, {"", "v1", "ResourceQuota"}, {"apps", "v1", "Deployment"},
      {"apps", "v1", "ReplicaSet"}, {"apps", "v1", "StatefulSet"}, {"apps", "v1", "DaemonSet"},
      {"apps", "v1", "ControllerRevision"}, {"batch", "v1", "Job"}, {"batch", "v1", "CronJob"},
      {"autoscaling", "v1", "HorizontalPodAutoscaler"}, {"autoscaling", "v2", "HorizontalPodAutoscaler"},
      {"networking.k8s.io", "v1", "Ingress"}, {"networking.k8s.io", "v1", "IngressClass"},
      {"networking.k8s.io", "v1", "NetworkPolicy"}, {"rbac.authorization.k8s.io", "v1", "Role"},
      {"rbac.authorization.k8s.io", "v1", "ClusterRole"}, {"rbac.authorization.k8s.io", "v1", "RoleBinding"},
      {"rbac.authorization.k8s.io", "v1", "ClusterRoleBinding"}, {"coordination.k8s.io", "v1", "Lease"},
      {"discovery.k8s.io", "v1", "EndpointSlice"}, {"policy", "v1", "PodDisruptionBudget"},
      {"events.k8s.io", "v1", "Event"}, {"storage.k8s.io", "v1", "StorageClass"},
      {"scheduling.k8s.io", "v1", "PriorityClass"}, {"apiextensions.k8s.io", "v1", "CustomResourceDefinition"}};
  for (const auto& [g, v, k] : kinds) {
    const ResourceInfo* info = reg().find_kind(g, v, k);
    ASSERT_NE(info, nullptr) << g << "/" << v << " " << k;
    EXPECT_NE(info->schema, nullptr) << k;
    EXPECT_EQ(info->list_kind, k + "List");
    EXPECT_EQ(info->singular, [&] { std::string s = k; for (auto& c : s) c = std::tolower(c); return s; }());
    EXPECT_EQ(reg().find_resource(g, v, info->resource), info) << k;
    EXPECT_EQ(reg().type(info->type_name), info->schema) << k;
  }
  EXPECT_EQ(reg().resources().size(), kinds.size());
}

TEST(SchemaRegistryDiscovery, DeploymentFacts) {
  const ResourceInfo* d = reg().find_resource("apps", "v1", "deployments");
  ASSERT_NE(d, nullptr);
  EXPECT_EQ(d->gvk.kind, "Deployment");
  EXPECT_TRUE(d->namespaced);
  EXPECT_EQ(d->short_names, std::vector<std::string>{"deploy"});
  EXPECT_EQ(d->categories, std::vector<std::string>{"all"});
  EXPECT_EQ(d->verbs, (std::vector<std::string>{"create", "delete", "deletecollection", "get", "list", "patch",
                                                "update", "watch"}));
  EXPECT_EQ(d->subresources, (std::vector<std::string>{"scale", "status"}));
  const SubresourceInfo* scale = d->find_subresource("scale");
  ASSERT_NE(scale, nullptr);
  EXPECT_EQ(scale->gvk, (GroupVersionKind{"autoscaling", "v1", "Scale"}));
  EXPECT_EQ(scale->verbs, (std::vector<std::string>{"get", "patch", "update"}));
  EXPECT_EQ(d->qualified_kind(), "Deployment.apps");
}

TEST(SchemaRegistryDiscovery, NamespaceIsClusterScopedWithoutDeleteCollection) {
  const ResourceInfo* ns = reg().find_resource("", "v1", "namespaces");
  ASSERT_NE(ns, nullptr);
  EXPECT_FALSE(ns->namespaced);
  EXPECT_EQ(ns->short_names, std::vector<std::string>{"ns"});
  EXPECT_FALSE(contains(ns->verbs, "deletecollection"));
  EXPECT_TRUE(contains(ns->subresources, "finalize"));
  EXPECT_TRUE(contains(ns->subresources, "status"));
}

TEST(SchemaRegistryDiscovery, PodSubresourcesMatchKubeApiserver) {
  const ResourceInfo* pod = reg().find_kind("", "v1", "Pod");
  ASSERT_NE(pod, nullptr);
  EXPECT_EQ(pod->short_names, std::vector<std::string>{"po"});
  EXPECT_EQ(pod->categories, std::vector<std::string>{"all"});
  EXPECT_EQ(pod->subresources, (std::vector<std::string>{"attach", "binding", "ephemeralcontainers", "eviction", "exec",
                                                         "log", "portforward", "proxy", "resize", "status"}));
  const SubresourceInfo* eviction = pod->find_subresource("eviction");
  ASSERT_NE(eviction, nullptr);
  EXPECT_EQ(eviction->gvk, (GroupVersionKind{"policy", "v1", "Eviction"}));
  EXPECT_EQ(eviction->verbs, std::vector<std::string>{"create"});
  EXPECT_EQ(pod->find_subresource("exec")->verbs, (std::vector<std::string>{"create", "get"}));
  EXPECT_EQ(pod->find_subresource("log")->verbs, std::vector<std::string>{"get"});
}

TEST(SchemaRegistryDiscovery, ShortNamesAsKubectlApiResourcesShows) {
  const std::vector<std::tuple<std::string, std::string, std::string>> expected = {
      {"", "configmaps", "cm"}, {"", "services", "svc"}, {"", "endpoints", "ep"}, {"", "nodes", "no"},
      {"", "persistentvolumes", "pv"}, {"", "persistentvolumeclaims", "pvc"}, {"", "serviceaccounts", "sa"},
      {"", "limitranges", "limits"}, {"", "resourcequotas", "quota"}, {"", "events", "ev"},
      {"apps", "replicasets", "rs"}, {"apps", "statefulsets", "sts"}, {"apps", "daemonsets", "ds"},
      {"batch", "cronjobs", "cj"}, {"networking.k8s.io", "ingresses", "ing"},
      {"networking.k8s.io", "networkpolicies", "netpol"}, {"policy", "poddisruptionbudgets", "pdb"},
      {"storage.k8s.io", "storageclasses", "sc"}, {"scheduling.k8s.io", "priorityclasses", "pc"},
      {"events.k8s.io", "events", "ev"}};
  for (const auto& [group, resource, short_name] : expected) {
    const ResourceInfo* info = reg().find_resource(group, group == "" || group == "events.k8s.io" ? "v1" : "v1", resource);
    ASSERT_NE(info, nullptr) << resource;
    EXPECT_EQ(info->short_names, std::vector<std::string>{short_name}) << resource;
  }
  const ResourceInfo* hpa = reg().find_resource("autoscaling", "v2", "horizontalpodautoscalers");
  ASSERT_NE(hpa, nullptr);
  EXPECT_EQ(hpa->short_names, std::vector<std::string>{"hpa"});
  EXPECT_EQ(hpa->categories, std::vector<std::string>{"all"});
  EXPECT_TRUE(reg().find_resource("batch", "v1", "jobs")->short_names.empty());
}

TEST(SchemaRegistryDiscovery, CategoryAllOnlyOnWorkloadsAndServices) {
  for (const ResourceInfo* info : reg().resources()) {
    const bool expect_all = info->resource == "pods" || info->resource == "services" ||
                            info->resource == "deployments" || info->resource == "replicasets" ||
                            info->resource == "statefulsets" || info->resource == "daemonsets" ||
                            info->resource == "jobs" || info->resource == "cronjobs" ||
                            info->resource == "horizontalpodautoscalers";
    EXPECT_EQ(contains(info->categories, "all"), expect_all) << info->resource;
  }
}

TEST(SchemaRegistryDiscovery, ClusterScopedKinds) {
  for (const ResourceInfo* info : reg().resources()) {
    const bool cluster = info->resource == "namespaces" || info->resource == "nodes" ||
                         info->resource == "persistentvolumes" || info->resource == "clusterroles" ||
                         info->resource == "clusterrolebindings" || info->resource == "ingressclasses" ||
                         info->resource == "storageclasses" || info->resource == "priorityclasses" ||
                         info->resource == "customresourcedefinitions";
    EXPECT_EQ(info->namespaced, !cluster) << info->resource;
  }
}

TEST(SchemaRegistryDiscovery, UnknownLookupsReturnNull) {
  EXPECT_EQ(reg().find_resource("apps", "v1", "widgets"), nullptr);
  EXPECT_EQ(reg().find_kind("apps", "v2", "Deployment"), nullptr);
  EXPECT_EQ(reg().type("io.k8s.api.core.v1.Nope"), nullptr);
}

TEST(SchemaRegistrySchemas, PatchMetadataOfPodSpecLists) {
  const Schema* spec = reg().type("io.k8s.api.core.v1.PodSpec");
  ASSERT_NE(spec, nullptr);
  const Schema* containers = spec->field("containers");
  ASSERT_NE(containers, nullptr);
  EXPECT_EQ(containers->type, Schema::Type::kArray);
  EXPECT_EQ(containers->patch_strategy, "merge");
  EXPECT_EQ(containers->patch_merge_key, "name");
  EXPECT_EQ(containers->list_type, "map");
  EXPECT_EQ(containers->list_map_keys, std::vector<std::string>{"name"});
  EXPECT_EQ(containers->items->type_name, "io.k8s.api.core.v1.Container");
  EXPECT_EQ(spec->field("volumes")->patch_strategy, "merge,retainKeys");
}

TEST(SchemaRegistrySchemas, RefWithOwnPatchStrategyKeepsTheTypesFields) {
  const Schema* strategy = reg().type("io.k8s.api.apps.v1.DeploymentSpec")->field("strategy");
  ASSERT_NE(strategy, nullptr);
  EXPECT_EQ(strategy->patch_strategy, "retainKeys");
  EXPECT_EQ(strategy->type_name, "io.k8s.api.apps.v1.DeploymentStrategy");
  ASSERT_NE(strategy->field("rollingUpdate"), nullptr);
  EXPECT_EQ(strategy->field("type")->enum_values, (std::vector<std::string>{"Recreate", "RollingUpdate"}));
}

TEST(SchemaRegistrySchemas, SpecialTypes) {
  const Schema* port = reg().type("io.k8s.api.core.v1.ServicePort");
  EXPECT_EQ(port->field("targetPort")->type, Schema::Type::kIntOrString);
  EXPECT_EQ(port->field("port")->format, "int32");
  const Schema* reqs = reg().type("io.k8s.api.core.v1.ResourceRequirements");
  EXPECT_EQ(reqs->field("limits")->additional_properties->type, Schema::Type::kQuantity);
  const Schema* raw = reg().type("io.k8s.apimachinery.pkg.runtime.RawExtension");
  EXPECT_TRUE(raw->preserve_unknown_fields);
  const Schema* labels = reg().type("io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta")->field("labels");
  EXPECT_EQ(labels->additional_properties->type, Schema::Type::kString);
  EXPECT_NE(reg().type("io.k8s.apimachinery.pkg.apis.meta.v1.Status"), nullptr);
  EXPECT_NE(reg().type("io.k8s.apimachinery.pkg.apis.meta.v1.DeleteOptions"), nullptr);
  EXPECT_NE(reg().type("io.k8s.api.autoscaling.v1.Scale"), nullptr);
}

}  // namespace
}  // namespace skiff::api
