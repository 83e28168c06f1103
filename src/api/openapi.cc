#include "api/openapi.h"

#include <cstdio>
#include <set>

#include "api/openapi_internal.h"

namespace skiff::api {
namespace {

using openapi_internal::Flavor;

constexpr std::string_view kKubernetesVersion = "v1.33.0";

std::vector<const ResourceInfo*> resources_of(const SchemaRegistry& registry, std::string_view group,
                                              std::string_view version) {
  std::vector<const ResourceInfo*> out;
  for (const ResourceInfo* r : registry.resources()) {
    if (r->gvk.group == group && r->gvk.version == version) out.push_back(r);
  }
  return out;
}

Json schemas_for(const SchemaRegistry& registry, const std::vector<const ResourceInfo*>& resources,
                 const openapi_internal::GvkIndex& gvks, Flavor flavor) {
  Json schemas = Json::object();
  for (const std::string& name : openapi_internal::reachable_types(registry, resources)) {
    if (const Schema* s = registry.type(name)) {
      schemas[name] = openapi_internal::named_schema_json(registry, *s, gvks, flavor);
    }
  }
  return schemas;
}

Json security_definition(Flavor flavor) {
  Json bearer = {{"type", flavor == Flavor::kV2 ? "apiKey" : "http"}, {"description", "Bearer token authentication"}};
  if (flavor == Flavor::kV2) bearer["name"] = "authorization", bearer["in"] = "header";
  else bearer["scheme"] = "bearer";
  return {{"BearerToken", std::move(bearer)}};
}

Json v3_document(const SchemaRegistry& registry, const std::vector<const ResourceInfo*>& resources,
                 const openapi_internal::GvkIndex& gvks) {
  return {
      {"openapi", "3.0.0"},
      {"info", {{"title", "Kubernetes"}, {"version", kKubernetesVersion}}},
      {"paths", openapi_internal::paths_json(registry, resources, Flavor::kV3)},
      {"components",
       {{"schemas", schemas_for(registry, resources, gvks, Flavor::kV3)},
        {"securitySchemes", security_definition(Flavor::kV3)}}},
      {"security", Json::array({{{"BearerToken", Json::array()}}})},
  };
}

// FNV-1a, 64 bits: the hash only has to change when the document does.
std::string document_hash(const Json& doc) {
  uint64_t h = 1469598103934665603ull;
  for (unsigned char c : doc.dump()) {
    h ^= c;
    h *= 1099511628211ull;
  }
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llX", static_cast<unsigned long long>(h));
  return buf;
}

}  // namespace

Json openapi_v3_index(const SchemaRegistry& registry) {
  std::set<std::pair<std::string, std::string>> group_versions;
  for (const ResourceInfo* r : registry.resources()) group_versions.emplace(r->gvk.group, r->gvk.version);
  auto gvks = openapi_internal::build_gvk_index(registry);
  Json paths = Json::object();
  for (const auto& [group, version] : group_versions) {
    std::string key = group.empty() ? "api/" + version : "apis/" + group + "/" + version;
    Json doc = v3_document(registry, resources_of(registry, group, version), gvks);
    paths[key] = {{"serverRelativeURL", "/openapi/v3/" + key + "?hash=" + document_hash(doc)}};
  }
  return {{"paths", std::move(paths)}};
}

std::optional<Json> openapi_v3_document(const SchemaRegistry& registry, std::string_view group,
                                        std::string_view version) {
  auto resources = resources_of(registry, group, version);
  if (resources.empty()) return std::nullopt;
  return v3_document(registry, resources, openapi_internal::build_gvk_index(registry));
}

Json openapi_v2_document(const SchemaRegistry& registry) {
  auto resources = registry.resources();
  auto gvks = openapi_internal::build_gvk_index(registry);
  return {
      {"swagger", "2.0"},
      {"info", {{"title", "Kubernetes"}, {"version", kKubernetesVersion}}},
      {"paths", openapi_internal::paths_json(registry, resources, Flavor::kV2)},
      {"definitions", schemas_for(registry, resources, gvks, Flavor::kV2)},
      {"securityDefinitions", security_definition(Flavor::kV2)},
      {"security", Json::array({{{"BearerToken", Json::array()}}})},
  };
}

}  // namespace skiff::api
