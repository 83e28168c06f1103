// What updates may not change, with Kubernetes' messages.
#include <gtest/gtest.h>

#include "api/schema.h"
#include "api/update_validation.h"

namespace skiff::api {
namespace {

std::vector<StatusCause> check(std::string_view group, std::string_view kind, const Json& obj, const Json& old) {
  const ResourceInfo* info = SchemaRegistry::builtin().find_kind(group, "v1", kind);
  EXPECT_NE(info, nullptr);
  FieldErrors errs;
  validate_update(*info, obj, old, errs);
  return errs.causes();
}

std::string text(const std::vector<StatusCause>& causes) {
  std::string out;
  for (const auto& c : causes) out += field_error_text(c) + "\n";
  return out;
}

Json deployment() {
  return Json::parse(R"({"spec":{"replicas":2,"selector":{"matchLabels":{"app":"web"}},
    "template":{"metadata":{"labels":{"app":"web"}},"spec":{"containers":[{"name":"web","image":"nginx:1"}]}}}})");
}

Json pod() {
  return Json::parse(R"({"spec":{"containers":[{"name":"a","image":"busybox:1","env":[{"name":"X","value":"1"}]}],
    "tolerations":[{"key":"k","operator":"Exists"}],"nodeName":"n1"}})");
}

TEST(UpdateValidation, DeploymentSelectorIsImmutableButEverythingElseMayChange) {
  Json changed = deployment();
  changed["spec"]["replicas"] = 5;
  changed["spec"]["template"]["spec"]["containers"][0]["image"] = "nginx:2";
  EXPECT_TRUE(check("apps", "Deployment", changed, deployment()).empty());

  changed["spec"]["selector"]["matchLabels"]["app"] = "api";
  auto causes = check("apps", "Deployment", changed, deployment());
  ASSERT_EQ(causes.size(), 1u);
  EXPECT_EQ(field_error_text(causes[0]),
            "spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{\"app\":\"api\"}, "
            "MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: field is immutable");
}

TEST(UpdateValidation, SelectorComparisonIgnoresZeroValues) {
  Json with_empty = deployment();
  with_empty["spec"]["selector"]["matchExpressions"] = Json::array();
  EXPECT_TRUE(check("apps", "DaemonSet", with_empty, deployment()).empty());
  EXPECT_TRUE(check("apps", "ReplicaSet", deployment(), with_empty).empty());
}

TEST(UpdateValidation, PodMayChangeImagesDeadlineAndAddTolerationsOnly) {
  Json changed = pod();
  changed["spec"]["containers"][0]["image"] = "busybox:2";
  changed["spec"]["activeDeadlineSeconds"] = 30;
  changed["spec"]["tolerations"].push_back({{"key", "other"}, {"operator", "Exists"}});
  EXPECT_TRUE(check("", "Pod", changed, pod()).empty()) << text(check("", "Pod", changed, pod()));

  Json env = pod();
  env["spec"]["containers"][0]["env"][0]["value"] = "2";
  auto causes = check("", "Pod", env, pod());
  ASSERT_EQ(causes.size(), 1u);
  EXPECT_EQ(causes[0].field, "spec");
  EXPECT_EQ(causes[0].message.rfind("Forbidden: pod updates may not change fields other than `spec.containers[*].image`", 0), 0u)
      << causes[0].message;
  EXPECT_NE(causes[0].message.find("spec.containers[0].env[0].value"), std::string::npos) << causes[0].message;

  Json removed = pod();
  removed["spec"].erase("tolerations");
  EXPECT_EQ(check("", "Pod", removed, pod()).size(), 1u) << "tolerations may only be added";

  Json moved = pod();
  moved["spec"]["nodeName"] = "n2";
  EXPECT_EQ(check("", "Pod", moved, pod()).size(), 1u);
}

TEST(UpdateValidation, PodActiveDeadlineMayOnlyShorten) {
  Json old = pod();
  old["spec"]["activeDeadlineSeconds"] = 30;
  Json longer = old;
  longer["spec"]["activeDeadlineSeconds"] = 60;
  EXPECT_EQ(text(check("", "Pod", longer, old)),
            "spec.activeDeadlineSeconds: Invalid value: 60: must be less than or equal to previous value\n");
  Json shorter = old;
  shorter["spec"]["activeDeadlineSeconds"] = 10;
  EXPECT_TRUE(check("", "Pod", shorter, old).empty());
}

TEST(UpdateValidation, StatefulSetSpecOutsideUpdatableFieldsIsForbidden) {
  Json old = Json::parse(R"({"spec":{"replicas":1,"serviceName":"web","selector":{"matchLabels":{"app":"web"}},
    "template":{"spec":{"containers":[{"name":"c","image":"a"}]}},
    "volumeClaimTemplates":[{"metadata":{"name":"data"},"spec":{"resources":{"requests":{"storage":"1Gi"}}}}]}})");
  Json scaled = old;
  scaled["spec"]["replicas"] = 3;
  scaled["spec"]["template"]["spec"]["containers"][0]["image"] = "b";
  scaled["spec"]["updateStrategy"] = {{"type", "OnDelete"}};
  EXPECT_TRUE(check("apps", "StatefulSet", scaled, old).empty());

  Json bigger = old;
  bigger["spec"]["volumeClaimTemplates"][0]["spec"]["resources"]["requests"]["storage"] = "2Gi";
  auto causes = check("apps", "StatefulSet", bigger, old);
  ASSERT_EQ(causes.size(), 1u);
  EXPECT_EQ(field_error_text(causes[0]),
            "spec: Forbidden: updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', "
            "'updateStrategy', 'revisionHistoryLimit', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' "
            "are forbidden");
}

TEST(UpdateValidation, JobTemplateAndCompletionsAreImmutable) {
  Json old = Json::parse(R"({"spec":{"completions":5,"parallelism":2,"selector":{"matchLabels":{"u":"1"}},
    "template":{"spec":{"containers":[{"name":"c","image":"a"}],"restartPolicy":"Never"}}}})");
  Json parallel = old;
  parallel["spec"]["parallelism"] = 4;
  EXPECT_TRUE(check("batch", "Job", parallel, old).empty());

  Json image = old;
  image["spec"]["template"]["spec"]["containers"][0]["image"] = "b";
  image["spec"]["completions"] = 6;
  auto causes = check("batch", "Job", image, old);
  ASSERT_EQ(causes.size(), 2u) << text(causes);
  EXPECT_EQ(causes[0].field, "spec.template");
  EXPECT_EQ(field_error_text(causes[1]), "spec.completions: Invalid value: 6: field is immutable");
}

TEST(UpdateValidation, ServiceClusterIPMayNotChangeOnceSet) {
  Json old = Json::parse(R"({"spec":{"type":"ClusterIP","clusterIP":"10.96.0.10","clusterIPs":["10.96.0.10"]}})");
  Json moved = Json::parse(R"({"spec":{"type":"ClusterIP","clusterIP":"10.96.0.11","clusterIPs":["10.96.0.11"]}})");
  EXPECT_EQ(text(check("", "Service", moved, old)),
            "spec.clusterIPs[0]: Invalid value: []string{\"10.96.0.11\"}: may not change once set\n");
  Json unset = Json::parse(R"({"spec":{"type":"ClusterIP"}})");
  EXPECT_TRUE(check("", "Service", unset, old).empty()) << "an omitted address keeps the allocated one";
}

TEST(UpdateValidation, ImmutableConfigMapKeepsDataAndMark) {
  Json old = Json::parse(R"({"immutable":true,"data":{"a":"1"}})");
  Json changed = Json::parse(R"({"immutable":true,"data":{"a":"2"}})");
  EXPECT_EQ(text(check("", "ConfigMap", changed, old)), "data: Forbidden: field is immutable when `immutable` is set\n");
  Json unmarked = Json::parse(R"({"immutable":false,"data":{"a":"1"}})");
  EXPECT_EQ(text(check("", "ConfigMap", unmarked, old)),
            "immutable: Forbidden: field is immutable when `immutable` is set\n");
  Json mutable_old = Json::parse(R"({"data":{"a":"1"}})");
  EXPECT_TRUE(check("", "ConfigMap", changed, mutable_old).empty());
}

TEST(UpdateValidation, SecretTypeIsImmutable) {
  Json old = Json::parse(R"({"type":"Opaque","data":{}})");
  Json tls = Json::parse(R"({"type":"kubernetes.io/tls","data":{}})");
  EXPECT_EQ(text(check("", "Secret", tls, old)), "type: Invalid value: \"kubernetes.io/tls\": field is immutable\n");
}

TEST(UpdateValidation, RoleBindingRoleRefCannotChange) {
  const ResourceInfo* info = SchemaRegistry::builtin().find_kind("rbac.authorization.k8s.io", "v1", "RoleBinding");
  ASSERT_NE(info, nullptr);
  Json old = Json::parse(R"({"roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"Role","name":"a"}})");
  Json changed = Json::parse(R"({"roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"ClusterRole","name":"view"}})");
  FieldErrors errs;
  validate_update(*info, changed, old, errs);
  EXPECT_EQ(text(errs.causes()),
            "roleRef: Invalid value: rbac.RoleRef{APIGroup:\"rbac.authorization.k8s.io\", Kind:\"ClusterRole\", "
            "Name:\"view\"}: cannot change roleRef\n");
}

TEST(UpdateValidation, ClaimMayBeBoundAndBoundClaimMayGrow) {
  Json old = Json::parse(R"({"spec":{"accessModes":["ReadWriteOnce"],"resources":{"requests":{"storage":"1Gi"}}},
    "status":{"phase":"Pending"}})");
  Json bound = old;
  bound["spec"]["volumeName"] = "pv-1";
  bound["spec"]["storageClassName"] = "local-path";
  EXPECT_TRUE(check("", "PersistentVolumeClaim", bound, old).empty());

  Json grown = old;
  grown["spec"]["resources"]["requests"]["storage"] = "2Gi";
  EXPECT_EQ(check("", "PersistentVolumeClaim", grown, old).size(), 1u) << "an unbound claim's spec is fixed";
  Json bound_old = old;
  bound_old["status"]["phase"] = "Bound";
  EXPECT_TRUE(check("", "PersistentVolumeClaim", grown, bound_old).empty());

  Json modes = bound_old;
  modes["spec"]["accessModes"] = {"ReadWriteMany"};
  auto causes = check("", "PersistentVolumeClaim", modes, bound_old);
  ASSERT_EQ(causes.size(), 1u);
  EXPECT_NE(causes[0].message.find("spec is immutable after creation"), std::string::npos);
}

}  // namespace
}  // namespace skiff::api
