// Field-level validation errors worded like k8s.io/apimachinery/pkg/util/validation/field, and
// the 422 Invalid error that carries them (apimachinery's errors.NewInvalid).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "util/result.h"

namespace skiff::api {

// Go's %q (strconv.Quote) for a string: double-quoted with Go escapes.
std::string go_quote(std::string_view s);

// StatusCause.message is Kubernetes' ErrorBody ("Invalid value: \"x\": detail").
StatusCause field_invalid(std::string field, std::string_view bad_value, std::string_view detail);
// As field_invalid, with a value already rendered (a number, or a JSON rendering of a struct).
StatusCause field_invalid_rendered(std::string field, std::string_view rendered_value, std::string_view detail);
StatusCause field_required(std::string field, std::string_view detail);
StatusCause field_forbidden(std::string field, std::string_view detail);
StatusCause field_too_long(std::string field, int64_t max_bytes);

// "<field>: <message>", the text Kubernetes prints for one field error.
std::string field_error_text(const StatusCause& cause);

// 422 Invalid: `<Kind>[.<group>] "<name>" is invalid: <errors>`, with the causes as details.
Error invalid_object_error(std::string_view group, std::string_view kind, std::string_view name,
                           std::vector<StatusCause> causes);

}  // namespace skiff::api
