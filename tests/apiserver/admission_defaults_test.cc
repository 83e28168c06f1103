#include <gtest/gtest.h>

#include "admission_test_util.h"
#include "apiserver/admission_default_tolerations.h"

namespace skiff::apiserver {
namespace {

using testing::AdmissionCluster;
using testing::container;
using testing::pod;

Json claim(const std::string& name, const Json& storage_class = nullptr) {
  Json pvc = {{"apiVersion", "v1"},
              {"kind", "PersistentVolumeClaim"},
              {"metadata", {{"name", name}, {"namespace", "default"}}},
              {"spec", {{"accessModes", Json::array({"ReadWriteOnce"})},
                        {"resources", {{"requests", {{"storage", "1Gi"}}}}}}}};
  if (!storage_class.is_null()) pvc["spec"]["storageClassName"] = storage_class;
  return pvc;
}

Json storage_class(const std::string& name, bool is_default) {
  Json sc = {{"apiVersion", "storage.k8s.io/v1"},
             {"kind", "StorageClass"},
             {"metadata", {{"name", name}}},
             {"provisioner", "example.com/x"}};
  if (is_default) sc["metadata"]["annotations"]["storageclass.kubernetes.io/is-default-class"] = "true";
  return sc;
}

TEST(DefaultStorageClass, FillsInTheDefaultClassOnlyWhenUnset) {
  AdmissionCluster cluster({"DefaultStorageClass"});
  Json before = cluster.create("", "v1", "persistentvolumeclaims", claim("before-any-class"));
  EXPECT_FALSE(before["spec"].contains("storageClassName"));
  cluster.create("storage.k8s.io", "v1", "storageclasses", storage_class("slow", false));
  cluster.create("storage.k8s.io", "v1", "storageclasses", storage_class("local-path", true));
  EXPECT_EQ(cluster.create("", "v1", "persistentvolumeclaims", claim("unset"))["spec"]["storageClassName"], "local-path");
  EXPECT_EQ(cluster.create("", "v1", "persistentvolumeclaims", claim("explicit", "slow"))["spec"]["storageClassName"],
            "slow");
  EXPECT_EQ(cluster.create("", "v1", "persistentvolumeclaims", claim("none", ""))["spec"]["storageClassName"], "");
}

TEST(DefaultTolerationSeconds, AddsNotReadyAndUnreachableTolerations) {
  AdmissionCluster cluster({"DefaultTolerationSeconds"});
  Json created = cluster.create("", "v1", "pods", pod("web", Json::array({container("c")})));
  const Json& t = created["spec"]["tolerations"];
  ASSERT_EQ(t.size(), 2u);
  EXPECT_EQ(t[0], Json::parse(R"({"key":"node.kubernetes.io/not-ready","operator":"Exists","effect":"NoExecute",
                                  "tolerationSeconds":300})"));
  EXPECT_EQ(t[1]["key"], "node.kubernetes.io/unreachable");
  EXPECT_EQ(t[1]["tolerationSeconds"], 300);
}

TEST(DefaultTolerationSeconds, SecondsComeFromOptionsAndTheSetter) {
  AdmissionOptions options;
  options.default_not_ready_toleration_seconds = 60;
  options.default_unreachable_toleration_seconds = 30;
  AdmissionCluster cluster({"DefaultTolerationSeconds"}, options);
  Json a = cluster.create("", "v1", "pods", pod("a", Json::array({container("c")})));
  EXPECT_EQ(a["spec"]["tolerations"][0]["tolerationSeconds"], 60);
  EXPECT_EQ(a["spec"]["tolerations"][1]["tolerationSeconds"], 30);
  auto* plugin = dynamic_cast<DefaultTolerationSeconds*>(cluster.admission().plugin("DefaultTolerationSeconds"));
  ASSERT_NE(plugin, nullptr);
  plugin->set_toleration_seconds(5, 6);
  Json b = cluster.create("", "v1", "pods", pod("b", Json::array({container("c")})));
  EXPECT_EQ(b["spec"]["tolerations"][0]["tolerationSeconds"], 5);
  EXPECT_EQ(b["spec"]["tolerations"][1]["tolerationSeconds"], 6);
}

TEST(DefaultTolerationSeconds, KeepsTolerationsThePodAlreadyHas) {
  AdmissionCluster cluster({"DefaultTolerationSeconds"});
  Json p = pod("web", Json::array({container("c")}));
  p["spec"]["tolerations"] = Json::array(
      {{{"key", "node.kubernetes.io/unreachable"}, {"operator", "Exists"}, {"effect", "NoExecute"},
        {"tolerationSeconds", 10}}});
  Json created = cluster.create("", "v1", "pods", p);
  const Json& t = created["spec"]["tolerations"];
  ASSERT_EQ(t.size(), 2u);
  EXPECT_EQ(t[0]["tolerationSeconds"], 10);
  EXPECT_EQ(t[1]["key"], "node.kubernetes.io/not-ready");
}

TEST(ServiceAccountAdmission, DefaultsTheServiceAccountName) {
  AdmissionCluster cluster({"ServiceAccount"});
  EXPECT_EQ(cluster.create("", "v1", "pods", pod("a", Json::array({container("c")})))["spec"]["serviceAccountName"],
            "default");
  Json named = pod("b", Json::array({container("c")}));
  named["spec"]["serviceAccountName"] = "builder";
  EXPECT_EQ(cluster.create("", "v1", "pods", named)["spec"]["serviceAccountName"], "builder");
}

}  // namespace
}  // namespace skiff::apiserver
