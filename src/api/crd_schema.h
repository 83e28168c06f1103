// Structural schemas of CustomResourceDefinitions (spec.versions[].schema.openAPIV3Schema):
// parsing with Kubernetes' structural checks, and what the API server does with a custom
// resource's body — validation (422 causes worded as kube-openapi's), defaulting and pruning.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "api/field_errors.h"
#include "util/json.h"

namespace re2 {
class RE2;
}

namespace skiff::api {

// One x-kubernetes-validations entry (apiextensions ValidationRule).
struct ValidationRule {
  std::string rule;  // a CEL expression over self (and oldSelf)
  std::string message;
  std::string message_expression;
  std::optional<std::string> reason;  // FieldValueInvalid (default), FieldValueForbidden, ...
  std::string field_path;             // ".spec.x": where a failure is reported
  std::optional<bool> optional_old_self;
};

struct CompiledValidationRules;  // api/crd_validation_rules.h

struct StructuralSchema {
  std::string type;  // "" (only with int-or-string or preserve-unknown-fields), object, array, string, ...
  std::string format;
  std::string description;
  std::map<std::string, std::unique_ptr<StructuralSchema>, std::less<>> properties;
  std::unique_ptr<StructuralSchema> items;
  std::unique_ptr<StructuralSchema> additional_properties;  // a map's value schema
  bool additional_properties_any = false;                   // additionalProperties: true
  std::vector<std::string> required;
  std::optional<Json> default_value;
  std::vector<Json> enum_values;
  std::optional<double> minimum, maximum, multiple_of;
  bool exclusive_minimum = false, exclusive_maximum = false;
  std::optional<int64_t> min_length, max_length, min_items, max_items, min_properties, max_properties;
  std::string pattern;
  std::shared_ptr<const re2::RE2> pattern_regex;  // Go regexp syntax (RE2), as Kubernetes uses
  bool unique_items = false;
  bool nullable = false;
  bool int_or_string = false;
  bool preserve_unknown_fields = false;
  bool embedded_resource = false;
  std::string list_type;  // "", atomic, set, map
  std::vector<std::string> list_map_keys;
  std::string map_type;
  std::vector<std::unique_ptr<StructuralSchema>> all_of, any_of, one_of;  // value validations only
  std::unique_ptr<StructuralSchema> not_;
  std::vector<ValidationRule> validation_rules;
  std::shared_ptr<const CompiledValidationRules> compiled_rules;  // set by compile_validation_rules()

  const StructuralSchema* property(std::string_view name) const {
    auto it = properties.find(name);
    return it == properties.end() ? nullptr : it->second.get();
  }
};

// Parses a JSONSchemaProps object found at `path` (e.g.
// "spec.versions[0].schema.openAPIV3Schema") and appends Kubernetes' structural-schema errors.
// Returns the schema even when errors were found (callers reject the CRD in that case).
std::unique_ptr<StructuralSchema> parse_structural_schema(const Json& props, const std::string& path,
                                                         FieldErrors& errs);

// The value pipeline for one custom resource body, in the order the API server runs it.
// Pruning drops fields the schema does not declare (apiVersion, kind and metadata are kept at
// the root and in embedded resources) and reports their paths in `pruned`.
void prune_custom_resource(const StructuralSchema& root, Json& obj, std::vector<std::string>* pruned);
// Schema defaults, applied where a field is absent (or null and not nullable).
void default_custom_resource(const StructuralSchema& root, Json& obj);
// Type, required, enum, bounds, lengths, pattern, formats, list-type/map keys; paths like
// "spec.replicas", messages as Kubernetes (kube-openapi) words them.
void validate_custom_resource(const StructuralSchema& root, const Json& obj, FieldErrors& errs);
// The same checks for one value at `path` (a default, a nested field).
void validate_custom_value(const StructuralSchema& s, const Json& value, const std::string& path, FieldErrors& errs);

}  // namespace skiff::api
