// A Service changing type loses what the old type had allocated, as Kubernetes' dropTypeDependentFields.
#include <gtest/gtest.h>

#include "apiserver/object_rules.h"

namespace skiff::apiserver {
namespace {

Json load_balancer() {
  return Json::parse(R"({"spec":{"type":"LoadBalancer","clusterIP":"10.0.0.5","clusterIPs":["10.0.0.5"],
    "externalTrafficPolicy":"Cluster","allocateLoadBalancerNodePorts":true,"healthCheckNodePort":31000,
    "ports":[{"port":80,"nodePort":30080},{"port":443,"nodePort":30443}]}})");
}

TEST(ServiceTypeChange, ToClusterIPDropsNodePortsAndExternalSettings) {
  Json svc = load_balancer();
  svc["spec"]["type"] = "ClusterIP";
  drop_service_type_dependent_fields(svc, load_balancer());
  EXPECT_FALSE(svc["spec"]["ports"][0].contains("nodePort"));
  EXPECT_FALSE(svc["spec"]["ports"][1].contains("nodePort"));
  EXPECT_FALSE(svc["spec"].contains("healthCheckNodePort"));
  EXPECT_FALSE(svc["spec"].contains("allocateLoadBalancerNodePorts"));
  EXPECT_FALSE(svc["spec"].contains("externalTrafficPolicy"));
  EXPECT_EQ(svc["spec"]["clusterIP"], "10.0.0.5") << "ClusterIP still needs its address";
}

TEST(ServiceTypeChange, NodePortsTheUpdateChangedAreKeptForValidationToJudge) {
  Json svc = load_balancer();
  svc["spec"]["type"] = "ClusterIP";
  svc["spec"]["ports"][0]["nodePort"] = 30081;
  drop_service_type_dependent_fields(svc, load_balancer());
  EXPECT_EQ(svc["spec"]["ports"][0]["nodePort"], 30081);
}

TEST(ServiceTypeChange, ToNodePortKeepsNodePorts) {
  Json svc = load_balancer();
  svc["spec"]["type"] = "NodePort";
  drop_service_type_dependent_fields(svc, load_balancer());
  EXPECT_EQ(svc["spec"]["ports"][1]["nodePort"], 30443);
  EXPECT_FALSE(svc["spec"].contains("healthCheckNodePort"));
}

TEST(ServiceTypeChange, ToExternalNameDropsTheClusterIP) {
  Json old = Json::parse(R"({"spec":{"type":"ClusterIP","clusterIP":"10.0.0.7","clusterIPs":["10.0.0.7"],
    "ipFamilies":["IPv4"],"ipFamilyPolicy":"SingleStack"}})");
  Json svc = old;
  svc["spec"]["type"] = "ExternalName";
  svc["spec"]["externalName"] = "db.example.com";
  drop_service_type_dependent_fields(svc, old);
  EXPECT_FALSE(svc["spec"].contains("clusterIP"));
  EXPECT_FALSE(svc["spec"].contains("clusterIPs"));
  EXPECT_FALSE(svc["spec"].contains("ipFamilies"));
}

}  // namespace
}  // namespace skiff::apiserver
