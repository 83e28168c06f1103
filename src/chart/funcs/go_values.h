// Go-side semantics Sprig builds on, over template values: spf13/cast conversions,
// Sprig's strval and empty, reflect kinds and %T names, reflect.DeepEqual.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "chart/template/value.h"

namespace skiff::chart::funcs {

// cast.ToInt64E / ToIntE / ToFloat64E: numbers, numeric strings (base prefixes, a
// ".0" tail for ints), bools and nil convert; nullopt where cast reports an error.
std::optional<int64_t> cast_to_int64(const tmpl::Value& v);
std::optional<double> cast_to_float64(const tmpl::Value& v);
// The error-swallowing forms Sprig uses (0 on failure).
inline int64_t to_int64(const tmpl::Value& v) { return cast_to_int64(v).value_or(0); }
inline double to_float64(const tmpl::Value& v) { return cast_to_float64(v).value_or(0); }

// Go's conversion int64(f) as amd64 performs it (out of range gives MinInt64).
int64_t go_float_to_int64(double f);

// Sprig's strval: strings as-is, Stringers through String(), else fmt's %v.
std::string strval(const tmpl::Value& v);

// Sprig's empty: nil, false, 0, and empty strings/maps/slices; structs never.
bool is_empty(const tmpl::Value& v);

// reflect.ValueOf(v).Kind().String() ("invalid" for nil, "ptr", "struct", "map").
std::string reflect_kind_name(const tmpl::Value& v);
// fmt's %T ("<nil>" for nil).
std::string go_type_name(const tmpl::Value& v);

// reflect.DeepEqual of two interface{} values.
bool deep_equal(const tmpl::Value& a, const tmpl::Value& b);

// True for slices (Go's reflect.Slice/Array kinds) that are not named types.
bool is_list(const tmpl::Value& v);
// Items of a slice as interface{} values (unboxed, like reflect's Index().Interface()).
std::vector<tmpl::Value> list_values(const tmpl::Value& v);

// Result helpers: Go functions returning interface{} hand back a boxed value.
tmpl::Value interface_result(tmpl::Value v);
tmpl::Value string_list(std::vector<std::string> items);
tmpl::Value string_map(const std::vector<std::pair<std::string, std::string>>& items);

// Go's panic texts for runtime errors Sprig's code can hit.
inline constexpr const char* kNilDereference =
    "runtime error: invalid memory address or nil pointer dereference";

}  // namespace skiff::chart::funcs
