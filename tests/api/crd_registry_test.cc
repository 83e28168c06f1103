// CustomResourceDefinition validation and defaults, and the dynamic schema registry that
// serves custom resources next to the built-in kinds.
#include "api/crd_registry.h"

#include <gtest/gtest.h>

#include <thread>

#include "api/crd_json_path.h"

namespace skiff::api {
namespace {

Json crd_json() {
  return Json::parse(R"({
    "apiVersion": "apiextensions.k8s.io/v1",
    "kind": "CustomResourceDefinition",
    "metadata": {"name": "widgets.example.com"},
    "spec": {
      "group": "example.com",
      "scope": "Namespaced",
      "names": {"plural": "widgets", "kind": "Widget", "shortNames": ["wd"], "categories": ["all"]},
      "versions": [
        {"name": "v1", "served": true, "storage": true,
         "subresources": {"status": {}, "scale": {"specReplicasPath": ".spec.replicas",
                                                  "statusReplicasPath": ".status.replicas"}},
         "additionalPrinterColumns": [{"name": "Replicas", "type": "integer", "jsonPath": ".spec.replicas"}],
         "schema": {"openAPIV3Schema": {"type": "object", "properties": {
           "spec": {"type": "object", "properties": {"replicas": {"type": "integer", "default": 1},
                                                     "size": {"type": "string", "enum": ["S", "M"]}}},
           "status": {"type": "object", "properties": {"replicas": {"type": "integer"}}}}}}},
        {"name": "v1beta1", "served": true, "storage": false,
         "schema": {"openAPIV3Schema": {"type": "object", "x-kubernetes-preserve-unknown-fields": true}}}
      ]
    }
  })");
}

std::vector<std::string> crd_problems(Json crd) {
  default_crd(crd);
  FieldErrors errs;
  validate_crd(crd, errs);
  std::vector<std::string> out;
  for (const auto& c : errs.causes()) out.push_back(field_error_text(c));
  return out;
}

TEST(CrdDefinition, DefaultsSingularListKindAndConversion) {
  Json crd = crd_json();
  default_crd(crd);
  EXPECT_EQ(crd["spec"]["names"]["singular"], "widget");
  EXPECT_EQ(crd["spec"]["names"]["listKind"], "WidgetList");
  EXPECT_EQ(crd["spec"]["conversion"]["strategy"], "None");
}

TEST(CrdDefinition, ValidCrdHasNoProblems) { EXPECT_TRUE(crd_problems(crd_json()).empty()); }

TEST(CrdDefinition, NameMustBePluralDotGroup) {
  Json crd = crd_json();
  crd["metadata"]["name"] = "widgets";
  auto p = crd_problems(crd);
  ASSERT_EQ(p.size(), 1u);
  EXPECT_EQ(p[0], "metadata.name: Invalid value: \"widgets\": must be spec.names.plural+\".\"+spec.group");
}

TEST(CrdDefinition, GroupNeedsADotAndScopeIsAnEnum) {
  Json crd = crd_json();
  crd["spec"]["group"] = "example";
  crd["metadata"]["name"] = "widgets.example";
  crd["spec"]["scope"] = "Global";
  auto p = crd_problems(crd);
  std::vector<std::string> expected = {
      "spec.group: Invalid value: \"example\": should be a domain with at least one dot",
      "spec.scope: Unsupported value: \"Global\": supported values: \"Cluster\", \"Namespaced\""};
  EXPECT_EQ(p, expected);
}

TEST(CrdDefinition, ExactlyOneStorageVersion) {
  Json crd = crd_json();
  crd["spec"]["versions"][1]["storage"] = true;
  auto p = crd_problems(crd);
  ASSERT_EQ(p.size(), 1u);
  EXPECT_NE(p[0].find("spec.versions: Invalid value: "), std::string::npos);
  EXPECT_NE(p[0].find("must have exactly one version marked as storage version"), std::string::npos);
}

TEST(CrdDefinition, SchemaRequiredAndNamesChecked) {
  Json crd = crd_json();
  crd["spec"]["versions"][1].erase("schema");
  crd["spec"]["names"]["plural"] = "Widgets";
  crd["metadata"]["name"] = "Widgets.example.com";
  auto p = crd_problems(crd);
  ASSERT_EQ(p.size(), 2u);
  EXPECT_EQ(p[0], "spec.versions[1].schema.openAPIV3Schema: Required value");
  EXPECT_EQ(p[1].substr(0, 45), "spec.names.plural: Invalid value: \"Widgets\": ");
}

TEST(CrdDefinition, ColumnsAndScalePaths) {
  Json crd = crd_json();
  crd["spec"]["versions"][0]["additionalPrinterColumns"][0]["type"] = "float";
  crd["spec"]["versions"][0]["subresources"]["scale"]["specReplicasPath"] = ".status.x";
  auto p = crd_problems(crd);
  std::vector<std::string> expected = {
      "spec.versions[0].subresources.scale.specReplicasPath: Invalid value: \".status.x\": should be a json path "
      "under .spec",
      "spec.versions[0].additionalPrinterColumns[0].type: Invalid value: \"float\": must be one of "
      "boolean,date,integer,number,string"};
  EXPECT_EQ(p, expected);
}

class DynamicRegistryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Json crd = crd_json();
    default_crd(crd);
    ASSERT_TRUE(registry_.set_crd(crd).ok());
  }
  DynamicSchemaRegistry registry_{SchemaRegistry::builtin()};
};

TEST_F(DynamicRegistryTest, ServesEveryServedVersionWithDiscoveryFacts) {
  const ResourceInfo* v1 = registry_.find_resource("example.com", "v1", "widgets");
  ASSERT_NE(v1, nullptr);
  ASSERT_NE(v1->custom, nullptr);
  EXPECT_EQ(v1->gvk.kind, "Widget");
  EXPECT_EQ(v1->list_kind, "WidgetList");
  EXPECT_EQ(v1->singular, "widget");
  EXPECT_TRUE(v1->namespaced);
  EXPECT_EQ(v1->short_names, std::vector<std::string>{"wd"});
  EXPECT_EQ(v1->subresources, (std::vector<std::string>{"status", "scale"}));
  EXPECT_EQ(v1->custom->storage_version, "v1");
  EXPECT_EQ(registry_.find_kind("example.com", "v1beta1", "Widget")->custom->crd_name, "widgets.example.com");
  EXPECT_EQ(registry_.type("com.example.v1.Widget"), v1->schema);
  EXPECT_NE(registry_.find_resource("apps", "v1", "deployments"), nullptr);  // built-ins still there
}

TEST_F(DynamicRegistryTest, RemovingACrdRemovesItsResourcesAndMovesTheGeneration) {
  const ResourceInfo* before = registry_.find_resource("example.com", "v1", "widgets");
  uint64_t generation = registry_.generation();
  size_t count = registry_.resources().size();
  registry_.remove_crd("widgets.example.com");
  EXPECT_EQ(registry_.find_resource("example.com", "v1", "widgets"), nullptr);
  EXPECT_EQ(registry_.resources().size(), count - 2);
  EXPECT_GT(registry_.generation(), generation);
  EXPECT_EQ(before->gvk.kind, "Widget");  // handed-out infos stay valid
}

TEST_F(DynamicRegistryTest, ClashingNamesAreRefused) {
  Json clash = crd_json();
  clash["metadata"]["name"] = "gadgets.example.com";
  clash["spec"]["names"]["plural"] = "gadgets";  // same kind Widget in the same group
  default_crd(clash);
  auto s = registry_.set_crd(clash);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().reason, "Conflict");
  EXPECT_EQ(registry_.find_resource("example.com", "v1", "gadgets"), nullptr);
}

TEST_F(DynamicRegistryTest, ValidateAndPrunePrunesDefaultsAndValidates) {
  const ResourceInfo* v1 = registry_.find_resource("example.com", "v1", "widgets");
  Json obj = {{"apiVersion", "example.com/v1"}, {"kind", "Widget"}, {"metadata", {{"name", "a"}}},
              {"spec", {{"size", "S"}, {"color", "red"}}}};
  std::vector<std::string> warnings;
  ASSERT_TRUE(registry_.validate_and_prune(*v1, obj, FieldValidation::kWarn, &warnings).ok());
  EXPECT_FALSE(obj["spec"].contains("color"));
  EXPECT_EQ(warnings, std::vector<std::string>{"unknown field \"spec.color\""});
  registry_.apply_defaults(*v1, obj);
  EXPECT_EQ(obj["spec"]["replicas"], 1);

  Json strict = {{"apiVersion", "example.com/v1"}, {"kind", "Widget"}, {"metadata", {{"name", "a"}}},
                 {"spec", {{"color", "red"}}}};
  auto s = registry_.validate_and_prune(*v1, strict, FieldValidation::kStrict, nullptr);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, 400);
  EXPECT_EQ(s.error().message, "strict decoding error: unknown field \"spec.color\"");

  Json bad = {{"apiVersion", "example.com/v1"}, {"kind", "Widget"}, {"metadata", {{"name", "a"}}},
              {"spec", {{"size", "XL"}}}};
  s = registry_.validate_and_prune(*v1, bad, FieldValidation::kIgnore, nullptr);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, 422);
  EXPECT_EQ(s.error().message,
            "Widget.example.com \"a\" is invalid: spec.size: Unsupported value: \"XL\": supported values: \"S\", \"M\"");
}

TEST_F(DynamicRegistryTest, PreservingVersionKeepsEverything) {
  const ResourceInfo* beta = registry_.find_resource("example.com", "v1beta1", "widgets");
  Json obj = {{"apiVersion", "example.com/v1beta1"}, {"kind", "Widget"}, {"metadata", {{"name", "a"}}},
              {"spec", {{"anything", {1, 2}}}}};
  ASSERT_TRUE(registry_.validate_and_prune(*beta, obj, FieldValidation::kStrict, nullptr).ok());
  EXPECT_EQ(obj["spec"]["anything"], Json({1, 2}));
}

TEST_F(DynamicRegistryTest, ConcurrentLookupsWhileCrdsChange) {
  std::atomic<bool> done{false};
  std::thread reader([&] {
    while (!done) {
      for (const ResourceInfo* r : registry_.resources()) ASSERT_FALSE(r->resource.empty());
      registry_.find_resource("example.com", "v1", "widgets");
    }
  });
  Json crd = crd_json();
  default_crd(crd);
  for (int i = 0; i < 200; ++i) {
    if (i % 2) registry_.remove_crd("widgets.example.com");
    else ASSERT_TRUE(registry_.set_crd(crd).ok());
  }
  done = true;
  reader.join();
}

TEST(CrdJsonPath, FieldsIndexesAndFilters) {
  Json obj = Json::parse(R"({"status":{"conditions":[{"type":"A","status":"False"},{"type":"Ready","status":"True"}]},
                             "metadata":{"labels":{"app.kubernetes.io/name":"x"}},"items":[1,2,3]})");
  auto ready = json_path_find(obj, R"(.status.conditions[?(@.type=="Ready")].status)");
  ASSERT_TRUE(ready.ok());
  ASSERT_EQ(ready->size(), 1u);
  EXPECT_EQ(*ready->front(), "True");
  auto label = json_path_find(obj, ".metadata.labels['app.kubernetes.io/name']");
  ASSERT_TRUE(label.ok() && label->size() == 1);
  EXPECT_EQ(*label->front(), "x");
  EXPECT_EQ(*json_path_find(obj, ".items[-1]")->front(), 3);
  EXPECT_EQ(json_path_find(obj, ".items[*]")->size(), 3u);
  EXPECT_TRUE(json_path_find(obj, ".missing.field")->empty());
  EXPECT_FALSE(json_path_find(obj, "status").ok());
  Json target = Json::object();
  ASSERT_TRUE(json_path_set(target, ".spec.replicas", 3).ok());
  EXPECT_EQ(target["spec"]["replicas"], 3);
}

}  // namespace
}  // namespace skiff::api
