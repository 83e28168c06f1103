// CEL validation rules through the API server's write paths: create, update, merge patch,
// server-side apply and the status subresource run the rules (transition rules with the stored
// object as oldSelf); CRDs with invalid rules are rejected and unsupported ones warned about.
#include <gtest/gtest.h>

#include "api/crd_definition.h"
#include "api/crd_registry.h"
#include "apiserver/registry.h"
#include "apiserver/watch_cache.h"
#include "storage/store.h"

namespace skiff::apiserver {
namespace {

const char* kCrd = R"json({
  "apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
  "metadata": {"name": "scalers.example.com"},
  "spec": {"group": "example.com", "scope": "Namespaced",
    "names": {"plural": "scalers", "kind": "Scaler"},
    "versions": [{"name": "v1", "served": true, "storage": true, "subresources": {"status": {}},
      "schema": {"openAPIV3Schema": {"type": "object", "properties": {
        "spec": {"type": "object",
          "x-kubernetes-validations": [
            {"rule": "self.minReplicas <= self.maxReplicas", "message": "minReplicas must not exceed maxReplicas"}],
          "properties": {
            "minReplicas": {"type": "integer", "default": 1},
            "maxReplicas": {"type": "integer", "default": 10},
            "storageClass": {"type": "string",
              "x-kubernetes-validations": [{"rule": "self == oldSelf", "message": "storageClass is immutable"}]},
            "hosts": {"type": "array", "items": {"type": "string"},
              "x-kubernetes-validations": [{"rule": "self.all(h, h.endsWith('.example.com'))",
                                            "message": "hosts must be under example.com"}]}}},
        "status": {"type": "object",
          "x-kubernetes-validations": [{"rule": "self.ready <= self.total", "fieldPath": ".ready"}],
          "properties": {"ready": {"type": "integer"}, "total": {"type": "integer"}}}}}}}]}})json";

class CrdValidationRulesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = storage::new_memory_store();
    cache_ = std::make_unique<WatchCache>(*store_);
    ASSERT_TRUE(cache_->start().ok());
    registry_ = std::make_unique<Registry>(*store_, *cache_, schemas_, clock_);
    auto ns =
        registry_->create(*schemas_.find_resource("", "v1", "namespaces"), "",
                          Json{{"apiVersion", "v1"}, {"kind", "Namespace"}, {"metadata", {{"name", "default"}}}}, {});
    ASSERT_TRUE(ns.ok()) << ns.error().message;
    Json crd = Json::parse(kCrd);
    api::default_crd(crd);
    ASSERT_TRUE(schemas_.set_crd(crd).ok());
    scalers_ = schemas_.find_resource("example.com", "v1", "scalers");
    ASSERT_NE(scalers_, nullptr);
  }

  static Json scaler(const Json& spec) {
    return {{"apiVersion", "example.com/v1"}, {"kind", "Scaler"}, {"metadata", {{"name", "s"}}}, {"spec", spec}};
  }

  Result<Json> create(const Json& spec) { return registry_->create(*scalers_, "default", scaler(spec), {}); }

  FakeClock clock_{std::chrono::system_clock::from_time_t(1700000000)};
  api::DynamicSchemaRegistry schemas_{api::SchemaRegistry::builtin()};
  std::unique_ptr<storage::Store> store_;
  std::unique_ptr<WatchCache> cache_;
  std::unique_ptr<Registry> registry_;
  const api::ResourceInfo* scalers_ = nullptr;
};

TEST_F(CrdValidationRulesTest, CreateRunsRulesOnTheDefaultedObject) {
  auto bad = create({{"minReplicas", 20}});  // maxReplicas defaults to 10
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code, 422);
  EXPECT_EQ(
      bad.error().message,
      "Scaler.example.com \"s\" is invalid: spec: Invalid value: \"object\": minReplicas must not exceed maxReplicas");
  ASSERT_EQ(bad.error().causes.size(), 1u);
  EXPECT_EQ(bad.error().causes[0].type, "FieldValueInvalid");
  EXPECT_EQ(bad.error().causes[0].field, "spec");
  EXPECT_TRUE(create({{"minReplicas", 2}}).ok());
}

TEST_F(CrdValidationRulesTest, ListRuleWithAll) {
  auto bad = create({{"hosts", {"a.example.com", "b.example.org"}}});
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().message,
            "Scaler.example.com \"s\" is invalid: spec.hosts: Invalid value: \"array\": hosts must "
            "be under example.com");
}

TEST_F(CrdValidationRulesTest, UpdatesAndPatchesSeeTheStoredObjectAsOldSelf) {
  ASSERT_TRUE(create({{"storageClass", "fast"}}).ok());
  const std::string immutable =
      "Scaler.example.com \"s\" is invalid: spec.storageClass: Invalid value: \"string\": storageClass is immutable";

  auto patched =
      registry_->patch(*scalers_, "default", "s", PatchType::kMerge, R"({"spec":{"storageClass":"slow"}})", "", {});
  ASSERT_FALSE(patched.ok());
  EXPECT_EQ(patched.error().message, immutable);

  auto current = registry_->get(*scalers_, "default", "s");
  ASSERT_TRUE(current.ok());
  Json changed = *current;
  changed["spec"]["storageClass"] = "slow";
  auto put = registry_->update(*scalers_, "default", "s", changed, "", {});
  ASSERT_FALSE(put.ok());
  EXPECT_EQ(put.error().message, immutable);

  WriteOptions apply;
  apply.field_manager = "test";
  apply.force = true;
  auto applied = registry_->patch(*scalers_, "default", "s", PatchType::kApply,
                                  R"({"apiVersion":"example.com/v1","kind":"Scaler","metadata":{"name":"s"},)"
                                  R"("spec":{"storageClass":"slow"}})",
                                  "", apply);
  ASSERT_FALSE(applied.ok());
  EXPECT_EQ(applied.error().message, immutable);

  auto other = registry_->patch(*scalers_, "default", "s", PatchType::kMerge, R"({"spec":{"maxReplicas":5}})", "", {});
  EXPECT_TRUE(other.ok()) << other.error().message;
}

TEST_F(CrdValidationRulesTest, StatusWritesRunTheRulesToo) {
  ASSERT_TRUE(create(Json::object()).ok());
  auto status = registry_->patch(*scalers_, "default", "s", PatchType::kMerge, R"({"status":{"ready":3,"total":2}})",
                                 "status", {});
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().message,
            "Scaler.example.com \"s\" is invalid: status.ready: Invalid value: \"object\": failed rule: self.ready <= "
            "self.total");
  EXPECT_TRUE(
      registry_
          ->patch(*scalers_, "default", "s", PatchType::kMerge, R"({"status":{"ready":1,"total":2}})", "status", {})
          .ok());
}

TEST_F(CrdValidationRulesTest, CrdWithAnInvalidRuleIsRejected) {
  const auto& crds = *schemas_.find_resource("apiextensions.k8s.io", "v1", "customresourcedefinitions");
  Json crd = Json::parse(kCrd);
  crd["metadata"]["name"] = "brokens.example.com";
  crd["spec"]["names"] = {{"plural", "brokens"}, {"kind", "Broken"}};
  crd["spec"]["versions"][0]["schema"]["openAPIV3Schema"]["properties"]["spec"]["x-kubernetes-validations"][0]["rule"] =
      "self.minReplicas <=";
  auto created = registry_->create(crds, "", crd, {});
  ASSERT_FALSE(created.ok());
  EXPECT_EQ(created.error().code, 422);
  ASSERT_EQ(created.error().causes.size(), 1u);
  EXPECT_EQ(created.error().causes[0].field,
            "spec.validation.openAPIV3Schema.properties[spec].x-kubernetes-validations[0].rule");
  EXPECT_NE(created.error().message.find("compilation failed: ERROR: <input>:1:20: Syntax error: mismatched input "
                                         "'<EOF>' expecting"),
            std::string::npos)
      << created.error().message;
}

TEST_F(CrdValidationRulesTest, CrdWithAnUnsupportedRuleIsServedWithAWarning) {
  const auto& crds = *schemas_.find_resource("apiextensions.k8s.io", "v1", "customresourcedefinitions");
  Json crd = Json::parse(kCrd);
  crd["metadata"]["name"] = "urls.example.com";
  crd["spec"]["names"] = {{"plural", "urls"}, {"kind", "Url"}};
  crd["spec"]["versions"][0]["schema"]["openAPIV3Schema"]["properties"]["spec"]["x-kubernetes-validations"][0]["rule"] =
      "isURL(self.storageClass)";
  std::vector<std::string> warnings;
  WriteOptions opts;
  opts.warnings = &warnings;
  auto created = registry_->create(crds, "", crd, opts);
  ASSERT_TRUE(created.ok()) << created.error().message;
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_NE(warnings[0].find("x-kubernetes-validations[0].rule: rule is not evaluated by this server: it uses isURL()"),
            std::string::npos)
      << warnings[0];
}

}  // namespace
}  // namespace skiff::apiserver
