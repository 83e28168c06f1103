// Sprig's semver and semverCompare. semver returns a *semver.Version whose methods
// (Major, Minor, Patch, Prerelease, Metadata, Original, String, Compare, LessThan,
// GreaterThan, Equal, IncMajor, ...) templates can call.
#include "chart/funcs/go_values.h"
#include "chart/funcs/registry.h"
#include "chart/funcs/semver.h"

namespace skiff::chart::funcs {

namespace {

using P = ParamKind;
using tmpl::CallContext;
using tmpl::FunctionDef;
using tmpl::TypeInfo;

constexpr const char* kPointerType = "*semver.Version";
constexpr const char* kValueType = "semver.Version";

std::shared_ptr<const TypeInfo> version_type(bool pointer);

// Fields live under keys no template field name can spell.
Value version_value(const SemVersion& v, bool pointer) {
  ValueMap m;
  m[" major"] = Value::unsigned_integer(v.major, Kind::kUint64);
  m[" minor"] = Value::unsigned_integer(v.minor, Kind::kUint64);
  m[" patch"] = Value::unsigned_integer(v.patch, Kind::kUint64);
  m[" pre"] = Value::string(v.pre);
  m[" metadata"] = Value::string(v.metadata);
  m[" original"] = Value::string(v.original);
  return Value::map(std::move(m)).with_type(version_type(pointer));
}

SemVersion version_of(const Value& v) {
  const auto& m = v.unboxed().map_entries();
  auto get = [&](const char* k) -> const Value& { return m.at(k); };
  SemVersion s;
  s.major = get(" major").as_uint();
  s.minor = get(" minor").as_uint();
  s.patch = get(" patch").as_uint();
  s.pre = get(" pre").as_string();
  s.metadata = get(" metadata").as_string();
  s.original = get(" original").as_string();
  return s;
}

std::string v_prefix(const SemVersion& v) { return !v.original.empty() && v.original[0] == 'v' ? "v" : ""; }

FunctionDef method(std::vector<ParamKind> params, std::function<Result<Value>(const SemVersion&, Args&)> fn,
                   const std::string& param_type = "") {
  FunctionDef def = tmpl::make_function(std::move(params), false, [fn](Args& a, CallContext&) {
    return fn(version_of(a[0]), a);
  });
  for (auto& p : def.sig.params) {
    if (p.kind == ParamKind::kNamed) p.named = param_type;
  }
  return def;
}

Value next_version(SemVersion v, void (*bump)(SemVersion&)) {
  std::string prefix = v_prefix(v);
  bump(v);
  v.original = prefix + v.str();
  return version_value(v, false);
}

std::shared_ptr<const TypeInfo> build_type(bool pointer) {
  auto t = std::make_shared<TypeInfo>();
  t->name = pointer ? kPointerType : kValueType;
  t->is_struct = true;
  t->stringer = [](const Value& v) { return version_of(v).str(); };
  auto& m = t->methods;
  m["String"] = method({}, [](const SemVersion& v, Args&) -> Result<Value> { return Value::string(v.str()); });
  m["Major"] = method({}, [](const SemVersion& v, Args&) -> Result<Value> {
    return Value::unsigned_integer(v.major, Kind::kUint64);
  });
  m["Minor"] = method({}, [](const SemVersion& v, Args&) -> Result<Value> {
    return Value::unsigned_integer(v.minor, Kind::kUint64);
  });
  m["Patch"] = method({}, [](const SemVersion& v, Args&) -> Result<Value> {
    return Value::unsigned_integer(v.patch, Kind::kUint64);
  });
  m["Prerelease"] = method({}, [](const SemVersion& v, Args&) -> Result<Value> { return Value::string(v.pre); });
  m["Metadata"] = method({}, [](const SemVersion& v, Args&) -> Result<Value> { return Value::string(v.metadata); });
  m["IncPatch"] = method({}, [](const SemVersion& v, Args&) -> Result<Value> {
    return next_version(v, [](SemVersion& n) {
      if (n.pre.empty()) ++n.patch;
      n.pre.clear();
      n.metadata.clear();
    });
  });
  m["IncMinor"] = method({}, [](const SemVersion& v, Args&) -> Result<Value> {
    return next_version(v, [](SemVersion& n) {
      ++n.minor;
      n.patch = 0;
      n.pre.clear();
      n.metadata.clear();
    });
  });
  m["IncMajor"] = method({}, [](const SemVersion& v, Args&) -> Result<Value> {
    return next_version(v, [](SemVersion& n) {
      ++n.major;
      n.minor = 0;
      n.patch = 0;
      n.pre.clear();
      n.metadata.clear();
    });
  });
  if (!pointer) return t;
  // Methods with pointer receivers.
  m["Original"] = method({}, [](const SemVersion& v, Args&) -> Result<Value> { return Value::string(v.original); });
  auto compare_method = [](std::function<Value(int)> result) {
    return method(
        {ParamKind::kNamed},
        [result](const SemVersion& v, Args& a) -> Result<Value> {
          if (!a[1].is_valid() || a[1].is_nil_interface()) return func_error(kNilDereference);
          return result(v.compare(version_of(a[1])));
        },
        kPointerType);
  };
  m["Compare"] = compare_method([](int c) { return Value::integer(c); });
  m["LessThan"] = compare_method([](int c) { return Value::boolean(c < 0); });
  m["LessThanEqual"] = compare_method([](int c) { return Value::boolean(c <= 0); });
  m["GreaterThan"] = compare_method([](int c) { return Value::boolean(c > 0); });
  m["GreaterThanEqual"] = compare_method([](int c) { return Value::boolean(c >= 0); });
  m["Equal"] = compare_method([](int c) { return Value::boolean(c == 0); });
  return t;
}

std::shared_ptr<const TypeInfo> version_type(bool pointer) {
  static const auto kPointer = build_type(true);
  static const auto kValue = build_type(false);
  return pointer ? kPointer : kValue;
}

}  // namespace

void register_semver_functions(tmpl::TemplateSet& set) {
  add(set, "semver", {P::kString}, false, [](Args& a, CallContext&) -> Result<Value> {
    SKIFF_ASSIGN_OR_RETURN(SemVersion v, parse_semver(a[0].as_string()));
    return version_value(v, true);
  });
  add(set, "semverCompare", {P::kString, P::kString}, false, [](Args& a, CallContext&) -> Result<Value> {
    SKIFF_ASSIGN_OR_RETURN(SemConstraints c, SemConstraints::parse(a[0].as_string()));
    SKIFF_ASSIGN_OR_RETURN(SemVersion v, parse_semver(a[1].as_string()));
    return Value::boolean(c.check(v));
  });
}

}  // namespace skiff::chart::funcs
