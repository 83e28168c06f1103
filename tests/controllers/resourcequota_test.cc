#include <gtest/gtest.h>

#include "infra_harness.h"

namespace skiff::controllers {
namespace {

using skiff::testing::eventually;
using testing::Harness;

TEST(ResourceQuotaController, KeepsHardAndUsedCurrent) {
  Harness h({"resourcequota"});
  h.cluster().create("", "v1", "resourcequotas",
                   {{"apiVersion", "v1"},
                    {"kind", "ResourceQuota"},
                    {"metadata", {{"name", "q"}, {"namespace", "default"}}},
                    {"spec", {{"hard", {{"pods", "10"}, {"requests.cpu", "4"}, {"configmaps", "5"},
                                        {"count/deployments.apps", "3"}}}}}});
  auto used = [&] {
    Json q = h.get_or_null("", "v1", "resourcequotas", "default", "q");
    const Json* u = find_path(q, "status.used");
    return u ? *u : Json();
  };
  ASSERT_TRUE(eventually([&] { return !used().is_null(); }));
  Json status = h.get_or_null("", "v1", "resourcequotas", "default", "q")["status"];
  EXPECT_EQ(status["hard"]["requests.cpu"], "4");
  EXPECT_EQ(status["used"]["pods"], "0");
  EXPECT_EQ(status["used"]["count/deployments.apps"], "0");

  for (const char* name : {"a", "b"})
    h.cluster().create("", "v1", "pods",
                     {{"apiVersion", "v1"},
                      {"kind", "Pod"},
                      {"metadata", {{"name", name}, {"namespace", "default"}}},
                      {"spec", {{"containers", Json::array({{{"name", "c"}, {"image", "nginx"},
                                                             {"resources", {{"requests", {{"cpu", "250m"}}}}}}})}}}});
  h.cluster().create("", "v1", "configmaps",
                   {{"apiVersion", "v1"}, {"kind", "ConfigMap"}, {"metadata", {{"name", "cm"}, {"namespace", "default"}}}});
  EXPECT_TRUE(eventually([&] {
    Json u = used();
    return u.value("pods", "") == "2" && u.value("requests.cpu", "") == "500m" && u.value("configmaps", "") == "1";
  })) << used();

  ASSERT_TRUE(h.client().remove(h.resource("", "v1", "pods"), "default", "a").ok());
  EXPECT_TRUE(eventually([&] { return used().value("pods", "") == "1" && used().value("requests.cpu", "") == "250m"; }))
      << used();
}

}  // namespace
}  // namespace skiff::controllers
