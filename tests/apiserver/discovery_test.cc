#include "apiserver/discovery.h"

#include <gtest/gtest.h>

#include <map>

namespace skiff::apiserver {
namespace {

TEST(Discovery, ResourceListHasSubresourcesAndShortNames) {
  Discovery d(api::SchemaRegistry::builtin());
  const std::string* apps = d.resource_list("apps", "v1");
  ASSERT_NE(apps, nullptr);
  Json list = Json::parse(*apps);
  EXPECT_EQ(list["groupVersion"], "apps/v1");
  bool found_deploy = false, found_scale = false;
  for (const auto& r : list["resources"]) {
    if (r["name"] == "deployments") {
      found_deploy = true;
      EXPECT_EQ(r["kind"], "Deployment");
      EXPECT_EQ(r["shortNames"][0], "deploy");
      EXPECT_TRUE(r["namespaced"].get<bool>());
    }
    if (r["name"] == "deployments/scale") {
      found_scale = true;
      EXPECT_EQ(r["group"], "autoscaling");
      EXPECT_EQ(r["kind"], "Scale");
    }
  }
  EXPECT_TRUE(found_deploy);
  EXPECT_TRUE(found_scale);
}

// kubectl drain looks for pods/eviction (and its group) before evicting; without it, it deletes.
TEST(Discovery, CoreListsThePodSubresourcesServed) {
  Discovery d(api::SchemaRegistry::builtin());
  Json list = Json::parse(*d.resource_list("", "v1"));
  std::map<std::string, Json> subs;
  for (const auto& r : list["resources"])
    if (r["name"].get<std::string>().rfind("pods/", 0) == 0) subs[r["name"]] = r;
  ASSERT_TRUE(subs.count("pods/eviction"));
  EXPECT_EQ(subs["pods/eviction"]["group"], "policy");
  EXPECT_EQ(subs["pods/eviction"]["version"], "v1");
  EXPECT_EQ(subs["pods/eviction"]["kind"], "Eviction");
  EXPECT_EQ(subs["pods/eviction"]["verbs"], Json::array({"create"}));
  EXPECT_EQ(subs["pods/log"]["verbs"], Json::array({"get"}));
  EXPECT_FALSE(subs["pods/log"].contains("group"));
  for (const char* served : {"pods/binding", "pods/exec", "pods/attach", "pods/portforward", "pods/status"})
    EXPECT_TRUE(subs.count(served)) << served;
  EXPECT_FALSE(subs.count("pods/proxy")) << "not served, so not listed";
}

TEST(Discovery, GroupListPrefersNewestVersion) {
  Discovery d(api::SchemaRegistry::builtin());
  Json groups = Json::parse(d.group_list());
  bool saw_autoscaling = false;
  for (const auto& g : groups["groups"]) {
    if (g["name"] != "autoscaling") continue;
    saw_autoscaling = true;
    EXPECT_EQ(g["preferredVersion"]["version"], "v2");
    EXPECT_EQ(g["versions"].size(), 2u);
  }
  EXPECT_TRUE(saw_autoscaling);
}

TEST(Discovery, AggregatedDocumentNamesItsVersion) {
  Discovery d(api::SchemaRegistry::builtin());
  Json v2 = Json::parse(d.aggregated(false, "v2"));
  EXPECT_EQ(v2["apiVersion"], "apidiscovery.k8s.io/v2");
  EXPECT_EQ(v2["kind"], "APIGroupDiscoveryList");
  Json core = Json::parse(d.aggregated(true, "v2beta1"));
  EXPECT_EQ(core["apiVersion"], "apidiscovery.k8s.io/v2beta1");
  EXPECT_EQ(core["items"][0]["metadata"]["name"], "");
}

TEST(Discovery, AcceptNegotiation) {
  EXPECT_EQ(Discovery::aggregated_version_requested(
                "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json;"
                "g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json"),
            "v2");
  EXPECT_EQ(Discovery::aggregated_version_requested(
                "application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json"),
            "v2beta1");
  EXPECT_EQ(Discovery::aggregated_version_requested("application/json, */*"), "");
}

}  // namespace
}  // namespace skiff::apiserver
