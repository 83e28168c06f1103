// TOML as helm's toToml/fromToml see it: BurntSushi/toml v1.6.0's Encoder (keys sorted,
// plain values before tables, two-space indent per table level) and its decoder into
// map[string]interface{} (TOML 1.1: int64, float64, string, bool, time.Time, arrays,
// tables, arrays of tables as []map[string]interface{}).
#pragma once

#include <string>
#include <string_view>

#include "chart/template/value.h"
#include "util/result.h"

namespace skiff::chart::funcs {

// toml.NewEncoder(w).Encode(v). Encoder errors (Error::invalid) carry the library's text
// ("toml: cannot encode array with nil element"); a Go panic is Error::internal.
Result<std::string> toml_encode(const tmpl::Value& v);

// toml.Unmarshal into map[string]interface{}. Errors read as ParseError.Error():
// "toml: line 2 (last key \"a\"): Key 'a' has already been defined."
Result<tmpl::Value> toml_decode(std::string_view text);

}  // namespace skiff::chart::funcs
