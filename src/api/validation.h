// The validation half of validate_and_prune: required fields, enums, and the kind-specific
// rules users hit first. Internal to the schema registry.
#pragma once

#include "api/field_errors.h"
#include "api/schema.h"
#include "util/json.h"

namespace skiff::api::internal {

// Appends every problem found in a decoded, defaulted object.
void validate_object(const ResourceInfo& info, const Json& obj, FieldErrors& errs);

}  // namespace skiff::api::internal
