// OpenAPI documents generated from the schema registry, as kubectl and helm read them:
// v3 per group-version (/openapi/v3, /openapi/v3/apis/apps/v1) and the v2 document
// (/openapi/v2), which kubectl 1.27/1.28 fetch as gnostic protobuf. Building every document
// takes milliseconds; the API server builds them lazily once and caches the bytes.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "api/schema.h"
#include "util/json.h"

namespace skiff::api {

// {"paths": {"api/v1": {"serverRelativeURL": "/openapi/v3/api/v1?hash=<hex>"}, "apis/apps/v1": ...}}
// The hash changes exactly when the group-version's document does.
Json openapi_v3_index(const SchemaRegistry& registry);

// The OpenAPI 3.0 document for one group-version ("" for the core group): components.schemas
// for every type its kinds reach, paths for every resource; nullopt when nothing is served there.
std::optional<Json> openapi_v3_document(const SchemaRegistry& registry, std::string_view group,
                                        std::string_view version);

// The Swagger 2.0 document for everything served.
Json openapi_v2_document(const SchemaRegistry& registry);

// v2doc (from openapi_v2_document) as a gnostic openapi.v2.Document protobuf message, served as
// application/com.github.proto-openapi.spec.v2@v1.0+protobuf.
std::string openapi_v2_protobuf(const Json& v2doc);

}  // namespace skiff::api
