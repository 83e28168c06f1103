#include <gtest/gtest.h>

#include <thread>

#include "controller_fixture.h"
#include "controllers/ownership.h"

namespace skiff::controllers {
namespace {

using testing::eventually;

Json daemon_set(const std::string& name, Json extra_spec = Json::object(), Json pod_spec_extra = Json::object()) {
  Json ds = {{"apiVersion", "apps/v1"},
             {"kind", "DaemonSet"},
             {"metadata", {{"name", name}, {"namespace", "default"}}},
             {"spec",
              {{"selector", {{"matchLabels", {{"app", name}}}}},
               {"template",
                {{"metadata", {{"labels", {{"app", name}}}}},
                 {"spec", {{"containers", {{{"name", "c"}, {"image", "agent:1"}}}}}}}}}}};
  for (auto& [k, v] : extra_spec.items()) ds["spec"][k] = v;
  for (auto& [k, v] : pod_spec_extra.items()) ds["spec"]["template"]["spec"][k] = v;
  return ds;
}

Json node(const std::string& name, Json labels = Json::object(), Json taints = Json::array()) {
  Json n = {{"apiVersion", "v1"}, {"kind", "Node"}, {"metadata", {{"name", name}, {"labels", labels}}}};
  if (!taints.empty()) n["spec"]["taints"] = taints;
  return n;
}

// Live (not being deleted) pods of the DaemonSet, by the node they are pinned to.
std::map<std::string, std::vector<Json>> pods_by_node(ControllerFixture& f, const std::string& app = "ds") {
  std::map<std::string, std::vector<Json>> out;
  for (const auto& p : f.cluster().list("", "v1", "pods", "default", "app=" + app)) {
    if (p["metadata"].contains("deletionTimestamp")) continue;
    const Json* terms =
        find_path(p, "spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms");
    std::string target = terms ? (*terms)[0]["matchFields"][0]["values"][0].get<std::string>() : "?";
    out[target].push_back(p);
  }
  return out;
}

std::set<std::string> nodes_with_pods(ControllerFixture& f) {
  std::set<std::string> out;
  for (const auto& [n, pods] : pods_by_node(f)) out.insert(n);
  return out;
}

Json ds_status(ControllerFixture& f, const std::string& name = "ds") {
  return f.cluster().get("apps", "v1", "daemonsets", "default", name).value("status", Json::object());
}

void patch(ControllerFixture& f, std::string_view group, std::string_view plural, const std::string& ns,
           const std::string& name, const std::string& body) {
  ASSERT_TRUE(
      f.client().patch(f.client().resource(group, "v1", plural), ns, name, client::PatchType::kMerge, body).ok());
}

std::string hash_of(const Json& pod) { return pod["metadata"]["labels"].value("controller-revision-hash", ""); }

bool has_event(ControllerFixture& f, const std::string& reason, const std::string& prefix) {
  for (const auto& e : f.cluster().list("", "v1", "events", "default"))
    if (e.value("reason", "") == reason && e.value("message", "").rfind(prefix, 0) == 0) return true;
  return false;
}

TEST(DaemonSetController, OnePodPerEligibleNodePinnedByNodeAffinity) {
  ControllerFixture f({"daemonset"});
  f.cluster().create("", "v1", "nodes", node("a"));
  f.cluster().create("", "v1", "nodes", node("b", {{"role", "edge"}}));
  f.cluster().create("", "v1", "nodes",
                     node("c", {{"role", "edge"}}, Json::array({{{"key", "dedicated"}, {"value", "x"}, {"effect", "NoSchedule"}}})));
  f.cluster().create("", "v1", "nodes",
                     node("d", {{"role", "edge"}},
                          Json::array({{{"key", "node.kubernetes.io/unschedulable"}, {"effect", "NoSchedule"}}})));
  f.cluster().create("apps", "v1", "daemonsets", daemon_set("ds", {}, {{"nodeSelector", {{"role", "edge"}}}}));

  ASSERT_TRUE(eventually([&] { return nodes_with_pods(f) == std::set<std::string>{"b", "d"}; }));
  Json p = pods_by_node(f)["b"][0];
  EXPECT_FALSE(p["spec"].contains("nodeName"));
  const Json& term = p["spec"]["affinity"]["nodeAffinity"]["requiredDuringSchedulingIgnoredDuringExecution"]
                      ["nodeSelectorTerms"][0]["matchFields"][0];
  EXPECT_EQ(term["key"], "metadata.name");
  EXPECT_EQ(term["operator"], "In");
  EXPECT_EQ(p["metadata"]["generateName"], "ds-");
  EXPECT_EQ(p["metadata"]["ownerReferences"][0]["kind"], "DaemonSet");
  EXPECT_FALSE(hash_of(p).empty());
  std::set<std::string> tolerated;
  for (const auto& t : p["spec"]["tolerations"]) {
    tolerated.insert(t["key"].get<std::string>() + ":" + t["effect"].get<std::string>());
    EXPECT_EQ(t["operator"], "Exists");
    EXPECT_FALSE(t.contains("tolerationSeconds"));
  }
  EXPECT_EQ(tolerated, (std::set<std::string>{"node.kubernetes.io/not-ready:NoExecute",
                                              "node.kubernetes.io/unreachable:NoExecute",
                                              "node.kubernetes.io/disk-pressure:NoSchedule",
                                              "node.kubernetes.io/memory-pressure:NoSchedule",
                                              "node.kubernetes.io/pid-pressure:NoSchedule",
                                              "node.kubernetes.io/unschedulable:NoSchedule"}));
  EXPECT_TRUE(eventually([&] { return has_event(f, "SuccessfulCreate", "Created pod: ds-"); }));
  EXPECT_TRUE(eventually([&] {
    Json s = ds_status(f);
    return s.value("desiredNumberScheduled", -1) == 2 && s.value("currentNumberScheduled", -1) == 2 &&
           s.value("numberMisscheduled", -1) == 0 && s.value("numberReady", -1) == 0 &&
           s.value("numberUnavailable", 0) == 2 && s.value("observedGeneration", 0) == 1;
  }));

  f.run_pods();
  EXPECT_TRUE(eventually([&] {
    Json s = ds_status(f);
    return s.value("numberReady", 0) == 2 && s.value("numberAvailable", 0) == 2 &&
           s.value("updatedNumberScheduled", 0) == 2 && !s.contains("numberUnavailable");
  }));
}

TEST(DaemonSetController, HostNetworkPodsTolerateNetworkUnavailable) {
  ControllerFixture f({"daemonset"});
  f.cluster().create("", "v1", "nodes",
                     node("a", {}, Json::array({{{"key", "node.kubernetes.io/network-unavailable"}, {"effect", "NoSchedule"}}})));
  f.cluster().create("apps", "v1", "daemonsets", daemon_set("ds", {}, {{"hostNetwork", true}}));
  ASSERT_TRUE(eventually([&] { return nodes_with_pods(f) == std::set<std::string>{"a"}; }));
  const Json pod = pods_by_node(f)["a"][0];
  bool found = false;
  for (const auto& t : pod["spec"]["tolerations"])
    found |= t["key"] == "node.kubernetes.io/network-unavailable";
  EXPECT_TRUE(found);
}

TEST(DaemonSetController, FollowsNodesAsTheyComeGoAndChange) {
  ControllerFixture f({"daemonset"});
  f.cluster().create("", "v1", "nodes", node("a", {{"role", "edge"}}));
  f.cluster().create("apps", "v1", "daemonsets", daemon_set("ds", {}, {{"nodeSelector", {{"role", "edge"}}}}));
  ASSERT_TRUE(eventually([&] { return nodes_with_pods(f) == std::set<std::string>{"a"}; }));

  f.cluster().create("", "v1", "nodes", node("b", {{"role", "edge"}}));
  ASSERT_TRUE(eventually([&] { return nodes_with_pods(f) == std::set<std::string>{"a", "b"}; }));

  ASSERT_TRUE(f.client().remove(f.client().resource("", "v1", "nodes"), "", "b").ok());
  ASSERT_TRUE(eventually([&] { return nodes_with_pods(f) == std::set<std::string>{"a"}; }));

  patch(f, "", "nodes", "", "a", R"({"metadata":{"labels":{"role":"core"}}})");
  ASSERT_TRUE(eventually([&] { return nodes_with_pods(f).empty(); }));
  EXPECT_TRUE(eventually([&] { return has_event(f, "SuccessfulDelete", "Deleted pod: ds-"); }));
  EXPECT_TRUE(eventually([&] { return ds_status(f).value("desiredNumberScheduled", -1) == 0; }));
}

TEST(DaemonSetController, NoScheduleTaintKeepsTheRunningPodNoExecuteRemovesIt) {
  ControllerFixture f({"daemonset"});
  f.cluster().create("", "v1", "nodes", node("a"));
  f.cluster().create("apps", "v1", "daemonsets", daemon_set("ds"));
  ASSERT_TRUE(eventually([&] { return nodes_with_pods(f).size() == 1; }));
  const std::string uid = pods_by_node(f)["a"][0]["metadata"]["uid"];

  patch(f, "", "nodes", "", "a", R"({"spec":{"taints":[{"key":"k","value":"v","effect":"NoSchedule"}]}})");
  ASSERT_TRUE(eventually([&] {
    Json s = ds_status(f);
    return s.value("desiredNumberScheduled", -1) == 0 && s.value("numberMisscheduled", -1) == 1;
  }));
  EXPECT_EQ(pods_by_node(f)["a"][0]["metadata"]["uid"], uid);

  patch(f, "", "nodes", "", "a", R"({"spec":{"taints":[{"key":"k","value":"v","effect":"NoExecute"}]}})");
  EXPECT_TRUE(eventually([&] { return nodes_with_pods(f).empty(); }));
}

TEST(DaemonSetController, RollingUpdateReplacesOnePodAtATime) {
  ControllerFixture f({"daemonset"});
  for (const char* n : {"a", "b", "c"}) f.cluster().create("", "v1", "nodes", node(n));
  f.cluster().create("apps", "v1", "daemonsets", daemon_set("ds"));
  ASSERT_TRUE(eventually([&] { return nodes_with_pods(f).size() == 3; }));
  f.run_pods();
  ASSERT_TRUE(eventually([&] { return ds_status(f).value("numberAvailable", 0) == 3; }));
  const std::string old_hash = hash_of(pods_by_node(f)["a"][0]);

  patch(f, "apps", "daemonsets", "default", "ds",
        R"({"spec":{"template":{"spec":{"containers":[{"name":"c","image":"agent:2"}]}}}})");
  auto count = [&](bool updated) {
    int n = 0;
    for (const auto& [node, pods] : pods_by_node(f))
      for (const auto& p : pods) n += (hash_of(p) != old_hash) == updated;
    return n;
  };
  ASSERT_TRUE(eventually([&] { return count(true) == 1 && count(false) == 2; }));
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  EXPECT_EQ(count(false), 2);  // the new pod is not available yet
  ASSERT_TRUE(eventually([&] {
    f.run_pods();
    Json s = ds_status(f);
    return count(false) == 0 && count(true) == 3 && s.value("updatedNumberScheduled", 0) == 3 &&
           s.value("numberAvailable", 0) == 3 && s.value("observedGeneration", 0) == 2;
  }));
}

TEST(DaemonSetController, MaxSurgeStartsTheNewPodBesideTheOldOne) {
  ControllerFixture f({"daemonset"});
  f.cluster().create("", "v1", "nodes", node("a"));
  f.cluster().create(
      "apps", "v1", "daemonsets",
      daemon_set("ds", {{"updateStrategy", {{"type", "RollingUpdate"}, {"rollingUpdate", {{"maxSurge", 1}, {"maxUnavailable", 0}}}}}}));
  ASSERT_TRUE(eventually([&] { return nodes_with_pods(f).size() == 1; }));
  f.run_pods();
  const std::string old_uid = pods_by_node(f)["a"][0]["metadata"]["uid"];
  patch(f, "apps", "daemonsets", "default", "ds",
        R"({"spec":{"template":{"spec":{"containers":[{"name":"c","image":"agent:2"}]}}}})");
  ASSERT_TRUE(eventually([&] { return pods_by_node(f)["a"].size() == 2; }));
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  ASSERT_EQ(pods_by_node(f)["a"].size(), 2u);  // the old pod stays until the new one is available
  f.run_pods();
  ASSERT_TRUE(eventually([&] {
    auto pods = pods_by_node(f)["a"];
    return pods.size() == 1 && pods[0]["metadata"]["uid"] != old_uid;
  }));
}

TEST(DaemonSetController, OnDeleteUpdatesOnlyDeletedPods) {
  ControllerFixture f({"daemonset"});
  for (const char* n : {"a", "b"}) f.cluster().create("", "v1", "nodes", node(n));
  f.cluster().create("apps", "v1", "daemonsets", daemon_set("ds", {{"updateStrategy", {{"type", "OnDelete"}}}}));
  ASSERT_TRUE(eventually([&] { return nodes_with_pods(f).size() == 2; }));
  const std::string old_hash = hash_of(pods_by_node(f)["a"][0]);
  patch(f, "apps", "daemonsets", "default", "ds",
        R"({"spec":{"template":{"spec":{"containers":[{"name":"c","image":"agent:2"}]}}}})");
  ASSERT_TRUE(eventually([&] { return f.cluster().list("apps", "v1", "controllerrevisions", "default").size() == 2; }));
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  EXPECT_EQ(hash_of(pods_by_node(f)["a"][0]), old_hash);

  ASSERT_TRUE(f.client()
                  .remove(f.client().resource("", "v1", "pods"), "default",
                          pods_by_node(f)["b"][0]["metadata"]["name"].get<std::string>())
                  .ok());
  ASSERT_TRUE(eventually([&] {
    auto pods = pods_by_node(f)["b"];
    return pods.size() == 1 && hash_of(pods[0]) != old_hash;
  }));
  EXPECT_EQ(hash_of(pods_by_node(f)["a"][0]), old_hash);
  EXPECT_TRUE(eventually([&] { return ds_status(f).value("updatedNumberScheduled", 0) == 1; }));
}

TEST(DaemonSetController, RevisionsCarryTheHashAndRollbackReusesThem) {
  ControllerFixture f({"daemonset"});
  f.cluster().create("", "v1", "nodes", node("a"));
  f.cluster().create("apps", "v1", "daemonsets", daemon_set("ds"));
  auto revisions = [&] { return f.cluster().list("apps", "v1", "controllerrevisions", "default"); };
  ASSERT_TRUE(eventually([&] { return revisions().size() == 1 && nodes_with_pods(f).size() == 1; }));
  Json first = revisions()[0];
  const std::string hash = first["metadata"]["labels"]["controller-revision-hash"];
  EXPECT_EQ(first["metadata"]["name"], "ds-" + hash);
  EXPECT_EQ(first["metadata"]["labels"]["app"], "ds");
  EXPECT_EQ(first["revision"], 1);
  EXPECT_EQ(first["data"]["spec"]["template"]["$patch"], "replace");
  EXPECT_EQ(hash_of(pods_by_node(f)["a"][0]), hash);

  patch(f, "apps", "daemonsets", "default", "ds",
        R"({"spec":{"template":{"spec":{"containers":[{"name":"c","image":"agent:2"}]}}}})");
  ASSERT_TRUE(eventually([&] { return revisions().size() == 2; }));
  patch(f, "apps", "daemonsets", "default", "ds",
        R"({"spec":{"template":{"spec":{"containers":[{"name":"c","image":"agent:1"}]}}}})");
  ASSERT_TRUE(eventually([&] {
    return f.cluster().get("apps", "v1", "controllerrevisions", "default", first["metadata"]["name"]).value("revision", 0) == 3;
  }));
  EXPECT_EQ(revisions().size(), 2u);
}

TEST(DaemonSetController, FailedPodIsReplaced) {
  ControllerFixture f({"daemonset"});
  f.cluster().create("", "v1", "nodes", node("a"));
  f.cluster().create("apps", "v1", "daemonsets", daemon_set("ds"));
  ASSERT_TRUE(eventually([&] { return nodes_with_pods(f).size() == 1; }));
  Json p = pods_by_node(f)["a"][0];
  const std::string uid = p["metadata"]["uid"];
  p["status"]["phase"] = "Failed";
  ASSERT_TRUE(f.client().update(f.client().resource("", "v1", "pods"), "default", p, "status").ok());
  ASSERT_TRUE(eventually([&] {
    auto pods = pods_by_node(f)["a"];
    return pods.size() == 1 && pods[0]["metadata"]["uid"] != uid;
  }));
  EXPECT_TRUE(eventually([&] { return has_event(f, "FailedDaemonPod", "Found failed daemon pod default/"); }));
}

// Deleted with --cascade=orphan and created again, a DaemonSet adopts the pods on its nodes
// instead of starting a second pod beside each.
TEST(DaemonSetController, RecreatedAfterOrphaningAdoptsItsPods) {
  ControllerFixture f({"daemonset", "garbagecollector"});
  f.cluster().create("", "v1", "nodes", node("a"));
  f.cluster().create("", "v1", "nodes", node("b"));
  auto uids = [&] {
    std::set<std::string> out;
    for (const auto& p : f.cluster().list("", "v1", "pods", "default")) out.insert(p["metadata"]["uid"]);
    return out;
  };
  f.cluster().create("apps", "v1", "daemonsets", daemon_set("ds"));
  ASSERT_TRUE(eventually([&] { return nodes_with_pods(f) == std::set<std::string>{"a", "b"}; }));
  const auto before = uids();
  ASSERT_TRUE(f.delete_orphaning("apps", "daemonsets", "ds", "", "pods"));

  Json created = f.cluster().create("apps", "v1", "daemonsets", daemon_set("ds"));
  ASSERT_TRUE(eventually([&] {
    auto pods = f.cluster().list("", "v1", "pods", "default");
    for (const auto& p : pods)
      if (!owned_by(p, created["metadata"]["uid"])) return false;
    return pods.size() == 2;
  }));
  ASSERT_TRUE(eventually([&] { return ds_status(f)["desiredNumberScheduled"] == 2; }));
  std::this_thread::sleep_for(std::chrono::milliseconds(300));  // time for a duplicate or a rollout to start
  EXPECT_EQ(uids(), before);
}

}  // namespace
}  // namespace skiff::controllers
