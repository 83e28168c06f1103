// Server-side printing for `kubectl get`: builds meta.k8s.io/v1 Table objects with the
// columns and cells Kubernetes' built-in printers produce for each kind.
#pragma once

#include <string_view>
#include <vector>

#include "api/schema.h"
#include "util/clock.h"
#include "util/json.h"
#include "util/result.h"

namespace skiff::apiserver {

// What each row's "object" holds (the includeObject query parameter).
enum class IncludeObject { kNone, kMetadata, kObject };

// "None", "Metadata" or "Object"; empty means Metadata, Kubernetes' default.
// Anything else is a 400 BadRequest naming the accepted values.
Result<IncludeObject> parse_include_object(std::string_view value);

// The kind's column definitions: NAME first, then the kind's own columns; priority > 0
// marks the columns kubectl shows only with -o wide. Kinds without a printer get NAME and AGE.
std::vector<api::PrinterColumn> table_columns(const api::GroupVersionKind& gvk);

// A complete Table: kind, apiVersion, an empty metadata (the caller sets resourceVersion,
// continue, remainingItemCount), columnDefinitions and one row per object, in order.
// Cells always include the wide columns, as Kubernetes' server does; ages are relative to now.
Json make_table(const api::ResourceInfo& info, const std::vector<const Json*>& objects,
                IncludeObject include, WallTime now);

}  // namespace skiff::apiserver
