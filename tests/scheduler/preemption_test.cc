#include <gtest/gtest.h>

#include "scheduler/algorithm.h"
#include "scheduler/preemption.h"
#include "test_objects.h"

namespace skiff::scheduler {
namespace {

using testing::node_json;
using testing::pod_json;

Json with_priority(Json pod, int priority) {
  pod["spec"]["priority"] = priority;
  return pod;
}

class PreemptionTest : public ::testing::Test {
 protected:
  void place(const Json& pod, const std::string& node) { testing::place(cache, pod, node); }
  PreemptionResult attempt(const Json& pod_json) {
    auto pod = testing::parse(pod_json);
    auto out = algorithm.schedule(cache, *pod);
    EXPECT_TRUE(out.node.empty());
    return preempt(algorithm, cache, *pod, out.error);
  }
  Cache cache;
  Algorithm algorithm{default_profile()};
};

TEST_F(PreemptionTest, EvictsFewestLowestPriorityPods) {
  ASSERT_TRUE(cache.upsert_node(node_json("a", "2")).ok());
  ASSERT_TRUE(cache.upsert_node(node_json("b", "2")).ok());
  place(with_priority(pod_json("a1", "1"), 10), "a");
  place(with_priority(pod_json("a2", "1"), 10), "a");
  place(with_priority(pod_json("b1", "1"), 5), "b");
  place(with_priority(pod_json("b2", "1"), 50), "b");
  auto r = attempt(with_priority(pod_json("p", "1"), 100));
  ASSERT_EQ(r.node, "b");  // one victim of priority 5 beats one of priority 10
  ASSERT_EQ(r.victims.size(), 1u);
  EXPECT_EQ(r.victims[0]->name, "b1");
}

// The room a preemption freed on its nominated node is held for the preemptor: a pod of lower
// priority (a victim's replacement, say) does not fit there, one of higher priority does.
TEST_F(PreemptionTest, NominatedPodsHoldTheirRoomAgainstLowerPriorities) {
  ASSERT_TRUE(cache.upsert_node(node_json("a", "4")).ok());
  place(with_priority(pod_json("low", "1"), 0), "a");
  cache.set_nomination(testing::parse(with_priority(pod_json("vip", "3"), 1000)), "a");
  auto replacement = testing::parse(with_priority(pod_json("replacement", "1"), 0));
  EXPECT_TRUE(algorithm.schedule(cache, *replacement).node.empty());
  auto urgent = testing::parse(with_priority(pod_json("urgent", "1"), 2000));
  EXPECT_EQ(algorithm.schedule(cache, *urgent).node, "a");
  auto vip = testing::parse(with_priority(pod_json("vip", "3"), 1000));
  EXPECT_EQ(algorithm.schedule(cache, *vip).node, "a") << "its own nomination does not count against it";
  cache.clear_nomination(vip->key);
  EXPECT_EQ(algorithm.schedule(cache, *replacement).node, "a");
}

TEST_F(PreemptionTest, KeepsPodsThatNeedNotGo) {
  ASSERT_TRUE(cache.upsert_node(node_json("a", "4")).ok());
  place(with_priority(pod_json("x", "1"), 1), "a");
  place(with_priority(pod_json("y", "1"), 2), "a");
  place(with_priority(pod_json("z", "2"), 3), "a");
  auto r = attempt(with_priority(pod_json("p", "1"), 100));
  ASSERT_EQ(r.node, "a");
  ASSERT_EQ(r.victims.size(), 1u);
  EXPECT_EQ(r.victims[0]->name, "x");
}

TEST_F(PreemptionTest, NoVictimsMessage) {
  ASSERT_TRUE(cache.upsert_node(node_json("a", "1")).ok());
  Json tainted = node_json("t", "8");
  tainted["spec"]["taints"] = Json::array({{{"key", "k"}, {"effect", "NoSchedule"}}});
  ASSERT_TRUE(cache.upsert_node(tainted).ok());
  place(with_priority(pod_json("big", "1"), 1000), "a");
  auto pod = testing::parse(with_priority(pod_json("p", "1"), 10));
  auto out = algorithm.schedule(cache, *pod);
  auto r = preempt(algorithm, cache, *pod, out.error);
  EXPECT_TRUE(r.node.empty());
  out.error.post_filter_message = r.message;
  EXPECT_EQ(out.error.message(),
            "0/2 nodes are available: 1 Insufficient cpu, 1 node(s) had untolerated taint {k: }. preemption: 0/2 "
            "nodes are available: 1 No preemption victims found for incoming pod, 1 Preemption is not helpful for "
            "scheduling..");
}

TEST_F(PreemptionTest, PolicyNever) {
  ASSERT_TRUE(cache.upsert_node(node_json("a", "1")).ok());
  place(with_priority(pod_json("low", "1"), 1), "a");
  Json pod = with_priority(pod_json("p", "1"), 100);
  pod["spec"]["preemptionPolicy"] = "Never";
  auto r = attempt(pod);
  EXPECT_TRUE(r.node.empty());
  EXPECT_EQ(r.message, "preemption: not eligible due to preemptionPolicy=Never.");
}

TEST_F(PreemptionTest, RemovingVictimsLiftsAntiAffinity) {
  ASSERT_TRUE(cache.upsert_node(node_json("a")).ok());
  place(with_priority(pod_json("low", "", "", {{"app", "web"}}), 1), "a");
  Json pod = with_priority(pod_json("p", "", "", {{"app", "web"}}), 100);
  pod["spec"]["affinity"]["podAntiAffinity"]["requiredDuringSchedulingIgnoredDuringExecution"] = Json::array(
      {{{"labelSelector", {{"matchLabels", {{"app", "web"}}}}}, {"topologyKey", "kubernetes.io/hostname"}}});
  auto r = attempt(pod);
  ASSERT_EQ(r.node, "a");
  ASSERT_EQ(r.victims.size(), 1u);
  EXPECT_EQ(r.victims[0]->name, "low");
}

}  // namespace
}  // namespace skiff::scheduler
