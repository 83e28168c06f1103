// The patch types the API accepts: JSON patch (RFC 6902), JSON merge patch (RFC 7386)
// and Kubernetes' strategic merge patch driven by the schema's patch metadata.
#pragma once

#include <string>

#include "api/schema.h"
#include "util/json.h"

namespace skiff::api {

// Errors are 422 Invalid/400 BadRequest as kube-apiserver returns them (e.g. a failed `test`
// op: "the server rejected our request due to an error in our request").
// A patch that is not an array of objects: 400. More than 10000 operations: 413. An operation
// that cannot be applied (failed test, missing path, unknown or missing op/path, copy growth
// beyond 3 MiB): 422 with the detail in causes[0].message, as the apiserver reports it.
Result<Json> apply_json_patch(const Json& doc, const Json& patch);

// RFC 7386 exactly: a non-object patch replaces the document; null deletes a member;
// objects merge recursively; everything else (arrays included) replaces.
Json apply_merge_patch(const Json& doc, const Json& patch);

// schema: the kind's top-level schema (nullptr behaves like a merge patch but still honours
// the $patch directives). Supports $patch: replace|merge|delete, $retainKeys,
// $deleteFromPrimitiveList/<field>, $setElementOrder/<field>, null deletes, merge keys.
// Malformed patches and directives: 400 BadRequest; lists of lists: 422.
Result<Json> apply_strategic_merge_patch(const Json& doc, const Json& patch, const Schema* schema);

// The apiserver's 422 for a patch that cannot be applied: a generic message, with the
// engine's detail as an UnexpectedServerResponse cause.
Error patch_not_applicable(std::string detail);

}  // namespace skiff::api
