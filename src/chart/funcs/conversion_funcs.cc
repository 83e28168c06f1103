// Sprig's type conversions: toString, atoi, int, int64, float64, toDecimal.
#include "chart/funcs/go_values.h"
#include "chart/funcs/registry.h"
#include "chart/template/go_fmt.h"

namespace skiff::chart::funcs {

namespace {

using P = ParamKind;
using tmpl::CallContext;

// strconv.ParseInt(s, base, 64) for an explicit base (no prefixes, no underscores).
// Sets *range_error when the digits overflow (Go then returns the clamped value).
std::optional<int64_t> parse_int_base(std::string_view s, int base, bool* range_error) {
  *range_error = false;
  if (s.empty()) return std::nullopt;
  bool neg = false;
  if (s[0] == '+' || s[0] == '-') {
    neg = s[0] == '-';
    s.remove_prefix(1);
  }
  if (s.empty()) return std::nullopt;
  uint64_t n = 0;
  const uint64_t limit = neg ? uint64_t{1} << 63 : (uint64_t{1} << 63) - 1;
  bool overflow = false;
  for (char c : s) {
    int d;
    if (c >= '0' && c <= '9') {
      d = c - '0';
    } else {
      return std::nullopt;
    }
    if (d >= base) return std::nullopt;
    if (!overflow) {
      if (n > (limit - d) / base) {
        overflow = true;
      } else {
        n = n * base + d;
      }
    }
  }
  if (overflow) {
    *range_error = true;
    return neg ? INT64_MIN : INT64_MAX;
  }
  return neg ? static_cast<int64_t>(0 - n) : static_cast<int64_t>(n);
}

}  // namespace

void register_conversion_functions(tmpl::TemplateSet& set) {
  add(set, "toString", {P::kAny}, false,
      [](Args& a, CallContext&) -> Result<Value> { return Value::string(strval(a[0])); });
  add(set, "atoi", {P::kString}, false, [](Args& a, CallContext&) -> Result<Value> {
    bool range_error;
    auto v = parse_int_base(a[0].as_string(), 10, &range_error);
    return Value::integer(v.value_or(0), Kind::kInt);
  });
  add(set, "int", {P::kAny}, false,
      [](Args& a, CallContext&) -> Result<Value> { return Value::integer(to_int64(a[0]), Kind::kInt); });
  add(set, "int64", {P::kAny}, false,
      [](Args& a, CallContext&) -> Result<Value> { return Value::integer(to_int64(a[0]), Kind::kInt64); });
  add(set, "float64", {P::kAny}, false,
      [](Args& a, CallContext&) -> Result<Value> { return Value::float64(to_float64(a[0])); });
  add(set, "toDecimal", {P::kAny}, false, [](Args& a, CallContext&) -> Result<Value> {
    bool range_error;
    auto v = parse_int_base(tmpl::go_sprint({a[0]}), 8, &range_error);
    return Value::integer(v && !range_error ? *v : 0, Kind::kInt64);
  });
}

}  // namespace skiff::chart::funcs
