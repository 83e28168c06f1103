#include <gtest/gtest.h>

#include "admission_test_util.h"

namespace skiff::apiserver {
namespace {

using testing::AdmissionCluster;
using testing::container;
using testing::pod;

Json limit_range(const Json& limits) {
  return {{"apiVersion", "v1"},
          {"kind", "LimitRange"},
          {"metadata", {{"name", "limits"}, {"namespace", "default"}}},
          {"spec", {{"limits", limits}}}};
}

TEST(LimitRanger, FillsContainerDefaultsAndNotesThem) {
  AdmissionCluster cluster({"LimitRanger"});
  cluster.create("", "v1", "limitranges",
                 limit_range(Json::array({{{"type", "Container"},
                                           {"default", {{"cpu", "500m"}, {"memory", "256Mi"}}},
                                           {"defaultRequest", {{"cpu", "100m"}}}}})));
  Json created = cluster.create("", "v1", "pods",
                                pod("web", Json::array({container("app"),
                                                        container("sidecar", {{"limits", {{"cpu", "200m"}}}})})));
  const Json& app = created["spec"]["containers"][0]["resources"];
  EXPECT_EQ(app["requests"]["cpu"], "100m");
  EXPECT_EQ(app["requests"]["memory"], "256Mi");
  EXPECT_EQ(app["limits"]["cpu"], "500m");
  EXPECT_EQ(app["limits"]["memory"], "256Mi");
  const Json& sidecar = created["spec"]["containers"][1]["resources"];
  EXPECT_EQ(sidecar["limits"]["cpu"], "200m") << "explicit values stay";
  EXPECT_EQ(created["status"]["qosClass"], "Burstable");
  EXPECT_EQ(created["metadata"]["annotations"]["kubernetes.io/limit-ranger"],
            "LimitRanger plugin set: cpu, memory request for container app; cpu, memory limit for container app; "
            "memory request for container sidecar; memory limit for container sidecar");
}

TEST(LimitRanger, DefaultsLimitsFromMaxAndRequestsFromMin) {
  AdmissionCluster cluster({"LimitRanger"});
  cluster.create("", "v1", "limitranges",
                 limit_range(Json::array({{{"type", "Container"}, {"max", {{"cpu", "2"}}}, {"min", {{"memory", "64Mi"}}}}})));
  Json created = cluster.create("", "v1", "pods", pod("web", Json::array({container("app")})));
  const Json& r = created["spec"]["containers"][0]["resources"];
  EXPECT_EQ(r["limits"]["cpu"], "2");
  EXPECT_EQ(r["requests"]["cpu"], "2");
  EXPECT_EQ(r["requests"]["memory"], "64Mi");
}

TEST(LimitRanger, RefusesContainersAboveMaxWithKubernetesMessage) {
  AdmissionCluster cluster({"LimitRanger"});
  cluster.create("", "v1", "limitranges", limit_range(Json::array({{{"type", "Container"}, {"max", {{"cpu", "1"}}}}})));
  auto refused = cluster.try_create(
      "", "v1", "pods", pod("big", Json::array({container("app", {{"limits", {{"cpu", "2"}}}})})));
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, 403);
  EXPECT_EQ(refused.error().reason, "Forbidden");
  EXPECT_EQ(refused.error().message, "pods \"big\" is forbidden: maximum cpu usage per Container is 1, but limit is 2");
  EXPECT_FALSE(cluster.client().get(cluster.client().resource("", "v1", "pods"), "default", "big").ok());
}

TEST(LimitRanger, AggregatesMinAndRatioViolations) {
  AdmissionCluster cluster({"LimitRanger"});
  cluster.create("", "v1", "limitranges",
                 limit_range(Json::array({{{"type", "Container"},
                                           {"min", {{"memory", "100Mi"}}},
                                           {"maxLimitRequestRatio", {{"cpu", "2"}}}}})));
  auto refused = cluster.try_create(
      "", "v1", "pods",
      pod("odd", Json::array({container("app", {{"requests", {{"cpu", "100m"}, {"memory", "50Mi"}}},
                                                {"limits", {{"cpu", "400m"}, {"memory", "50Mi"}}}})})));
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().message,
            "pods \"odd\" is forbidden: [minimum memory usage per Container is 100Mi, but request is 50Mi, cpu max "
            "limit to request ratio per Container is 2, but provided ratio is 4.000000]");
}

TEST(LimitRanger, PodTotalsAreCheckedAgainstPodLimits) {
  AdmissionCluster cluster({"LimitRanger"});
  cluster.create("", "v1", "limitranges", limit_range(Json::array({{{"type", "Pod"}, {"max", {{"memory", "1Gi"}}}}})));
  auto refused = cluster.try_create(
      "", "v1", "pods",
      pod("pair", Json::array({container("a", {{"limits", {{"memory", "600Mi"}}}}),
                               container("b", {{"limits", {{"memory", "600Mi"}}}})})));
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().message, "pods \"pair\" is forbidden: maximum memory usage per Pod is 1Gi, but limit is 1200Mi");
}

TEST(LimitRanger, BoundsClaimStorageRequests) {
  AdmissionCluster cluster({"LimitRanger"});
  cluster.create("", "v1", "limitranges",
                 limit_range(Json::array({{{"type", "PersistentVolumeClaim"},
                                           {"min", {{"storage", "1Gi"}}},
                                           {"max", {{"storage", "5Gi"}}}}})));
  auto claim = [](const std::string& name, const std::string& size) {
    return Json{{"apiVersion", "v1"},
                {"kind", "PersistentVolumeClaim"},
                {"metadata", {{"name", name}, {"namespace", "default"}}},
                {"spec", {{"accessModes", Json::array({"ReadWriteOnce"})},
                          {"resources", {{"requests", {{"storage", size}}}}}}}};
  };
  auto big = cluster.try_create("", "v1", "persistentvolumeclaims", claim("big", "10Gi"));
  ASSERT_FALSE(big.ok());
  EXPECT_EQ(big.error().message,
            "persistentvolumeclaims \"big\" is forbidden: maximum storage usage per PersistentVolumeClaim is 5Gi, but "
            "request is 10Gi");
  auto small = cluster.try_create("", "v1", "persistentvolumeclaims", claim("small", "500Mi"));
  ASSERT_FALSE(small.ok());
  EXPECT_EQ(small.error().message,
            "persistentvolumeclaims \"small\" is forbidden: minimum storage usage per PersistentVolumeClaim is 1Gi, "
            "but request is 500Mi");
  EXPECT_TRUE(cluster.try_create("", "v1", "persistentvolumeclaims", claim("ok", "2Gi")).ok());
}

TEST(Admission, UnknownPluginNamesAreAnError) {
  skiff::testing::TestCluster cluster;
  auto made = make_admission({"LimitRanger", "NoSuchPlugin"}, cluster.registry().cache(), cluster.registry().schemas());
  ASSERT_FALSE(made.ok());
  EXPECT_EQ(made.error().message, "unknown admission plugin \"NoSuchPlugin\"");
  EXPECT_EQ(default_admission_plugins().size(), 7u);
}

}  // namespace
}  // namespace skiff::apiserver
