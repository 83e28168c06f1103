// What an update may not change (Kubernetes' ValidateUpdate per kind): selectors of workload
// controllers, most of a Pod's spec, a StatefulSet's spec outside its updatable fields, a Job's
// template, a Service's cluster IP, a RoleBinding's roleRef, immutable ConfigMaps and Secrets,
// a claim's spec. Messages are Kubernetes' own.
#pragma once

#include "api/field_errors.h"
#include "api/schema.h"
#include "util/json.h"

namespace skiff::api {

// Appends a cause for every forbidden change from `old` to `obj` (both decoded and defaulted).
// Writes to subresources (status, binding, scale, ...) change only what they own and are not checked.
void validate_update(const ResourceInfo& info, const Json& obj, const Json& old, FieldErrors& errs);

}  // namespace skiff::api
