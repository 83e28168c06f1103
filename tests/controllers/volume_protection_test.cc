#include <gtest/gtest.h>

#include <thread>

#include "controller_fixture.h"

namespace skiff::controllers {
namespace {

using testing::eventually;

Json claim(const std::string& name) {
  return {{"apiVersion", "v1"},
          {"kind", "PersistentVolumeClaim"},
          {"metadata", {{"name", name}, {"namespace", "default"}}},
          {"spec", {{"accessModes", {"ReadWriteOnce"}}, {"resources", {{"requests", {{"storage", "1Gi"}}}}}}}};
}

Json pod_using(const std::string& name, const std::string& claim_name) {
  return {{"apiVersion", "v1"},
          {"kind", "Pod"},
          {"metadata", {{"name", name}, {"namespace", "default"}}},
          {"spec",
           {{"nodeName", "n1"},
            {"containers", {{{"name", "c"}, {"image", "busybox"}}}},
            {"volumes", {{{"name", "data"}, {"persistentVolumeClaim", {{"claimName", claim_name}}}}}}}}};
}

bool exists(ControllerFixture& f, const std::string& plural, const std::string& ns, const std::string& name) {
  return f.client().get(f.client().resource("", "v1", plural), ns, name).ok();
}

// A claim deleted while a pod mounts it waits (Terminating) until the pod is gone.
TEST(VolumeProtection, ClaimInUseWaitsForItsPods) {
  ControllerFixture f({"pvc_protection"});
  f.cluster().enable_admission({"StorageObjectInUseProtection"});
  Json created = f.cluster().create("", "v1", "persistentvolumeclaims", claim("data"));
  EXPECT_EQ(created["metadata"]["finalizers"], Json::array({"kubernetes.io/pvc-protection"}));
  f.cluster().create("", "v1", "pods", pod_using("db", "data"));
  const auto& claims = f.client().resource("", "v1", "persistentvolumeclaims");
  ASSERT_TRUE(f.client().remove(claims, "default", "data").ok());
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  ASSERT_TRUE(exists(f, "persistentvolumeclaims", "default", "data")) << "still mounted";
  client::DeleteOptions now;
  now.grace_period_seconds = 0;
  ASSERT_TRUE(f.client().remove(f.client().resource("", "v1", "pods"), "default", "db", now).ok());
  EXPECT_TRUE(eventually([&] { return !exists(f, "persistentvolumeclaims", "default", "data"); }));
}

// A volume deleted while Bound waits until it is Released.
TEST(VolumeProtection, BoundVolumeWaitsUntilReleased) {
  ControllerFixture f({"pv_protection"});
  f.cluster().enable_admission({"StorageObjectInUseProtection"});
  const auto& pvs = f.client().resource("", "v1", "persistentvolumes");
  Json pv = f.cluster().create("", "v1", "persistentvolumes",
                               {{"apiVersion", "v1"},
                                {"kind", "PersistentVolume"},
                                {"metadata", {{"name", "vol"}}},
                                {"spec",
                                 {{"capacity", {{"storage", "1Gi"}}},
                                  {"accessModes", {"ReadWriteOnce"}},
                                  {"hostPath", {{"path", "/tmp/vol"}}}}}});
  EXPECT_EQ(pv["metadata"]["finalizers"], Json::array({"kubernetes.io/pv-protection"}));
  pv["status"]["phase"] = "Bound";
  ASSERT_TRUE(f.client().update(pvs, "", pv, "status").ok());
  ASSERT_TRUE(f.client().remove(pvs, "", "vol").ok());
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  auto held = f.client().get(pvs, "", "vol");
  ASSERT_TRUE(held.ok()) << "still bound";
  Json released = *held;
  released["status"]["phase"] = "Released";
  ASSERT_TRUE(f.client().update(pvs, "", released, "status").ok());
  EXPECT_TRUE(eventually([&] { return !exists(f, "persistentvolumes", "", "vol"); }));
}

}  // namespace
}  // namespace skiff::controllers
