// The decoding half of validate_and_prune: JSON types as Go's decoder checks them, unknown
// fields per FieldValidation mode, pruning. Internal to the schema registry.
#pragma once

#include <string>
#include <vector>

#include "api/schema.h"
#include "util/json.h"

namespace skiff::api::internal {

// 400 BadRequest on a type error or (Strict) unknown fields; obj is pruned in every case.
Status decode_check(const ResourceInfo& info, Json& obj, FieldValidation mode, std::vector<std::string>* warnings);

// "v1.Container", "[]v1.ContainerPort", "map[string]string", "int32": the Go type kube names
// in decoding errors.
std::string go_type_name(const Schema& schema);

}  // namespace skiff::api::internal
