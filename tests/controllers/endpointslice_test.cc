#include <gtest/gtest.h>

#include "infra_harness.h"

namespace skiff::controllers {
namespace {

using skiff::testing::eventually;
using testing::Harness;

Json service(const std::string& name, const Json& ports, bool publish_not_ready = false) {
  Json spec = {{"selector", {{"app", name}}}, {"ports", ports}};
  if (publish_not_ready) spec["publishNotReadyAddresses"] = true;
  return {{"apiVersion", "v1"}, {"kind", "Service"}, {"metadata", {{"name", name}, {"namespace", "default"}}},
          {"spec", spec}};
}

std::vector<Json> slices_of(Harness& h, const std::string& svc) {
  return h.cluster().list("discovery.k8s.io", "v1", "endpointslices", "default", "kubernetes.io/service-name=" + svc);
}

size_t endpoint_count(const std::vector<Json>& slices) {
  size_t n = 0;
  for (const auto& s : slices) n += s.value("endpoints", Json::array()).size();
  return n;
}

TEST(EndpointSliceController, DescribesPodsWithConditionsNodeAndZone) {
  Harness h({"endpointslice"});
  h.cluster().create("", "v1", "nodes",
                   {{"apiVersion", "v1"},
                    {"kind", "Node"},
                    {"metadata", {{"name", "node-1"}, {"labels", {{"topology.kubernetes.io/zone", "zone-a"}}}}}});
  Json svc = h.cluster().create("", "v1", "services",
                              service("web", Json::array({{{"name", "http"}, {"port", 80}, {"targetPort", "web"}}})));
  h.pod("a", {{"app", "web"}}, Json::array({{{"name", "web"}, {"containerPort", 8080}}}));
  h.pod("b", {{"app", "web"}}, Json::array({{{"name", "web"}, {"containerPort", 8080}}}));
  h.pod("pending", {{"app", "web"}});
  h.set_running("a", "10.0.0.2", true, "node-1");
  h.set_running("b", "10.0.0.3", false);

  std::vector<Json> slices;
  ASSERT_TRUE(eventually([&] {
    slices = slices_of(h, "web");
    // The node's zone shows once the node informer has caught up.
    return slices.size() == 1 && endpoint_count(slices) == 2 && slices[0]["endpoints"][0].contains("zone");
  }));
  const Json& s = slices[0];
  EXPECT_EQ(s["addressType"], "IPv4");
  EXPECT_EQ(s["metadata"]["generateName"], "web-");
  EXPECT_EQ(s["metadata"]["labels"]["endpointslice.kubernetes.io/managed-by"], "endpointslice-controller.k8s.io");
  EXPECT_EQ(s["metadata"]["ownerReferences"][0]["uid"], svc["metadata"]["uid"]);
  EXPECT_EQ(s["metadata"]["ownerReferences"][0]["kind"], "Service");
  EXPECT_TRUE(s["metadata"]["annotations"].contains("endpoints.kubernetes.io/last-change-trigger-time"));
  EXPECT_EQ(s["ports"], Json::parse(R"([{"name":"http","port":8080,"protocol":"TCP"}])"));
  const Json& a = s["endpoints"][0];
  EXPECT_EQ(a["addresses"][0], "10.0.0.2");
  EXPECT_EQ(a["conditions"], Json::parse(R"({"ready":true,"serving":true,"terminating":false})"));
  EXPECT_EQ(a["nodeName"], "node-1");
  EXPECT_EQ(a["zone"], "zone-a");
  EXPECT_EQ(a["targetRef"]["name"], "a");
  EXPECT_EQ(s["endpoints"][1]["conditions"]["ready"], false);
}

TEST(EndpointSliceController, KeepsAPlaceholderForAServiceWithoutEndpoints) {
  Harness h({"endpointslice"});
  h.cluster().create("", "v1", "services", service("empty", Json::array({{{"port", 80}}})));
  std::vector<Json> slices;
  ASSERT_TRUE(eventually([&] { return (slices = slices_of(h, "empty")).size() == 1; }));
  EXPECT_TRUE(slices[0]["endpoints"].empty());
  EXPECT_FALSE(slices[0].contains("ports"));
  h.pod("a", {{"app", "empty"}});
  h.set_running("a", "10.0.0.7", true);
  ASSERT_TRUE(eventually([&] {
    slices = slices_of(h, "empty");
    return slices.size() == 1 && endpoint_count(slices) == 1;
  }));
  EXPECT_EQ(slices[0]["ports"][0]["port"], 80);
}

TEST(EndpointSliceController, SplitsMoreThanAHundredEndpoints) {
  Harness h({"endpointslice"});
  h.cluster().create("", "v1", "services", service("big", Json::array({{{"port", 80}}})));
  for (int i = 0; i < 130; ++i) {
    std::string name = "p" + std::to_string(i);
    h.pod(name, {{"app", "big"}});
    h.set_running(name, "10.1." + std::to_string(i / 200) + "." + std::to_string(i % 200 + 1), true);
  }
  std::vector<Json> slices;
  ASSERT_TRUE(eventually([&] {
    slices = slices_of(h, "big");
    return endpoint_count(slices) == 130 && slices.size() == 2;
  }, std::chrono::seconds(20)));
  for (const auto& s : slices) EXPECT_LE(s["endpoints"].size(), 100u);
}

TEST(EndpointSliceController, PublishNotReadyAddressesMarksUnreadyPodsReady) {
  Harness h({"endpointslice"});
  h.cluster().create("", "v1", "services", service("db", Json::array({{{"port", 5432}}}), true));
  h.pod("a", {{"app", "db"}});
  h.set_running("a", "10.0.0.5", false);
  std::vector<Json> slices;
  ASSERT_TRUE(eventually([&] { return endpoint_count(slices = slices_of(h, "db")) == 1; }));
  EXPECT_EQ(slices[0]["endpoints"][0]["conditions"]["ready"], true);
  EXPECT_EQ(slices[0]["endpoints"][0]["conditions"]["serving"], false);
}

}  // namespace
}  // namespace skiff::controllers
