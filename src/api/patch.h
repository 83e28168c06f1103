// The patch types the API accepts: JSON patch (RFC 6902), JSON merge patch (RFC 7386)
// and Kubernetes' strategic merge patch driven by the schema's patch metadata.
#pragma once

#include "api/schema.h"
#include "util/json.h"

namespace skiff::api {

// Errors are 422 Invalid/400 BadRequest as kube-apiserver returns them (e.g. a failed `test`
// op: "the server rejected our request due to an error in our request").
Result<Json> apply_json_patch(const Json& doc, const Json& patch);

Json apply_merge_patch(const Json& doc, const Json& patch);

// schema: the kind's top-level schema (nullptr behaves like a merge patch but still honours
// the $patch directives). Supports $patch: replace|merge|delete, $retainKeys,
// $deleteFromPrimitiveList/<field>, $setElementOrder/<field>, null deletes, merge keys.
Result<Json> apply_strategic_merge_patch(const Json& doc, const Json& patch, const Schema* schema);

}  // namespace skiff::api
