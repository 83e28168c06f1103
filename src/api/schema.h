// The schema registry: one declarative description per built-in kind. Validation,
// defaulting, pruning, strategic-merge patch, OpenAPI, discovery and tables all read it.
// Type descriptions are generated from Kubernetes 1.33's API facts (tools/gen_schema.py);
// per-kind facts (resource names, scope, short names, defaults) are declared in kinds.cc.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "api/gvk.h"
#include "util/json.h"

namespace skiff::api {

// One node of an OpenAPI-style structural schema. Named types are shared nodes, so
// recursive types (JSONSchemaProps) are cycles of pointers owned by the registry.
struct Schema {
  enum class Type { kAny, kObject, kArray, kString, kInteger, kNumber, kBoolean, kIntOrString, kQuantity };
  Type type = Type::kAny;
  std::string type_name;  // "io.k8s.api.core.v1.Container" for named types, else empty
  std::string format;     // int32, int64, byte, date-time, ...
  std::map<std::string, const Schema*, std::less<>> properties;
  const Schema* additional_properties = nullptr;  // map value schema (type kObject with no properties)
  const Schema* items = nullptr;                  // array element schema
  std::vector<std::string> required;
  std::vector<std::string> enum_values;
  std::optional<Json> default_value;
  bool preserve_unknown_fields = false;  // x-kubernetes-preserve-unknown-fields (and RawExtension)
  bool embedded_resource = false;
  std::string list_type;                 // "", atomic, set, map
  std::vector<std::string> list_map_keys;
  std::string map_type;                  // "", atomic, granular
  std::string patch_strategy;            // "", merge, replace, retainKeys, "merge,retainKeys"
  std::string patch_merge_key;

  const Schema* field(std::string_view name) const {
    auto it = properties.find(name);
    if (it != properties.end()) return it->second;
    return additional_properties;
  }
};

struct PrinterColumn {
  std::string name;
  std::string type;    // string, integer, number, boolean, date
  std::string format;  // "name" for the NAME column
  std::string description;
  int priority = 0;    // >0: only with -o wide
};

// One subresource as discovery reports it ("deployments/scale": autoscaling/v1 Scale).
struct CustomResourceFacts;  // api/crd_definition.h

struct SubresourceInfo {
  std::string name;  // "status", "scale", "log", ...
  GroupVersionKind gvk;
  std::vector<std::string> verbs;
};

struct ResourceInfo {
  GroupVersionKind gvk;
  std::string resource;  // plural
  std::string singular;
  std::string list_kind;
  bool namespaced = true;
  std::vector<std::string> short_names;
  std::vector<std::string> categories;
  std::vector<std::string> verbs;
  std::vector<std::string> subresources;  // "status", "scale", ...
  std::vector<SubresourceInfo> subresource_infos;  // same order as subresources
  const Schema* schema = nullptr;         // the kind's top-level schema
  std::string type_name;                  // "io.k8s.api.apps.v1.Deployment"
  std::string list_type_name;             // "io.k8s.api.apps.v1.DeploymentList"
  const CustomResourceFacts* custom = nullptr;  // set for resources served from a CRD

  // "Deployment.apps", or "Pod" for the core group: how errors name the kind.
  std::string qualified_kind() const { return gvk.group.empty() ? gvk.kind : gvk.kind + "." + gvk.group; }
  const SubresourceInfo* find_subresource(std::string_view name) const {
    for (const auto& s : subresource_infos)
      if (s.name == name) return &s;
    return nullptr;
  }
};

enum class FieldValidation { kIgnore, kWarn, kStrict };

class SchemaRegistry {
 public:
  // The built-in kinds; built once, immutable afterwards (safe to read from any thread).
  static const SchemaRegistry& builtin();

  virtual ~SchemaRegistry() = default;

  virtual const ResourceInfo* find_resource(std::string_view group, std::string_view version,
                                            std::string_view resource) const = 0;
  virtual const ResourceInfo* find_kind(std::string_view group, std::string_view version,
                                        std::string_view kind) const = 0;
  virtual std::vector<const ResourceInfo*> resources() const = 0;
  // Changes whenever the set of served resources does (CRDs come and go); 0 for fixed sets.
  virtual uint64_t generation() const { return 0; }
  // A named type's schema ("io.k8s.api.core.v1.PodSpec"), or nullptr.
  virtual const Schema* type(std::string_view type_name) const = 0;

  // Kubernetes' defaults for the fields users see (Deployment strategy, Pod restartPolicy,
  // container imagePullPolicy by tag, Service targetPort = port, ...). Idempotent.
  virtual void apply_defaults(const ResourceInfo& info, Json& obj) const = 0;

  // Decoding, as Kubernetes does for a write: JSON types (400 BadRequest "... cannot be handled
  // as a Deployment: json: cannot unmarshal ..."), Secret data base64, unknown fields per mode
  // (Strict: 400 error naming every unknown field; Warn: appended to warnings; Ignore:
  // nothing). Unknown fields and nulls are pruned from obj in every mode, as Kubernetes does
  // for built-in kinds; numeric quantities become strings.
  virtual Status decode_and_prune(const ResourceInfo& info, Json& obj, FieldValidation mode,
                                  std::vector<std::string>* warnings) const = 0;

  // decode_and_prune, then validate() on a defaulted copy of obj (so fields the defaults fill
  // are not reported missing); obj itself is not defaulted.
  Status validate_and_prune(const ResourceInfo& info, Json& obj, FieldValidation mode,
                            std::vector<std::string>* warnings) const;

  // Required fields, enums and the kind-specific rules (containers, selectors, ports, keys, ...)
  // on an already decoded and defaulted object: 422 Invalid with one cause per problem, message
  // 'Deployment.apps "web" is invalid: spec.replicas: Invalid value: -1: must be ...'.
  virtual Status validate(const ResourceInfo& info, const Json& obj) const = 0;
};

}  // namespace skiff::api
