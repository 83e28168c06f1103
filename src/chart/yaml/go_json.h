// Go's encoding/json over template values: Marshal (sorted keys, HTML-safe escapes,
// Go's float formatting) and Unmarshal into interface{} (numbers become float64),
// with Go's error texts.
#pragma once

#include <string>
#include <string_view>

#include "chart/template/value.h"
#include "util/result.h"

namespace skiff::chart::yaml {

// json.Marshal(v). Errors read like Go's ("json: unsupported value: NaN").
Result<std::string> go_json_marshal(const tmpl::Value& v);

// json.Unmarshal(text, &interface{}). Errors read like Go's
// ("invalid character 'x' looking for beginning of value", "unexpected end of JSON input").
Result<tmpl::Value> go_json_unmarshal(std::string_view text);

// json.Unmarshal(text, &m) for m a map[string]interface{} (want_map) or []interface{}:
// a type mismatch is reported before numbers out of range; JSON null gives a nil map/slice.
Result<tmpl::Value> go_json_unmarshal_into(std::string_view text, bool want_map);

// How encoding/json writes a float64 (bits 64) or float32 (bits 32): 'f' format, or 'e'
// with a one-digit negative exponent for magnitudes below 1e-6 or from 1e21 up.
std::string go_json_float(double v, int bits);

// Appends s as encoding/json writes a string: quoted, HTML-safe escapes, U+2028/2029 escaped,
// invalid UTF-8 as \ufffd.
void go_json_append_string(std::string& out, std::string_view s);

// The string as encoding/json sees it: invalid UTF-8 bytes become U+FFFD.
std::string go_json_coerce_utf8(std::string_view s);

// Go's json type name for "cannot unmarshal X into Go value of type T" ("array", "number").
std::string_view go_json_kind_name(const tmpl::Value& v);

}  // namespace skiff::chart::yaml
