// Kubernetes' defaulting for the built-in kinds. Internal to the schema registry.
#pragma once

#include "api/schema.h"
#include "util/json.h"

namespace skiff::api::internal {

// Walks obj with its schema, as Go's generated defaulters do: at each object whose named type
// has defaults, first the declared field defaults (OpenAPI `default`s: non-zero scalars, and
// {} for struct fields Go always serializes), then the type's SetDefaults function, then the
// children. Idempotent.
void apply_defaults(const Schema& schema, Json& obj);

// The image tag as Kubernetes' ParseImageName sees it: "latest" when neither tag nor digest.
std::string image_tag(std::string_view image);

}  // namespace skiff::api::internal
