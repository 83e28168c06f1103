// The scheduler component against an in-process cluster: pods get bound through
// pods/binding, unschedulable pods get events and a condition, and are retried when a node
// that fits joins.
#include <gtest/gtest.h>

#include "client/informer.h"
#include "scheduler/scheduler.h"
#include "support/test_cluster.h"
#include "test_objects.h"

namespace skiff::scheduler {
namespace {

using namespace std::chrono_literals;
using skiff::testing::eventually;
using skiff::testing::TestCluster;

class SchedulerIntegrationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    SchedulerOptions options;
    options.queue.initial_backoff = 100ms;
    options.queue.max_backoff = 200ms;
    scheduler = std::make_unique<Scheduler>(informers, cluster.client(), options);
    informers.start();
    scheduler->start();
  }
  void TearDown() override {
    scheduler->stop();
    informers.stop();
  }
  std::string node_of(const std::string& name) {
    Json pod = cluster.get("", "v1", "pods", "default", name);
    return get_string(pod.value("spec", Json::object()), "nodeName");
  }

  TestCluster cluster;
  client::InformerFactory informers{cluster.client()};
  std::unique_ptr<Scheduler> scheduler;
};

TEST_F(SchedulerIntegrationTest, BindsPodsAndRecordsScheduledEvents) {
  cluster.create("", "v1", "nodes", testing::node_json("n1"));
  cluster.create("", "v1", "nodes", testing::node_json("n2"));
  for (int i = 0; i < 4; ++i) cluster.create("", "v1", "pods", testing::pod_json("p" + std::to_string(i), "100m"));
  for (int i = 0; i < 4; ++i) {
    std::string name = "p" + std::to_string(i);
    EXPECT_TRUE(eventually([&] { return !node_of(name).empty(); })) << name;
  }
  EXPECT_TRUE(eventually([&] {
    for (const auto& e : cluster.list("", "v1", "events", "default"))
      if (get_string(e, "reason") == "Scheduled" &&
          get_string(e, "message").rfind("Successfully assigned default/p0 to n", 0) == 0)
        return true;
    return false;
  }));
}

TEST_F(SchedulerIntegrationTest, UnschedulablePodWaitsForABigEnoughNode) {
  cluster.create("", "v1", "nodes", testing::node_json("small", "1"));
  cluster.create("", "v1", "pods", testing::pod_json("big", "8"));
  const std::string expected =
      "0/1 nodes are available: 1 Insufficient cpu. preemption: 0/1 nodes are available: 1 No preemption victims "
      "found for incoming pod..";
  EXPECT_TRUE(eventually([&] {
    for (const auto& e : cluster.list("", "v1", "events", "default"))
      if (get_string(e, "reason") == "FailedScheduling" && get_string(e, "message") == expected) return true;
    return false;
  }));
  EXPECT_TRUE(eventually([&] {
    Json pod = cluster.get("", "v1", "pods", "default", "big");
    const Json* conditions = find_path(pod, "status.conditions");
    if (!conditions) return false;
    for (const auto& c : *conditions)
      if (get_string(c, "type") == "PodScheduled" && get_string(c, "reason") == "Unschedulable") return true;
    return false;
  }));
  EXPECT_EQ(node_of("big"), "");
  cluster.create("", "v1", "nodes", testing::node_json("large", "16"));
  EXPECT_TRUE(eventually([&] { return node_of("big") == "large"; }));
}

TEST_F(SchedulerIntegrationTest, IgnoresPodsForOtherSchedulers) {
  cluster.create("", "v1", "nodes", testing::node_json("n1"));
  Json other = testing::pod_json("other");
  other["spec"]["schedulerName"] = "someone-else";
  cluster.create("", "v1", "pods", other);
  cluster.create("", "v1", "pods", testing::pod_json("mine"));
  EXPECT_TRUE(eventually([&] { return node_of("mine") == "n1"; }));
  EXPECT_EQ(node_of("other"), "");
}

TEST_F(SchedulerIntegrationTest, PreemptsLowerPriorityPods) {
  cluster.create("scheduling.k8s.io", "v1", "priorityclasses",
                 {{"apiVersion", "scheduling.k8s.io/v1"}, {"kind", "PriorityClass"}, {"metadata", {{"name", "high"}}},
                  {"value", 1000}});
  cluster.create("", "v1", "nodes", testing::node_json("n1", "1"));
  cluster.create("", "v1", "pods", testing::pod_json("low", "800m"));
  EXPECT_TRUE(eventually([&] { return node_of("low") == "n1"; }));
  Json high = testing::pod_json("high", "800m");
  high["spec"]["priorityClassName"] = "high";
  cluster.create("", "v1", "pods", high);
  // The victim is deleted (gracefully: without a node agent it stays terminating) and the
  // preemptor is nominated to its node.
  EXPECT_TRUE(eventually([&] {
    for (const auto& p : cluster.list("", "v1", "pods", "default"))
      if (get_string(p["metadata"], "name") == "low") return p["metadata"].contains("deletionTimestamp");
    return true;
  }));
  EXPECT_TRUE(eventually([&] {
    Json pod = cluster.get("", "v1", "pods", "default", "high");
    return get_string(pod.value("status", Json::object()), "nominatedNodeName") == "n1";
  }));
}

}  // namespace
}  // namespace skiff::scheduler
