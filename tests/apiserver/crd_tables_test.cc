// Tables for custom resources: NAME, the CRD's printer columns (JSONPath cells, dates as ages).
#include "apiserver/crd_tables.h"

#include <gtest/gtest.h>

#include "api/crd_registry.h"

namespace skiff::apiserver {
namespace {

TEST(CrdTables, PrinterColumnsFromJsonPaths) {
  Json crd = Json::parse(R"({
    "apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
    "metadata": {"name": "widgets.example.com"},
    "spec": {"group": "example.com", "scope": "Cluster", "names": {"plural": "widgets", "kind": "Widget"},
      "versions": [{"name": "v1", "served": true, "storage": true,
        "additionalPrinterColumns": [
          {"name": "Replicas", "type": "integer", "jsonPath": ".spec.replicas"},
          {"name": "Ready", "type": "string", "jsonPath": ".status.conditions[?(@.type==\"Ready\")].status"},
          {"name": "Started", "type": "date", "jsonPath": ".status.started", "priority": 1}],
        "schema": {"openAPIV3Schema": {"type": "object", "x-kubernetes-preserve-unknown-fields": true}}}]}})");
  api::default_crd(crd);
  api::DynamicSchemaRegistry registry(api::SchemaRegistry::builtin());
  ASSERT_TRUE(registry.set_crd(crd).ok());
  const api::ResourceInfo* info = registry.find_resource("example.com", "v1", "widgets");
  ASSERT_NE(info, nullptr);
  Json obj = Json::parse(R"({"apiVersion":"example.com/v1","kind":"Widget","metadata":{"name":"w"},
    "spec":{"replicas":3},"status":{"started":"2026-01-01T00:00:00Z",
    "conditions":[{"type":"Ready","status":"True"}]}})");
  WallTime now = *parse_rfc3339("2026-01-01T00:05:00Z");
  Json table = make_custom_resource_table(*info, {&obj}, IncludeObject::kNone, now);
  ASSERT_EQ(table["columnDefinitions"].size(), 4u);
  EXPECT_EQ(table["columnDefinitions"][0]["name"], "Name");
  EXPECT_EQ(table["columnDefinitions"][0]["format"], "name");
  EXPECT_EQ(table["columnDefinitions"][3]["priority"], 1);
  EXPECT_EQ(table["columnDefinitions"][1]["description"],
            "Custom resource definition column (in JSONPath format): .spec.replicas");
  EXPECT_EQ(table["rows"][0]["cells"], Json::parse(R"(["w", 3, "True", "5m"])"));
  EXPECT_FALSE(table["rows"][0].contains("object"));

  Json empty = Json::parse(R"({"apiVersion":"example.com/v1","kind":"Widget","metadata":{"name":"e"}})");
  Json t2 = make_custom_resource_table(*info, {&empty}, IncludeObject::kMetadata, now);
  EXPECT_EQ(t2["rows"][0]["cells"], Json::parse(R"(["e", null, null, null])"));
  EXPECT_EQ(t2["rows"][0]["object"]["kind"], "PartialObjectMetadata");
}

TEST(CrdTables, WithoutColumnsShowsAge) {
  Json crd = Json::parse(R"({
    "apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
    "metadata": {"name": "things.example.com"},
    "spec": {"group": "example.com", "scope": "Namespaced", "names": {"plural": "things", "kind": "Thing"},
      "versions": [{"name": "v1", "served": true, "storage": true,
        "schema": {"openAPIV3Schema": {"type": "object"}}}]}})");
  api::default_crd(crd);
  api::DynamicSchemaRegistry registry(api::SchemaRegistry::builtin());
  ASSERT_TRUE(registry.set_crd(crd).ok());
  const api::ResourceInfo* info = registry.find_resource("example.com", "v1", "things");
  Json obj = Json::parse(R"({"metadata":{"name":"t","creationTimestamp":"2026-01-01T00:00:00Z"}})");
  Json table = make_custom_resource_table(*info, {&obj}, IncludeObject::kNone, *parse_rfc3339("2026-01-01T02:00:00Z"));
  ASSERT_EQ(table["columnDefinitions"].size(), 2u);
  EXPECT_EQ(table["columnDefinitions"][1]["name"], "Age");
  EXPECT_EQ(table["rows"][0]["cells"], Json::parse(R"(["t", "120m"])"));
}

}  // namespace
}  // namespace skiff::apiserver
