#include <gtest/gtest.h>

#include "controllers/endpoints_pods.h"
#include "infra_harness.h"

namespace skiff::controllers {
namespace {

using skiff::testing::eventually;
using testing::Harness;

Json service(const std::string& name, const Json& selector, const Json& ports, bool publish_not_ready = false) {
  Json spec = {{"ports", ports}};
  if (!selector.is_null()) spec["selector"] = selector;
  if (publish_not_ready) spec["publishNotReadyAddresses"] = true;
  return {{"apiVersion", "v1"},
          {"kind", "Service"},
          {"metadata", {{"name", name}, {"namespace", "default"}, {"labels", {{"team", "a"}}}}},
          {"spec", spec}};
}

Json web_port() { return Json::array({{{"name", "http"}, {"port", 80}, {"targetPort", "web"}}}); }
Json container_ports() { return Json::array({{{"name", "web"}, {"containerPort", 8080}}}); }

TEST(EndpointsController, ListsReadyAndNotReadyPodsWithResolvedPorts) {
  Harness h({"endpoint"});
  h.cluster().create("", "v1", "services", service("web", {{"app", "web"}}, web_port()));
  h.pod("a", {{"app", "web"}}, container_ports());
  h.pod("b", {{"app", "web"}}, container_ports());
  h.pod("other", {{"app", "db"}}, container_ports());
  h.pod("no-ip", {{"app", "web"}}, container_ports());
  h.set_running("a", "10.0.0.2", true, "node-1");
  h.set_running("b", "10.0.0.3", false);
  h.set_running("other", "10.0.0.4", true);

  Json ep;
  ASSERT_TRUE(eventually([&] {
    ep = h.get_or_null("", "v1", "endpoints", "default", "web");
    return ep.contains("subsets") && ep["subsets"].size() == 1 && ep["subsets"][0].contains("addresses") &&
           ep["subsets"][0].contains("notReadyAddresses");
  })) << ep.dump();
  const Json& subset = ep["subsets"][0];
  ASSERT_EQ(subset["addresses"].size(), 1u);
  EXPECT_EQ(subset["addresses"][0]["ip"], "10.0.0.2");
  EXPECT_EQ(subset["addresses"][0]["nodeName"], "node-1");
  EXPECT_EQ(subset["addresses"][0]["targetRef"]["kind"], "Pod");
  EXPECT_EQ(subset["addresses"][0]["targetRef"]["name"], "a");
  ASSERT_EQ(subset["notReadyAddresses"].size(), 1u);
  EXPECT_EQ(subset["notReadyAddresses"][0]["ip"], "10.0.0.3");
  ASSERT_EQ(subset["ports"].size(), 1u);
  EXPECT_EQ(subset["ports"][0]["port"], 8080);
  EXPECT_EQ(subset["ports"][0]["name"], "http");
  EXPECT_EQ(subset["ports"][0]["protocol"], "TCP");
  EXPECT_EQ(ep["metadata"]["labels"]["team"], "a");
  EXPECT_TRUE(ep["metadata"]["annotations"].contains("endpoints.kubernetes.io/last-change-trigger-time"));
}

TEST(EndpointsController, FollowsReadinessAndDeletion) {
  Harness h({"endpoint"});
  h.cluster().create("", "v1", "services", service("web", {{"app", "web"}}, Json::array({{{"port", 80}}})));
  h.pod("a", {{"app", "web"}});
  h.set_running("a", "10.0.0.2", false);
  auto ready_ips = [&] {
    Json ep = h.get_or_null("", "v1", "endpoints", "default", "web");
    std::string out;
    for (const auto& s : ep.value("subsets", Json::array()))
      for (const auto& a : s.value("addresses", Json::array())) out += a["ip"].get<std::string>();
    return out;
  };
  ASSERT_TRUE(eventually([&] { return h.get_or_null("", "v1", "endpoints", "default", "web").contains("subsets"); }));
  EXPECT_EQ(ready_ips(), "");
  h.set_running("a", "10.0.0.2", true);
  EXPECT_TRUE(eventually([&] { return ready_ips() == "10.0.0.2"; }));
  ASSERT_TRUE(h.client().remove(h.resource("", "v1", "pods"), "default", "a").ok());
  EXPECT_TRUE(eventually([&] { return !h.get_or_null("", "v1", "endpoints", "default", "web").contains("subsets"); }));
}

TEST(EndpointsController, PublishNotReadyAddressesListsUnreadyPodsAsReady) {
  Harness h({"endpoint"});
  h.cluster().create("", "v1", "services", service("db", {{"app", "db"}}, Json::array({{{"port", 5432}}}), true));
  h.pod("a", {{"app", "db"}});
  h.set_running("a", "10.0.0.9", false);
  EXPECT_TRUE(eventually([&] {
    Json ep = h.get_or_null("", "v1", "endpoints", "default", "db");
    const Json* a = find_path(ep, "subsets");
    return a && (*a)[0].contains("addresses") && (*a)[0]["addresses"][0]["ip"] == "10.0.0.9";
  }));
}

TEST(EndpointsController, LeavesServicesWithoutSelectorAlone) {
  Harness h({"endpoint"});
  h.cluster().create("", "v1", "services", service("manual", nullptr, Json::array({{{"port", 80}}})));
  h.cluster().create("", "v1", "endpoints",
                   {{"apiVersion", "v1"},
                    {"kind", "Endpoints"},
                    {"metadata", {{"name", "manual"}, {"namespace", "default"}}},
                    {"subsets", Json::array({{{"addresses", Json::array({{{"ip", "192.168.1.1"}}})},
                                              {"ports", Json::array({{{"port", 80}}})}}})}});
  h.cluster().create("", "v1", "services", service("web", {{"app", "web"}}, Json::array({{{"port", 80}}})));
  ASSERT_TRUE(eventually([&] { return !h.get_or_null("", "v1", "endpoints", "default", "web").is_null(); }));
  Json manual = h.get_or_null("", "v1", "endpoints", "default", "manual");
  EXPECT_EQ(manual["subsets"][0]["addresses"][0]["ip"], "192.168.1.1");
}

TEST(EndpointsController, RecreatesDeletedEndpointsAndDeletesThemWithTheService) {
  Harness h({"endpoint"});
  const auto& eps = h.resource("", "v1", "endpoints");
  h.cluster().create("", "v1", "services", service("web", {{"app", "web"}}, Json::array({{{"port", 80}}})));
  ASSERT_TRUE(eventually([&] { return !h.get_or_null("", "v1", "endpoints", "default", "web").is_null(); }));
  ASSERT_TRUE(h.client().remove(eps, "default", "web").ok());
  ASSERT_TRUE(eventually([&] { return !h.get_or_null("", "v1", "endpoints", "default", "web").is_null(); }));
  ASSERT_TRUE(h.client().remove(h.resource("", "v1", "services"), "default", "web").ok());
  EXPECT_TRUE(eventually([&] { return h.get_or_null("", "v1", "endpoints", "default", "web").is_null(); }));
}

TEST(EndpointPorts, NamedTargetPortsResolveAgainstContainerPortsByNameAndProtocol) {
  Json pod = {{"spec",
               {{"containers",
                 Json::array({{{"name", "c"},
                               {"ports", Json::array({{{"name", "dns"}, {"containerPort", 53}, {"protocol", "UDP"}},
                                                      {{"name", "web"}, {"containerPort", 8080}}})}}})}}}};
  EXPECT_EQ(resolve_target_port({{"port", 80}, {"targetPort", "web"}}, pod), 8080);
  EXPECT_EQ(resolve_target_port({{"port", 53}, {"targetPort", "dns"}, {"protocol", "UDP"}}, pod), 53);
  EXPECT_EQ(resolve_target_port({{"port", 53}, {"targetPort", "dns"}}, pod), std::nullopt) << "TCP has no dns port";
  EXPECT_EQ(resolve_target_port({{"port", 80}, {"targetPort", 9000}}, pod), 9000);
  EXPECT_EQ(resolve_target_port({{"port", 80}}, pod), 80);
}

}  // namespace
}  // namespace skiff::controllers
