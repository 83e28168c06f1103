// helm's toYamlPretty: the value encoded directly (no JSON round trip) by go-yaml v3's
// Encoder with SetIndent(2): sequences indented under their key, no line folding,
// floats as Go's %g ("1e+06"), strings quoted when they would read back as another type.
#pragma once

#include <string>

#include "chart/template/value.h"
#include "util/result.h"

namespace skiff::chart::funcs {

// The encoded document, ending in a newline (helm trims that one newline).
Result<std::string> to_yaml_pretty(const tmpl::Value& v);

}  // namespace skiff::chart::funcs
