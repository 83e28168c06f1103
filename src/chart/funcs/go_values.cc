#include "chart/funcs/go_values.h"

#include <cmath>

#include "chart/template/function.h"
#include "chart/template/go_fmt.h"
#include "chart/template/go_strconv.h"

namespace skiff::chart::funcs {

using tmpl::Kind;
using tmpl::Value;

namespace {

// cast's trimZeroDecimal: "12.000" -> "12" (only when every decimal is a zero).
std::string trim_zero_decimal(const std::string& s) {
  bool found_zero = false;
  for (size_t i = s.size(); i > 0; --i) {
    char c = s[i - 1];
    if (c == '.') {
      if (found_zero) return s.substr(0, i - 1);
    } else if (c == '0') {
      found_zero = true;
    } else {
      return s;
    }
  }
  return s;
}

bool is_struct_like(const Value& v) { return v.type_info() && v.type_info()->is_struct; }

bool is_pointer_type(const Value& v) {
  return v.type_info() && !v.type_info()->name.empty() && v.type_info()->name[0] == '*';
}

// strconv.ParseFloat, including its spellings of infinity and NaN.
std::optional<double> parse_float_string(const std::string& s) {
  std::string lower;
  for (char c : s) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (lower == "inf" || lower == "+inf" || lower == "infinity" || lower == "+infinity") return INFINITY;
  if (lower == "-inf" || lower == "-infinity") return -INFINITY;
  if (lower == "nan") return NAN;
  return tmpl::go_parse_float(s);
}

}  // namespace

int64_t go_float_to_int64(double f) {
  if (std::isnan(f) || f >= 9223372036854775808.0 || f < -9223372036854775808.0) return INT64_MIN;
  return static_cast<int64_t>(f);
}

std::optional<int64_t> cast_to_int64(const Value& in) {
  Value v = in.unboxed();
  Kind k = v.kind();
  if (!v.is_valid()) return 0;
  if (v.type_info() && (is_struct_like(v) || is_pointer_type(v))) return std::nullopt;
  if (tmpl::is_signed_int_kind(k)) return v.as_int();
  if (tmpl::is_unsigned_int_kind(k)) return static_cast<int64_t>(v.as_uint());
  if (tmpl::is_float_kind(k)) return go_float_to_int64(v.as_float());
  if (k == Kind::kBool) return v.as_bool() ? 1 : 0;
  if (k == Kind::kString) return tmpl::go_parse_int(trim_zero_decimal(v.as_string()));
  return std::nullopt;
}

std::optional<double> cast_to_float64(const Value& in) {
  Value v = in.unboxed();
  Kind k = v.kind();
  if (!v.is_valid()) return 0.0;
  if (v.type_info() && (is_struct_like(v) || is_pointer_type(v))) return std::nullopt;
  if (tmpl::is_signed_int_kind(k)) return static_cast<double>(v.as_int());
  if (tmpl::is_unsigned_int_kind(k)) return static_cast<double>(v.as_uint());
  if (tmpl::is_float_kind(k)) return v.as_float();
  if (k == Kind::kBool) return v.as_bool() ? 1.0 : 0.0;
  if (k == Kind::kString) return parse_float_string(v.as_string());
  return std::nullopt;
}

std::string strval(const Value& in) {
  Value v = in.unboxed();
  if (v.kind() == Kind::kString && !v.type_info()) return v.as_string();
  if (v.type_info() && v.type_info()->stringer) return v.type_info()->stringer(v);
  if (v.kind() == Kind::kSlice && v.elem_kind() == Kind::kUint8) {  // []byte: its bytes
    std::string bytes;
    for (const auto& item : v.list_items()) bytes += static_cast<char>(item.unboxed().as_uint());
    return bytes;
  }
  return tmpl::go_format_value(v);
}

bool is_empty(const Value& in) {
  Value v = in.unboxed();
  if (!v.is_valid()) return true;
  if (is_struct_like(v)) return false;
  Kind k = v.kind();
  switch (k) {
    case Kind::kMap:
    case Kind::kSlice:
    case Kind::kString: return v.size() == 0;
    case Kind::kBool: return !v.as_bool();
    case Kind::kFunc: return v.function_def() == nullptr;
    default:
      if (tmpl::is_signed_int_kind(k)) return v.as_int() == 0;
      if (tmpl::is_unsigned_int_kind(k)) return v.as_uint() == 0;
      if (tmpl::is_float_kind(k)) return v.as_float() == 0;
      return false;
  }
}

std::string reflect_kind_name(const Value& in) {
  Value v = in.unboxed();
  if (!v.is_valid()) return "invalid";
  if (is_pointer_type(v)) return "ptr";
  if (is_struct_like(v)) return "struct";
  switch (v.kind()) {
    case Kind::kMap: return "map";
    case Kind::kSlice: return "slice";
    case Kind::kFunc: return "func";
    default: return std::string(tmpl::basic_type_name(v.kind()));
  }
}

std::string go_type_name(const Value& in) {
  Value v = in.unboxed();
  if (!v.is_valid()) return "<nil>";
  return v.type_name();
}

bool deep_equal(const Value& a_in, const Value& b_in) {
  Value a = a_in.unboxed();
  Value b = b_in.unboxed();
  if (!a.is_valid() || !b.is_valid()) return !a.is_valid() && !b.is_valid();
  if (a.kind() != b.kind() || a.type_name() != b.type_name()) return false;
  Kind k = a.kind();
  switch (k) {
    case Kind::kBool: return a.as_bool() == b.as_bool();
    case Kind::kString: return a.as_string() == b.as_string();
    case Kind::kMap: {
      if (a.is_nil_container() != b.is_nil_container()) return false;
      if (a.map_data() == b.map_data()) return true;
      const auto& am = a.map_entries();
      const auto& bm = b.map_entries();
      if (am.size() != bm.size()) return false;
      for (const auto& [key, value] : am) {
        auto it = bm.find(key);
        if (it == bm.end() || !deep_equal(value, it->second)) return false;
      }
      return true;
    }
    case Kind::kSlice: {
      if (a.is_nil_container() != b.is_nil_container()) return false;
      const auto& al = a.list_items();
      const auto& bl = b.list_items();
      if (al.size() != bl.size()) return false;
      for (size_t i = 0; i < al.size(); ++i) {
        if (!deep_equal(al[i], bl[i])) return false;
      }
      return true;
    }
    case Kind::kFunc:
      // Functions are deeply equal only when both are nil.
      return a.function_def() == nullptr && b.function_def() == nullptr;
    default:
      if (tmpl::is_signed_int_kind(k)) return a.as_int() == b.as_int();
      if (tmpl::is_unsigned_int_kind(k)) return a.as_uint() == b.as_uint();
      if (tmpl::is_float_kind(k)) return a.as_float() == b.as_float();
      return false;
  }
}

bool is_list(const Value& in) {
  Value v = in.unboxed();
  return v.kind() == Kind::kSlice;
}

std::vector<Value> list_values(const Value& in) {
  Value v = in.unboxed();
  std::vector<Value> out;
  out.reserve(v.size());
  for (const auto& item : v.list_items()) out.push_back(item.unboxed());
  return out;
}

Value interface_result(Value v) {
  if (!v.is_valid()) return Value::nil_interface();
  return v.boxed();
}

Value string_list(std::vector<std::string> items) {
  tmpl::ValueList list;
  list.reserve(items.size());
  for (auto& s : items) list.push_back(Value::string(std::move(s)));
  return Value::list(std::move(list), Kind::kString);
}

Value string_map(const std::vector<std::pair<std::string, std::string>>& items) {
  tmpl::ValueMap map;
  for (const auto& [k, v] : items) map[k] = Value::string(v);
  return Value::map(std::move(map), Kind::kString);
}

}  // namespace skiff::chart::funcs
