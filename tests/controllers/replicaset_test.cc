#include <gtest/gtest.h>

#include "controller_fixture.h"

namespace skiff::controllers {
namespace {

using testing::eventually;

Json replica_set(const std::string& name, int replicas) {
  return {{"apiVersion", "apps/v1"},
          {"kind", "ReplicaSet"},
          {"metadata", {{"name", name}, {"namespace", "default"}}},
          {"spec",
           {{"replicas", replicas},
            {"selector", {{"matchLabels", {{"app", name}}}}},
            {"template",
             {{"metadata", {{"labels", {{"app", name}}}}},
              {"spec", {{"containers", {{{"name", "c"}, {"image", "busybox"}}}}}}}}}}};
}

size_t live_pods(ControllerFixture& f, const std::string& selector) {
  size_t n = 0;
  for (const auto& p : f.cluster().list("", "v1", "pods", "default", selector))
    if (!p["metadata"].contains("deletionTimestamp")) ++n;
  return n;
}

TEST(ReplicaSetController, CreatesPodsOwnedByTheSetAndReportsStatus) {
  ControllerFixture f({"replicaset"});
  f.cluster().create("apps", "v1", "replicasets", replica_set("web", 3));
  ASSERT_TRUE(eventually([&] { return live_pods(f, "app=web") == 3; }));
  for (const auto& p : f.cluster().list("", "v1", "pods", "default", "app=web")) {
    EXPECT_EQ(p["metadata"]["ownerReferences"][0]["kind"], "ReplicaSet");
    EXPECT_EQ(p["metadata"]["ownerReferences"][0]["controller"], true);
    EXPECT_EQ(p["metadata"]["name"].get<std::string>().rfind("web-", 0), 0u);
  }
  f.run_pods();
  EXPECT_TRUE(eventually([&] {
    Json rs = f.cluster().get("apps", "v1", "replicasets", "default", "web");
    return find_path(rs, "status.readyReplicas") && rs["status"]["readyReplicas"] == 3 &&
           rs["status"]["availableReplicas"] == 3 && rs["status"]["replicas"] == 3;
  }));
  // Never more than asked for, even while events are in flight.
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  EXPECT_EQ(live_pods(f, "app=web"), 3u);
}

// Creates a quota refuses fail with a new pod name each time: the set reports the first failure
// and then backs off, instead of rewriting its status (and waking itself) on every attempt.
TEST(ReplicaSetController, BacksOffWhenCreatesAreRefused) {
  ControllerFixture f({"replicaset", "resourcequota"});
  f.cluster().enable_admission({"ResourceQuota"});
  f.cluster().create("", "v1", "resourcequotas",
                     {{"apiVersion", "v1"},
                      {"kind", "ResourceQuota"},
                      {"metadata", {{"name", "q"}, {"namespace", "default"}}},
                      {"spec", {{"hard", {{"pods", "1"}}}}}});
  ASSERT_TRUE(eventually([&] {
    return find_path(f.cluster().get("", "v1", "resourcequotas", "default", "q"), "status.used") != nullptr;
  }));
  f.cluster().create("apps", "v1", "replicasets", replica_set("capped", 2));
  auto rs = [&] { return f.cluster().get("apps", "v1", "replicasets", "default", "capped"); };
  ASSERT_TRUE(eventually([&] {
    const Json set = rs();
    const Json* c = find_path(set, "status.conditions");
    return c && !c->empty() && (*c)[0]["reason"] == "FailedCreate";
  }));
  const std::string version = rs()["metadata"]["resourceVersion"];
  auto failed_creates = [&] {
    size_t n = 0;
    for (const auto& e : f.cluster().list("", "v1", "events", "default"))
      if (e.value("reason", "") == "FailedCreate") ++n;
    return n;
  };
  std::this_thread::sleep_for(std::chrono::seconds(1));
  EXPECT_EQ(rs()["metadata"]["resourceVersion"], version) << "the status is not rewritten per attempt";
  EXPECT_LT(failed_creates(), 30u) << "attempts back off";
  EXPECT_EQ(live_pods(f, "app=capped"), 1u);
}

TEST(ReplicaSetController, ScalesDownRemovingNotReadyPodsFirst) {
  ControllerFixture f({"replicaset"});
  f.cluster().create("apps", "v1", "replicasets", replica_set("web", 3));
  ASSERT_TRUE(eventually([&] { return live_pods(f, "app=web") == 3; }));
  f.run_pods();
  const auto& rss = f.client().resource("apps", "v1", "replicasets");
  ASSERT_TRUE(f.client().patch(rss, "default", "web", client::PatchType::kMerge, R"({"spec":{"replicas":1}})").ok());
  EXPECT_TRUE(eventually([&] { return live_pods(f, "app=web") == 1; }));
  auto events = f.cluster().list("", "v1", "events", "default");
  int deletes = 0;
  for (const auto& e : events)
    if (e["reason"] == "SuccessfulDelete") ++deletes;
  EXPECT_TRUE(eventually([&] {
    int n = 0;
    for (const auto& e : f.cluster().list("", "v1", "events", "default"))
      if (e["reason"] == "SuccessfulDelete") n += e.value("count", 1);
    return n == 2;
  }));
}

TEST(ReplicaSetController, ReplacesDeletedPodsAndAdoptsOrphans) {
  ControllerFixture f({"replicaset"});
  f.cluster().create("", "v1", "pods",
                     {{"apiVersion", "v1"},
                      {"kind", "Pod"},
                      {"metadata", {{"name", "stray"}, {"namespace", "default"}, {"labels", {{"app", "web"}}}}},
                      {"spec", {{"containers", {{{"name", "c"}, {"image", "busybox"}}}}}}});
  f.cluster().create("apps", "v1", "replicasets", replica_set("web", 2));
  ASSERT_TRUE(eventually([&] { return live_pods(f, "app=web") == 2; }));
  Json stray = f.cluster().get("", "v1", "pods", "default", "stray");
  ASSERT_TRUE(stray["metadata"].contains("ownerReferences"));
  EXPECT_EQ(stray["metadata"]["ownerReferences"][0]["name"], "web");
  const auto& pods = f.client().resource("", "v1", "pods");
  ASSERT_TRUE(f.client().remove(pods, "default", "stray").ok());
  EXPECT_TRUE(eventually([&] { return live_pods(f, "app=web") == 2 && !f.client().get(pods, "default", "stray").ok(); }));
}

}  // namespace
}  // namespace skiff::controllers
