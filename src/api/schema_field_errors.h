// Field-level errors collected while validating against the schema registry, and their
// aggregation into a 422 Invalid error worded like kube-apiserver's. Internal to the registry.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "util/json.h"
#include "util/result.h"

namespace skiff::api::internal {

struct FieldError {
  std::string type;    // FieldValueRequired, FieldValueInvalid, ...
  std::string field;   // spec.template.spec.containers[0].image
  std::string body;    // "Required value", "Invalid value: -1: must be ..."
};

// Go's %#v-like rendering kube uses in "Invalid value: ..." ("abc" quoted, 3, map[string]string{...}).
std::string render_value(const Json& value);

class FieldErrors {
 public:
  void required(std::string field, std::string_view detail = "");
  void invalid(std::string field, const Json& value, std::string_view detail);
  // `supported` is shown in the given order; empty entries are skipped.
  void not_supported(std::string field, const Json& value, const std::vector<std::string>& supported);
  void duplicate(std::string field, const Json& value);
  void not_found(std::string field, const Json& value);
  void forbidden(std::string field, std::string_view detail);
  void add(FieldError e) { errors_.push_back(std::move(e)); }

  bool empty() const { return errors_.empty(); }
  const std::vector<FieldError>& errors() const { return errors_; }

  // 'Deployment.apps "web" is invalid: <one>' or '... is invalid: [<a>, <b>]', with causes.
  Error to_error(std::string_view group, std::string_view kind, std::string_view name) const;

 private:
  std::vector<FieldError> errors_;
};

// path_child("spec", "replicas") -> "spec.replicas"; path_index("ports", 0) -> "ports[0]";
// path_key("data", "a b") -> "data[a b]".
std::string path_child(std::string_view path, std::string_view name);
std::string path_index(std::string_view path, size_t i);
std::string path_key(std::string_view path, std::string_view k);

}  // namespace skiff::api::internal
