#include <gtest/gtest.h>

#include <map>
#include <thread>

#include "controller_fixture.h"
#include "controllers/ownership.h"

namespace skiff::controllers {
namespace {

using testing::eventually;

Json stateful_set(const std::string& name, int replicas, Json extra_spec = Json::object()) {
  Json set = {{"apiVersion", "apps/v1"},
              {"kind", "StatefulSet"},
              {"metadata", {{"name", name}, {"namespace", "default"}}},
              {"spec",
               {{"replicas", replicas},
                {"serviceName", "nginx"},
                {"selector", {{"matchLabels", {{"app", name}}}}},
                {"template",
                 {{"metadata", {{"labels", {{"app", name}}}}},
                  {"spec", {{"containers", {{{"name", "c"}, {"image", "nginx:1"}}}}}}}}}}};
  for (auto& [k, v] : extra_spec.items()) set["spec"][k] = v;
  return set;
}

Json claim_templates() {
  return Json::array({{{"metadata", {{"name", "www"}}},
                       {"spec",
                        {{"accessModes", {"ReadWriteOnce"}},
                         {"resources", {{"requests", {{"storage", "1Gi"}}}}}}}}});
}

std::optional<Json> pod(ControllerFixture& f, const std::string& name) {
  auto got = f.client().get(f.client().resource("", "v1", "pods"), "default", name);
  if (!got.ok()) return std::nullopt;
  return *got;
}

std::vector<std::string> pod_names(ControllerFixture& f) {
  std::vector<std::string> out;
  for (const auto& p : f.cluster().list("", "v1", "pods", "default"))
    if (!p["metadata"].contains("deletionTimestamp")) out.push_back(p["metadata"]["name"]);
  std::sort(out.begin(), out.end());
  return out;
}

void set_ready(ControllerFixture& f, const std::string& name, bool ready, const std::string& phase = "Running") {
  auto p = pod(f, name);
  ASSERT_TRUE(p.has_value()) << name;
  (*p)["status"]["phase"] = phase;
  (*p)["status"]["conditions"] = {
      {{"type", "Ready"}, {"status", ready ? "True" : "False"}, {"lastTransitionTime", "2020-01-01T00:00:00Z"}}};
  ASSERT_TRUE(f.client().update(f.client().resource("", "v1", "pods"), "default", *p, "status").ok());
}

Json set_of(ControllerFixture& f, const std::string& name) {
  return f.cluster().get("apps", "v1", "statefulsets", "default", name);
}

bool has_event(ControllerFixture& f, const std::string& reason, const std::string& message) {
  for (const auto& e : f.cluster().list("", "v1", "events", "default"))
    if (e.value("reason", "") == reason && e.value("message", "") == message) return true;
  return false;
}

void patch_set(ControllerFixture& f, const std::string& name, const std::string& patch) {
  ASSERT_TRUE(f.client()
                  .patch(f.client().resource("apps", "v1", "statefulsets"), "default", name, client::PatchType::kMerge,
                         patch)
                  .ok());
}

std::string revision_label(const Json& p) { return p["metadata"]["labels"].value("controller-revision-hash", ""); }

TEST(StatefulSetController, OrderedReadyCreatesPodsOneAtATimeWithStableIdentity) {
  ControllerFixture f({"statefulset"});
  f.cluster().create("apps", "v1", "statefulsets", stateful_set("web", 3, {{"volumeClaimTemplates", claim_templates()}}));
  ASSERT_TRUE(eventually([&] { return pod(f, "web-0").has_value(); }));

  Json web0 = *pod(f, "web-0");
  EXPECT_EQ(web0["metadata"]["labels"]["statefulset.kubernetes.io/pod-name"], "web-0");
  EXPECT_EQ(web0["metadata"]["labels"]["apps.kubernetes.io/pod-index"], "0");
  EXPECT_EQ(web0["metadata"]["labels"]["app"], "web");
  EXPECT_EQ(web0["spec"]["hostname"], "web-0");
  EXPECT_EQ(web0["spec"]["subdomain"], "nginx");
  EXPECT_EQ(web0["metadata"]["ownerReferences"][0]["kind"], "StatefulSet");
  EXPECT_EQ(web0["spec"]["volumes"][0]["name"], "www");
  EXPECT_EQ(web0["spec"]["volumes"][0]["persistentVolumeClaim"]["claimName"], "www-web-0");
  Json claim = f.cluster().get("", "v1", "persistentvolumeclaims", "default", "www-web-0");
  EXPECT_EQ(claim["metadata"]["labels"]["app"], "web");
  EXPECT_FALSE(claim["metadata"].contains("ownerReferences"));  // Retain/Retain

  // The next ordinal waits for web-0 to be Running and Ready.
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  EXPECT_FALSE(pod(f, "web-1").has_value());
  set_ready(f, "web-0", true);
  ASSERT_TRUE(eventually([&] { return pod(f, "web-1").has_value(); }));
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  EXPECT_FALSE(pod(f, "web-2").has_value());
  set_ready(f, "web-1", true);
  ASSERT_TRUE(eventually([&] { return pod(f, "web-2").has_value(); }));
  set_ready(f, "web-2", true);

  ASSERT_TRUE(eventually([&] {
    Json s = set_of(f, "web");
    return find_path(s, "status.readyReplicas") && s["status"]["readyReplicas"] == 3 &&
           s["status"]["replicas"] == 3 && s["status"]["availableReplicas"] == 3 &&
           s["status"].value("currentReplicas", 0) == 3 && s["status"].value("updatedReplicas", 0) == 3;
  }));
  Json s = set_of(f, "web");
  std::string rev = s["status"]["updateRevision"];
  EXPECT_EQ(s["status"]["currentRevision"], rev);
  EXPECT_EQ(rev.rfind("web-", 0), 0u);
  EXPECT_EQ(s["status"]["observedGeneration"], 1);
  EXPECT_EQ(s["status"]["collisionCount"], 0);
  EXPECT_EQ(revision_label(*pod(f, "web-2")), rev);
  EXPECT_TRUE(eventually([&] {
    return has_event(f, "SuccessfulCreate", "create Pod web-0 in StatefulSet web successful") &&
           has_event(f, "SuccessfulCreate", "create Claim www-web-2 Pod web-2 in StatefulSet web success");
  }));
}

TEST(StatefulSetController, ParallelCreatesEveryOrdinalFromTheStartOrdinal) {
  ControllerFixture f({"statefulset"});
  f.cluster().create("apps", "v1", "statefulsets",
                     stateful_set("db", 3, {{"podManagementPolicy", "Parallel"}, {"ordinals", {{"start", 5}}}}));
  ASSERT_TRUE(eventually([&] { return pod_names(f) == std::vector<std::string>{"db-5", "db-6", "db-7"}; }));
  EXPECT_EQ((*pod(f, "db-6"))["metadata"]["labels"]["apps.kubernetes.io/pod-index"], "6");
  EXPECT_TRUE(eventually([&] { return set_of(f, "db")["status"].value("replicas", 0) == 3; }));
}

TEST(StatefulSetController, ScaleDownWaitsForHealthAndRemovesHighestOrdinalsFirst) {
  ControllerFixture f({"statefulset"});
  f.cluster().create("apps", "v1", "statefulsets", stateful_set("web", 3));
  for (const char* name : {"web-0", "web-1", "web-2"}) {
    ASSERT_TRUE(eventually([&] { return pod(f, name).has_value(); }));
    set_ready(f, name, true);
  }
  ASSERT_TRUE(eventually([&] { return set_of(f, "web")["status"].value("readyReplicas", 0) == 3; }));
  set_ready(f, "web-0", false);
  // The controller acts on what its informers have seen: scale only once it counts web-0 unready.
  ASSERT_TRUE(eventually([&] { return set_of(f, "web")["status"].value("readyReplicas", 0) == 2; }));
  patch_set(f, "web", R"({"spec":{"replicas":1}})");
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  EXPECT_EQ(pod_names(f), (std::vector<std::string>{"web-0", "web-1", "web-2"}));  // web-0 is not Ready

  set_ready(f, "web-0", true);
  ASSERT_TRUE(eventually([&] { return pod_names(f) == std::vector<std::string>{"web-0"}; }));
  EXPECT_TRUE(eventually([&] {
    return has_event(f, "SuccessfulDelete", "delete Pod web-2 in StatefulSet web successful") &&
           has_event(f, "SuccessfulDelete", "delete Pod web-1 in StatefulSet web successful");
  }));
  EXPECT_TRUE(eventually([&] { return set_of(f, "web")["status"].value("replicas", 0) == 1; }));
}

TEST(StatefulSetController, RollingUpdateGoesFromTheHighestOrdinalDownToThePartition) {
  ControllerFixture f({"statefulset"});
  f.cluster().create("apps", "v1", "statefulsets",
                     stateful_set("web", 3, {{"updateStrategy", {{"type", "RollingUpdate"}, {"rollingUpdate", {{"partition", 1}}}}}}));
  for (const char* name : {"web-0", "web-1", "web-2"}) {
    ASSERT_TRUE(eventually([&] { return pod(f, name).has_value(); }));
    set_ready(f, name, true);
  }
  ASSERT_TRUE(eventually([&] { return set_of(f, "web")["status"].value("readyReplicas", 0) == 3; }));
  const std::string old_rev = set_of(f, "web")["status"]["currentRevision"];

  patch_set(f, "web", R"({"spec":{"template":{"spec":{"containers":[{"name":"c","image":"nginx:2"}]}}}})");
  ASSERT_TRUE(eventually([&] {
    auto p = pod(f, "web-2");
    return p && revision_label(*p) != old_rev;
  }));
  EXPECT_EQ((*pod(f, "web-2"))["spec"]["containers"][0]["image"], "nginx:2");
  // web-1 waits until the new web-2 is Ready.
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  EXPECT_EQ(revision_label(*pod(f, "web-1")), old_rev);
  set_ready(f, "web-2", true);
  ASSERT_TRUE(eventually([&] {
    auto p = pod(f, "web-1");
    return p && revision_label(*p) != old_rev;
  }));
  set_ready(f, "web-1", true);
  ASSERT_TRUE(eventually([&] {
    Json s = set_of(f, "web");
    return s["status"].value("updatedReplicas", 0) == 2 && s["status"].value("readyReplicas", 0) == 3;
  }));
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  EXPECT_EQ(revision_label(*pod(f, "web-0")), old_rev);  // below the partition
  Json s = set_of(f, "web");
  EXPECT_EQ(s["status"]["currentRevision"], old_rev);
  EXPECT_NE(s["status"]["updateRevision"], old_rev);

  patch_set(f, "web", R"({"spec":{"updateStrategy":{"rollingUpdate":{"partition":0}}}})");
  ASSERT_TRUE(eventually([&] {
    auto p = pod(f, "web-0");
    return p && revision_label(*p) != old_rev;
  }));
  set_ready(f, "web-0", true);
  ASSERT_TRUE(eventually([&] {
    Json st = set_of(f, "web")["status"];
    return st.value("currentRevision", "") == st.value("updateRevision", "") && st.value("currentReplicas", 0) == 3;
  }));
}

TEST(StatefulSetController, OnDeleteReplacesOnlyPodsUsersDelete) {
  ControllerFixture f({"statefulset"});
  f.cluster().create("apps", "v1", "statefulsets",
                     stateful_set("web", 2, {{"podManagementPolicy", "Parallel"}, {"updateStrategy", {{"type", "OnDelete"}}}}));
  ASSERT_TRUE(eventually([&] { return pod_names(f).size() == 2; }));
  f.run_pods();
  const std::string old_rev = revision_label(*pod(f, "web-1"));
  patch_set(f, "web", R"({"spec":{"template":{"spec":{"containers":[{"name":"c","image":"nginx:2"}]}}}})");
  ASSERT_TRUE(eventually([&] {
    Json st = set_of(f, "web")["status"];
    return st.value("updateRevision", "") != old_rev && st.contains("updateRevision");
  }));
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  EXPECT_EQ(revision_label(*pod(f, "web-1")), old_rev);

  ASSERT_TRUE(f.client().remove(f.client().resource("", "v1", "pods"), "default", "web-1").ok());
  ASSERT_TRUE(eventually([&] {
    auto p = pod(f, "web-1");
    return p && revision_label(*p) != old_rev;
  }));
  EXPECT_EQ(revision_label(*pod(f, "web-0")), old_rev);
}

TEST(StatefulSetController, FailedPodIsDeletedAndRecreated) {
  ControllerFixture f({"statefulset"});
  f.cluster().create("apps", "v1", "statefulsets", stateful_set("web", 1));
  ASSERT_TRUE(eventually([&] { return pod(f, "web-0").has_value(); }));
  const std::string uid = (*pod(f, "web-0"))["metadata"]["uid"];
  set_ready(f, "web-0", false, "Failed");
  ASSERT_TRUE(eventually([&] {
    auto p = pod(f, "web-0");
    return p && (*p)["metadata"]["uid"] != uid;
  }));
}

TEST(StatefulSetController, RevisionsRecordTemplatesAndRollbackReusesTheOldOne) {
  ControllerFixture f({"statefulset"});
  f.cluster().create("apps", "v1", "statefulsets",
                     stateful_set("web", 1, {{"podManagementPolicy", "Parallel"}, {"revisionHistoryLimit", 2}}));
  auto revisions = [&] { return f.cluster().list("apps", "v1", "controllerrevisions", "default"); };
  ASSERT_TRUE(eventually([&] { return revisions().size() == 1; }));
  Json first = revisions()[0];
  EXPECT_EQ(first["revision"], 1);
  EXPECT_EQ(first["metadata"]["labels"]["app"], "web");
  EXPECT_TRUE(first["metadata"]["labels"].contains("controller.kubernetes.io/hash"));
  EXPECT_EQ(first["metadata"]["ownerReferences"][0]["kind"], "StatefulSet");
  EXPECT_EQ(first["data"]["spec"]["template"]["$patch"], "replace");
  EXPECT_EQ(first["data"]["spec"]["template"]["spec"]["containers"][0]["image"], "nginx:1");
  EXPECT_EQ(first["metadata"]["name"].get<std::string>(),
            "web-" + first["metadata"]["labels"]["controller.kubernetes.io/hash"].get<std::string>());

  patch_set(f, "web", R"({"spec":{"template":{"spec":{"containers":[{"name":"c","image":"nginx:2"}]}}}})");
  ASSERT_TRUE(eventually([&] { return revisions().size() == 2; }));
  // Back to the first template: the old revision is renumbered, no new one appears.
  patch_set(f, "web", R"({"spec":{"template":{"spec":{"containers":[{"name":"c","image":"nginx:1"}]}}}})");
  ASSERT_TRUE(eventually([&] {
    Json r = f.cluster().get("apps", "v1", "controllerrevisions", "default", first["metadata"]["name"]);
    return r.value("revision", 0) == 3;
  }));
  EXPECT_EQ(revisions().size(), 2u);
  EXPECT_TRUE(eventually([&] { return set_of(f, "web")["status"].value("updateRevision", "") == first["metadata"]["name"]; }));
}

TEST(StatefulSetController, RevisionHistoryLimitDropsRevisionsNoPodUses) {
  ControllerFixture f({"statefulset"});
  f.cluster().create("apps", "v1", "statefulsets",
                     stateful_set("web", 1, {{"updateStrategy", {{"type", "OnDelete"}}}, {"revisionHistoryLimit", 1}}));
  ASSERT_TRUE(eventually([&] { return pod(f, "web-0").has_value(); }));
  for (int i = 2; i <= 5; ++i) {
    patch_set(f, "web", R"({"spec":{"template":{"spec":{"containers":[{"name":"c","image":"nginx:)" + std::to_string(i) +
                            R"("}]}}}})");
    ASSERT_TRUE(eventually([&] {
      for (const auto& r : f.cluster().list("apps", "v1", "controllerrevisions", "default"))
        if (r["data"]["spec"]["template"]["spec"]["containers"][0]["image"] == "nginx:" + std::to_string(i)) return true;
      return false;
    }));
  }
  // Live: the pod's (and current) revision and the update revision; one more may stay.
  EXPECT_TRUE(eventually([&] { return f.cluster().list("apps", "v1", "controllerrevisions", "default").size() == 3; }));
}

TEST(StatefulSetController, RetentionPolicyOwnsClaimsBySetAndScaledDownPod) {
  ControllerFixture f({"statefulset"});
  f.cluster().create("apps", "v1", "statefulsets",
                     stateful_set("web", 2,
                                  {{"podManagementPolicy", "Parallel"},
                                   {"volumeClaimTemplates", claim_templates()},
                                   {"persistentVolumeClaimRetentionPolicy",
                                    {{"whenDeleted", "Delete"}, {"whenScaled", "Delete"}}}}));
  ASSERT_TRUE(eventually([&] { return pod_names(f).size() == 2; }));
  f.run_pods();
  const std::string set_uid = set_of(f, "web")["metadata"]["uid"];
  ASSERT_TRUE(eventually([&] {
    Json c = f.cluster().get("", "v1", "persistentvolumeclaims", "default", "www-web-1");
    const Json* refs = find_path(c, "metadata.ownerReferences");
    return refs && refs->size() == 1 && (*refs)[0]["uid"] == set_uid && (*refs)[0]["kind"] == "StatefulSet";
  }));
  const std::string pod_uid = (*pod(f, "web-1"))["metadata"]["uid"];
  patch_set(f, "web", R"({"spec":{"replicas":1}})");
  ASSERT_TRUE(eventually([&] {
    Json c = f.cluster().get("", "v1", "persistentvolumeclaims", "default", "www-web-1");
    const Json* refs = find_path(c, "metadata.ownerReferences");
    return refs && refs->size() == 1 && (*refs)[0]["uid"] == pod_uid && (*refs)[0]["kind"] == "Pod";
  }));
  EXPECT_TRUE(eventually([&] { return !pod(f, "web-1").has_value(); }));
}

// Deleted with --cascade=orphan and created again, a StatefulSet adopts its pods (and its
// revisions, so they are not rolled) instead of failing to create pods whose names are taken.
TEST(StatefulSetController, RecreatedAfterOrphaningAdoptsItsPods) {
  ControllerFixture f({"statefulset", "garbagecollector"});
  auto parallel = [] { return stateful_set("web", 2, {{"podManagementPolicy", "Parallel"}}); };
  auto uids = [&] {
    std::map<std::string, std::string> out;
    for (const auto& p : f.cluster().list("", "v1", "pods", "default")) out[p["metadata"]["name"]] = p["metadata"]["uid"];
    return out;
  };
  f.cluster().create("apps", "v1", "statefulsets", parallel());
  ASSERT_TRUE(eventually([&] { return pod_names(f) == std::vector<std::string>{"web-0", "web-1"}; }));
  set_ready(f, "web-0", true);
  set_ready(f, "web-1", true);
  const auto before = uids();
  ASSERT_TRUE(f.delete_orphaning("apps", "statefulsets", "web", "", "pods"));

  Json created = f.cluster().create("apps", "v1", "statefulsets", parallel());
  ASSERT_TRUE(eventually([&] {
    auto pods = f.cluster().list("", "v1", "pods", "default");
    return pods.size() == 2 && owned_by(pods[0], created["metadata"]["uid"]) && owned_by(pods[1], created["metadata"]["uid"]);
  }));
  ASSERT_TRUE(eventually([&] { return set_of(f, "web")["status"].value("readyReplicas", 0) == 2; }))
      << set_of(f, "web").dump(1);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));  // time for a wrong rollout to start
  EXPECT_EQ(uids(), before);
  Json set = set_of(f, "web");
  EXPECT_EQ(set["status"]["currentRevision"], set["status"]["updateRevision"]);
}

}  // namespace
}  // namespace skiff::controllers
