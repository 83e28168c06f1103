#include <gtest/gtest.h>

#include <atomic>
#include <set>
#include <thread>

#include "controller_fixture.h"
#include "controllers/ownership.h"

namespace skiff::controllers {
namespace {

using testing::eventually;

Json deployment(const std::string& name, int replicas, const std::string& image) {
  return {{"apiVersion", "apps/v1"},
          {"kind", "Deployment"},
          {"metadata", {{"name", name}, {"namespace", "default"}}},
          {"spec",
           {{"replicas", replicas},
            {"selector", {{"matchLabels", {{"app", name}}}}},
            {"strategy", {{"type", "RollingUpdate"}, {"rollingUpdate", {{"maxSurge", 1}, {"maxUnavailable", 1}}}}},
            {"template",
             {{"metadata", {{"labels", {{"app", name}}}}},
              {"spec", {{"containers", {{{"name", "c"}, {"image", image}}}}}}}}}}};
}

// Plays the part of the nodes: keeps every pod Running and Ready, finishes deletions.
class FakeNodes {
 public:
  explicit FakeNodes(ControllerFixture& f) : thread_([this, &f] {
      while (!stop_) {
        f.run_pods();
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
      }
    }) {}
  ~FakeNodes() {
    stop_ = true;
    thread_.join();
  }

 private:
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

Json condition(const Json& obj, const std::string& type) {
  for (const auto& c : obj["status"].value("conditions", Json::array()))
    if (c["type"] == type) return c;
  return Json();
}

// The status describes the current spec only once the controller observed its generation: the
// revision annotation and the status are separate writes, so a reader can see one without the other.
bool synced(const Json& d) {
  return d["status"].value("observedGeneration", int64_t{0}) == d["metadata"].value("generation", int64_t{-1});
}

TEST(DeploymentController, RollsOutWithinSurgeAndKeepsHistory) {
  ControllerFixture f({"replicaset", "deployment"});
  FakeNodes nodes(f);
  f.cluster().create("apps", "v1", "deployments", deployment("web", 4, "img:1"));
  ASSERT_TRUE(eventually([&] {
    Json d = f.cluster().get("apps", "v1", "deployments", "default", "web");
    return find_path(d, "status.availableReplicas") && d["status"]["availableReplicas"] == 4 &&
           condition(d, "Progressing").value("reason", "") == "NewReplicaSetAvailable";
  })) << f.cluster().get("apps", "v1", "deployments", "default", "web").dump(1)
      << Json(f.cluster().list("apps", "v1", "replicasets", "default")).dump(1);
  Json d = f.cluster().get("apps", "v1", "deployments", "default", "web");
  EXPECT_EQ(d["metadata"]["annotations"]["deployment.kubernetes.io/revision"], "1");
  EXPECT_EQ(condition(d, "Available")["status"], "True");

  const auto& deps = f.client().resource("apps", "v1", "deployments");
  ASSERT_TRUE(f.client()
                  .patch(deps, "default", "web", client::PatchType::kStrategic,
                         R"({"spec":{"template":{"spec":{"containers":[{"name":"c","image":"img:2"}]}}}})")
                  .ok());
  // Sample the sets while the rollout runs: never more than replicas + maxSurge wanted.
  int64_t worst_total = 0;
  bool done = eventually(
      [&] {
        int64_t total = 0;
        for (const auto& rs : f.cluster().list("apps", "v1", "replicasets", "default"))
          total += rs["spec"].value("replicas", 0);
        worst_total = std::max(worst_total, total);
        Json now = f.cluster().get("apps", "v1", "deployments", "default", "web");
        return now["metadata"]["annotations"]["deployment.kubernetes.io/revision"] == "2" &&
               synced(now) &&
               now["status"].value("updatedReplicas", 0) == 4 && now["status"].value("replicas", 0) == 4 &&
               now["status"].value("availableReplicas", 0) == 4 &&
               condition(now, "Progressing").value("reason", "") == "NewReplicaSetAvailable";
      },
      std::chrono::seconds(20));
  ASSERT_TRUE(done);
  EXPECT_LE(worst_total, 5);
  ASSERT_TRUE(eventually([&] {
    int64_t total = 0;
    for (const auto& rs : f.cluster().list("apps", "v1", "replicasets", "default")) total += rs["spec"].value("replicas", 0);
    return total == 4;
  }));
  auto sets = f.cluster().list("apps", "v1", "replicasets", "default");
  ASSERT_EQ(sets.size(), 2u);
  for (const auto& rs : sets) {
    bool is_new = rs["spec"]["template"]["spec"]["containers"][0]["image"] == "img:2";
    EXPECT_EQ(rs["spec"]["replicas"], is_new ? 4 : 0);
    EXPECT_EQ(rs["metadata"]["annotations"]["deployment.kubernetes.io/revision"], is_new ? "2" : "1");
    EXPECT_TRUE(rs["metadata"]["labels"].contains("pod-template-hash"));
  }

  // Going back to the first template reuses its set as revision 3 (what `rollout undo` does).
  ASSERT_TRUE(f.client()
                  .patch(deps, "default", "web", client::PatchType::kStrategic,
                         R"({"spec":{"template":{"spec":{"containers":[{"name":"c","image":"img:1"}]}}}})")
                  .ok());
  ASSERT_TRUE(eventually(
      [&] {
        Json now = f.cluster().get("apps", "v1", "deployments", "default", "web");
        return now["metadata"]["annotations"]["deployment.kubernetes.io/revision"] == "3" &&
               synced(now) &&
               now["status"].value("updatedReplicas", 0) == 4 && now["status"].value("replicas", 0) == 4;
      },
      std::chrono::seconds(20)));
  EXPECT_EQ(f.cluster().list("apps", "v1", "replicasets", "default").size(), 2u);
  for (const auto& rs : f.cluster().list("apps", "v1", "replicasets", "default"))
    if (rs["spec"]["template"]["spec"]["containers"][0]["image"] == "img:1") {
      EXPECT_EQ(rs["metadata"]["annotations"]["deployment.kubernetes.io/revision-history"], "1");
    }
}

// A change-cause annotated after the rollout reaches the current ReplicaSet, where
// `kubectl rollout history` reads it.
TEST(DeploymentController, AnnotationsSetLaterFollowOntoTheNewReplicaSet) {
  ControllerFixture f({"replicaset", "deployment"});
  FakeNodes nodes(f);
  f.cluster().create("apps", "v1", "deployments", deployment("noted", 1, "app:1"));
  ASSERT_TRUE(eventually([&] { return f.cluster().list("apps", "v1", "replicasets", "default").size() == 1; }));
  const auto& deployments = f.client().resource("apps", "v1", "deployments");
  ASSERT_TRUE(f.client()
                  .patch(deployments, "default", "noted", client::PatchType::kMerge,
                         R"({"metadata":{"annotations":{"kubernetes.io/change-cause":"bump to 1"}}})")
                  .ok());
  EXPECT_TRUE(eventually([&] {
    auto sets = f.cluster().list("apps", "v1", "replicasets", "default");
    const Json* cause = sets.size() == 1 ? find_path(sets[0], "metadata.annotations") : nullptr;
    return cause && cause->value("kubernetes.io/change-cause", "") == "bump to 1";
  }));
}

TEST(DeploymentController, RecreateStopsOldPodsBeforeStartingNew) {
  ControllerFixture f({"replicaset", "deployment"});
  FakeNodes nodes(f);
  Json d = deployment("batch", 2, "img:1");
  d["spec"]["strategy"] = {{"type", "Recreate"}};
  f.cluster().create("apps", "v1", "deployments", d);
  ASSERT_TRUE(eventually([&] {
    Json now = f.cluster().get("apps", "v1", "deployments", "default", "batch");
    return now["status"].value("availableReplicas", 0) == 2;
  }));
  const auto& deps = f.client().resource("apps", "v1", "deployments");
  ASSERT_TRUE(f.client()
                  .patch(deps, "default", "batch", client::PatchType::kStrategic,
                         R"({"spec":{"template":{"spec":{"containers":[{"name":"c","image":"img:2"}]}}}})")
                  .ok());
  ASSERT_TRUE(eventually(
      [&] {
        Json now = f.cluster().get("apps", "v1", "deployments", "default", "batch");
        return now["status"].value("updatedReplicas", 0) == 2 && now["status"].value("availableReplicas", 0) == 2 &&
               now["status"].value("replicas", 0) == 2;
      },
      std::chrono::seconds(20)));
}

TEST(DeploymentController, ScalingChangesTheActiveSetAndPauseHoldsRollouts) {
  ControllerFixture f({"replicaset", "deployment"});
  FakeNodes nodes(f);
  f.cluster().create("apps", "v1", "deployments", deployment("web", 2, "img:1"));
  ASSERT_TRUE(eventually([&] {
    return f.cluster().get("apps", "v1", "deployments", "default", "web")["status"].value("availableReplicas", 0) == 2;
  }));
  const auto& deps = f.client().resource("apps", "v1", "deployments");
  ASSERT_TRUE(f.client().patch(deps, "default", "web", client::PatchType::kMerge, R"({"spec":{"replicas":5,"paused":true}})").ok());
  ASSERT_TRUE(eventually([&] {
    Json now = f.cluster().get("apps", "v1", "deployments", "default", "web");
    return now["status"].value("availableReplicas", 0) == 5 &&
           condition(now, "Progressing").value("reason", "") == "DeploymentPaused";
  }));
  ASSERT_TRUE(f.client()
                  .patch(deps, "default", "web", client::PatchType::kStrategic,
                         R"({"spec":{"template":{"spec":{"containers":[{"name":"c","image":"img:2"}]}}}})")
                  .ok());
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  EXPECT_EQ(f.cluster().list("apps", "v1", "replicasets", "default").size(), 1u) << "paused: no new set";
  ASSERT_TRUE(f.client().patch(deps, "default", "web", client::PatchType::kMerge, R"({"spec":{"paused":false}})").ok());
  EXPECT_TRUE(eventually(
      [&] {
        Json now = f.cluster().get("apps", "v1", "deployments", "default", "web");
        return now["status"].value("updatedReplicas", 0) == 5 && now["status"].value("replicas", 0) == 5 &&
               now["status"].value("availableReplicas", 0) == 5;
      },
      std::chrono::seconds(20)));
}

// Deleted with --cascade=orphan and created again, a Deployment adopts its old ReplicaSet (the
// same template hashes to the same name) instead of starting a second one beside it.
TEST(DeploymentController, RecreatedAfterOrphaningAdoptsItsReplicaSet) {
  ControllerFixture f({"replicaset", "deployment", "garbagecollector"});
  FakeNodes nodes(f);
  auto available = [&](int n) {
    return eventually([&] {
      Json d = f.cluster().get("apps", "v1", "deployments", "default", "web");
      return d.contains("status") && d["status"].value("availableReplicas", 0) == n && synced(d);
    });
  };
  auto pod_uids = [&] {
    std::set<std::string> uids;
    for (const auto& p : f.cluster().list("", "v1", "pods", "default", "app=web")) uids.insert(p["metadata"]["uid"]);
    return uids;
  };
  f.cluster().create("apps", "v1", "deployments", deployment("web", 3, "img:1"));
  ASSERT_TRUE(available(3));
  const auto before = pod_uids();
  const std::string set_name = f.cluster().list("apps", "v1", "replicasets", "default")[0]["metadata"]["name"];
  ASSERT_TRUE(f.delete_orphaning("apps", "deployments", "web", "apps", "replicasets"));
  ASSERT_EQ(f.cluster().list("apps", "v1", "replicasets", "default").size(), 1u);

  Json created = f.cluster().create("apps", "v1", "deployments", deployment("web", 3, "img:1"));
  ASSERT_TRUE(eventually([&] {
    auto sets = f.cluster().list("apps", "v1", "replicasets", "default");
    return sets.size() == 1 && owned_by(sets[0], created["metadata"]["uid"]);
  })) << Json(f.cluster().list("apps", "v1", "replicasets", "default")).dump(1);
  ASSERT_TRUE(available(3));
  EXPECT_EQ(f.cluster().list("apps", "v1", "replicasets", "default")[0]["metadata"]["name"], set_name);
  EXPECT_EQ(pod_uids(), before);
}

}  // namespace
}  // namespace skiff::controllers
