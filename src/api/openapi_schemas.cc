// Schema registry nodes -> OpenAPI schema objects (v3 components.schemas, v2 definitions).
#include <algorithm>

#include "api/openapi_internal.h"

namespace skiff::api::openapi_internal {
namespace {

constexpr std::string_view kMeta = "io.k8s.apimachinery.pkg.apis.meta.v1.";
// Meta kinds every group-version serves (request and response bodies of its operations).
constexpr std::string_view kPerGroupVersionMetaKinds[] = {"DeleteOptions", "WatchEvent"};
constexpr std::string_view kOperationMetaTypes[] = {"DeleteOptions", "Status", "WatchEvent", "Patch", "APIResourceList"};

std::string meta_type(std::string_view kind) { return std::string(kMeta) + std::string(kind); }

void add_gvk(GvkIndex& index, const std::string& type_name, GroupVersionKind gvk) {
  if (type_name.empty()) return;
  auto& list = index[type_name];
  if (std::find(list.begin(), list.end(), gvk) == list.end()) list.push_back(std::move(gvk));
}

class SchemaWriter {
 public:
  SchemaWriter(const SchemaRegistry& registry, Flavor flavor) : registry_(registry), flavor_(flavor) {}

  // A property, item or map value: a reference when the node is a named type, with the
  // extensions this use adds (Deployment spec.strategy's retainKeys), else the schema inline.
  Json use(const Schema& s) const {
    const Schema* named = s.type_name.empty() ? nullptr : registry_.type(s.type_name);
    if (named == nullptr) return body(s);
    Json j = Json::object();
    std::string ref = ref_prefix(flavor_) + s.type_name;
    if (flavor_ == Flavor::kV3) j["allOf"] = Json::array({{{"$ref", ref}}});
    else j["$ref"] = ref;
    extensions(j, s, named);
    return j;
  }

  // The schema itself (a named type's definition, or an anonymous node).
  Json body(const Schema& s) const {
    Json j = Json::object();
    switch (s.type) {
      case Schema::Type::kObject:
        j["type"] = "object";
        if (!s.properties.empty()) {
          Json& props = j["properties"] = Json::object();
          for (const auto& [name, child] : s.properties) props[name] = use(*child);
        }
        if (s.additional_properties) j["additionalProperties"] = use(*s.additional_properties);
        break;
      case Schema::Type::kArray:
        j["type"] = "array";
        j["items"] = s.items ? use(*s.items) : Json::object();
        break;
      case Schema::Type::kString:
        j["type"] = "string";
        break;
      case Schema::Type::kInteger:
        j["type"] = "integer";
        break;
      case Schema::Type::kNumber:
        j["type"] = "number";
        break;
      case Schema::Type::kBoolean:
        j["type"] = "boolean";
        break;
      case Schema::Type::kIntOrString:
        if (flavor_ == Flavor::kV2) {
          j["type"] = "string";
          j["format"] = "int-or-string";
        } else if (!s.type_name.empty()) {
          j["format"] = "int-or-string";
          j["oneOf"] = Json::array({{{"type", "integer"}}, {{"type", "string"}}});
        } else {
          j["x-kubernetes-int-or-string"] = true;
        }
        break;
      case Schema::Type::kQuantity:
        if (flavor_ == Flavor::kV2) j["type"] = "string";
        else j["oneOf"] = Json::array({{{"type", "string"}}, {{"type", "number"}}});
        break;
      case Schema::Type::kAny:
        break;
    }
    if (!s.format.empty() && !j.contains("format")) j["format"] = s.format;
    if (!s.required.empty()) j["required"] = s.required;
    if (!s.enum_values.empty()) j["enum"] = s.enum_values;
    extensions(j, s, nullptr);
    return j;
  }

 private:
  // The x-kubernetes-* extensions and default of s; with `base`, only those that differ from it.
  static void extensions(Json& j, const Schema& s, const Schema* base) {
    auto differs = [&](auto member) { return base == nullptr || s.*member != base->*member; };
    if (s.default_value && differs(&Schema::default_value)) j["default"] = *s.default_value;
    if (s.preserve_unknown_fields && differs(&Schema::preserve_unknown_fields))
      j["x-kubernetes-preserve-unknown-fields"] = true;
    if (s.embedded_resource && differs(&Schema::embedded_resource)) j["x-kubernetes-embedded-resource"] = true;
    if (!s.list_type.empty() && differs(&Schema::list_type)) j["x-kubernetes-list-type"] = s.list_type;
    if (!s.list_map_keys.empty() && differs(&Schema::list_map_keys))
      j["x-kubernetes-list-map-keys"] = s.list_map_keys;
    if (!s.map_type.empty() && differs(&Schema::map_type)) j["x-kubernetes-map-type"] = s.map_type;
    if (!s.patch_strategy.empty() && differs(&Schema::patch_strategy))
      j["x-kubernetes-patch-strategy"] = s.patch_strategy;
    if (!s.patch_merge_key.empty() && differs(&Schema::patch_merge_key))
      j["x-kubernetes-patch-merge-key"] = s.patch_merge_key;
  }

  const SchemaRegistry& registry_;
  Flavor flavor_;
};

void visit(const SchemaRegistry& registry, const Schema* s, std::set<std::string>& seen,
           std::set<const Schema*>& visited) {
  if (s == nullptr || !visited.insert(s).second) return;
  if (!s->type_name.empty()) {
    const Schema* named = registry.type(s->type_name);
    if (named == nullptr) return;
    seen.insert(s->type_name);
    if (named != s) visit(registry, named, seen, visited);
  }
  for (const auto& [_, child] : s->properties) visit(registry, child, seen, visited);
  visit(registry, s->items, seen, visited);
  visit(registry, s->additional_properties, seen, visited);
}

}  // namespace

std::string type_name_for(const SchemaRegistry& registry, const GroupVersionKind& gvk) {
  if (const ResourceInfo* r = registry.find_kind(gvk.group, gvk.version, gvk.kind)) return r->type_name;
  std::string group = gvk.group.empty() ? "core" : gvk.group.substr(0, gvk.group.find('.'));
  std::string candidate = "io.k8s.api." + group + "." + gvk.version + "." + gvk.kind;
  return registry.type(candidate) ? candidate : "";
}

GvkIndex build_gvk_index(const SchemaRegistry& registry) {
  GvkIndex index;
  std::set<std::pair<std::string, std::string>> group_versions;
  for (const ResourceInfo* r : registry.resources()) {
    group_versions.emplace(r->gvk.group, r->gvk.version);
    add_gvk(index, r->type_name, r->gvk);
    add_gvk(index, r->list_type_name, {r->gvk.group, r->gvk.version, r->list_kind});
    for (const auto& sub : r->subresource_infos) {
      if (!sub.gvk.kind.empty()) add_gvk(index, type_name_for(registry, sub.gvk), sub.gvk);
    }
  }
  for (std::string_view kind : kPerGroupVersionMetaKinds) {
    if (registry.type(meta_type(kind)) == nullptr) continue;
    for (const auto& [group, version] : group_versions) add_gvk(index, meta_type(kind), {group, version, std::string(kind)});
  }
  for (std::string_view kind : {"Status", "APIResourceList"}) {
    if (registry.type(meta_type(kind))) add_gvk(index, meta_type(kind), {"", "v1", std::string(kind)});
  }
  for (auto& [_, list] : index) {
    std::sort(list.begin(), list.end(), [](const auto& a, const auto& b) {
      return std::tie(a.group, a.version, a.kind) < std::tie(b.group, b.version, b.kind);
    });
  }
  return index;
}

std::set<std::string> reachable_types(const SchemaRegistry& registry, const std::vector<const ResourceInfo*>& resources) {
  std::set<std::string> seen;
  std::set<const Schema*> visited;
  auto root = [&](const std::string& name) {
    if (!name.empty()) visit(registry, registry.type(name), seen, visited);
  };
  for (const ResourceInfo* r : resources) {
    root(r->type_name);
    root(r->list_type_name);
    for (const auto& sub : r->subresource_infos) {
      if (!sub.gvk.kind.empty()) root(type_name_for(registry, sub.gvk));
    }
  }
  for (std::string_view kind : kOperationMetaTypes) root(meta_type(kind));
  return seen;
}

Json named_schema_json(const SchemaRegistry& registry, const Schema& named, const GvkIndex& gvks, Flavor flavor) {
  SchemaWriter writer(registry, flavor);
  Json j = writer.body(named);
  auto it = gvks.find(named.type_name);
  if (it == gvks.end()) return j;
  Json list = Json::array();
  for (const auto& gvk : it->second) list.push_back({{"group", gvk.group}, {"kind", gvk.kind}, {"version", gvk.version}});
  j["x-kubernetes-group-version-kind"] = std::move(list);
  j["description"] = kind_description(it->second.front().kind);
  bool is_list = named.properties.count("items") && named.properties.count("metadata");
  if (j.contains("properties")) {
    for (auto& [field, prop] : j["properties"].items()) {
      std::string_view text = field_description(field, is_list);
      if (!text.empty()) prop["description"] = text;
    }
  }
  return j;
}

}  // namespace skiff::api::openapi_internal
