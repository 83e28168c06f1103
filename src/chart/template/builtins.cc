// text/template's builtin functions (Go's funcs.go), with Go's error texts.
#include <cstring>

#include "chart/template/go_fmt.h"
#include "chart/template/go_strconv.h"
#include "chart/template/template.h"
#include "chart/template/truth.h"

namespace skiff::chart::tmpl {
namespace {

using Args = std::vector<Value>;

Error func_error(std::string msg) { return Error::invalid(std::move(msg)); }

// Go's reflect.Value.Type() on the zero Value panics; safeCall reports the panic.
constexpr const char* kZeroValueType = "reflect: call of reflect.Value.Type on zero Value";

// indexArg: an integer usable as an index no larger than cap.
Result<int64_t> index_arg(const Value& index, size_t cap) {
  int64_t x;
  Kind k = index.is_boxed() ? Kind::kInterface : index.kind();
  if (is_signed_int_kind(k)) {
    x = index.as_int();
  } else if (is_unsigned_int_kind(k)) {
    x = static_cast<int64_t>(index.as_uint());
  } else if (k == Kind::kInvalid) {
    return func_error("cannot index slice/array with nil");
  } else {
    return func_error("cannot index slice/array with type " + index.static_type_name());
  }
  if (x < 0 || static_cast<uint64_t>(x) > cap) {
    return func_error("index out of range: " + std::to_string(x));
  }
  return x;
}

Result<Value> builtin_index(Args& args, CallContext&) {
  Value item = args[0].unboxed();
  if (!item.is_valid()) return func_error("index of untyped nil");
  for (size_t i = 1; i < args.size(); ++i) {
    Value index = args[i].unboxed();
    if (item.is_nil_interface()) return func_error("index of nil pointer");
    item = item.unboxed();
    switch (item.kind()) {
      case Kind::kSlice:
      case Kind::kString: {
        SKIFF_ASSIGN_OR_RETURN(int64_t x, index_arg(index, item.size()));
        if (static_cast<size_t>(x) == item.size()) {
          return func_error(item.kind() == Kind::kString ? "reflect: string index out of range"
                                                         : "reflect: slice index out of range");
        }
        if (item.kind() == Kind::kString) {
          item = Value::unsigned_integer(static_cast<unsigned char>(item.as_string()[x]), Kind::kUint8);
        } else {
          item = item.element(item.list_items()[x]);
        }
        break;
      }
      case Kind::kMap: {
        if (!index.is_valid()) return func_error("value is nil; should be of type string");
        if (index.kind() != Kind::kString) {
          return func_error("value has type " + index.type_name() + "; should be string");
        }
        const auto& entries = item.map_entries();
        auto it = entries.find(index.as_string());
        item = it != entries.end() ? item.element(it->second) : zero_value(item.elem_kind());
        break;
      }
      default:
        return func_error("can't index item of type " + item.type_name());
    }
  }
  return item;
}

Result<Value> builtin_slice(Args& args, CallContext&) {
  Value item = args[0].unboxed();
  if (!item.is_valid()) return func_error("slice of untyped nil");
  size_t nindexes = args.size() - 1;
  if (nindexes > 3) return func_error("too many slice indexes: " + std::to_string(nindexes));
  size_t cap;
  if (item.kind() == Kind::kString) {
    if (nindexes == 3) return func_error("cannot 3-index slice a string");
    cap = item.size();
  } else if (item.kind() == Kind::kSlice) {
    cap = item.size();
  } else {
    return func_error("can't slice item of type " + item.type_name());
  }
  int64_t idx[3] = {0, static_cast<int64_t>(item.size()), 0};
  for (size_t i = 0; i < nindexes; ++i) {
    SKIFF_ASSIGN_OR_RETURN(idx[i], index_arg(args[i + 1], cap));
  }
  if (idx[0] > idx[1]) {
    return func_error("invalid slice index: " + std::to_string(idx[0]) + " > " + std::to_string(idx[1]));
  }
  if (nindexes == 3 && idx[1] > idx[2]) {
    return func_error("invalid slice index: " + std::to_string(idx[1]) + " > " + std::to_string(idx[2]));
  }
  if (item.kind() == Kind::kString) {
    return Value::string(item.as_string().substr(idx[0], idx[1] - idx[0])).with_type(item.type_info());
  }
  const auto& items = item.list_items();
  ValueList out(items.begin() + idx[0], items.begin() + idx[1]);
  return Value::list(std::move(out), item.elem_kind()).with_type(item.type_info());
}

Result<Value> builtin_len(Args& args, CallContext&) {
  const Value& item = args[0];
  if (item.is_nil_interface()) return func_error("len of nil pointer");
  Value v = item.unboxed();
  switch (v.kind()) {
    case Kind::kMap:
    case Kind::kSlice:
    case Kind::kString:
      return Value::integer(static_cast<int64_t>(v.size()));
    case Kind::kInvalid:
      return func_error(kZeroValueType);
    default:
      return func_error("len of type " + v.type_name());
  }
}

Result<Value> builtin_not(Args& args, CallContext&) { return Value::boolean(!is_true(args[0])); }

Result<Value> builtin_and(Args& args, CallContext&) {
  for (size_t i = 0; i + 1 < args.size(); ++i) {
    if (!is_true(args[i])) return args[i];
  }
  return args.back();
}

Result<Value> builtin_or(Args& args, CallContext&) {
  for (size_t i = 0; i + 1 < args.size(); ++i) {
    if (is_true(args[i])) return args[i];
  }
  return args.back();
}

enum class BasicKind { kInvalid, kBool, kInt, kFloat, kString, kUint };

BasicKind basic_kind(const Value& v) {
  Kind k = v.kind();
  if (k == Kind::kBool) return BasicKind::kBool;
  if (is_signed_int_kind(k)) return BasicKind::kInt;
  if (is_unsigned_int_kind(k)) return BasicKind::kUint;
  if (is_float_kind(k)) return BasicKind::kFloat;
  if (k == Kind::kString) return BasicKind::kString;
  return BasicKind::kInvalid;
}

Error incompatible(const Value& a, const Value& b) {
  return func_error("incompatible types for comparison: " + a.type_name() + " and " + b.type_name());
}

bool is_nil_value(const Value& v) {
  return !v.is_valid() || v.is_nil_container() || (v.kind() == Kind::kFunc && !v.function_def());
}

Result<Value> builtin_eq(Args& args, CallContext&) {
  Value arg1 = args[0].unboxed();
  if (args.size() < 2) return func_error("missing argument for comparison");
  BasicKind k1 = basic_kind(arg1);
  for (size_t i = 1; i < args.size(); ++i) {
    Value arg = args[i].unboxed();
    BasicKind k2 = basic_kind(arg);
    bool truth = false;
    if (k1 != k2) {
      if (k1 == BasicKind::kInt && k2 == BasicKind::kUint) {
        truth = arg1.as_int() >= 0 && static_cast<uint64_t>(arg1.as_int()) == arg.as_uint();
      } else if (k1 == BasicKind::kUint && k2 == BasicKind::kInt) {
        truth = arg.as_int() >= 0 && arg1.as_uint() == static_cast<uint64_t>(arg.as_int());
      } else if (arg1.is_valid() && arg.is_valid()) {
        return incompatible(arg1, arg);
      }
    } else {
      switch (k1) {
        case BasicKind::kBool: truth = arg1.as_bool() == arg.as_bool(); break;
        case BasicKind::kFloat: truth = arg1.as_float() == arg.as_float(); break;
        case BasicKind::kInt: truth = arg1.as_int() == arg.as_int(); break;
        case BasicKind::kString: truth = arg1.as_string() == arg.as_string(); break;
        case BasicKind::kUint: truth = arg1.as_uint() == arg.as_uint(); break;
        case BasicKind::kInvalid: {
          if (arg1.kind() != arg.kind() && arg1.is_valid() && arg.is_valid()) {
            return func_error("non-comparable types " + go_sprintf("%s", {arg1}) + ": " +
                              arg1.type_name() + ", " + arg.type_name() + ": " + go_format_value(arg));
          }
          if (is_nil_value(arg1) || is_nil_value(arg)) {
            truth = is_nil_value(arg) == is_nil_value(arg1);
          } else {
            // Maps, slices and functions are not comparable in Go.
            return func_error("non-comparable type " + go_sprintf("%s", {arg}) + ": " + arg.type_name());
          }
          break;
        }
      }
    }
    if (truth) return Value::boolean(true);
  }
  return Value::boolean(false);
}

Result<Value> builtin_ne(Args& args, CallContext& ctx) {
  SKIFF_ASSIGN_OR_RETURN(Value eq, builtin_eq(args, ctx));
  return Value::boolean(!eq.as_bool());
}

Result<bool> less_than(const Value& a_in, const Value& b_in) {
  Value a = a_in.unboxed();
  Value b = b_in.unboxed();
  BasicKind k1 = basic_kind(a);
  if (k1 == BasicKind::kInvalid) return func_error("invalid type for comparison");
  BasicKind k2 = basic_kind(b);
  if (k2 == BasicKind::kInvalid) return func_error("invalid type for comparison");
  if (k1 != k2) {
    if (k1 == BasicKind::kInt && k2 == BasicKind::kUint) {
      return a.as_int() < 0 || static_cast<uint64_t>(a.as_int()) < b.as_uint();
    }
    if (k1 == BasicKind::kUint && k2 == BasicKind::kInt) {
      return b.as_int() >= 0 && a.as_uint() < static_cast<uint64_t>(b.as_int());
    }
    return incompatible(a, b);
  }
  switch (k1) {
    case BasicKind::kFloat: return a.as_float() < b.as_float();
    case BasicKind::kInt: return a.as_int() < b.as_int();
    case BasicKind::kString: return a.as_string() < b.as_string();
    case BasicKind::kUint: return a.as_uint() < b.as_uint();
    default: return func_error("invalid type for comparison");
  }
}

Result<bool> less_or_equal(Args& args, CallContext& ctx) {
  SKIFF_ASSIGN_OR_RETURN(bool lt, less_than(args[0], args[1]));
  if (lt) return true;
  SKIFF_ASSIGN_OR_RETURN(Value eq, builtin_eq(args, ctx));
  return eq.as_bool();
}

Result<Value> builtin_lt(Args& args, CallContext&) {
  SKIFF_ASSIGN_OR_RETURN(bool lt, less_than(args[0], args[1]));
  return Value::boolean(lt);
}

Result<Value> builtin_le(Args& args, CallContext& ctx) {
  SKIFF_ASSIGN_OR_RETURN(bool le, less_or_equal(args, ctx));
  return Value::boolean(le);
}

Result<Value> builtin_gt(Args& args, CallContext& ctx) {
  SKIFF_ASSIGN_OR_RETURN(bool le, less_or_equal(args, ctx));
  return Value::boolean(!le);
}

Result<Value> builtin_ge(Args& args, CallContext&) {
  SKIFF_ASSIGN_OR_RETURN(bool lt, less_than(args[0], args[1]));
  return Value::boolean(!lt);
}

// Go's evalArgs: fmt.Sprint of the arguments, with nil printed as <no value>.
std::string eval_args(const Args& args) {
  if (args.size() == 1 && args[0].kind() == Kind::kString && !args[0].type_info()) {
    return args[0].as_string();
  }
  Args printable;
  printable.reserve(args.size());
  for (const auto& a : args) printable.push_back(a.is_valid() ? a : Value::string("<no value>"));
  return go_sprint(printable);
}

Result<Value> builtin_html(Args& args, CallContext&) {
  std::string s = eval_args(args);
  std::string out;
  for (char c : s) {
    switch (c) {
      case '\0': out += "\xEF\xBF\xBD"; break;
      case '"': out += "&#34;"; break;
      case '\'': out += "&#39;"; break;
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      default: out += c;
    }
  }
  return Value::string(std::move(out));
}

Result<Value> builtin_js(Args& args, CallContext&) {
  static const char kHex[] = "0123456789ABCDEF";
  std::string s = eval_args(args);
  std::string out;
  for (size_t i = 0; i < s.size();) {
    auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      switch (c) {
        case '\\': out += "\\\\"; break;
        case '\'': out += "\\'"; break;
        case '"': out += "\\\""; break;
        case '<': out += "\\u003C"; break;
        case '>': out += "\\u003E"; break;
        case '&': out += "\\u0026"; break;
        case '=': out += "\\u003D"; break;
        default:
          if (c < ' ') {
            out += "\\u00";
            out += kHex[c >> 4];
            out += kHex[c & 0xF];
          } else {
            out += static_cast<char>(c);
          }
      }
      ++i;
      continue;
    }
    int w;
    int32_t r = decode_rune(std::string_view(s).substr(i), &w);
    if (is_print(r)) {
      out.append(s, i, w);
    } else {
      char buf[16];
      snprintf(buf, sizeof buf, "\\u%04X", static_cast<unsigned>(r));
      out += buf;
    }
    i += w;
  }
  return Value::string(std::move(out));
}

Result<Value> builtin_urlquery(Args& args, CallContext&) {
  static const char kHex[] = "0123456789ABCDEF";
  std::string s = eval_args(args);
  std::string out;
  for (char ch : s) {
    auto c = static_cast<unsigned char>(ch);
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
        c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else if (c == ' ') {
      out += '+';
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 0xF];
    }
  }
  return Value::string(std::move(out));
}

Result<Value> builtin_print(Args& args, CallContext&) { return Value::string(go_sprint(args)); }

Result<Value> builtin_println(Args& args, CallContext&) { return Value::string(go_sprintln(args)); }

Result<Value> builtin_printf(Args& args, CallContext&) {
  Args rest(args.begin() + 1, args.end());
  return Value::string(go_sprintf(args[0].as_string(), rest));
}

FunctionDef def(std::vector<ParamKind> params, bool variadic, Function fn) {
  return make_function(std::move(params), variadic, std::move(fn));
}

}  // namespace

const FunctionMap& builtin_functions() {
  using P = ParamKind;
  static const FunctionMap kBuiltins = [] {
    FunctionMap m;
    m["and"] = def({P::kValue, P::kValue}, true, builtin_and);
    m["or"] = def({P::kValue, P::kValue}, true, builtin_or);
    // call's real work happens in the executor, which knows the callee's name.
    m["call"] = def({P::kValue, P::kValue}, true, [](Args&, CallContext&) -> Result<Value> {
      return Error::internal("call is evaluated by the executor");
    });
    m["html"] = def({P::kAny}, true, builtin_html);
    m["index"] = def({P::kValue, P::kValue}, true, builtin_index);
    m["slice"] = def({P::kValue, P::kValue}, true, builtin_slice);
    m["js"] = def({P::kAny}, true, builtin_js);
    m["len"] = def({P::kValue}, false, builtin_len);
    m["not"] = def({P::kValue}, false, builtin_not);
    m["print"] = def({P::kAny}, true, builtin_print);
    m["printf"] = def({P::kString, P::kAny}, true, builtin_printf);
    m["println"] = def({P::kAny}, true, builtin_println);
    m["urlquery"] = def({P::kAny}, true, builtin_urlquery);
    m["eq"] = def({P::kValue, P::kValue}, true, builtin_eq);
    m["ge"] = def({P::kValue, P::kValue}, false, builtin_ge);
    m["gt"] = def({P::kValue, P::kValue}, false, builtin_gt);
    m["le"] = def({P::kValue, P::kValue}, false, builtin_le);
    m["lt"] = def({P::kValue, P::kValue}, false, builtin_lt);
    m["ne"] = def({P::kValue, P::kValue}, false, builtin_ne);
    return m;
  }();
  return kBuiltins;
}

}  // namespace skiff::chart::tmpl
