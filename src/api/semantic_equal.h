// Equality as Kubernetes' typed comparison (apiequality.Semantic) sees it on JSON objects.
#pragma once

#include "util/json.h"

namespace skiff::api {

// An absent field equals its zero value (false, 0, "", {}, [] or null): a typed Go struct
// cannot tell them apart, and bodies from protobuf clients carry zero values JSON clients omit.
bool semantically_equal(const Json& a, const Json& b);

// The value a typed Go field would hold for it: null, false, 0, "", or a container of zero values.
bool is_zero_value(const Json& v);

}  // namespace skiff::api
