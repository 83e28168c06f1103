#include <gtest/gtest.h>

#include "admission_test_util.h"

namespace skiff::apiserver {
namespace {

using testing::AdmissionCluster;
using testing::container;
using testing::pod;

Json quota(const std::string& name, const Json& hard) {
  return {{"apiVersion", "v1"},
          {"kind", "ResourceQuota"},
          {"metadata", {{"name", name}, {"namespace", "default"}}},
          {"spec", {{"hard", hard}}}};
}

Json config_map(const std::string& name) {
  return {{"apiVersion", "v1"}, {"kind", "ConfigMap"}, {"metadata", {{"name", name}, {"namespace", "default"}}}};
}

TEST(ResourceQuotaAdmission, RefusesPodsBeyondTheCount) {
  AdmissionCluster cluster({"ResourceQuota"});
  cluster.create("", "v1", "resourcequotas", quota("count", {{"pods", "2"}}));
  ASSERT_TRUE(cluster.try_create("", "v1", "pods", pod("p1", Json::array({container("c")}))).ok());
  ASSERT_TRUE(cluster.try_create("", "v1", "pods", pod("p2", Json::array({container("c")}))).ok());
  auto refused = cluster.try_create("", "v1", "pods", pod("p3", Json::array({container("c")})));
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, 403);
  EXPECT_EQ(refused.error().message,
            "pods \"p3\" is forbidden: exceeded quota: count, requested: pods=1, used: pods=2, limited: pods=2");
}

TEST(ResourceQuotaAdmission, TerminalPodsDoNotCount) {
  AdmissionCluster cluster({"ResourceQuota"});
  cluster.create("", "v1", "resourcequotas", quota("count", {{"count/pods", "1"}}));
  ASSERT_TRUE(cluster.try_create("", "v1", "pods", pod("done", Json::array({container("c")}))).ok());
  const auto& pods = cluster.client().resource("", "v1", "pods");
  ASSERT_TRUE(cluster.client()
                  .patch(pods, "default", "done", client::PatchType::kMerge, R"({"status":{"phase":"Succeeded"}})", "status")
                  .ok());
  EXPECT_TRUE(cluster.try_create("", "v1", "pods", pod("next", Json::array({container("c")}))).ok());
}

TEST(ResourceQuotaAdmission, ChargesComputeRequests) {
  AdmissionCluster cluster({"ResourceQuota"});
  cluster.create("", "v1", "resourcequotas", quota("compute", {{"requests.cpu", "1"}, {"requests.memory", "1Gi"}}));
  auto sized = [](const std::string& name) {
    return pod(name, Json::array({container("c", {{"requests", {{"cpu", "600m"}, {"memory", "256Mi"}}}})}));
  };
  ASSERT_TRUE(cluster.try_create("", "v1", "pods", sized("a")).ok());
  auto refused = cluster.try_create("", "v1", "pods", sized("b"));
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().message,
            "pods \"b\" is forbidden: exceeded quota: compute, requested: requests.cpu=600m, used: "
            "requests.cpu=600m, limited: requests.cpu=1");
}

TEST(ResourceQuotaAdmission, PodsMustStateWhatTheQuotaLimits) {
  AdmissionCluster cluster({"ResourceQuota"});
  cluster.create("", "v1", "resourcequotas", quota("compute", {{"limits.memory", "1Gi"}, {"requests.cpu", "2"}}));
  auto refused = cluster.try_create(
      "", "v1", "pods", pod("bare", Json::array({container("app"), container("log", {{"requests", {{"cpu", "1m"}}}})})));
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().message,
            "pods \"bare\" is forbidden: failed quota: compute: must specify limits.memory for: app,log; requests.cpu "
            "for: app");
}

TEST(ResourceQuotaAdmission, CountsOtherKindsAndClaimStorage) {
  AdmissionCluster cluster({"ResourceQuota"});
  cluster.create("", "v1", "resourcequotas",
                 quota("objects", {{"configmaps", "1"}, {"requests.storage", "3Gi"}, {"persistentvolumeclaims", "5"}}));
  ASSERT_TRUE(cluster.try_create("", "v1", "configmaps", config_map("one")).ok());
  auto refused = cluster.try_create("", "v1", "configmaps", config_map("two"));
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().message,
            "configmaps \"two\" is forbidden: exceeded quota: objects, requested: configmaps=1, used: configmaps=1, "
            "limited: configmaps=1");
  auto claim = [](const std::string& name, const std::string& size) {
    return Json{{"apiVersion", "v1"},
                {"kind", "PersistentVolumeClaim"},
                {"metadata", {{"name", name}, {"namespace", "default"}}},
                {"spec", {{"accessModes", Json::array({"ReadWriteOnce"})},
                          {"resources", {{"requests", {{"storage", size}}}}}}}};
  };
  ASSERT_TRUE(cluster.try_create("", "v1", "persistentvolumeclaims", claim("a", "2Gi")).ok());
  auto big = cluster.try_create("", "v1", "persistentvolumeclaims", claim("b", "2Gi"));
  ASSERT_FALSE(big.ok());
  EXPECT_EQ(big.error().message,
            "persistentvolumeclaims \"b\" is forbidden: exceeded quota: objects, requested: requests.storage=2Gi, "
            "used: requests.storage=2Gi, limited: requests.storage=3Gi");
  // Other namespaces are not charged.
  cluster.create("", "v1", "namespaces", {{"apiVersion", "v1"}, {"kind", "Namespace"}, {"metadata", {{"name", "other"}}}});
  Json elsewhere = config_map("two");
  elsewhere["metadata"]["namespace"] = "other";
  EXPECT_TRUE(cluster.try_create("", "v1", "configmaps", elsewhere, "other").ok());
}

}  // namespace
}  // namespace skiff::apiserver
