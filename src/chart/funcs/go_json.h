// Go's encoding/json over template values: Marshal (sorted keys, HTML escaping,
// Go's float format), MarshalIndent, and Unmarshal into interface{}.
#pragma once

#include <string>

#include "chart/template/value.h"
#include "util/result.h"

namespace skiff::chart::funcs {

// indent empty: compact. Errors read like Go's ("json: unsupported value: NaN").
Result<std::string> go_json_marshal(const tmpl::Value& v, bool escape_html, const std::string& indent = "");
Result<tmpl::Value> go_json_unmarshal(const std::string& text);

}  // namespace skiff::chart::funcs
