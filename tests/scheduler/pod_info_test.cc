#include <gtest/gtest.h>

#include "scheduler/pod_info.h"
#include "test_objects.h"

namespace skiff::scheduler {
namespace {

using testing::pod_json;

TEST(PodRequests, SumOfContainersPlusOverhead) {
  Json pod = pod_json("p", "250m", "64Mi");
  pod["spec"]["containers"].push_back({{"name", "b"}, {"resources", {{"requests", {{"cpu", "1"}}}}}});
  pod["spec"]["overhead"] = {{"cpu", "10m"}};
  auto info = testing::parse(pod);
  EXPECT_EQ(info->requests.milli_cpu, 1260);
  EXPECT_EQ(info->requests.memory, 64 * 1024 * 1024);
}

TEST(PodRequests, InitContainerPeakWinsOverSmallerSum) {
  Json pod = pod_json("p", "500m");
  pod["spec"]["initContainers"] = Json::array({{{"name", "i"}, {"resources", {{"requests", {{"cpu", "2"}}}}}}});
  EXPECT_EQ(testing::parse(pod)->requests.milli_cpu, 2000);
}

TEST(PodRequests, SidecarsAddToContainersAndLaterInitSteps) {
  Json pod = pod_json("p", "500m");
  pod["spec"]["initContainers"] = Json::array({
      {{"name", "sidecar"}, {"restartPolicy", "Always"}, {"resources", {{"requests", {{"cpu", "300m"}}}}}},
      {{"name", "init"}, {"resources", {{"requests", {{"cpu", "1"}}}}}},
  });
  // max(500m + 300m, 300m + 1) = 1300m
  EXPECT_EQ(testing::parse(pod)->requests.milli_cpu, 1300);
}

TEST(PodRequests, NonZeroDefaultsForScoring) {
  auto info = testing::parse(pod_json("p"));
  EXPECT_EQ(info->requests.milli_cpu, 0);
  EXPECT_EQ(info->nonzero_milli_cpu, 100);
  EXPECT_EQ(info->nonzero_memory, 200 * 1024 * 1024);
}

TEST(PodInfo, ParsesSchedulingFields) {
  Json pod = pod_json("p", "", "", {{"app", "web"}});
  pod["spec"]["priority"] = 7;
  pod["spec"]["preemptionPolicy"] = "Never";
  pod["spec"]["tolerations"] = Json::array({{{"key", "k"}, {"operator", "Exists"}}});
  pod["spec"]["topologySpreadConstraints"] = Json::array(
      {{{"maxSkew", 2}, {"topologyKey", "zone"}, {"whenUnsatisfiable", "ScheduleAnyway"},
        {"labelSelector", {{"matchLabels", {{"app", "web"}}}}}, {"matchLabelKeys", Json::array({"app"})}}});
  pod["spec"]["containers"][0]["ports"] = Json::array({{{"containerPort", 80}, {"hostPort", 8080}}});
  auto info = testing::parse(pod);
  EXPECT_EQ(info->priority, 7);
  EXPECT_TRUE(info->preempt_never);
  ASSERT_EQ(info->tolerations.size(), 1u);
  EXPECT_TRUE(info->tolerations[0].exists);
  ASSERT_EQ(info->spread_constraints.size(), 1u);
  EXPECT_FALSE(info->spread_constraints[0].do_not_schedule);
  EXPECT_EQ(info->spread_constraints[0].selector.requirements.size(), 2u);
  ASSERT_EQ(info->host_ports.size(), 1u);
  EXPECT_EQ(info->host_ports[0].port, 8080);
  EXPECT_EQ(info->host_ports[0].protocol, "TCP");
}

TEST(PodInfo, BadQuantityIsAnError) {
  EXPECT_FALSE(parse_pod(pod_json("p", "lots")).ok());
}

struct TolerationCase {
  Json toleration;
  Taint taint;
  bool tolerated;
};

TEST(Toleration, MatchesLikeKubernetes) {
  std::vector<TolerationCase> cases = {
      {{{"key", "k"}, {"value", "v"}, {"effect", "NoSchedule"}}, {"k", "v", Taint::Effect::kNoSchedule}, true},
      {{{"key", "k"}, {"value", "x"}}, {"k", "v", Taint::Effect::kNoSchedule}, false},
      {{{"key", "k"}, {"operator", "Exists"}}, {"k", "v", Taint::Effect::kNoExecute}, true},
      {{{"operator", "Exists"}}, {"any", "v", Taint::Effect::kNoSchedule}, true},
      {{{"key", "k"}, {"operator", "Exists"}, {"effect", "NoExecute"}}, {"k", "", Taint::Effect::kNoSchedule}, false},
  };
  for (const auto& c : cases) {
    Json pod = pod_json("p");
    pod["spec"]["tolerations"] = Json::array({c.toleration});
    EXPECT_EQ(tolerates_all(testing::parse(pod)->tolerations, c.taint), c.tolerated) << c.toleration.dump();
  }
}

}  // namespace
}  // namespace skiff::scheduler
