// Shared by the OpenAPI v2 and v3 generators (openapi_schemas.cc, openapi_paths.cc).
#pragma once

#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "api/schema.h"
#include "util/json.h"

namespace skiff::api::openapi_internal {

enum class Flavor { kV2, kV3 };

inline std::string ref_prefix(Flavor f) { return f == Flavor::kV2 ? "#/definitions/" : "#/components/schemas/"; }

// Type name -> the kinds it is (x-kubernetes-group-version-kind): each resource's kind and list
// kind, subresource kinds (autoscaling/v1 Scale), and the meta kinds Kubernetes serves in every
// group-version (DeleteOptions, WatchEvent).
using GvkIndex = std::map<std::string, std::vector<GroupVersionKind>, std::less<>>;
GvkIndex build_gvk_index(const SchemaRegistry& registry);

// The named type of a kind, if the registry has it ("io.k8s.api.autoscaling.v1.Scale").
std::string type_name_for(const SchemaRegistry& registry, const GroupVersionKind& gvk);

// Every named type reachable from the resources (their kinds, lists, subresource kinds) and
// the meta types each group-version's operations use.
std::set<std::string> reachable_types(const SchemaRegistry& registry, const std::vector<const ResourceInfo*>& resources);

// One components.schemas / definitions entry.
Json named_schema_json(const SchemaRegistry& registry, const Schema& named, const GvkIndex& gvks, Flavor flavor);

// One-line descriptions for `kubectl explain`.
std::string kind_description(std::string_view kind);
std::string_view field_description(std::string_view field, bool list);

// The paths object for the resources (each operation tagged with its action and GVK).
Json paths_json(const SchemaRegistry& registry, const std::vector<const ResourceInfo*>& resources, Flavor flavor);

}  // namespace skiff::api::openapi_internal
