// Template functions (Go's FuncMap entries) and methods of named types, with the Go
// parameter types the executor needs to check and convert arguments exactly like Go.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "chart/template/value.h"
#include "util/result.h"

namespace skiff::chart::tmpl {

class TemplateSet;

// The Go type of a parameter. Arguments are converted as text/template does:
// kValue receives the argument as-is (Go's reflect.Value: boxed nils stay boxed),
// kAny receives the dynamic value (a nil interface arrives as the invalid Value),
// the others must match exactly ("wrong type for value; expected int; got float64").
enum class ParamKind {
  kValue,    // reflect.Value
  kAny,      // interface{}
  kBool,
  kInt,
  kInt64,
  kUint32,
  kFloat64,
  kString,
  kMap,      // map[string]interface{} (also accepts named map types)
  kSlice,    // []interface{}
  kNamed,    // a TypeInfo type, matched by name
};

struct ParamType {
  ParamKind kind = ParamKind::kAny;
  std::string named;  // for kNamed: TypeInfo::name
  // Go's spelling of the type, for error messages.
  std::string go_name() const;
};

struct Signature {
  std::vector<ParamType> params;
  bool variadic = false;  // the last parameter repeats (Go's ...T)
};

// Functions run inside an execution; they can execute other templates (helm's include)
// and see the template set (helm's tpl parses into a copy of it).
class CallContext {
 public:
  virtual ~CallContext() = default;
  virtual const TemplateSet& templates() const = 0;
  // Name of the template being executed (the "executing" name in errors).
  virtual std::string_view template_name() const = 0;
  // Executes a named template of the set with `data` as dot and returns its output.
  virtual Result<std::string> execute_template(std::string_view name, const Value& data) = 0;
};

using Function = std::function<Result<Value>(std::vector<Value>& args, CallContext& ctx)>;

struct FunctionDef {
  Signature sig;
  Function fn;
};

// Convenience: a FunctionDef from parameter kinds.
FunctionDef make_function(std::vector<ParamKind> params, bool variadic, Function fn);

// A named Go type: a map or list with methods, or a struct (a map whose missing
// fields are errors, "can't evaluate field X in type T").
struct TypeInfo {
  std::string name;  // e.g. "chartutil.Values", "*semver.Version"
  bool is_struct = false;
  // Methods receive the receiver as args[0], then the call's arguments; the
  // signature lists the call's parameters only.
  std::map<std::string, FunctionDef, std::less<>> methods;
  // Go's fmt.Stringer: how %v and %s print the value.
  std::function<std::string(const Value&)> stringer;
};

}  // namespace skiff::chart::tmpl
