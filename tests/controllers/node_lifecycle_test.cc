#include <gtest/gtest.h>

#include "controller_fixture.h"

namespace skiff::controllers {
namespace {

using testing::eventually;

ControllerOptions fast() {
  ControllerOptions o;
  o.node_monitor_grace_period = std::chrono::milliseconds(500);
  o.node_monitor_period = std::chrono::milliseconds(100);
  return o;
}

Json pod_on(const std::string& name, const std::string& node, const Json& tolerations) {
  return {{"apiVersion", "v1"},
          {"kind", "Pod"},
          {"metadata", {{"name", name}, {"namespace", "default"}}},
          {"spec", {{"nodeName", node}, {"tolerations", tolerations}, {"containers", {{{"name", "c"}, {"image", "i"}}}}}}};
}

bool has_taint(const Json& node, const std::string& key, const std::string& effect) {
  for (const auto& t : node["spec"].value("taints", Json::array()))
    if (t["key"] == key && t["effect"] == effect) return true;
  return false;
}

TEST(NodeLifecycleController, SilentNodeBecomesUnknownTaintedAndLosesIntolerantPods) {
  ControllerFixture f({"nodelifecycle"}, fast());
  f.cluster().create("", "v1", "nodes",
                     {{"apiVersion", "v1"},
                      {"kind", "Node"},
                      {"metadata", {{"name", "n1"}}},
                      {"status", {{"conditions", {{{"type", "Ready"}, {"status", "True"},
                                                  {"lastHeartbeatTime", "2020-01-01T00:00:00Z"}},
                                                 {{"type", "NetworkUnavailable"}, {"status", "False"}}}}}}});
  f.cluster().create("", "v1", "pods", pod_on("intolerant", "n1", Json::array()));
  f.cluster().create("", "v1", "pods",
                     pod_on("patient", "n1",
                            {{{"key", "node.kubernetes.io/unreachable"}, {"operator", "Exists"},
                              {"effect", "NoExecute"}, {"tolerationSeconds", 2}}}));
  f.cluster().create("", "v1", "pods",
                     pod_on("forever", "n1",
                            {{{"key", "node.kubernetes.io/unreachable"}, {"operator", "Exists"}, {"effect", "NoExecute"}}}));
  ASSERT_TRUE(eventually([&] {
    Json n = f.cluster().get("", "v1", "nodes", "", "n1");
    for (const auto& c : n["status"]["conditions"])
      if (c["type"] == "Ready") return c["status"] == "Unknown" && c["reason"] == "NodeStatusUnknown";
    return false;
  }));
  const Json silent = f.cluster().get("", "v1", "nodes", "", "n1");
  for (const auto& c : silent["status"]["conditions"])
    if (c["type"] == "NetworkUnavailable") {
      EXPECT_EQ(c["status"], "False") << "not the kubelet's to report";
    }
  ASSERT_TRUE(eventually([&] {
    return has_taint(f.cluster().get("", "v1", "nodes", "", "n1"), "node.kubernetes.io/unreachable", "NoExecute");
  }));
  auto terminating = [&](const std::string& name) {
    auto p = f.client().get(f.client().resource("", "v1", "pods"), "default", name);
    return !p.ok() || (*p)["metadata"].contains("deletionTimestamp");
  };
  EXPECT_TRUE(eventually([&] { return terminating("intolerant"); }));
  EXPECT_FALSE(terminating("patient"));
  EXPECT_TRUE(eventually([&] { return terminating("patient"); }, std::chrono::seconds(5)));
  EXPECT_FALSE(terminating("forever"));

  // A heartbeat brings the node back and lifts the taints.
  Json n = f.cluster().get("", "v1", "nodes", "", "n1");
  n["status"]["conditions"] = {{{"type", "Ready"}, {"status", "True"}, {"lastHeartbeatTime", "2030-01-01T00:00:00Z"}}};
  ASSERT_TRUE(f.client().update(f.client().resource("", "v1", "nodes"), "", n, "status").ok());
  EXPECT_TRUE(eventually([&] {
    return !has_taint(f.cluster().get("", "v1", "nodes", "", "n1"), "node.kubernetes.io/unreachable", "NoExecute");
  }));
}

}  // namespace
}  // namespace skiff::controllers
