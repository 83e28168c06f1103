// Sprig's defaults.go (default, empty, coalesce, all, any, ternary) and reflect.go
// (typeOf, typeIs, typeIsLike, kindOf, kindIs, deepEqual).
#include "chart/funcs/go_values.h"
#include "chart/funcs/registry.h"

namespace skiff::chart::funcs {

namespace {

using P = ParamKind;
using tmpl::CallContext;

}  // namespace

void register_default_functions(tmpl::TemplateSet& set) {
  add(set, "hello", {}, false, [](Args&, CallContext&) -> Result<Value> { return Value::string("Hello!"); });
  add(set, "default", {P::kAny, P::kAny}, true, [](Args& a, CallContext&) -> Result<Value> {
    if (a.size() < 2 || is_empty(a[1])) return interface_result(a[0]);
    return interface_result(a[1]);
  });
  add(set, "empty", {P::kAny}, false,
      [](Args& a, CallContext&) -> Result<Value> { return Value::boolean(is_empty(a[0])); });
  add(set, "coalesce", {P::kAny}, true, [](Args& a, CallContext&) -> Result<Value> {
    for (const auto& v : a) {
      if (!is_empty(v)) return interface_result(v);
    }
    return Value::nil_interface();
  });
  add(set, "all", {P::kAny}, true, [](Args& a, CallContext&) -> Result<Value> {
    for (const auto& v : a) {
      if (is_empty(v)) return Value::boolean(false);
    }
    return Value::boolean(true);
  });
  add(set, "any", {P::kAny}, true, [](Args& a, CallContext&) -> Result<Value> {
    for (const auto& v : a) {
      if (!is_empty(v)) return Value::boolean(true);
    }
    return Value::boolean(false);
  });
  add(set, "ternary", {P::kAny, P::kAny, P::kBool}, false, [](Args& a, CallContext&) -> Result<Value> {
    return interface_result(a[2].as_bool() ? a[0] : a[1]);
  });
}

void register_reflect_functions(tmpl::TemplateSet& set) {
  add(set, "typeOf", {P::kAny}, false,
      [](Args& a, CallContext&) -> Result<Value> { return Value::string(go_type_name(a[0])); });
  add(set, "typeIs", {P::kString, P::kAny}, false, [](Args& a, CallContext&) -> Result<Value> {
    return Value::boolean(a[0].as_string() == go_type_name(a[1]));
  });
  add(set, "typeIsLike", {P::kString, P::kAny}, false, [](Args& a, CallContext&) -> Result<Value> {
    std::string t = go_type_name(a[1]);
    return Value::boolean(a[0].as_string() == t || "*" + a[0].as_string() == t);
  });
  add(set, "kindOf", {P::kAny}, false,
      [](Args& a, CallContext&) -> Result<Value> { return Value::string(reflect_kind_name(a[0])); });
  add(set, "kindIs", {P::kString, P::kAny}, false, [](Args& a, CallContext&) -> Result<Value> {
    return Value::boolean(a[0].as_string() == reflect_kind_name(a[1]));
  });
  add(set, "deepEqual", {P::kAny, P::kAny}, false,
      [](Args& a, CallContext&) -> Result<Value> { return Value::boolean(deep_equal(a[0], a[1])); });
}

}  // namespace skiff::chart::funcs
