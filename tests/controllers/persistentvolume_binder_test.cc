#include <gtest/gtest.h>

#include "infra_harness.h"

namespace skiff::controllers {
namespace {

using skiff::testing::eventually;
using testing::Harness;

Json volume(const std::string& name, const std::string& size, const Json& modes = Json::array({"ReadWriteOnce"}),
            const std::string& policy = "Retain", const Json& labels = Json::object(),
            const std::string& cls = "") {
  Json pv = {{"apiVersion", "v1"},
             {"kind", "PersistentVolume"},
             {"metadata", {{"name", name}, {"labels", labels}}},
             {"spec",
              {{"capacity", {{"storage", size}}},
               {"accessModes", modes},
               {"persistentVolumeReclaimPolicy", policy},
               {"hostPath", {{"path", "/tmp/" + name}}}}}};
  if (!cls.empty()) pv["spec"]["storageClassName"] = cls;
  return pv;
}

Json claim(const std::string& name, const std::string& size, const Json& modes = Json::array({"ReadWriteOnce"}),
           const Json& selector = nullptr, const std::string& cls = "") {
  Json pvc = {{"apiVersion", "v1"},
              {"kind", "PersistentVolumeClaim"},
              {"metadata", {{"name", name}, {"namespace", "default"}}},
              {"spec", {{"accessModes", modes}, {"resources", {{"requests", {{"storage", size}}}}}}}};
  if (!selector.is_null()) pvc["spec"]["selector"] = selector;
  if (!cls.empty()) pvc["spec"]["storageClassName"] = cls;
  return pvc;
}

std::string phase(const Json& obj) { return obj.is_null() ? "" : get_string(obj.value("status", Json::object()), "phase"); }

TEST(VolumeBinder, BindsTheSmallestFittingAvailableVolume) {
  Harness h({"persistentvolume_binder"});
  h.cluster().create("", "v1", "persistentvolumes", volume("big", "10Gi"));
  h.cluster().create("", "v1", "persistentvolumes", volume("small", "1Gi"));
  h.cluster().create("", "v1", "persistentvolumes", volume("medium", "5Gi"));
  h.cluster().create("", "v1", "persistentvolumes", volume("rox", "2Gi", Json::array({"ReadOnlyMany"})));
  ASSERT_TRUE(eventually([&] { return phase(h.get_or_null("", "v1", "persistentvolumes", "", "small")) == "Available"; }));
  Json pvc = h.cluster().create("", "v1", "persistentvolumeclaims", claim("data", "2Gi"));

  ASSERT_TRUE(eventually([&] { return phase(h.get_or_null("", "v1", "persistentvolumeclaims", "default", "data")) == "Bound"; }));
  Json bound = h.get_or_null("", "v1", "persistentvolumeclaims", "default", "data");
  EXPECT_EQ(bound["spec"]["volumeName"], "medium");
  EXPECT_EQ(bound["status"]["capacity"]["storage"], "5Gi");
  EXPECT_EQ(bound["status"]["accessModes"], Json::array({"ReadWriteOnce"}));
  EXPECT_EQ(bound["metadata"]["annotations"]["pv.kubernetes.io/bind-completed"], "yes");
  EXPECT_EQ(bound["metadata"]["annotations"]["pv.kubernetes.io/bound-by-controller"], "yes");
  ASSERT_TRUE(eventually([&] { return phase(h.get_or_null("", "v1", "persistentvolumes", "", "medium")) == "Bound"; }));
  Json pv = h.get_or_null("", "v1", "persistentvolumes", "", "medium");
  EXPECT_EQ(pv["spec"]["claimRef"]["name"], "data");
  EXPECT_EQ(pv["spec"]["claimRef"]["uid"], pvc["metadata"]["uid"]);
  EXPECT_EQ(pv["metadata"]["annotations"]["pv.kubernetes.io/bound-by-controller"], "yes");
  EXPECT_EQ(phase(h.get_or_null("", "v1", "persistentvolumes", "", "small")), "Available");
}

TEST(VolumeBinder, HonoursAccessModesSelectorAndClass) {
  Harness h({"persistentvolume_binder"});
  h.cluster().create("", "v1", "persistentvolumes", volume("rwo", "5Gi"));
  h.cluster().create("", "v1", "persistentvolumes",
                   volume("rwx-fast", "5Gi", Json::array({"ReadWriteOnce", "ReadWriteMany"}), "Retain",
                          {{"tier", "fast"}}, "manual"));
  h.cluster().create("", "v1", "persistentvolumeclaims",
                   claim("shared", "1Gi", Json::array({"ReadWriteMany"}), {{"matchLabels", {{"tier", "fast"}}}}, "manual"));
  h.cluster().create("", "v1", "persistentvolumeclaims", claim("nothing", "1Gi", Json::array({"ReadWriteMany"})));
  ASSERT_TRUE(eventually([&] {
    return h.get_or_null("", "v1", "persistentvolumeclaims", "default", "shared")["spec"].value("volumeName", "") ==
           "rwx-fast";
  }));
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  EXPECT_EQ(phase(h.get_or_null("", "v1", "persistentvolumeclaims", "default", "nothing")), "Pending");
  EXPECT_EQ(phase(h.get_or_null("", "v1", "persistentvolumes", "", "rwo")), "Available");
}

TEST(VolumeBinder, ReclaimPolicyAppliesWhenTheClaimIsDeleted) {
  Harness h({"persistentvolume_binder"});
  h.cluster().create("", "v1", "persistentvolumes", volume("keep", "1Gi", Json::array({"ReadWriteOnce"}), "Retain",
                                                         {{"which", "keep"}}));
  h.cluster().create("", "v1", "persistentvolumes", volume("drop", "1Gi", Json::array({"ReadWriteOnce"}), "Delete",
                                                         {{"which", "drop"}}));
  h.cluster().create("", "v1", "persistentvolumeclaims",
                   claim("a", "1Gi", Json::array({"ReadWriteOnce"}), {{"matchLabels", {{"which", "keep"}}}}));
  h.cluster().create("", "v1", "persistentvolumeclaims",
                   claim("b", "1Gi", Json::array({"ReadWriteOnce"}), {{"matchLabels", {{"which", "drop"}}}}));
  ASSERT_TRUE(eventually([&] {
    return phase(h.get_or_null("", "v1", "persistentvolumes", "", "keep")) == "Bound" &&
           phase(h.get_or_null("", "v1", "persistentvolumes", "", "drop")) == "Bound";
  }));
  const auto& pvcs = h.resource("", "v1", "persistentvolumeclaims");
  ASSERT_TRUE(h.client().remove(pvcs, "default", "a").ok());
  ASSERT_TRUE(h.client().remove(pvcs, "default", "b").ok());
  EXPECT_TRUE(eventually([&] { return phase(h.get_or_null("", "v1", "persistentvolumes", "", "keep")) == "Released"; }));
  EXPECT_TRUE(eventually([&] { return h.get_or_null("", "v1", "persistentvolumes", "", "drop").is_null(); }));
}

TEST(LocalPathProvisioner, CreatesTheDefaultStorageClass) {
  Harness h({"local_path_provisioner"});
  Json sc = h.get_or_null("storage.k8s.io", "v1", "storageclasses", "", "local-path");
  ASSERT_FALSE(sc.is_null());
  EXPECT_EQ(sc["provisioner"], "skiff.dev/local-path");
  EXPECT_EQ(sc["volumeBindingMode"], "WaitForFirstConsumer");
  EXPECT_EQ(sc["reclaimPolicy"], "Delete");
  EXPECT_EQ(sc["metadata"]["annotations"]["storageclass.kubernetes.io/is-default-class"], "true");
}

TEST(LocalPathProvisioner, ProvisionsOnTheSelectedNodeAndTheBinderBinds) {
  Harness h({"persistentvolume_binder", "local_path_provisioner"});
  Json pvc = claim("data", "3Gi", Json::array({"ReadWriteOnce"}), nullptr, "local-path");
  pvc["metadata"]["annotations"]["volume.kubernetes.io/selected-node"] = "node-7";
  Json created = h.cluster().create("", "v1", "persistentvolumeclaims", pvc);
  std::string pv_name = "pvc-" + created["metadata"]["uid"].get<std::string>();
  ASSERT_TRUE(eventually([&] { return phase(h.get_or_null("", "v1", "persistentvolumeclaims", "default", "data")) == "Bound"; }));
  Json pv = h.get_or_null("", "v1", "persistentvolumes", "", pv_name);
  ASSERT_FALSE(pv.is_null());
  EXPECT_EQ(pv["spec"]["hostPath"]["path"], "/var/lib/skiff/storage/" + pv_name);
  EXPECT_EQ(pv["spec"]["capacity"]["storage"], "3Gi");
  EXPECT_EQ(pv["spec"]["persistentVolumeReclaimPolicy"], "Delete");
  EXPECT_EQ(pv["spec"]["nodeAffinity"]["required"]["nodeSelectorTerms"][0]["matchExpressions"][0]["values"][0],
            "node-7");
  EXPECT_EQ(pv["metadata"]["annotations"]["pv.kubernetes.io/provisioned-by"], "skiff.dev/local-path");
  EXPECT_EQ(h.get_or_null("", "v1", "persistentvolumeclaims", "default", "data")["spec"]["volumeName"], pv_name);

  ASSERT_TRUE(h.client().remove(h.resource("", "v1", "persistentvolumeclaims"), "default", "data").ok());
  EXPECT_TRUE(eventually([&] { return h.get_or_null("", "v1", "persistentvolumes", "", pv_name).is_null(); }));
}

TEST(LocalPathProvisioner, WaitsForAConsumerBoundToANode) {
  Harness h({"persistentvolume_binder", "local_path_provisioner"});
  h.cluster().create("", "v1", "persistentvolumeclaims",
                   claim("data", "1Gi", Json::array({"ReadWriteOnce"}), nullptr, "local-path"));
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  EXPECT_TRUE(h.cluster().list("", "v1", "persistentvolumes").empty());
  EXPECT_EQ(phase(h.get_or_null("", "v1", "persistentvolumeclaims", "default", "data")), "Pending");

  h.cluster().create("", "v1", "pods",
                   {{"apiVersion", "v1"},
                    {"kind", "Pod"},
                    {"metadata", {{"name", "user"}, {"namespace", "default"}}},
                    {"spec",
                     {{"containers", Json::array({{{"name", "c"}, {"image", "busybox"}}})},
                      {"volumes", Json::array({{{"name", "d"}, {"persistentVolumeClaim", {{"claimName", "data"}}}}})}}}});
  h.set_running("user", "10.0.0.1", false, "node-3");
  ASSERT_TRUE(eventually([&] { return phase(h.get_or_null("", "v1", "persistentvolumeclaims", "default", "data")) == "Bound"; }));
  auto pvs = h.cluster().list("", "v1", "persistentvolumes");
  ASSERT_EQ(pvs.size(), 1u);
  EXPECT_EQ(pvs[0]["spec"]["nodeAffinity"]["required"]["nodeSelectorTerms"][0]["matchExpressions"][0]["values"][0],
            "node-3");
}

}  // namespace
}  // namespace skiff::controllers
