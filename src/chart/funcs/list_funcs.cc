// Sprig's list functions (list.go). Each X panics where mustX returns an error; both
// reach the template as "error calling X: MESSAGE".
#include <algorithm>
#include <cctype>
#include <cmath>

#include "chart/funcs/go_values.h"
#include "chart/funcs/registry.h"

namespace skiff::chart::funcs {

namespace {

using P = ParamKind;
using tmpl::CallContext;
using ListFn = std::function<Result<Value>(Args&)>;

// reflect.TypeOf(list).Kind() on a nil interface dereferences nil.
Result<std::vector<Value>> list_arg(const Value& list, const char* what) {
  if (!list.is_valid()) return func_error(kNilDereference);
  if (!is_list(list)) return func_error(std::string(what) + " " + reflect_kind_name(list));
  return list_values(list);
}

Value new_list(std::vector<Value> items) { return Value::list(std::move(items)); }

bool in_list(const std::vector<Value>& haystack, const Value& needle) {
  for (const auto& h : haystack) {
    if (deep_equal(needle, h)) return true;
  }
  return false;
}

void add_pair(tmpl::TemplateSet& set, const std::string& name, std::vector<ParamKind> params, bool variadic,
              ListFn fn) {
  add(set, name, params, variadic, [fn](Args& a, CallContext&) { return fn(a); });
  std::string must = "must" + std::string(1, static_cast<char>(std::toupper(name[0]))) + name.substr(1);
  add(set, must, params, variadic, [fn](Args& a, CallContext&) { return fn(a); });
}

Result<Value> push(Args& a) {
  SKIFF_ASSIGN_OR_RETURN(auto items, list_arg(a[0], "Cannot push on type"));
  items.push_back(a[1]);
  return new_list(std::move(items));
}

Result<Value> prepend(Args& a) {
  SKIFF_ASSIGN_OR_RETURN(auto items, list_arg(a[0], "Cannot prepend on type"));
  items.insert(items.begin(), a[1]);
  return new_list(std::move(items));
}

// [][]interface{} has no Kind of its own; a named type carries Go's spelling.
Value list_of_lists(ValueList chunks) {
  static const auto kType = [] {
    auto t = std::make_shared<tmpl::TypeInfo>();
    t->name = "[][]interface {}";
    return std::shared_ptr<const tmpl::TypeInfo>(t);
  }();
  return Value::list(std::move(chunks), Kind::kSlice).with_type(kType);
}

Result<Value> chunk(Args& a) {
  int64_t size = a[0].as_int();
  SKIFF_ASSIGN_OR_RETURN(auto items, list_arg(a[1], "Cannot chunk type"));
  int64_t l = static_cast<int64_t>(items.size());
  if (size <= 0) {
    if (l == 0 && size < 0) return list_of_lists({});
    return func_error("runtime error: makeslice: len out of range");
  }
  int64_t count = static_cast<int64_t>(std::floor(static_cast<double>(l - 1) / static_cast<double>(size)) + 1);
  ValueList chunks;
  for (int64_t i = 0; i < count; ++i) {
    int64_t clen = size;
    if (i == count - 1) {
      clen = static_cast<int64_t>(std::fmod(static_cast<double>(l), static_cast<double>(size)));
      if (clen == 0) clen = size;
    }
    ValueList part(items.begin() + i * size, items.begin() + i * size + clen);
    chunks.push_back(Value::list(std::move(part)));
  }
  return list_of_lists(std::move(chunks));
}

Result<Value> last(Args& a) {
  SKIFF_ASSIGN_OR_RETURN(auto items, list_arg(a[0], "Cannot find last on type"));
  if (items.empty()) return Value::nil_interface();
  return interface_result(items.back());
}

Result<Value> first(Args& a) {
  SKIFF_ASSIGN_OR_RETURN(auto items, list_arg(a[0], "Cannot find first on type"));
  if (items.empty()) return Value::nil_interface();
  return interface_result(items.front());
}

Result<Value> rest(Args& a) {
  SKIFF_ASSIGN_OR_RETURN(auto items, list_arg(a[0], "Cannot find rest on type"));
  if (items.empty()) return Value::nil_list();
  items.erase(items.begin());
  return new_list(std::move(items));
}

Result<Value> initial(Args& a) {
  SKIFF_ASSIGN_OR_RETURN(auto items, list_arg(a[0], "Cannot find initial on type"));
  if (items.empty()) return Value::nil_list();
  items.pop_back();
  return new_list(std::move(items));
}

Result<Value> reverse(Args& a) {
  SKIFF_ASSIGN_OR_RETURN(auto items, list_arg(a[0], "Cannot find reverse on type"));
  std::reverse(items.begin(), items.end());
  return new_list(std::move(items));
}

Result<Value> compact(Args& a) {
  SKIFF_ASSIGN_OR_RETURN(auto items, list_arg(a[0], "Cannot compact on type"));
  std::vector<Value> out;
  for (auto& item : items) {
    if (!is_empty(item)) out.push_back(std::move(item));
  }
  return new_list(std::move(out));
}

Result<Value> uniq(Args& a) {
  SKIFF_ASSIGN_OR_RETURN(auto items, list_arg(a[0], "Cannot find uniq on type"));
  std::vector<Value> out;
  for (auto& item : items) {
    if (!in_list(out, item)) out.push_back(std::move(item));
  }
  return new_list(std::move(out));
}

Result<Value> without(Args& a) {
  SKIFF_ASSIGN_OR_RETURN(auto items, list_arg(a[0], "Cannot find without on type"));
  std::vector<Value> omit(a.begin() + 1, a.end());
  std::vector<Value> out;
  for (auto& item : items) {
    if (!in_list(omit, item)) out.push_back(std::move(item));
  }
  return new_list(std::move(out));
}

Result<Value> has(Args& a) {
  if (!a[1].is_valid()) return Value::boolean(false);
  SKIFF_ASSIGN_OR_RETURN(auto items, list_arg(a[1], "Cannot find has on type"));
  return Value::boolean(in_list(items, a[0]));
}

Result<Value> slice(Args& a) {
  const Value& list = a[0];
  if (!list.is_valid()) return func_error(kNilDereference);
  if (!is_list(list)) return func_error("list should be type of slice or array but " + reflect_kind_name(list));
  const auto& items = list.list_items();
  int64_t l = static_cast<int64_t>(items.size());
  if (l == 0) return Value::nil_interface();
  int64_t start = a.size() > 1 ? to_int64(a[1]) : 0;
  int64_t end = a.size() > 2 ? to_int64(a[2]) : l;
  if (start < 0 || end < start || end > l) return func_error("reflect.Value.Slice: slice index out of bounds");
  ValueList part(items.begin() + start, items.begin() + end);
  return interface_result(Value::list(std::move(part), list.elem_kind()).with_type(list.type_info()));
}

}  // namespace

void register_list_functions(tmpl::TemplateSet& set) {
  auto list = [](Args& a, CallContext&) -> Result<Value> { return Value::list(ValueList(a.begin(), a.end())); };
  add(set, "list", {P::kAny}, true, list);
  add(set, "tuple", {P::kAny}, true, list);
  add_pair(set, "push", {P::kAny, P::kAny}, false, push);
  add_pair(set, "append", {P::kAny, P::kAny}, false, push);
  add_pair(set, "prepend", {P::kAny, P::kAny}, false, prepend);
  add_pair(set, "chunk", {P::kInt, P::kAny}, false, chunk);
  add_pair(set, "last", {P::kAny}, false, last);
  add_pair(set, "first", {P::kAny}, false, first);
  add_pair(set, "rest", {P::kAny}, false, rest);
  add_pair(set, "initial", {P::kAny}, false, initial);
  add_pair(set, "reverse", {P::kAny}, false, reverse);
  add_pair(set, "compact", {P::kAny}, false, compact);
  add_pair(set, "uniq", {P::kAny}, false, uniq);
  add_pair(set, "without", {P::kAny, P::kAny}, true, without);
  add_pair(set, "has", {P::kAny, P::kAny}, false, has);
  add_pair(set, "slice", {P::kAny, P::kAny}, true, slice);
  add(set, "concat", {P::kAny}, true, [](Args& a, CallContext&) -> Result<Value> {
    std::vector<Value> out;
    bool any = false;
    for (const auto& l : a) {
      if (!l.is_valid()) return func_error(kNilDereference);
      if (!is_list(l)) return func_error("Cannot concat type " + reflect_kind_name(l) + " as list");
      for (auto& item : list_values(l)) {
        out.push_back(std::move(item));
        any = true;
      }
    }
    if (!any) return interface_result(Value::nil_list());
    return interface_result(Value::list(std::move(out)));
  });
}

}  // namespace skiff::chart::funcs
