#include "api/openapi.h"

#include <gtest/gtest.h>

#include <chrono>
#include <deque>
#include <functional>
#include <iostream>

#include "api/protobuf_wire.h"
#include "util/strings.h"
#include "util/yaml.h"

namespace skiff::api {
namespace {

// A registry with one namespaced kind, example.com/v1 Widget, with a status and a scale
// subresource, plus the meta types the operations use.
class FakeRegistry final : public SchemaRegistry {
 public:
  FakeRegistry() {
    Schema& str = node(Schema::Type::kString);
    Schema& int32 = node(Schema::Type::kInteger);
    int32.format = "int32";

    Schema& meta = named("io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta", Schema::Type::kObject);
    meta.properties = {{"name", &str}, {"namespace", &str}};
    Schema& list_meta = named("io.k8s.apimachinery.pkg.apis.meta.v1.ListMeta", Schema::Type::kObject);
    list_meta.properties = {{"resourceVersion", &str}};
    for (const char* t : {"DeleteOptions", "Status", "Patch", "WatchEvent"}) {
      Schema& s = named(std::string("io.k8s.apimachinery.pkg.apis.meta.v1.") + t, Schema::Type::kObject);
      if (std::string_view(t) != "Patch") s.properties = {{"kind", &str}};
    }

    Schema& strategy = named("io.example.v1.WidgetStrategy", Schema::Type::kObject);
    strategy.properties = {{"type", &str}};
    Schema& strategy_use = node(Schema::Type::kObject);
    strategy_use = strategy;
    strategy_use.patch_strategy = "retainKeys";
    strategy_use.default_value = Json::object();

    Schema& container = named("io.example.v1.Part", Schema::Type::kObject);
    container.properties = {{"name", &str}};
    container.required = {"name"};
    Schema& part_ref = node(Schema::Type::kObject);
    part_ref = container;
    Schema& parts = node(Schema::Type::kArray);
    parts.items = &part_ref;
    parts.list_type = "map";
    parts.list_map_keys = {"name"};
    parts.patch_strategy = "merge";
    parts.patch_merge_key = "name";

    Schema& spec = named("io.example.v1.WidgetSpec", Schema::Type::kObject);
    spec.properties = {{"replicas", &int32}, {"strategy", &strategy_use}, {"parts", &parts}};
    Schema& widget = named("io.example.v1.Widget", Schema::Type::kObject);
    widget.properties = {{"apiVersion", &str}, {"kind", &str}, {"metadata", &meta}, {"spec", &spec}};
    Schema& items = node(Schema::Type::kArray);
    items.items = &widget;
    Schema& list = named("io.example.v1.WidgetList", Schema::Type::kObject);
    list.properties = {{"apiVersion", &str}, {"kind", &str}, {"metadata", &list_meta}, {"items", &items}};
    list.required = {"items"};
    Schema& scale = named("io.k8s.api.autoscaling.v1.Scale", Schema::Type::kObject);
    scale.properties = {{"metadata", &meta}};

    info_.gvk = {"example.com", "v1", "Widget"};
    info_.resource = "widgets";
    info_.singular = "widget";
    info_.list_kind = "WidgetList";
    info_.namespaced = true;
    info_.verbs = {"create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"};
    info_.subresources = {"status", "scale"};
    info_.subresource_infos = {{"status", info_.gvk, {"get", "patch", "update"}},
                               {"scale", {"autoscaling", "v1", "Scale"}, {"get", "patch", "update"}}};
    info_.schema = &widget;
    info_.type_name = "io.example.v1.Widget";
    info_.list_type_name = "io.example.v1.WidgetList";
  }

  const ResourceInfo* find_resource(std::string_view group, std::string_view version,
                                    std::string_view resource) const override {
    return group == info_.gvk.group && version == info_.gvk.version && resource == info_.resource ? &info_ : nullptr;
  }
  const ResourceInfo* find_kind(std::string_view group, std::string_view version,
                                std::string_view kind) const override {
    return group == info_.gvk.group && version == info_.gvk.version && kind == info_.gvk.kind ? &info_ : nullptr;
  }
  std::vector<const ResourceInfo*> resources() const override { return {&info_}; }
  const Schema* type(std::string_view name) const override {
    auto it = named_.find(std::string(name));
    return it == named_.end() ? nullptr : it->second;
  }
  void apply_defaults(const ResourceInfo&, Json&) const override {}
  Status decode_and_prune(const ResourceInfo&, Json&, FieldValidation, std::vector<std::string>*) const override {
    return ok_status();
  }
  Status validate(const ResourceInfo&, const Json&) const override { return ok_status(); }

 private:
  Schema& node(Schema::Type type) {
    Schema& s = nodes_.emplace_back();
    s.type = type;
    return s;
  }
  Schema& named(const std::string& name, Schema::Type type) {
    Schema& s = node(type);
    s.type_name = name;
    named_[name] = &s;
    return s;
  }

  std::deque<Schema> nodes_;
  std::map<std::string, Schema*> named_;
  ResourceInfo info_;
};

const Json& at(const Json& j, const std::vector<std::string>& keys) {
  const Json* cur = &j;
  for (const auto& k : keys) {
    EXPECT_TRUE(cur->contains(k)) << "missing " << k << " in " << cur->dump().substr(0, 300);
    if (!cur->contains(k)) {
      static const Json kNull;
      return kNull;
    }
    cur = &(*cur)[k];
  }
  return *cur;
}

// Every "$ref" in doc, with the JSON-pointer-like location it was found at.
void collect_refs(const Json& j, std::vector<std::string>& out) {
  if (j.is_object()) {
    for (const auto& [k, v] : j.items()) {
      if (k == "$ref" && v.is_string()) out.push_back(v.get<std::string>());
      else collect_refs(v, out);
    }
  } else if (j.is_array()) {
    for (const auto& v : j) collect_refs(v, out);
  }
}

void expect_refs_resolve(const Json& doc, const std::string& prefix, const Json& schemas) {
  std::vector<std::string> refs;
  collect_refs(doc, refs);
  EXPECT_FALSE(refs.empty());
  for (const auto& ref : refs) {
    ASSERT_TRUE(ref.starts_with(prefix)) << ref;
    EXPECT_TRUE(schemas.contains(ref.substr(prefix.size()))) << "dangling " << ref;
  }
}

bool lists_inline_query_param(const Json& op, std::string_view name) {
  for (const auto& p : op.at("parameters")) {
    if (p.contains("$ref")) continue;
    if (p.value("name", "") == name && p.value("in", "") == "query") return true;
  }
  return false;
}

void expect_every_patch_lists_field_validation(const Json& paths) {
  int patches = 0;
  for (const auto& [path, item] : paths.items()) {
    if (!item.contains("patch")) continue;
    ++patches;
    const Json& op = item["patch"];
    EXPECT_TRUE(lists_inline_query_param(op, "fieldValidation")) << path;
    EXPECT_TRUE(lists_inline_query_param(op, "fieldManager")) << path;
    EXPECT_TRUE(lists_inline_query_param(op, "dryRun")) << path;
    EXPECT_TRUE(lists_inline_query_param(op, "force")) << path;
    EXPECT_EQ(op.value("x-kubernetes-action", ""), "patch") << path;
    EXPECT_TRUE(op.at("x-kubernetes-group-version-kind").is_object()) << path;
  }
  EXPECT_GT(patches, 0);
}

// --- v3, hand-built registry ---

TEST(OpenApiV3, KindSchemaCarriesGroupVersionKindAndDescription) {
  FakeRegistry reg;
  auto doc = openapi_v3_document(reg, "example.com", "v1");
  ASSERT_TRUE(doc.has_value());
  const Json& widget = at(*doc, {"components", "schemas", "io.example.v1.Widget"});
  EXPECT_EQ(widget["x-kubernetes-group-version-kind"],
            Json::parse(R"([{"group": "example.com", "kind": "Widget", "version": "v1"}])"));
  EXPECT_FALSE(widget.value("description", "").empty());
  EXPECT_FALSE(at(widget, {"properties", "spec", "description"}).get<std::string>().empty());
  EXPECT_EQ(at(*doc, {"components", "schemas", "io.example.v1.WidgetList", "x-kubernetes-group-version-kind"})[0]["kind"],
            "WidgetList");
}

TEST(OpenApiV3, MetaKindsCarryTheirGroupVersionKinds) {
  FakeRegistry reg;
  auto doc = openapi_v3_document(reg, "example.com", "v1");
  ASSERT_TRUE(doc.has_value());
  const Json& gvks = at(*doc, {"components", "schemas", "io.k8s.apimachinery.pkg.apis.meta.v1.DeleteOptions",
                               "x-kubernetes-group-version-kind"});
  EXPECT_EQ(gvks, Json::parse(R"([{"group": "example.com", "kind": "DeleteOptions", "version": "v1"}])"));
}

TEST(OpenApiV3, NamedPropertyIsAllOfRefWithUseSiteExtensions) {
  FakeRegistry reg;
  auto doc = openapi_v3_document(reg, "example.com", "v1");
  ASSERT_TRUE(doc.has_value());
  const Json& strategy = at(*doc, {"components", "schemas", "io.example.v1.WidgetSpec", "properties", "strategy"});
  EXPECT_EQ(strategy["allOf"], Json::parse(R"([{"$ref": "#/components/schemas/io.example.v1.WidgetStrategy"}])"));
  EXPECT_EQ(strategy["x-kubernetes-patch-strategy"], "retainKeys");
  EXPECT_EQ(strategy["default"], Json::object());
  // The named type's own schema does not inherit the use site's extensions.
  EXPECT_FALSE(at(*doc, {"components", "schemas", "io.example.v1.WidgetStrategy"}).contains("x-kubernetes-patch-strategy"));
}

TEST(OpenApiV3, ListExtensionsAndRequired) {
  FakeRegistry reg;
  auto doc = openapi_v3_document(reg, "example.com", "v1");
  ASSERT_TRUE(doc.has_value());
  const Json& parts = at(*doc, {"components", "schemas", "io.example.v1.WidgetSpec", "properties", "parts"});
  EXPECT_EQ(parts["type"], "array");
  EXPECT_EQ(parts["x-kubernetes-list-type"], "map");
  EXPECT_EQ(parts["x-kubernetes-list-map-keys"], Json::parse(R"(["name"])"));
  EXPECT_EQ(parts["x-kubernetes-patch-merge-key"], "name");
  EXPECT_EQ(parts["x-kubernetes-patch-strategy"], "merge");
  EXPECT_EQ(at(parts, {"items", "allOf"})[0]["$ref"], "#/components/schemas/io.example.v1.Part");
  EXPECT_EQ(at(*doc, {"components", "schemas", "io.example.v1.Part", "required"}), Json::parse(R"(["name"])"));
  EXPECT_EQ(at(*doc, {"components", "schemas", "io.example.v1.WidgetSpec", "properties", "replicas"}),
            Json::parse(R"({"type": "integer", "format": "int32"})"));
}

TEST(OpenApiV3, CollectionItemAndSubresourcePathsWithActions) {
  FakeRegistry reg;
  auto doc = openapi_v3_document(reg, "example.com", "v1");
  ASSERT_TRUE(doc.has_value());
  const Json& paths = (*doc)["paths"];
  const std::string base = "/apis/example.com/v1/namespaces/{namespace}/widgets";
  EXPECT_EQ(at(paths, {base, "get", "x-kubernetes-action"}), "list");
  EXPECT_EQ(at(paths, {base, "post", "x-kubernetes-action"}), "post");
  EXPECT_EQ(at(paths, {base, "delete", "x-kubernetes-action"}), "deletecollection");
  for (const char* method : {"get", "put", "patch", "delete"}) {
    EXPECT_TRUE(paths[base + "/{name}"].contains(method)) << method;
  }
  EXPECT_EQ(at(paths, {base + "/{name}", "get", "x-kubernetes-group-version-kind"}),
            Json::parse(R"({"group": "example.com", "kind": "Widget", "version": "v1"})"));
  EXPECT_EQ(at(paths, {base + "/{name}/scale", "patch", "x-kubernetes-group-version-kind", "kind"}), "Scale");
  EXPECT_TRUE(paths[base + "/{name}/status"].contains("put"));
  EXPECT_TRUE(paths["/apis/example.com/v1/widgets"].contains("get"));  // all namespaces
}

TEST(OpenApiV3, PatchListsFieldValidationInline) {
  FakeRegistry reg;
  auto doc = openapi_v3_document(reg, "example.com", "v1");
  ASSERT_TRUE(doc.has_value());
  expect_every_patch_lists_field_validation((*doc)["paths"]);
}

TEST(OpenApiV3, PatchAcceptsEveryPatchContentType) {
  FakeRegistry reg;
  auto doc = openapi_v3_document(reg, "example.com", "v1");
  ASSERT_TRUE(doc.has_value());
  const Json& content =
      at(*doc, {"paths", "/apis/example.com/v1/namespaces/{namespace}/widgets/{name}", "patch", "requestBody", "content"});
  for (const char* ct : {"application/json-patch+json", "application/merge-patch+json",
                         "application/strategic-merge-patch+json", "application/apply-patch+yaml"}) {
    EXPECT_TRUE(content.contains(ct)) << ct;
  }
}

TEST(OpenApiV3, RefsResolve) {
  FakeRegistry reg;
  auto doc = openapi_v3_document(reg, "example.com", "v1");
  ASSERT_TRUE(doc.has_value());
  expect_refs_resolve(*doc, "#/components/schemas/", (*doc)["components"]["schemas"]);
}

TEST(OpenApiV3, UnknownGroupVersionHasNoDocument) {
  FakeRegistry reg;
  EXPECT_FALSE(openapi_v3_document(reg, "example.com", "v2").has_value());
  EXPECT_FALSE(openapi_v3_document(reg, "", "v1").has_value());
}

TEST(OpenApiV3Index, ListsEachGroupVersionWithAStableHash) {
  FakeRegistry reg;
  Json index = openapi_v3_index(reg);
  std::string url = at(index, {"paths", "apis/example.com/v1", "serverRelativeURL"}).get<std::string>();
  EXPECT_TRUE(url.starts_with("/openapi/v3/apis/example.com/v1?hash=")) << url;
  EXPECT_GT(url.size(), std::string("/openapi/v3/apis/example.com/v1?hash=").size());
  EXPECT_EQ(openapi_v3_index(reg), index);
  EXPECT_EQ(index["paths"].size(), 1u);
}

// --- v2 ---

TEST(OpenApiV2, DefinitionsAndInlineFieldValidation) {
  FakeRegistry reg;
  Json doc = openapi_v2_document(reg);
  EXPECT_EQ(doc["swagger"], "2.0");
  const Json& widget = at(doc, {"definitions", "io.example.v1.Widget"});
  EXPECT_EQ(widget["x-kubernetes-group-version-kind"][0]["kind"], "Widget");
  const Json& strategy = at(doc, {"definitions", "io.example.v1.WidgetSpec", "properties", "strategy"});
  EXPECT_EQ(strategy["$ref"], "#/definitions/io.example.v1.WidgetStrategy");
  EXPECT_EQ(strategy["x-kubernetes-patch-strategy"], "retainKeys");
  expect_every_patch_lists_field_validation(doc["paths"]);
  expect_refs_resolve(doc, "#/definitions/", doc["definitions"]);
  const Json& params = at(doc, {"paths", "/apis/example.com/v1/namespaces/{namespace}/widgets/{name}", "patch",
                                "parameters"});
  EXPECT_EQ(params[0]["in"], "body");
  EXPECT_EQ(params[0]["schema"]["$ref"], "#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.Patch");
}

// A minimal protobuf reader for checking the gnostic encoding: field number -> raw values.
std::multimap<uint32_t, std::string> fields_of(std::string_view msg) {
  std::multimap<uint32_t, std::string> out;
  wire::Reader r(msg);
  while (!r.done()) {
    auto tag = r.tag();
    EXPECT_TRUE(tag.ok());
    if (!tag.ok()) break;
    if (tag->type == wire::kLengthDelimited) {
      auto v = r.length_delimited();
      EXPECT_TRUE(v.ok());
      if (!v.ok()) break;
      out.emplace(tag->field, std::string(*v));
    } else {
      auto v = r.varint();
      EXPECT_TRUE(v.ok());
      if (!v.ok()) break;
      out.emplace(tag->field, std::to_string(*v));
    }
  }
  return out;
}

std::string first(const std::multimap<uint32_t, std::string>& m, uint32_t field) {
  auto it = m.find(field);
  return it == m.end() ? "" : it->second;
}

std::vector<std::string> all(const std::multimap<uint32_t, std::string>& m, uint32_t field) {
  std::vector<std::string> out;
  auto [b, e] = m.equal_range(field);
  for (auto it = b; it != e; ++it) out.push_back(it->second);
  return out;
}

// The value of the NamedX entry called `name` among repeated entries.
std::string named_value(const std::vector<std::string>& entries, std::string_view name) {
  for (const auto& e : entries) {
    auto f = fields_of(e);
    if (first(f, 1) == name) return first(f, 2);
  }
  return "";
}

Json vendor_extension(const std::vector<std::string>& named_anys, std::string_view name) {
  std::string any = named_value(named_anys, name);
  auto yaml = parse_yaml(first(fields_of(any), 2));
  EXPECT_TRUE(yaml.ok()) << name;
  return yaml.ok() ? *yaml : Json();
}

void expect_gnostic_document(const Json& v2, const std::string& item_path, const GroupVersionKind& gvk,
                             const std::string& kind_type) {
  auto doc = fields_of(openapi_v2_protobuf(v2));
  EXPECT_EQ(first(doc, 1), "2.0");                                  // Document.swagger
  EXPECT_EQ(first(fields_of(first(doc, 2)), 1), "Kubernetes");      // Info.title
  auto paths = fields_of(first(doc, 8));                            // Document.paths
  std::string path_item = named_value(all(paths, 2), item_path);    // Paths.path: NamedPathItem
  ASSERT_FALSE(path_item.empty()) << item_path;
  auto patch = fields_of(first(fields_of(path_item), 8));           // PathItem.patch
  bool found = false;
  for (const auto& item : all(patch, 8)) {                          // Operation.parameters
    auto param = fields_of(first(fields_of(item), 1));              // ParametersItem.parameter
    auto non_body = fields_of(first(param, 2));                     // Parameter.non_body_parameter
    auto query = fields_of(first(non_body, 3));                     // query_parameter_sub_schema
    if (first(query, 4) == "fieldValidation") {
      found = true;
      EXPECT_EQ(first(query, 2), "query");
    }
  }
  EXPECT_TRUE(found) << "no inline fieldValidation on PATCH " << item_path;
  EXPECT_EQ(vendor_extension(all(patch, 13), "x-kubernetes-group-version-kind"),
            Json({{"group", gvk.group}, {"kind", gvk.kind}, {"version", gvk.version}}));

  auto definitions = fields_of(first(doc, 9));
  std::string schema = named_value(all(definitions, 1), kind_type);  // Definitions: NamedSchema
  ASSERT_FALSE(schema.empty()) << kind_type;
  auto schema_fields = fields_of(schema);
  Json gvks = vendor_extension(all(schema_fields, 31), "x-kubernetes-group-version-kind");
  ASSERT_TRUE(gvks.is_array());
  EXPECT_EQ(gvks[0]["kind"], gvk.kind);
  EXPECT_EQ(first(fields_of(first(schema_fields, 22)), 1), "object");  // Schema.type: TypeItem
}

TEST(OpenApiV2Protobuf, EncodesGnosticDocument) {
  FakeRegistry reg;
  expect_gnostic_document(openapi_v2_document(reg), "/apis/example.com/v1/namespaces/{namespace}/widgets/{name}",
                          {"example.com", "v1", "Widget"}, "io.example.v1.Widget");
}

TEST(OpenApiV2Protobuf, PropertyRefsUseTheRefField) {
  FakeRegistry reg;
  auto doc = fields_of(openapi_v2_protobuf(openapi_v2_document(reg)));
  auto spec = fields_of(named_value(all(fields_of(first(doc, 9)), 1), "io.example.v1.WidgetSpec"));
  auto strategy = fields_of(named_value(all(fields_of(first(spec, 25)), 1), "strategy"));  // Schema.properties
  EXPECT_EQ(first(strategy, 1), "#/definitions/io.example.v1.WidgetStrategy");             // Schema._ref
  EXPECT_EQ(vendor_extension(all(strategy, 31), "x-kubernetes-patch-strategy"), "retainKeys");
}

// --- the built-in registry ---

TEST(OpenApiBuiltin, AppsV1DeploymentStrategyRetainKeys) {
  const SchemaRegistry& reg = SchemaRegistry::builtin();
  auto doc = openapi_v3_document(reg, "apps", "v1");
  ASSERT_TRUE(doc.has_value());
  const Json& deployment = at(*doc, {"components", "schemas", "io.k8s.api.apps.v1.Deployment"});
  EXPECT_EQ(deployment["x-kubernetes-group-version-kind"],
            Json::parse(R"([{"group": "apps", "kind": "Deployment", "version": "v1"}])"));
  const Json& strategy = at(*doc, {"components", "schemas", "io.k8s.api.apps.v1.DeploymentSpec", "properties", "strategy"});
  EXPECT_EQ(strategy["x-kubernetes-patch-strategy"], "retainKeys");
  EXPECT_EQ(strategy["allOf"][0]["$ref"], "#/components/schemas/io.k8s.api.apps.v1.DeploymentStrategy");
  const Json& containers = at(*doc, {"components", "schemas", "io.k8s.api.core.v1.PodSpec", "properties", "containers"});
  EXPECT_EQ(containers["x-kubernetes-patch-merge-key"], "name");
  EXPECT_TRUE((*doc)["components"]["schemas"].contains("io.k8s.api.autoscaling.v1.Scale"));
}

TEST(OpenApiBuiltin, EveryGroupVersionDocumentIsConsistent) {
  const SchemaRegistry& reg = SchemaRegistry::builtin();
  Json index = openapi_v3_index(reg);
  EXPECT_TRUE(index["paths"].contains("api/v1"));
  EXPECT_TRUE(index["paths"].contains("apis/apps/v1"));
  for (const auto& [key, _] : index["paths"].items()) {
    auto parts = split(key, '/');
    std::string group = parts.size() == 3 ? parts[1] : "";
    auto doc = openapi_v3_document(reg, group, parts.back());
    ASSERT_TRUE(doc.has_value()) << key;
    expect_refs_resolve(*doc, "#/components/schemas/", (*doc)["components"]["schemas"]);
    expect_every_patch_lists_field_validation((*doc)["paths"]);
  }
}

TEST(OpenApiBuiltin, V2DocumentAndProtobuf) {
  const SchemaRegistry& reg = SchemaRegistry::builtin();
  Json v2 = openapi_v2_document(reg);
  expect_refs_resolve(v2, "#/definitions/", v2["definitions"]);
  expect_every_patch_lists_field_validation(v2["paths"]);
  expect_gnostic_document(v2, "/apis/apps/v1/namespaces/{namespace}/deployments/{name}", {"apps", "v1", "Deployment"},
                          "io.k8s.api.apps.v1.Deployment");
}

TEST(OpenApiBuiltin, BuildingEveryDocumentTakes) {
  // A figure, not an assertion: the API server builds these once, lazily.
  const SchemaRegistry& reg = SchemaRegistry::builtin();
  auto start = std::chrono::steady_clock::now();
  Json index = openapi_v3_index(reg);  // builds every v3 document to hash it
  Json v2 = openapi_v2_document(reg);
  std::string proto = openapi_v2_protobuf(v2);
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start).count();
  std::cout << "all v3 documents + v2 JSON + v2 protobuf (" << proto.size() << " bytes): " << ms << " ms\n";
  EXPECT_FALSE(proto.empty());
}

}  // namespace
}  // namespace skiff::api
