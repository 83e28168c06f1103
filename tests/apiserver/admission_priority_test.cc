#include <gtest/gtest.h>

#include "admission_test_util.h"

namespace skiff::apiserver {
namespace {

using testing::AdmissionCluster;
using testing::container;
using testing::pod;

Json priority_class(const std::string& name, int64_t value, bool global_default = false,
                    const std::string& policy = "") {
  Json pc = {{"apiVersion", "scheduling.k8s.io/v1"},
             {"kind", "PriorityClass"},
             {"metadata", {{"name", name}}},
             {"value", value},
             {"globalDefault", global_default}};
  if (!policy.empty()) pc["preemptionPolicy"] = policy;
  return pc;
}

TEST(PriorityAdmission, PodsTakeTheirClassValueAndUnknownClassesAreRefused) {
  AdmissionCluster cluster({"Priority"});
  ASSERT_TRUE(cluster.try_create("scheduling.k8s.io", "v1", "priorityclasses", priority_class("high", 1000, false, "Never"), "").ok());

  Json p = pod("vip", Json::array({container("c")}));
  p["spec"]["priorityClassName"] = "high";
  auto created = cluster.try_create("", "v1", "pods", p);
  ASSERT_TRUE(created.ok()) << created.error().message;
  EXPECT_EQ((*created)["spec"]["priority"], 1000);
  EXPECT_EQ((*created)["spec"]["preemptionPolicy"], "Never");

  auto plain = cluster.try_create("", "v1", "pods", pod("plain", Json::array({container("c")})));
  ASSERT_TRUE(plain.ok());
  EXPECT_EQ((*plain)["spec"]["priority"], 0);
  EXPECT_FALSE((*plain)["spec"].contains("priorityClassName"));

  Json missing = pod("lost", Json::array({container("c")}));
  missing["spec"]["priorityClassName"] = "nonexistent";
  auto refused = cluster.try_create("", "v1", "pods", missing);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, 403);
  EXPECT_EQ(refused.error().message, "pods \"lost\" is forbidden: no PriorityClass with name nonexistent was found");

  Json forged = pod("forged", Json::array({container("c")}));
  forged["spec"]["priorityClassName"] = "high";
  forged["spec"]["priority"] = 5;
  auto mismatch = cluster.try_create("", "v1", "pods", forged);
  ASSERT_FALSE(mismatch.ok());
  EXPECT_NE(mismatch.error().message.find("must not be provided in pod spec; priority admission controller computed 1000"),
            std::string::npos)
      << mismatch.error().message;
}

TEST(PriorityAdmission, TheGlobalDefaultClassAppliesAndOnlyOneMayExist) {
  AdmissionCluster cluster({"Priority"});
  ASSERT_TRUE(cluster.try_create("scheduling.k8s.io", "v1", "priorityclasses", priority_class("normal", 100, true), "").ok());
  auto second = cluster.try_create("scheduling.k8s.io", "v1", "priorityclasses", priority_class("other", 5, true), "");
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.error().message,
            "priorityclasses.scheduling.k8s.io \"other\" is forbidden: PriorityClass normal is already marked as "
            "default. Only one default can exist");
  auto p = cluster.try_create("", "v1", "pods", pod("p", Json::array({container("c")})));
  ASSERT_TRUE(p.ok());
  EXPECT_EQ((*p)["spec"]["priorityClassName"], "normal");
  EXPECT_EQ((*p)["spec"]["priority"], 100);
  EXPECT_EQ((*p)["spec"]["preemptionPolicy"], "PreemptLowerPriority");
}

}  // namespace
}  // namespace skiff::apiserver
