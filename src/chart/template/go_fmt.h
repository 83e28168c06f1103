// Go's fmt package over template values: Sprint, Sprintln and Sprintf with Go's verbs,
// flags, width/precision, argument indexes and its error annotations (%!d(string=x)).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "chart/template/value.h"

namespace skiff::chart::tmpl {

// Arguments are Go interface{} values: boxed values print as their dynamic value and
// the invalid value prints as <nil>.
std::string go_sprint(const std::vector<Value>& args);
std::string go_sprintln(const std::vector<Value>& args);
std::string go_sprintf(std::string_view format, const std::vector<Value>& args);

// fmt.Sprint(v) of a single value: %v.
std::string go_format_value(const Value& v);

}  // namespace skiff::chart::tmpl
