#include "client/informer.h"

#include <gtest/gtest.h>

#include <atomic>

#include "client/events.h"
#include "support/test_cluster.h"

namespace skiff::client {
namespace {

using skiff::testing::eventually;
using skiff::testing::TestCluster;

Json config_map(const std::string& name, const Json& labels = Json::object()) {
  return {{"apiVersion", "v1"},
          {"kind", "ConfigMap"},
          {"metadata", {{"name", name}, {"namespace", "default"}, {"labels", labels}}},
          {"data", {{"k", "v"}}}};
}

TEST(Informer, ListsThenFollowsAddsUpdatesAndDeletes) {
  TestCluster cluster;
  cluster.create("", "v1", "configmaps", config_map("before"));
  InformerFactory factory(cluster.client());
  Informer& inf = factory.informer("", "v1", "configmaps");
  std::atomic<int> adds{0}, updates{0}, deletes{0};
  inf.add_handler({[&](const ObjectPtr&) { ++adds; }, [&](const ObjectPtr&, const ObjectPtr&) { ++updates; },
                   [&](const ObjectPtr&) { ++deletes; }});
  factory.start();
  ASSERT_TRUE(factory.wait_for_sync(std::chrono::seconds(5)));
  EXPECT_NE(inf.get("default", "before"), nullptr);
  EXPECT_EQ(inf.get("default", "before")->at("metadata").count("managedFields"), 0u) << "factory strips them";

  cluster.create("", "v1", "configmaps", config_map("after"));
  ASSERT_TRUE(eventually([&] { return inf.get("default/after") != nullptr; }));
  EXPECT_EQ(inf.get("default/after")->at("metadata").count("managedFields"), 0u) << "watched objects too";
  EXPECT_EQ(inf.get("default/after")->at("metadata").at("name"), "after");
  const auto& cms = cluster.client().resource("", "v1", "configmaps");
  ASSERT_TRUE(cluster.client().patch(cms, "default", "after", PatchType::kMerge, R"({"data":{"k":"w"}})").ok());
  ASSERT_TRUE(eventually([&] { return inf.get("default/after")->at("data").at("k") == "w"; }));
  ASSERT_TRUE(cluster.client().remove(cms, "default", "before").ok());
  ASSERT_TRUE(eventually([&] { return inf.get("default/before") == nullptr; }));
  EXPECT_TRUE(eventually([&] { return adds == 2 && updates == 1 && deletes == 1; }))
      << adds << " " << updates << " " << deletes;
}

TEST(Informer, IndexesObjectsAndKeepsIndexesCurrent) {
  TestCluster cluster;
  InformerFactory factory(cluster.client());
  Informer& inf = factory.informer("", "v1", "configmaps");
  inf.add_index("app", [](const Json& obj) {
    std::vector<std::string> out;
    if (const Json* app = find_path(obj, "metadata.labels.app")) out.push_back(app->get<std::string>());
    return out;
  });
  factory.start();
  ASSERT_TRUE(factory.wait_for_sync(std::chrono::seconds(5)));
  cluster.create("", "v1", "configmaps", config_map("a", {{"app", "web"}}));
  cluster.create("", "v1", "configmaps", config_map("b", {{"app", "web"}}));
  cluster.create("", "v1", "configmaps", config_map("c", {{"app", "db"}}));
  ASSERT_TRUE(eventually([&] { return inf.size() == 3; }));
  EXPECT_EQ(inf.by_index("app", "web").size(), 2u);
  const auto& cms = cluster.client().resource("", "v1", "configmaps");
  ASSERT_TRUE(
      cluster.client().patch(cms, "default", "b", PatchType::kMerge, R"({"metadata":{"labels":{"app":"db"}}})").ok());
  ASSERT_TRUE(eventually([&] { return inf.by_index("app", "db").size() == 2; }));
  EXPECT_EQ(inf.by_index("app", "web").size(), 1u);
}

TEST(Informer, SelectorsLimitWhatIsCached) {
  TestCluster cluster;
  ListOptions opts;
  opts.label_selector = "app=web";
  Informer inf(cluster.client(), cluster.client().resource("", "v1", "configmaps"), "default", opts);
  inf.start();
  ASSERT_TRUE(inf.wait_for_sync(std::chrono::seconds(5)));
  cluster.create("", "v1", "configmaps", config_map("web", {{"app", "web"}}));
  cluster.create("", "v1", "configmaps", config_map("db", {{"app", "db"}}));
  ASSERT_TRUE(eventually([&] { return inf.get("default/web") != nullptr; }));
  EXPECT_EQ(inf.get("default/db"), nullptr);
  // Relabelling out of the selector reads as a deletion.
  const auto& cms = cluster.client().resource("", "v1", "configmaps");
  ASSERT_TRUE(
      cluster.client().patch(cms, "default", "web", PatchType::kMerge, R"({"metadata":{"labels":{"app":"x"}}})").ok());
  EXPECT_TRUE(eventually([&] { return inf.get("default/web") == nullptr; }));
  inf.stop();
}

TEST(EventRecorder, CountsRepeatedEventsOnOneObject) {
  TestCluster cluster;
  Json cm = cluster.create("", "v1", "configmaps", config_map("subject"));
  {
    EventRecorder recorder(cluster.client(), "test-controller");
    recorder.record(cm, "Normal", "Poked", "poked once");
    recorder.record(cm, "Normal", "Poked", "poked once");
    recorder.record(cm, "Warning", "Broken", "it broke");
    recorder.flush();
  }
  auto events = cluster.list("", "v1", "events", "default");
  ASSERT_EQ(events.size(), 2u);
  for (const auto& e : events) {
    EXPECT_EQ(e["involvedObject"]["name"], "subject");
    EXPECT_EQ(e["source"]["component"], "test-controller");
    if (e["reason"] == "Poked") EXPECT_EQ(e["count"], 2);
    else EXPECT_EQ(e["type"], "Warning");
  }
}

Json pod(const std::string& name, const Json& labels = Json::object()) {
  return {{"apiVersion", "v1"},
          {"kind", "Pod"},
          {"metadata", {{"name", name}, {"namespace", "default"}, {"labels", labels}}},
          {"spec", {{"containers", {{{"name", "c"}, {"image", "busybox"}}}}}}};
}

TEST(PodActions, BindingAssignsTheNodeOnceAndMarksThePodScheduled) {
  TestCluster cluster;
  cluster.create("", "v1", "pods", pod("p"));
  auto& c = cluster.client();
  const auto& pods = c.resource("", "v1", "pods");
  Json binding = {{"apiVersion", "v1"}, {"kind", "Binding"}, {"metadata", {{"name", "p"}}},
                  {"target", {{"kind", "Node"}, {"name", "n1"}}}};
  ASSERT_TRUE(c.create_subresource(pods, "default", "p", "binding", binding).ok());
  Json bound = cluster.get("", "v1", "pods", "default", "p");
  EXPECT_EQ(bound["spec"]["nodeName"], "n1");
  bool scheduled = false;
  for (const auto& cond : bound["status"]["conditions"])
    if (cond["type"] == "PodScheduled") scheduled = cond["status"] == "True";
  EXPECT_TRUE(scheduled);
  binding["target"]["name"] = "n2";
  auto again = c.create_subresource(pods, "default", "p", "binding", binding);
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code, 409);
}

TEST(PodActions, EvictionRespectsTheDisruptionBudget) {
  TestCluster cluster;
  auto& c = cluster.client();
  const auto& pods = c.resource("", "v1", "pods");
  const auto& pdbs = c.resource("policy", "v1", "poddisruptionbudgets");
  Json p = cluster.create("", "v1", "pods", pod("guarded", {{"app", "db"}}));
  p["status"]["phase"] = "Running";
  p["status"]["conditions"] = {{{"type", "Ready"}, {"status", "True"}}};
  ASSERT_TRUE(c.update(pods, "default", p, "status").ok());
  Json pdb = cluster.create("policy", "v1", "poddisruptionbudgets",
                            {{"apiVersion", "policy/v1"},
                             {"kind", "PodDisruptionBudget"},
                             {"metadata", {{"name", "db"}, {"namespace", "default"}}},
                             {"spec", {{"minAvailable", 1}, {"selector", {{"matchLabels", {{"app", "db"}}}}}}}});
  pdb["status"] = {{"observedGeneration", 1}, {"disruptionsAllowed", 0}, {"currentHealthy", 1},
                   {"desiredHealthy", 1}, {"expectedPods", 1}};
  ASSERT_TRUE(c.update(pdbs, "default", pdb, "status").ok());
  Json eviction = {{"apiVersion", "policy/v1"}, {"kind", "Eviction"},
                   {"metadata", {{"name", "guarded"}, {"namespace", "default"}}}};
  auto refused = c.create_subresource(pods, "default", "guarded", "eviction", eviction);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, 429);
  ASSERT_EQ(refused.error().causes.size(), 1u);
  EXPECT_EQ(refused.error().causes[0].message, "The disruption budget db needs 1 healthy pods and has 1 currently");

  pdb = cluster.get("policy", "v1", "poddisruptionbudgets", "default", "db");
  pdb["status"]["disruptionsAllowed"] = 1;
  ASSERT_TRUE(c.update(pdbs, "default", pdb, "status").ok());
  ASSERT_TRUE(c.create_subresource(pods, "default", "guarded", "eviction", eviction).ok());
  EXPECT_FALSE(c.get(pods, "default", "guarded").ok());
  pdb = cluster.get("policy", "v1", "poddisruptionbudgets", "default", "db");
  EXPECT_EQ(pdb["status"]["disruptionsAllowed"], 0);
  EXPECT_TRUE(pdb["status"]["disruptedPods"].contains("guarded"));
}

}  // namespace
}  // namespace skiff::client
