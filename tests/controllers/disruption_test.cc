#include <gtest/gtest.h>

#include "infra_harness.h"

namespace skiff::controllers {
namespace {

using skiff::testing::eventually;
using testing::Harness;

Json budget(const std::string& name, const std::string& field, const Json& value) {
  return {{"apiVersion", "policy/v1"},
          {"kind", "PodDisruptionBudget"},
          {"metadata", {{"name", name}, {"namespace", "default"}}},
          {"spec", {{"selector", {{"matchLabels", {{"app", "web"}}}}}, {field, value}}}};
}

Json status_of(Harness& h, const std::string& name) {
  Json pdb = h.get_or_null("policy", "v1", "poddisruptionbudgets", "default", name);
  return pdb.is_null() ? Json() : pdb.value("status", Json::object());
}

void ready_pods(Harness& h, int n, const Json& owner = nullptr) {
  for (int i = 0; i < n; ++i) {
    std::string name = "web-" + std::to_string(i);
    Json pod = {{"apiVersion", "v1"},
                {"kind", "Pod"},
                {"metadata", {{"name", name}, {"namespace", "default"}, {"labels", {{"app", "web"}}}}},
                {"spec", {{"containers", Json::array({{{"name", "c"}, {"image", "nginx"}}})}}}};
    if (!owner.is_null())
      pod["metadata"]["ownerReferences"] = Json::array({{{"apiVersion", "apps/v1"},
                                                         {"kind", owner["kind"]},
                                                         {"name", owner["metadata"]["name"]},
                                                         {"uid", owner["metadata"]["uid"]},
                                                         {"controller", true}}});
    h.cluster().create("", "v1", "pods", pod);
    h.set_running(name, "10.0.0." + std::to_string(i + 1), true);
  }
}

TEST(DisruptionController, MinAvailableCountsMatchingPods) {
  Harness h({"disruption"});
  ready_pods(h, 3);
  h.cluster().create("policy", "v1", "poddisruptionbudgets", budget("web", "minAvailable", 2));
  Json status;
  ASSERT_TRUE(eventually([&] { return (status = status_of(h, "web")).value("currentHealthy", 0) == 3; })) << status;
  EXPECT_EQ(status["expectedPods"], 3);
  EXPECT_EQ(status["desiredHealthy"], 2);
  EXPECT_EQ(status["disruptionsAllowed"], 1);
  EXPECT_EQ(status["observedGeneration"], 1);
  EXPECT_EQ(status["conditions"][0]["type"], "DisruptionAllowed");
  EXPECT_EQ(status["conditions"][0]["status"], "True");
  EXPECT_EQ(status["conditions"][0]["reason"], "SufficientPods");

  h.set_running("web-0", "10.0.0.1", false);
  ASSERT_TRUE(eventually([&] { return (status = status_of(h, "web")).value("currentHealthy", 0) == 2; }));
  EXPECT_EQ(status["disruptionsAllowed"], 0);
  EXPECT_EQ(status["conditions"][0]["reason"], "InsufficientPods");
}

TEST(DisruptionController, MaxUnavailablePercentageUsesTheControllersScale) {
  Harness h({"disruption"});
  Json rs = h.cluster().create(
      "apps", "v1", "replicasets",
      {{"apiVersion", "apps/v1"},
       {"kind", "ReplicaSet"},
       {"metadata", {{"name", "web"}, {"namespace", "default"}}},
       {"spec",
        {{"replicas", 4},
         {"selector", {{"matchLabels", {{"app", "web"}}}}},
         {"template",
          {{"metadata", {{"labels", {{"app", "web"}}}}},
           {"spec", {{"containers", Json::array({{{"name", "c"}, {"image", "nginx"}}})}}}}}}}});
  ready_pods(h, 3, rs);
  h.cluster().create("policy", "v1", "poddisruptionbudgets", budget("web", "maxUnavailable", "25%"));
  Json status;
  ASSERT_TRUE(eventually([&] { return (status = status_of(h, "web")).value("expectedPods", 0) == 4; })) << status;
  EXPECT_EQ(status["desiredHealthy"], 3);
  EXPECT_EQ(status["currentHealthy"], 3);
  EXPECT_EQ(status["disruptionsAllowed"], 0);
}

TEST(DisruptionController, PercentageWithoutControllersFailsSafe) {
  Harness h({"disruption"});
  ready_pods(h, 2);
  h.cluster().create("policy", "v1", "poddisruptionbudgets", budget("web", "minAvailable", "50%"));
  Json status;
  ASSERT_TRUE(eventually([&] {
    status = status_of(h, "web");
    return status.contains("conditions") && status["conditions"][0]["reason"] == "SyncFailed";
  })) << status;
  EXPECT_EQ(status["disruptionsAllowed"], 0);
}

TEST(DisruptionController, EvictionConsumesTheBudgetAndStaleDisruptionsExpire) {
  Harness h({"disruption"});
  ready_pods(h, 3);
  h.cluster().create("policy", "v1", "poddisruptionbudgets", budget("web", "minAvailable", 2));
  ASSERT_TRUE(eventually([&] { return status_of(h, "web").value("disruptionsAllowed", 0) == 1; }));
  const auto& pods = h.resource("", "v1", "pods");
  Json eviction = {{"apiVersion", "policy/v1"}, {"kind", "Eviction"}, {"metadata", {{"name", "web-0"}}}};
  ASSERT_TRUE(h.client().create_subresource(pods, "default", "web-0", "eviction", eviction).ok());
  ASSERT_TRUE(eventually([&] { return status_of(h, "web").value("currentHealthy", 0) == 2; }));
  auto second = h.client().create_subresource(pods, "default", "web-1", "eviction",
                                              {{"apiVersion", "policy/v1"}, {"kind", "Eviction"},
                                               {"metadata", {{"name", "web-1"}}}});
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.error().code, 429);

  // An eviction recorded long ago whose pod never went away no longer counts against it.
  const auto& pdbs = h.resource("policy", "v1", "poddisruptionbudgets");
  Json pdb = h.get_or_null("policy", "v1", "poddisruptionbudgets", "default", "web");
  pdb["status"]["disruptedPods"] = {{"web-1", format_rfc3339(std::chrono::system_clock::now() - std::chrono::minutes(3))},
                                    {"web-2", format_rfc3339(std::chrono::system_clock::now())}};
  ASSERT_TRUE(h.client().update(pdbs, "default", pdb, "status").ok());
  Json status;
  ASSERT_TRUE(eventually([&] {
    status = status_of(h, "web");
    return status.contains("disruptedPods") && !status["disruptedPods"].contains("web-1");
  })) << status;
  EXPECT_TRUE(status["disruptedPods"].contains("web-2"));
  EXPECT_EQ(status["currentHealthy"], 1) << "web-2's eviction is still pending";
}

}  // namespace
}  // namespace skiff::controllers
