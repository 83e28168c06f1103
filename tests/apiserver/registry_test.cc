#include "apiserver/registry.h"

#include <gtest/gtest.h>

#include "apiserver/watch_cache.h"
#include "storage/store.h"

namespace skiff::apiserver {
namespace {

class RegistryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = storage::new_memory_store();
    cache_ = std::make_unique<WatchCache>(*store_);
    ASSERT_TRUE(cache_->start().ok());
    registry_ = std::make_unique<Registry>(*store_, *cache_, api::SchemaRegistry::builtin(), clock_);
    auto ns = registry_->create(info("", "v1", "namespaces"), "",
                                Json{{"apiVersion", "v1"}, {"kind", "Namespace"}, {"metadata", {{"name", "default"}}}},
                                {});
    ASSERT_TRUE(ns.ok()) << ns.error().message;
  }

  const api::ResourceInfo& info(const char* g, const char* v, const char* r) {
    const auto* i = api::SchemaRegistry::builtin().find_resource(g, v, r);
    EXPECT_NE(i, nullptr) << r;
    return *i;
  }

  Json configmap(const std::string& name) {
    return {{"apiVersion", "v1"}, {"kind", "ConfigMap"}, {"metadata", {{"name", name}}}, {"data", {{"a", "1"}}}};
  }

  Json deployment(const std::string& name, int replicas = 1) {
    return Json::parse(R"({"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":")" + name +
                       R"("},"spec":{"replicas":)" + std::to_string(replicas) +
                       R"(,"selector":{"matchLabels":{"app":"x"}},"template":{"metadata":{"labels":{"app":"x"}},)"
                       R"("spec":{"containers":[{"name":"c","image":"nginx"}]}}}})");
  }

  FakeClock clock_{std::chrono::system_clock::from_time_t(1700000000)};
  std::unique_ptr<storage::Store> store_;
  std::unique_ptr<WatchCache> cache_;
  std::unique_ptr<Registry> registry_;
};

TEST_F(RegistryTest, CreateSetsSystemFields) {
  auto created = registry_->create(info("", "v1", "configmaps"), "default", configmap("a"), {});
  ASSERT_TRUE(created.ok()) << created.error().message;
  const Json& m = (*created)["metadata"];
  EXPECT_EQ(m["namespace"], "default");
  EXPECT_EQ(m["uid"].get<std::string>().size(), 36u);
  EXPECT_EQ(m["creationTimestamp"], "2023-11-14T22:13:20Z");
  EXPECT_FALSE(m["resourceVersion"].get<std::string>().empty());
  EXPECT_FALSE(m.contains("generation"));  // ConfigMaps have no spec
}

TEST_F(RegistryTest, GenerateNameAddsSuffix) {
  Json cm = configmap("");
  cm["metadata"].erase("name");
  cm["metadata"]["generateName"] = "web-";
  auto created = registry_->create(info("", "v1", "configmaps"), "default", cm, {});
  ASSERT_TRUE(created.ok()) << created.error().message;
  std::string name = (*created)["metadata"]["name"];
  EXPECT_EQ(name.rfind("web-", 0), 0u);
  EXPECT_EQ(name.size(), 9u);
}

TEST_F(RegistryTest, DuplicateCreateIsAlreadyExists) {
  ASSERT_TRUE(registry_->create(info("", "v1", "configmaps"), "default", configmap("a"), {}).ok());
  auto again = registry_->create(info("", "v1", "configmaps"), "default", configmap("a"), {});
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().reason, "AlreadyExists");
  EXPECT_EQ(again.error().message, "configmaps \"a\" already exists");
}

TEST_F(RegistryTest, GenerationMovesOnlyWithSpec) {
  const auto& deploy = info("apps", "v1", "deployments");
  auto created = registry_->create(deploy, "default", deployment("d"), {});
  ASSERT_TRUE(created.ok()) << created.error().message;
  EXPECT_EQ((*created)["metadata"]["generation"], 1);
  Json labeled = *created;
  labeled["metadata"]["labels"] = {{"x", "y"}};
  auto u1 = registry_->update(deploy, "default", "d", labeled, "", {});
  ASSERT_TRUE(u1.ok()) << u1.error().message;
  EXPECT_EQ((*u1)["metadata"]["generation"], 1);
  Json scaled = *u1;
  scaled["spec"]["replicas"] = 3;
  auto u2 = registry_->update(deploy, "default", "d", scaled, "", {});
  ASSERT_TRUE(u2.ok()) << u2.error().message;
  EXPECT_EQ((*u2)["metadata"]["generation"], 2);
}

TEST_F(RegistryTest, MainResourceUpdateKeepsStatusAndStatusUpdateKeepsSpec) {
  const auto& deploy = info("apps", "v1", "deployments");
  auto created = registry_->create(deploy, "default", deployment("d"), {});
  ASSERT_TRUE(created.ok());
  Json with_status = *created;
  with_status["status"] = {{"replicas", 1}};
  with_status["spec"]["replicas"] = 9;
  auto s = registry_->update(deploy, "default", "d", with_status, "status", {});
  ASSERT_TRUE(s.ok()) << s.error().message;
  EXPECT_EQ((*s)["status"]["replicas"], 1);
  EXPECT_EQ((*s)["spec"]["replicas"], 1);
  Json main = *s;
  main["status"] = {{"replicas", 42}};
  auto m = registry_->update(deploy, "default", "d", main, "", {});
  ASSERT_TRUE(m.ok());
  EXPECT_EQ((*m)["status"]["replicas"], 1);
}

TEST_F(RegistryTest, StaleResourceVersionConflicts) {
  const auto& cms = info("", "v1", "configmaps");
  auto created = registry_->create(cms, "default", configmap("a"), {});
  ASSERT_TRUE(created.ok());
  Json first = *created;
  first["data"]["a"] = "2";
  ASSERT_TRUE(registry_->update(cms, "default", "a", first, "", {}).ok());
  first["data"]["a"] = "3";
  auto stale = registry_->update(cms, "default", "a", first, "", {});
  ASSERT_FALSE(stale.ok());
  EXPECT_EQ(stale.error().reason, "Conflict");
}

TEST_F(RegistryTest, NoOpUpdateKeepsResourceVersion) {
  const auto& cms = info("", "v1", "configmaps");
  auto created = registry_->create(cms, "default", configmap("a"), {});
  ASSERT_TRUE(created.ok());
  auto same = registry_->update(cms, "default", "a", *created, "", {});
  ASSERT_TRUE(same.ok());
  EXPECT_EQ((*same)["metadata"]["resourceVersion"], (*created)["metadata"]["resourceVersion"]);
}

TEST_F(RegistryTest, FinalizersDelayDeletionUntilRemoved) {
  const auto& cms = info("", "v1", "configmaps");
  Json cm = configmap("f");
  cm["metadata"]["finalizers"] = {"example.com/hold"};
  ASSERT_TRUE(registry_->create(cms, "default", cm, {}).ok());
  auto del = registry_->remove(cms, "default", "f", {});
  ASSERT_TRUE(del.ok());
  EXPECT_FALSE(del->deleted);
  EXPECT_TRUE(del->object["metadata"].contains("deletionTimestamp"));
  auto live = registry_->get(cms, "default", "f");
  ASSERT_TRUE(live.ok());
  (*live)["metadata"]["finalizers"] = Json::array();
  ASSERT_TRUE(registry_->update(cms, "default", "f", *live, "", {}).ok());
  EXPECT_FALSE(registry_->get(cms, "default", "f").ok());
}

TEST_F(RegistryTest, StrategicPatchMergesContainersByName) {
  const auto& deploy = info("apps", "v1", "deployments");
  ASSERT_TRUE(registry_->create(deploy, "default", deployment("d"), {}).ok());
  auto patched = registry_->patch(deploy, "default", "d", PatchType::kStrategic,
                                  R"({"spec":{"template":{"spec":{"containers":[{"name":"c","image":"nginx:2"}]}}}})",
                                  "", {});
  ASSERT_TRUE(patched.ok()) << patched.error().message;
  EXPECT_EQ((*patched)["spec"]["template"]["spec"]["containers"][0]["image"], "nginx:2");
  EXPECT_EQ((*patched)["spec"]["template"]["spec"]["containers"][0]["name"], "c");
}

TEST_F(RegistryTest, ListFiltersByLabelAndPaginates) {
  const auto& cms = info("", "v1", "configmaps");
  for (int i = 0; i < 5; ++i) {
    Json cm = configmap("c" + std::to_string(i));
    cm["metadata"]["labels"] = {{"even", i % 2 == 0 ? "yes" : "no"}};
    ASSERT_TRUE(registry_->create(cms, "default", cm, {}).ok());
  }
  ListOptions by_label;
  by_label.label_selector = "even=yes";
  auto evens = registry_->list(cms, "default", by_label);
  ASSERT_TRUE(evens.ok());
  EXPECT_EQ(evens->items.size(), 3u);

  ListOptions page;
  page.limit = 2;
  auto p1 = registry_->list(cms, "default", page);
  ASSERT_TRUE(p1.ok());
  EXPECT_EQ(p1->items.size(), 2u);
  EXPECT_EQ(p1->remaining, 3);
  page.continue_token = p1->continue_token;
  auto p2 = registry_->list(cms, "default", page);
  ASSERT_TRUE(p2.ok());
  EXPECT_EQ(p2->items[0]->name, "c2");
  page.continue_token = "garbage!";
  EXPECT_FALSE(registry_->list(cms, "default", page).ok());
}

TEST_F(RegistryTest, ServiceGetsClusterIpAndNodePorts) {
  const auto& svcs = info("", "v1", "services");
  Json svc = Json::parse(R"({"apiVersion":"v1","kind":"Service","metadata":{"name":"s"},
      "spec":{"type":"NodePort","selector":{"a":"b"},"ports":[{"port":80}]}})");
  auto created = registry_->create(svcs, "default", svc, {});
  ASSERT_TRUE(created.ok()) << created.error().message;
  std::string ip = (*created)["spec"]["clusterIP"];
  EXPECT_EQ(ip.rfind("10.43.", 0), 0u) << ip;
  int node_port = (*created)["spec"]["ports"][0]["nodePort"];
  EXPECT_GE(node_port, 30000);
  EXPECT_LE(node_port, 32767);
  EXPECT_EQ((*created)["spec"]["ports"][0]["targetPort"], 80);

  // A port asked for must be in the range and free.
  auto asking = [&](const std::string& name, int port) {
    Json s = svc;
    s["metadata"]["name"] = name;
    s["spec"]["ports"][0]["nodePort"] = port;
    return registry_->create(svcs, "default", s, {});
  };
  auto taken = asking("taken", node_port);
  ASSERT_FALSE(taken.ok());
  EXPECT_EQ(taken.error().message, "Service \"taken\" is invalid: spec.ports[0].nodePort: Invalid value: " +
                                       std::to_string(node_port) + ": provided port is already allocated");
  auto outside = asking("outside", 20000);
  ASSERT_FALSE(outside.ok());
  EXPECT_EQ(outside.error().code, 422);
  EXPECT_NE(outside.error().message.find("provided port is not in the valid range. The range of valid ports is 30000-32767"),
            std::string::npos);
  EXPECT_TRUE(asking("free", node_port == 31000 ? 31001 : 31000).ok());
}

TEST_F(RegistryTest, ScaleSubresourceReadsAndWritesReplicas) {
  const auto& deploy = info("apps", "v1", "deployments");
  ASSERT_TRUE(registry_->create(deploy, "default", deployment("d", 2), {}).ok());
  auto scale = registry_->get_scale(deploy, "default", "d");
  ASSERT_TRUE(scale.ok());
  EXPECT_EQ((*scale)["spec"]["replicas"], 2);
  EXPECT_EQ((*scale)["status"]["selector"], "app=x");
  auto updated = registry_->update_scale(deploy, "default", "d", Json{{"spec", {{"replicas", 5}}}}, {});
  ASSERT_TRUE(updated.ok());
  EXPECT_EQ((*registry_->get(deploy, "default", "d"))["spec"]["replicas"], 5);
}

TEST_F(RegistryTest, DryRunWritesNothing) {
  const auto& cms = info("", "v1", "configmaps");
  WriteOptions dry;
  dry.dry_run = true;
  ASSERT_TRUE(registry_->create(cms, "default", configmap("dry"), dry).ok());
  EXPECT_FALSE(registry_->get(cms, "default", "dry").ok());
}

TEST_F(RegistryTest, SecretStringDataBecomesData) {
  const auto& secrets = info("", "v1", "secrets");
  Json s = {{"apiVersion", "v1"}, {"kind", "Secret"}, {"metadata", {{"name", "s"}}}, {"stringData", {{"p", "hi"}}}};
  auto created = registry_->create(secrets, "default", s, {});
  ASSERT_TRUE(created.ok()) << created.error().message;
  EXPECT_EQ((*created)["data"]["p"], "aGk=");
  EXPECT_FALSE(created->contains("stringData"));
  EXPECT_EQ((*created)["type"], "Opaque");
}

TEST_F(RegistryTest, NamespaceIsCreatedWithKubernetesFinalizerWhichFinalizeRemoves) {
  const auto& namespaces = info("", "v1", "namespaces");
  auto created = registry_->create(namespaces, "", {{"apiVersion", "v1"}, {"kind", "Namespace"}, {"metadata", {{"name", "n"}}}}, {});
  ASSERT_TRUE(created.ok());
  EXPECT_EQ((*created)["spec"]["finalizers"], Json::array({"kubernetes"}));
  EXPECT_EQ((*created)["status"]["phase"], "Active");
  auto pending = registry_->remove(namespaces, "", "n", {});
  ASSERT_TRUE(pending.ok());
  EXPECT_FALSE(pending->deleted);
  EXPECT_EQ(pending->object["status"]["phase"], "Terminating");
  Json finalized = pending->object;
  finalized["spec"]["finalizers"] = Json::array();
  ASSERT_TRUE(registry_->update(namespaces, "", "n", finalized, "finalize", {}).ok());
  EXPECT_FALSE(registry_->get(namespaces, "", "n").ok());
}

TEST_F(RegistryTest, TheSystemNamespacesCannotBeDeleted) {
  const auto& namespaces = info("", "v1", "namespaces");
  for (const char* name : {"default", "kube-system", "kube-public"}) {
    auto del = registry_->remove(namespaces, "", name, {});
    ASSERT_FALSE(del.ok()) << name;
    EXPECT_EQ(del.error().code, 403);
    EXPECT_EQ(del.error().message, std::string("namespaces \"") + name + "\" is forbidden: this namespace may not be deleted");
  }
}

TEST_F(RegistryTest, CreateInTerminatingOrMissingNamespaceFails) {
  auto missing = registry_->create(info("", "v1", "configmaps"), "nope", configmap("a"), {});
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, 404);
}

}  // namespace
}  // namespace skiff::apiserver
