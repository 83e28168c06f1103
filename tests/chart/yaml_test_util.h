// Builders for template values in the YAML/JSON tests.
#pragma once

#include <initializer_list>
#include <string>
#include <utility>

#include "chart/template/value.h"

namespace skiff::chart::yaml::testing {

using tmpl::Value;

inline Value s(std::string v) { return Value::string(std::move(v)); }
inline Value i(int64_t v) { return Value::integer(v); }
inline Value f(double v) { return Value::float64(v); }
inline Value b(bool v) { return Value::boolean(v); }
inline Value nil() { return Value(); }

inline Value m(std::initializer_list<std::pair<const std::string, Value>> entries) {
  return Value::map(tmpl::ValueMap(entries));
}
inline Value l(std::initializer_list<Value> items) { return Value::list(tmpl::ValueList(items)); }

inline std::string repeat(const std::string& unit, int n) {
  std::string out;
  for (int k = 0; k < n; ++k) out += unit;
  return out;
}

}  // namespace skiff::chart::yaml::testing
