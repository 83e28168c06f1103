// Filters, scores and failure messages, through one scheduling attempt on a small cache.
#include <gtest/gtest.h>

#include <map>
#include <set>

#include "scheduler/algorithm.h"
#include "scheduler/plugins/plugins.h"
#include "test_objects.h"

namespace skiff::scheduler {
namespace {

using testing::node_json;
using testing::place;
using testing::pod_json;

class AlgorithmTest : public ::testing::Test {
 protected:
  void add_node(const Json& node) { ASSERT_TRUE(cache.upsert_node(node).ok()); }
  ScheduleOutcome run(const Json& pod) { return algorithm.schedule(cache, *testing::parse(pod)); }

  Cache cache;
  Algorithm algorithm{default_profile()};
};

TEST_F(AlgorithmTest, NoNodes) {
  auto out = run(pod_json("p"));
  EXPECT_TRUE(out.node.empty());
  EXPECT_EQ(out.error.message(), "no nodes available to schedule pods");
}

TEST_F(AlgorithmTest, FailureMessageCountsAndSortsReasons) {
  add_node(node_json("a", "1"));
  add_node(node_json("b", "1"));
  add_node(node_json("c", "1"));
  Json small = node_json("d", "8");
  small["metadata"]["labels"]["disk"] = "hdd";
  add_node(small);
  Json cordoned = node_json("e", "8");
  cordoned["spec"]["unschedulable"] = true;
  add_node(cordoned);
  Json pod = pod_json("p", "2");
  pod["spec"]["nodeSelector"] = {{"disk", "ssd"}};
  auto out = run(pod);
  EXPECT_TRUE(out.node.empty());
  // Nodes a-c fail NodeAffinity before NodeResourcesFit is reached, as Kubernetes stops at
  // the first failing filter; the sort is over the whole "<count> <reason>" strings.
  EXPECT_EQ(out.error.message(),
            "0/5 nodes are available: 1 node(s) were unschedulable, 4 node(s) didn't match Pod's node "
            "affinity/selector.");
}

TEST_F(AlgorithmTest, InsufficientResourcesListEveryResource) {
  add_node(node_json("a", "1", "1Gi"));
  add_node(node_json("b", "4", "1Gi", Json::object(), 0));
  auto out = run(pod_json("p", "2", "2Gi"));
  EXPECT_EQ(out.error.message(),
            "0/2 nodes are available: 1 Insufficient cpu, 1 Too many pods, 2 Insufficient memory.");
}

TEST_F(AlgorithmTest, ResourcesCountAssignedPods) {
  add_node(node_json("a", "2"));
  add_node(node_json("b", "2"));
  place(cache, pod_json("x", "1500m"), "a");
  EXPECT_EQ(run(pod_json("p", "1")).node, "b");
}

TEST_F(AlgorithmTest, ExtendedResources) {
  Json gpu = node_json("gpu");
  gpu["status"]["allocatable"]["nvidia.com/gpu"] = "1";
  add_node(gpu);
  add_node(node_json("plain"));
  Json pod = pod_json("p");
  pod["spec"]["containers"][0]["resources"]["requests"]["nvidia.com/gpu"] = "1";
  EXPECT_EQ(run(pod).node, "gpu");
  place(cache, pod, "gpu");
  EXPECT_EQ(run(pod).error.message(), "0/2 nodes are available: 2 Insufficient nvidia.com/gpu.");
}

TEST_F(AlgorithmTest, TaintsAndTolerations) {
  Json tainted = node_json("t");
  tainted["spec"]["taints"] = Json::array({{{"key", "dedicated"}, {"value", "gpu"}, {"effect", "NoSchedule"}}});
  add_node(tainted);
  EXPECT_EQ(run(pod_json("p")).error.message(),
            "0/1 nodes are available: 1 node(s) had untolerated taint {dedicated: gpu}.");
  Json pod = pod_json("p");
  pod["spec"]["tolerations"] = Json::array({{{"key", "dedicated"}, {"operator", "Equal"}, {"value", "gpu"}}});
  EXPECT_EQ(run(pod).node, "t");
}

TEST_F(AlgorithmTest, PreferNoScheduleOnlyScores) {
  Json soft = node_json("soft");
  soft["spec"]["taints"] = Json::array({{{"key", "k"}, {"effect", "PreferNoSchedule"}}});
  add_node(soft);
  add_node(node_json("clean"));
  for (int i = 0; i < 5; ++i) EXPECT_EQ(run(pod_json("p")).node, "clean");
  cache.remove_node("clean");
  EXPECT_EQ(run(pod_json("p")).node, "soft");
}

TEST_F(AlgorithmTest, NodeAffinityRequiredTermsAreOred) {
  add_node(node_json("a", "4", "16Gi", {{"zone", "z1"}, {"gen", "3"}}));
  add_node(node_json("b", "4", "16Gi", {{"zone", "z2"}, {"gen", "5"}}));
  add_node(node_json("c", "4", "16Gi", {{"zone", "z3"}}));
  struct Case {
    Json terms;
    std::set<std::string> allowed;
  };
  std::vector<Case> cases = {
      {Json::array({{{"matchExpressions", Json::array({{{"key", "zone"}, {"operator", "In"}, {"values", {"z1"}}}})}}}),
       {"a"}},
      {Json::array({{{"matchExpressions", Json::array({{{"key", "zone"}, {"operator", "NotIn"}, {"values", {"z1"}}}})}}}),
       {"b", "c"}},
      {Json::array({{{"matchExpressions", Json::array({{{"key", "gen"}, {"operator", "Gt"}, {"values", {"4"}}}})}}}),
       {"b"}},
      {Json::array({{{"matchExpressions", Json::array({{{"key", "gen"}, {"operator", "Lt"}, {"values", {"4"}}}})}}}),
       {"a"}},
      {Json::array({{{"matchExpressions", Json::array({{{"key", "gen"}, {"operator", "DoesNotExist"}}})}}}), {"c"}},
      {Json::array({{{"matchExpressions", Json::array({{{"key", "gen"}, {"operator", "Exists"}}})}}}), {"a", "b"}},
      {Json::array({{{"matchFields", Json::array({{{"key", "metadata.name"}, {"operator", "In"}, {"values", {"c"}}}})}},
                    {{"matchExpressions", Json::array({{{"key", "zone"}, {"operator", "In"}, {"values", {"z2"}}}})}}}),
       {"b", "c"}},
  };
  for (const auto& c : cases) {
    Json pod = pod_json("p");
    pod["spec"]["affinity"]["nodeAffinity"]["requiredDuringSchedulingIgnoredDuringExecution"]["nodeSelectorTerms"] =
        c.terms;
    std::set<std::string> chosen;
    for (int i = 0; i < 12; ++i) chosen.insert(run(pod).node);
    EXPECT_EQ(chosen, c.allowed) << c.terms.dump();
  }
}

TEST_F(AlgorithmTest, PreferredNodeAffinityWins) {
  add_node(node_json("a", "4", "16Gi", {{"zone", "z1"}}));
  add_node(node_json("b", "4", "16Gi", {{"zone", "z2"}}));
  Json pod = pod_json("p");
  pod["spec"]["affinity"]["nodeAffinity"]["preferredDuringSchedulingIgnoredDuringExecution"] = Json::array(
      {{{"weight", 10},
        {"preference", {{"matchExpressions", Json::array({{{"key", "zone"}, {"operator", "In"}, {"values", {"z2"}}}})}}}}});
  for (int i = 0; i < 5; ++i) EXPECT_EQ(run(pod).node, "b");
}

TEST_F(AlgorithmTest, LeastAllocatedSpreadsLoad) {
  add_node(node_json("a"));
  add_node(node_json("b"));
  place(cache, pod_json("x", "2", "8Gi"), "a");
  EXPECT_EQ(run(pod_json("p", "100m", "100Mi")).node, "b");
}

TEST_F(AlgorithmTest, HostPortsConflict) {
  add_node(node_json("a"));
  Json pod = pod_json("p");
  pod["spec"]["containers"][0]["ports"] = Json::array({{{"containerPort", 80}, {"hostPort", 8080}}});
  place(cache, pod, "a");
  pod["metadata"]["name"] = "q";
  EXPECT_EQ(run(pod).error.message(),
            "0/1 nodes are available: 1 node(s) didn't have free ports for the requested pod ports.");
}

Json with_anti_affinity(Json pod, const std::string& key) {
  pod["spec"]["affinity"]["podAntiAffinity"]["requiredDuringSchedulingIgnoredDuringExecution"] =
      Json::array({{{"labelSelector", {{"matchLabels", {{"app", "web"}}}}}, {"topologyKey", key}}});
  return pod;
}

TEST_F(AlgorithmTest, RequiredAntiAffinityPerHost) {
  for (const char* n : {"a", "b", "c"}) add_node(node_json(n));
  std::set<std::string> used;
  for (int i = 0; i < 3; ++i) {
    Json pod = with_anti_affinity(pod_json("web-" + std::to_string(i), "", "", {{"app", "web"}}), "kubernetes.io/hostname");
    auto out = run(pod);
    ASSERT_FALSE(out.node.empty());
    EXPECT_TRUE(used.insert(out.node).second) << out.node;
    place(cache, pod, out.node);
  }
  auto out = run(with_anti_affinity(pod_json("web-3", "", "", {{"app", "web"}}), "kubernetes.io/hostname"));
  EXPECT_EQ(out.error.message(), "0/3 nodes are available: 3 node(s) didn't match pod anti-affinity rules.");
  // A pod without anti-affinity of its own is kept away by the existing pods' rules.
  auto plain = run(pod_json("other", "", "", {{"app", "web"}}));
  EXPECT_EQ(plain.error.message(),
            "0/3 nodes are available: 3 node(s) didn't satisfy existing pods anti-affinity rules.");
  // Deleting one frees its node.
  cache.remove_pod("default/web-1");
  EXPECT_FALSE(run(pod_json("other", "", "", {{"app", "web"}})).node.empty());
}

TEST_F(AlgorithmTest, RequiredPodAffinityFollowsTheZone) {
  add_node(node_json("a", "4", "16Gi", {{"zone", "z1"}}));
  add_node(node_json("b", "4", "16Gi", {{"zone", "z2"}}));
  add_node(node_json("c", "4", "16Gi", {{"zone", "z2"}}));
  Json pod = pod_json("p", "", "", {{"app", "cache"}});
  pod["spec"]["affinity"]["podAffinity"]["requiredDuringSchedulingIgnoredDuringExecution"] =
      Json::array({{{"labelSelector", {{"matchLabels", {{"app", "db"}}}}}, {"topologyKey", "zone"}}});
  EXPECT_EQ(run(pod).error.message(), "0/3 nodes are available: 3 node(s) didn't match pod affinity rules.");
  place(cache, pod_json("db", "", "", {{"app", "db"}}), "b");
  for (int i = 0; i < 12; ++i) {
    std::string node = run(pod).node;
    EXPECT_TRUE(node == "b" || node == "c") << node;
  }
}

TEST_F(AlgorithmTest, PodAffinityToItselfAllowsTheFirstPod) {
  add_node(node_json("a", "4", "16Gi", {{"zone", "z1"}}));
  Json pod = pod_json("p", "", "", {{"app", "db"}});
  pod["spec"]["affinity"]["podAffinity"]["requiredDuringSchedulingIgnoredDuringExecution"] =
      Json::array({{{"labelSelector", {{"matchLabels", {{"app", "db"}}}}}, {"topologyKey", "zone"}}});
  EXPECT_EQ(run(pod).node, "a");
}

Json with_zone_spread(Json pod, const std::string& when = "DoNotSchedule", int min_domains = 0) {
  Json c = {{"maxSkew", 1},
            {"topologyKey", "zone"},
            {"whenUnsatisfiable", when},
            {"labelSelector", {{"matchLabels", {{"app", "web"}}}}}};
  if (min_domains) c["minDomains"] = min_domains;
  pod["spec"]["topologySpreadConstraints"] = Json::array({c});
  return pod;
}

TEST_F(AlgorithmTest, TopologySpreadKeepsSkewWithinOne) {
  for (int i = 0; i < 6; ++i) add_node(node_json("n" + std::to_string(i), "4", "16Gi", {{"zone", "z" + std::to_string(i % 3)}}));
  std::map<std::string, int> per_zone;
  for (int i = 0; i < 6; ++i) {
    Json pod = with_zone_spread(pod_json("web-" + std::to_string(i), "", "", {{"app", "web"}}));
    auto out = run(pod);
    ASSERT_FALSE(out.node.empty());
    per_zone[*cache.node(out.node)->labels.find("zone")]++;
    place(cache, pod, out.node);
  }
  EXPECT_EQ(per_zone, (std::map<std::string, int>{{"z0", 2}, {"z1", 2}, {"z2", 2}}));
}

TEST_F(AlgorithmTest, TopologySpreadRejectsWhenSkewWouldGrow) {
  add_node(node_json("a", "4", "16Gi", {{"zone", "z1"}}));
  add_node(node_json("b", "4", "16Gi", {{"zone", "z2"}}));
  add_node(node_json("nolabel"));
  place(cache, pod_json("w0", "", "", {{"app", "web"}}), "a");
  Json pod = with_zone_spread(pod_json("p", "", "", {{"app", "web"}}));
  pod["spec"]["nodeSelector"] = {{"zone", "z1"}};
  // Honor (default nodeAffinityPolicy): only z1 counts as a domain, so z1 is also the minimum.
  EXPECT_EQ(run(pod).node, "a");
  Json unrestricted = with_zone_spread(pod_json("p", "", "", {{"app", "web"}}));
  unrestricted["spec"]["affinity"]["nodeAffinity"]["requiredDuringSchedulingIgnoredDuringExecution"]
              ["nodeSelectorTerms"] =
      Json::array({{{"matchExpressions", Json::array({{{"key", "zone"}, {"operator", "In"}, {"values", {"z1"}}}})}}});
  unrestricted["spec"]["topologySpreadConstraints"][0]["nodeAffinityPolicy"] = "Ignore";
  EXPECT_EQ(run(unrestricted).error.message(),
            "0/3 nodes are available: 1 node(s) didn't match pod topology spread constraints, 2 node(s) didn't "
            "match Pod's node affinity/selector.");
  Json plain = with_zone_spread(pod_json("p", "", "", {{"app", "web"}}));
  auto out = run(plain);
  EXPECT_EQ(out.node, "b");
}

TEST_F(AlgorithmTest, TopologySpreadMissingLabelAndMinDomains) {
  add_node(node_json("a", "4", "16Gi", {{"zone", "z1"}}));
  add_node(node_json("nolabel"));
  place(cache, pod_json("w0", "", "", {{"app", "web"}}), "a");
  // One domain but minDomains 2: the global minimum counts as 0, so a second pod in z1 skews 2.
  auto out = run(with_zone_spread(pod_json("p", "", "", {{"app", "web"}}), "DoNotSchedule", 2));
  EXPECT_EQ(out.error.message(),
            "0/2 nodes are available: 1 node(s) didn't match pod topology spread constraints, 1 node(s) didn't "
            "match pod topology spread constraints (missing required label).");
  EXPECT_EQ(run(with_zone_spread(pod_json("p", "", "", {{"app", "web"}}))).node, "a");
}

TEST_F(AlgorithmTest, ScheduleAnywaySpreadPrefersEmptyZone) {
  add_node(node_json("a", "4", "16Gi", {{"zone", "z1"}}));
  add_node(node_json("b", "4", "16Gi", {{"zone", "z2"}}));
  place(cache, pod_json("w0", "", "", {{"app", "web"}}), "a");
  place(cache, pod_json("w1", "", "", {{"app", "web"}}), "a");
  for (int i = 0; i < 5; ++i) EXPECT_EQ(run(with_zone_spread(pod_json("p", "", "", {{"app", "web"}}), "ScheduleAnyway")).node, "b");
}

TEST_F(AlgorithmTest, PreferredAntiAffinityScores) {
  add_node(node_json("a"));
  add_node(node_json("b"));
  place(cache, pod_json("w0", "", "", {{"app", "web"}}), "a");
  Json pod = pod_json("p", "", "", {{"app", "web"}});
  pod["spec"]["affinity"]["podAntiAffinity"]["preferredDuringSchedulingIgnoredDuringExecution"] = Json::array(
      {{{"weight", 100},
        {"podAffinityTerm", {{"labelSelector", {{"matchLabels", {{"app", "web"}}}}}, {"topologyKey", "kubernetes.io/hostname"}}}}});
  for (int i = 0; i < 5; ++i) EXPECT_EQ(run(pod).node, "b");
}

TEST_F(AlgorithmTest, NodeLabelChangesMoveCounts) {
  add_node(node_json("a", "4", "16Gi", {{"zone", "z1"}}));
  add_node(node_json("b", "4", "16Gi", {{"zone", "z2"}}));
  place(cache, pod_json("w0", "", "", {{"app", "web"}}), "a");
  Json pod = with_anti_affinity(pod_json("p", "", "", {{"app", "web"}}), "zone");
  EXPECT_EQ(run(pod).node, "b");
  add_node(node_json("b", "4", "16Gi", {{"zone", "z1"}}));  // b joins z1
  EXPECT_TRUE(run(pod).node.empty());
}

TEST(FeasibleNodes, AdaptivePercentage) {
  EXPECT_EQ(feasible_nodes_to_find(50, 0), 50);
  EXPECT_EQ(feasible_nodes_to_find(1000, 0), 420);   // 50 - 8 = 42%
  EXPECT_EQ(feasible_nodes_to_find(5000, 0), 500);   // 10%
  EXPECT_EQ(feasible_nodes_to_find(10000, 0), 500);  // floor of 5%
  EXPECT_EQ(feasible_nodes_to_find(150, 0), 100);    // at least 100
  EXPECT_EQ(feasible_nodes_to_find(1000, 100), 1000);
}

}  // namespace
}  // namespace skiff::scheduler
