#include "api/semantic_equal.h"

namespace skiff::api {

bool is_zero_value(const Json& v) {
  if (v.is_null()) return true;
  if (v.is_boolean()) return !v.get<bool>();
  if (v.is_number()) return v == 0;
  if (v.is_string()) return v.get_ref<const std::string&>().empty();
  if (v.is_object() || v.is_array()) {
    for (const auto& item : v)
      if (!is_zero_value(item)) return false;
    return v.is_object() || v.empty();
  }
  return false;
}

bool semantically_equal(const Json& a, const Json& b) {
  if (a.is_object() && b.is_object()) {
    for (const auto& [k, v] : a.items()) {
      auto it = b.find(k);
      if (it == b.end() ? !is_zero_value(v) : !semantically_equal(v, *it)) return false;
    }
    for (const auto& [k, v] : b.items())
      if (!a.contains(k) && !is_zero_value(v)) return false;
    return true;
  }
  if (a.is_array() && b.is_array()) {
    if (a.size() != b.size()) return false;
    for (size_t i = 0; i < a.size(); ++i)
      if (!semantically_equal(a[i], b[i])) return false;
    return true;
  }
  if (a.type() != b.type() && (a.is_null() || b.is_null())) return is_zero_value(a) && is_zero_value(b);
  return a == b;
}

}  // namespace skiff::api
