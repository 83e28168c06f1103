// Field-level validation errors worded like k8s.io/apimachinery/pkg/util/validation/field,
// the 422 Invalid error that carries them (apimachinery's errors.NewInvalid), and the field
// paths they name.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "util/json.h"
#include "util/result.h"

namespace skiff::api {

// Go's %q (strconv.Quote) for a string: double-quoted with Go escapes.
std::string go_quote(std::string_view s);
// How kube prints a bad JSON value: strings %q-quoted, numbers and bools bare, null as null,
// objects as Go maps (map[string]string{"k":"v"}).
std::string render_bad_value(const Json& value);

// StatusCause.message is Kubernetes' ErrorBody ("Invalid value: \"x\": detail").
StatusCause field_invalid(std::string field, std::string_view bad_value, std::string_view detail);
// As field_invalid, with a value already rendered (a number, or a JSON rendering of a struct).
StatusCause field_invalid_rendered(std::string field, std::string_view rendered_value, std::string_view detail);
StatusCause field_required(std::string field, std::string_view detail);
StatusCause field_forbidden(std::string field, std::string_view detail);
StatusCause field_too_long(std::string field, int64_t max_bytes);
// `supported` is listed in the given order; empty entries are skipped.
StatusCause field_not_supported(std::string field, const Json& bad_value, const std::vector<std::string>& supported);
StatusCause field_duplicate(std::string field, const Json& value);
StatusCause field_not_found(std::string field, const Json& value);

// "<field>: <message>", the text Kubernetes prints for one field error.
std::string field_error_text(const StatusCause& cause);
// utilerrors.NewAggregate's text: duplicates dropped, one message bare, several as "[a, b]".
std::string aggregate_error_text(const std::vector<std::string>& messages);

// 422 Invalid: `<Kind>[.<group>] "<name>" is invalid: <errors>`, with the causes as details.
Error invalid_object_error(std::string_view group, std::string_view kind, std::string_view name,
                           std::vector<StatusCause> causes);

// Collects the causes found while walking one object.
class FieldErrors {
 public:
  void required(std::string field, std::string_view detail = "") { add(field_required(std::move(field), detail)); }
  void invalid(std::string field, const Json& value, std::string_view detail) {
    add(field_invalid_rendered(std::move(field), render_bad_value(value), detail));
  }
  void not_supported(std::string field, const Json& value, const std::vector<std::string>& supported) {
    add(field_not_supported(std::move(field), value, supported));
  }
  void duplicate(std::string field, const Json& value) { add(field_duplicate(std::move(field), value)); }
  void not_found(std::string field, const Json& value) { add(field_not_found(std::move(field), value)); }
  void forbidden(std::string field, std::string_view detail) { add(field_forbidden(std::move(field), detail)); }
  void add(StatusCause cause) { causes_.push_back(std::move(cause)); }
  void add(std::vector<StatusCause> causes);

  bool empty() const { return causes_.empty(); }
  const std::vector<StatusCause>& causes() const { return causes_; }
  Error to_error(std::string_view group, std::string_view kind, std::string_view name) const {
    return invalid_object_error(group, kind, name, causes_);
  }

 private:
  std::vector<StatusCause> causes_;
};

// path_child("spec", "replicas") -> "spec.replicas"; path_index("ports", 0) -> "ports[0]";
// path_key("data", "a b") -> "data[a b]".
std::string path_child(std::string_view path, std::string_view name);
std::string path_index(std::string_view path, size_t i);
std::string path_key(std::string_view path, std::string_view k);

}  // namespace skiff::api
