// Sprig's dictionary functions (dict.go). Go maps are references: set, unset and merge
// mutate the map they are given and return it. Go iterates maps in random order;
// keys and values here follow sorted key order.
#include "chart/funcs/go_values.h"
#include "chart/funcs/registry.h"

namespace skiff::chart::funcs {

namespace {

using P = ParamKind;
using tmpl::CallContext;
using tmpl::MapData;

// The map a map[string]interface{} parameter received, as an unnamed map sharing its
// storage.
Value plain_map(const Value& m) { return m.with_type(nullptr); }

Error nil_map_assignment() { return func_error("assignment to entry in nil map"); }

Error not_a_map(const Value& v) {
  return func_error("interface conversion: interface {} is " + go_type_name(v) + ", not map[string]interface {}");
}

bool is_plain_interface_map(const Value& v) {
  return v.kind() == Kind::kMap && v.elem_kind() == Kind::kInterface && !v.type_info();
}

// mergo's deepMerge of map[string]interface{} values (as Sprig calls it: Merge and
// MergeWithOverwrite without other options).
void merge_maps(MapData* dst, const Value& src, bool overwrite) {
  for (const auto& [key, stored] : src.map_entries()) {
    Value s = stored.unboxed();
    auto it = dst->entries.find(key);
    bool present = it != dst->entries.end();
    Value d = present ? it->second.unboxed() : Value();
    if (!s.is_valid()) {
      if (overwrite) dst->entries[key] = Value();
      continue;
    }
    if (s.kind() == Kind::kMap && !s.type_info() && d.kind() == Kind::kMap && !d.type_info() &&
        !d.is_nil_container() && !s.is_nil_container()) {
      merge_maps(d.map_data().get(), s, overwrite);
    }
    if (present && !is_empty(d)) {
      if (s.kind() == Kind::kSlice && !s.type_info()) {
        if (overwrite) dst->entries[key] = s;
        continue;
      }
      if (s.kind() == Kind::kMap && d.kind() == Kind::kMap) continue;
    }
    if (overwrite || !present || is_empty(d)) dst->entries[key] = s;
  }
}

Result<Value> merge(Args& a, bool overwrite) {
  Value dst = plain_map(a[0]);
  if (dst.is_nil_container()) {
    bool any_source = false;
    for (size_t i = 1; i < a.size(); ++i) any_source |= !a[i].is_nil_container();
    if (any_source) dst = Value::map();
  }
  for (size_t i = 1; i < a.size(); ++i) {
    if (dst.is_nil_container()) break;
    merge_maps(dst.map_data().get(), a[i], overwrite);
  }
  return interface_result(dst);
}

Value deep_copy(const Value& v_in) {
  Value v = v_in.unboxed();
  if (v.kind() == Kind::kMap && !v.is_nil_container()) {
    ValueMap entries;
    for (const auto& [k, item] : v.map_entries()) entries.emplace(k, deep_copy(item));
    return Value::map(std::move(entries), v.elem_kind()).with_type(v.type_info());
  }
  if (v.kind() == Kind::kSlice && !v.is_nil_container()) {
    ValueList items;
    for (const auto& item : v.list_items()) items.push_back(deep_copy(item));
    return Value::list(std::move(items), v.elem_kind()).with_type(v.type_info());
  }
  return v;
}

Result<Value> dig(Args& a) {
  if (a.size() < 3) return func_error("dig needs at least three arguments");
  Value dict = a.back();
  if (!is_plain_interface_map(dict)) return not_a_map(dict);
  Value def = a[a.size() - 2];
  std::vector<std::string> keys;
  for (size_t i = 0; i + 2 < a.size(); ++i) {
    if (a[i].kind() != Kind::kString || a[i].type_info()) {
      return func_error("interface conversion: interface {} is " + go_type_name(a[i]) + ", not string");
    }
    keys.push_back(a[i].as_string());
  }
  for (size_t i = 0; i < keys.size(); ++i) {
    const auto& entries = dict.map_entries();
    auto it = entries.find(keys[i]);
    if (it == entries.end()) return interface_result(def);
    Value step = it->second.unboxed();
    if (i + 1 == keys.size()) return interface_result(step);
    if (!is_plain_interface_map(step)) return not_a_map(step);
    dict = step;
  }
  return interface_result(def);
}

}  // namespace

void register_dict_functions(tmpl::TemplateSet& set) {
  add(set, "get", {P::kMap, P::kString}, false, [](Args& a, CallContext&) -> Result<Value> {
    const auto& entries = a[0].map_entries();
    auto it = entries.find(a[1].as_string());
    if (it == entries.end()) return interface_result(Value::string(""));
    return interface_result(it->second.unboxed());
  });
  add(set, "set", {P::kMap, P::kString, P::kAny}, false, [](Args& a, CallContext&) -> Result<Value> {
    if (a[0].is_nil_container()) return nil_map_assignment();
    a[0].map_data()->entries[a[1].as_string()] = a[2];
    return plain_map(a[0]);
  });
  add(set, "unset", {P::kMap, P::kString}, false, [](Args& a, CallContext&) -> Result<Value> {
    if (!a[0].is_nil_container()) a[0].map_data()->entries.erase(a[1].as_string());
    return plain_map(a[0]);
  });
  add(set, "hasKey", {P::kMap, P::kString}, false, [](Args& a, CallContext&) -> Result<Value> {
    return Value::boolean(a[0].map_entries().count(a[1].as_string()) > 0);
  });
  add(set, "pluck", {P::kString, P::kMap}, true, [](Args& a, CallContext&) -> Result<Value> {
    ValueList out;
    for (size_t i = 1; i < a.size(); ++i) {
      const auto& entries = a[i].map_entries();
      auto it = entries.find(a[0].as_string());
      if (it != entries.end()) out.push_back(it->second.unboxed());
    }
    return Value::list(std::move(out));
  });
  add(set, "keys", {P::kMap}, true, [](Args& a, CallContext&) -> Result<Value> {
    std::vector<std::string> out;
    for (const auto& m : a) {
      for (const auto& [k, v] : m.map_entries()) out.push_back(k);
    }
    return string_list(std::move(out));
  });
  add(set, "pick", {P::kMap, P::kString}, true, [](Args& a, CallContext&) -> Result<Value> {
    ValueMap out;
    const auto& entries = a[0].map_entries();
    for (size_t i = 1; i < a.size(); ++i) {
      auto it = entries.find(a[i].as_string());
      if (it != entries.end()) out[it->first] = it->second.unboxed();
    }
    return Value::map(std::move(out));
  });
  add(set, "omit", {P::kMap, P::kString}, true, [](Args& a, CallContext&) -> Result<Value> {
    ValueMap out;
    for (const auto& [k, v] : a[0].map_entries()) {
      bool omitted = false;
      for (size_t i = 1; i < a.size() && !omitted; ++i) omitted = a[i].as_string() == k;
      if (!omitted) out[k] = v.unboxed();
    }
    return Value::map(std::move(out));
  });
  add(set, "dict", {P::kAny}, true, [](Args& a, CallContext&) -> Result<Value> {
    ValueMap out;
    for (size_t i = 0; i < a.size(); i += 2) {
      std::string key = strval(a[i]);
      out[key] = i + 1 < a.size() ? a[i + 1] : Value::string("");
    }
    return Value::map(std::move(out));
  });
  add(set, "merge", {P::kMap, P::kMap}, true,
      [](Args& a, CallContext&) -> Result<Value> { return merge(a, false); });
  add(set, "mustMerge", {P::kMap, P::kMap}, true,
      [](Args& a, CallContext&) -> Result<Value> { return merge(a, false); });
  add(set, "mergeOverwrite", {P::kMap, P::kMap}, true,
      [](Args& a, CallContext&) -> Result<Value> { return merge(a, true); });
  add(set, "mustMergeOverwrite", {P::kMap, P::kMap}, true,
      [](Args& a, CallContext&) -> Result<Value> { return merge(a, true); });
  add(set, "values", {P::kMap}, false, [](Args& a, CallContext&) -> Result<Value> {
    ValueList out;
    for (const auto& [k, v] : a[0].map_entries()) out.push_back(v.unboxed());
    return Value::list(std::move(out));
  });
  auto copy = [](Args& a, CallContext&) -> Result<Value> {
    // copystructure reflects on the value's type, which nil lacks.
    if (!a[0].is_valid()) return func_error("reflect: call of reflect.Value.Type on zero Value");
    return interface_result(deep_copy(a[0]));
  };
  add(set, "deepCopy", {P::kAny}, false, copy);
  add(set, "mustDeepCopy", {P::kAny}, false, copy);
  add(set, "dig", {P::kAny}, true, [](Args& a, CallContext&) -> Result<Value> { return dig(a); });
}

}  // namespace skiff::chart::funcs
