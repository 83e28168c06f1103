// CustomResourceDefinitions through the real kubectl (1.27 and 1.33): the CRD, its custom
// resources with printer columns, short names, patches, scale, validation (schema and CEL
// rules), explain, cleanup.
#include <gtest/gtest.h>

#include <regex>

#include "harness.h"
#include "util/json.h"

namespace skiff::e2e {
namespace {

using CrdTest = KubectlSuite;

// The CRD is cluster-scoped and the suite's server is shared by both kubectl versions, so
// names carry the version: kind Gizmo33, plural gizmo33s, short name gz33.
std::string with_minor(std::string text, int minor) {
  return std::regex_replace(text, std::regex("@@"), std::to_string(minor));
}

const char* kCrd = R"(apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: gizmo@@s.e2e.skiff.dev
spec:
  group: e2e.skiff.dev
  scope: Namespaced
  names:
    plural: gizmo@@s
    singular: gizmo@@
    kind: Gizmo@@
    shortNames: [gz@@]
  versions:
  - name: v1
    served: true
    storage: true
    subresources:
      status: {}
      scale:
        specReplicasPath: .spec.replicas
        statusReplicasPath: .status.replicas
    additionalPrinterColumns:
    - name: Replicas
      type: integer
      jsonPath: .spec.replicas
    - name: Size
      type: string
      jsonPath: .spec.size
    - name: Age
      type: date
      jsonPath: .metadata.creationTimestamp
    schema:
      openAPIV3Schema:
        type: object
        properties:
          spec:
            type: object
            description: What the gizmo should be.
            properties:
              replicas:
                type: integer
                minimum: 0
                default: 1
              size:
                type: string
                enum: [S, M, L]
          status:
            type: object
            properties:
              replicas:
                type: integer
)";

const char* kGizmo = R"(apiVersion: e2e.skiff.dev/v1
kind: Gizmo@@
metadata:
  name: one
spec:
  replicas: 3
  size: M
)";

const char* kBadGizmo = R"(apiVersion: e2e.skiff.dev/v1
kind: Gizmo@@
metadata:
  name: bad
spec:
  size: XL
)";

TEST_P(CrdTest, CustomResourcesLikeBuiltIns) {
  const int minor = GetParam();
  const std::string crd_name = with_minor("gizmo@@s.e2e.skiff.dev", minor);
  const std::string plural = with_minor("gizmo@@s", minor);
  const std::string short_name = with_minor("gz@@", minor);

  EXPECT_EQ(k().ok({"apply", "-f", "-"}, with_minor(kCrd, minor)),
            "customresourcedefinition.apiextensions.k8s.io/" + crd_name + " created\n");
  k().ok({"wait", "--for", "condition=established", "crd/" + crd_name, "--timeout=30s"});
  Json crd = get_json({"get", "crd", crd_name});
  EXPECT_EQ(crd["status"]["acceptedNames"]["kind"], with_minor("Gizmo@@", minor));
  EXPECT_EQ(crd["status"]["storedVersions"], Json::array({"v1"}));

  std::string crds = k().ok({"get", "crd"});
  EXPECT_NE(crds.find("NAME"), std::string::npos) << crds;
  EXPECT_NE(crds.find("CREATED AT"), std::string::npos) << crds;
  EXPECT_NE(crds.find(crd_name), std::string::npos) << crds;

  EXPECT_EQ(k().ok({"apply", "-n", ns_, "-f", "-"}, with_minor(kGizmo, minor)),
            with_minor("gizmo@@.e2e.skiff.dev/one created\n", minor));
  std::string table = k().ok({"get", plural, "-n", ns_});
  EXPECT_TRUE(std::regex_search(table, std::regex("NAME +REPLICAS +SIZE +AGE"))) << table;
  EXPECT_TRUE(std::regex_search(table, std::regex("one +3 +M +[0-9]+s"))) << table;
  EXPECT_EQ(k().ok({"get", short_name, "-n", ns_, "-o", "name"}), with_minor("gizmo@@.e2e.skiff.dev/one\n", minor));

  k().ok({"patch", short_name, "one", "-n", ns_, "--type", "merge", "-p", R"({"spec":{"replicas":5}})"});
  EXPECT_EQ(k().ok({"get", short_name, "one", "-n", ns_, "-o", "jsonpath={.spec.replicas}"}), "5");
  auto strategic = k()({"patch", short_name, "one", "-n", ns_, "--type", "strategic", "-p", R"({"spec":{"replicas":6}})"});
  EXPECT_NE(strategic.exit_code, 0);
  EXPECT_NE(strategic.err.find("unknown format"), std::string::npos) << strategic.err;
  k().ok({"scale", short_name, "one", "-n", ns_, "--replicas=2"});
  EXPECT_EQ(k().ok({"get", short_name, "one", "-n", ns_, "-o", "jsonpath={.spec.replicas}"}), "2");

  auto bad = k()({"apply", "-n", ns_, "-f", "-"}, with_minor(kBadGizmo, minor));
  EXPECT_NE(bad.exit_code, 0);
  EXPECT_NE(bad.err.find("is invalid"), std::string::npos) << bad.err;
  EXPECT_NE(bad.err.find("Unsupported value: \"XL\""), std::string::npos) << bad.err;

  std::string explain = k().ok({"explain", with_minor("gizmo@@.spec", minor)});
  EXPECT_NE(explain.find("replicas"), std::string::npos) << explain;
  EXPECT_NE(explain.find("size"), std::string::npos) << explain;

  EXPECT_EQ(k().ok({"delete", "crd", crd_name}),
            "customresourcedefinition.apiextensions.k8s.io \"" + crd_name + "\" deleted\n");
  auto gone = k()({"get", plural, "-n", ns_});
  EXPECT_NE(gone.exit_code, 0) << gone.out;
  auto crd_gone = k()({"get", "crd", crd_name});
  EXPECT_NE(crd_gone.exit_code, 0);
  EXPECT_NE(crd_gone.err.find("not found"), std::string::npos) << crd_gone.err;
}

// A CRD with CEL validation rules: a cross-field rule with a message, an immutable field, a
// list rule with all(); and a CRD whose rule does not compile.
const char* kRulesCrd = R"yaml(apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: limiter@@s.e2e.skiff.dev
spec:
  group: e2e.skiff.dev
  scope: Namespaced
  names:
    plural: limiter@@s
    kind: Limiter@@
  versions:
  - name: v1
    served: true
    storage: true
    schema:
      openAPIV3Schema:
        type: object
        properties:
          spec:
            type: object
            x-kubernetes-validations:
            - rule: self.minReplicas <= self.maxReplicas
              message: minReplicas must not exceed maxReplicas
            properties:
              minReplicas:
                type: integer
              maxReplicas:
                type: integer
              volume:
                type: string
                x-kubernetes-validations:
                - rule: self == oldSelf
                  message: volume is immutable
              hosts:
                type: array
                items:
                  type: string
                x-kubernetes-validations:
                - rule: "self.all(h, h.endsWith('.example.com'))"
                  message: every host must be under example.com
)yaml";

const char* kLimiter = R"(apiVersion: e2e.skiff.dev/v1
kind: Limiter@@
metadata:
  name: lim
spec:
  minReplicas: 1
  maxReplicas: 3
  volume: data
  hosts: [a.example.com]
)";

TEST_P(CrdTest, CelValidationRules) {
  const int minor = GetParam();
  const std::string crd_name = with_minor("limiter@@s.e2e.skiff.dev", minor);
  const std::string plural = with_minor("limiter@@s", minor);
  k().ok({"apply", "-f", "-"}, with_minor(kRulesCrd, minor));
  k().ok({"wait", "--for", "condition=established", "crd/" + crd_name, "--timeout=30s"});

  EXPECT_EQ(k().ok({"apply", "-n", ns_, "-f", "-"}, with_minor(kLimiter, minor)),
            with_minor("limiter@@.e2e.skiff.dev/lim created\n", minor));

  auto too_many = k()({"patch", plural, "lim", "-n", ns_, "--type", "merge", "-p", R"({"spec":{"minReplicas":5}})"});
  EXPECT_NE(too_many.exit_code, 0);
  EXPECT_NE(too_many.err.find(with_minor("The Limiter@@ \"lim\" is invalid: spec: Invalid value: \"object\": "
                                         "minReplicas must not exceed maxReplicas", minor)),
            std::string::npos)
      << too_many.err;

  auto immutable = k()({"patch", plural, "lim", "-n", ns_, "--type", "merge", "-p", R"({"spec":{"volume":"other"}})"});
  EXPECT_NE(immutable.exit_code, 0);
  EXPECT_NE(immutable.err.find("spec.volume: Invalid value: \"string\": volume is immutable"), std::string::npos)
      << immutable.err;

  auto host = k()({"patch", plural, "lim", "-n", ns_, "--type", "merge", "-p", R"({"spec":{"hosts":["evil.org"]}})"});
  EXPECT_NE(host.exit_code, 0);
  EXPECT_NE(host.err.find("spec.hosts: Invalid value: \"array\": every host must be under example.com"),
            std::string::npos)
      << host.err;

  k().ok({"patch", plural, "lim", "-n", ns_, "--type", "merge", "-p", R"({"spec":{"maxReplicas":5,"minReplicas":4}})"});
  EXPECT_EQ(k().ok({"get", plural, "lim", "-n", ns_, "-o", "jsonpath={.spec.minReplicas}"}), "4");

  // A rule that does not compile makes the CRD invalid.
  std::string broken = with_minor(kRulesCrd, minor);
  broken = std::regex_replace(broken, std::regex("limiter"), "broken");
  broken = std::regex_replace(broken, std::regex("Limiter"), "Broken");
  broken = std::regex_replace(broken, std::regex("self.minReplicas <= self.maxReplicas"),
                              "self.minReplicas <= self.maxReplicaz");
  auto rejected = k()({"apply", "-f", "-"}, broken);
  EXPECT_NE(rejected.exit_code, 0);
  EXPECT_NE(rejected.err.find(with_minor("The CustomResourceDefinition \"broken@@s.e2e.skiff.dev\" is invalid: "
                                         "spec.validation.openAPIV3Schema.properties[spec].x-kubernetes-validations[0]"
                                         ".rule: Invalid value: apiextensions.ValidationRule{Rule:\"self.minReplicas <= "
                                         "self.maxReplicaz\"", minor)),
            std::string::npos)
      << rejected.err;
  EXPECT_NE(rejected.err.find("compilation failed: ERROR: <input>:1:25: undefined field 'maxReplicaz'"),
            std::string::npos)
      << rejected.err;

  k().ok({"delete", "crd", crd_name});
}

INSTANTIATE_TEST_SUITE_P(Versions, CrdTest, ::testing::Values(33, 27),
                         [](const auto& info) { return "kubectl_1_" + std::to_string(info.param); });

}  // namespace
}  // namespace skiff::e2e
