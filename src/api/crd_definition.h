// CustomResourceDefinition objects (apiextensions.k8s.io/v1): Kubernetes' defaults and
// validation for the CRD itself, and what serving its custom resources takes — one
// ResourceInfo per served version with the facts the API server needs beyond the schema.
#pragma once

#include <deque>
#include <memory>
#include <string>
#include <vector>

#include "api/crd_schema.h"
#include "api/field_errors.h"
#include "api/schema.h"
#include "util/json.h"

namespace skiff::api {

inline constexpr std::string_view kCrdGroup = "apiextensions.k8s.io";
inline constexpr std::string_view kCrdKind = "CustomResourceDefinition";
inline constexpr std::string_view kCrdTypeName =
    "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.CustomResourceDefinition";
// Added on the first delete; removed once every custom resource is gone.
inline constexpr std::string_view kCrdCleanupFinalizer = "customresourcecleanup.apiextensions.k8s.io";

struct CustomResourceColumn {
  std::string name;
  std::string type;    // integer, number, string, boolean, date
  std::string format;
  std::string description;
  std::string json_path;  // ".spec.replicas"
  int priority = 0;
};

// What a custom resource's ResourceInfo carries beyond the generic facts (ResourceInfo::custom).
struct CustomResourceFacts {
  std::string crd_name;         // "crontabs.stable.example.com"
  std::string storage_version;  // every served version shares the storage of this one
  const StructuralSchema* schema = nullptr;  // nullptr: no schema (everything preserved)
  std::vector<CustomResourceColumn> columns;  // additionalPrinterColumns ("Age" when none)
  bool has_scale = false;
  std::string spec_replicas_path;    // ".spec.replicas"
  std::string status_replicas_path;  // ".status.replicas"
  std::string label_selector_path;   // ".status.selector" or empty
  bool deprecated = false;
  std::string deprecation_warning;
};

// Kubernetes' SetDefaults for a CRD: names.singular (lower-case kind), names.listKind
// (kind + "List"), conversion.strategy None. Idempotent.
void default_crd(Json& crd);

// Kubernetes' validation of a (defaulted) CRD: names, group, scope, versions (exactly one
// storage version), structural schemas and their CEL rules, subresources, printer columns,
// metadata.name.
void validate_crd(const Json& crd, FieldErrors& errs);
// The Warning lines a CRD earns: CEL rules this server accepts but cannot evaluate.
std::vector<std::string> crd_rule_warnings(const Json& crd);

// The resources a valid CRD serves; owns the schemas the ResourceInfos point at.
struct CustomResourceSet {
  std::string crd_name;
  std::deque<Schema> nodes;  // the api::Schema mirror of the structural schemas (SSA, OpenAPI, patches)
  std::vector<std::unique_ptr<StructuralSchema>> structural;
  std::deque<CustomResourceFacts> facts;
  std::deque<ResourceInfo> resources;  // one per served version, storage version first
  std::map<std::string, const Schema*, std::less<>> named;  // kind and list type names -> root nodes
};

// Builds the served resources from a CRD's spec.
// `object_meta` / `list_meta` are the built-in meta types the root schemas point at.
Result<std::unique_ptr<CustomResourceSet>> build_custom_resources(const Json& crd, const Schema* object_meta,
                                                                  const Schema* list_meta);

// Sets (or replaces) the status condition of `type`; lastTransitionTime moves only when the
// status does.
void set_crd_condition(Json& crd, const std::string& type, const std::string& status, const std::string& reason,
                       const std::string& message, const std::string& now);

// "com.example.stable.v1.CronTab": the OpenAPI definition name Kubernetes gives a custom kind.
std::string custom_type_name(std::string_view group, std::string_view version, std::string_view kind);

}  // namespace skiff::api
