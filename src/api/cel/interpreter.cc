// A tree-walking evaluator with CEL's semantics: errors are values; && and || are commutative
// over errors (false/true absorbs an error from either side); the comprehension macros loop as
// cel-go's expansions do (all stops at the first false, exists at the first true).
#include "api/cel/interpreter.h"

#include <re2/re2.h>

#include "api/cel/functions.h"

namespace skiff::api::cel {
namespace {

constexpr uint64_t kListCreateCost = 10;
constexpr uint64_t kMapCreateCost = 30;
constexpr uint64_t kIterationCost = 3;  // the loop condition and accumulator step of a macro

bool is_true(const Value& v) { return v.is(ValueKind::kBool) && v.as_bool(); }
bool is_false(const Value& v) { return v.is(ValueKind::kBool) && !v.as_bool(); }

Value literal_value(const Literal& l) {
  switch (l.kind) {
    case Literal::Kind::kNull: return Value();
    case Literal::Kind::kBool: return Value::boolean(l.b);
    case Literal::Kind::kInt: return Value::integer(l.i);
    case Literal::Kind::kUint: return Value::uinteger(l.u);
    case Literal::Kind::kDouble: return Value::real(l.d);
    case Literal::Kind::kString: return Value::string(l.s);
    case Literal::Kind::kBytes: return Value::bytes(l.s);
  }
  return Value();
}

// `a && b` / `a || b` once both sides are known: the absorbing value wins over errors.
Value combine(const Value& a, const Value& b, bool is_and) {
  const bool absorbing = !is_and;  // false for &&, true for ||
  auto absorbs = [&](const Value& v) { return v.is(ValueKind::kBool) && v.as_bool() == absorbing; };
  if (absorbs(a) || absorbs(b)) return Value::boolean(absorbing);
  if (a.is(ValueKind::kBool) && b.is(ValueKind::kBool)) return Value::boolean(!absorbing);
  if (!a.is(ValueKind::kBool)) return no_such_overload(a);
  return no_such_overload(b);
}

class Interpreter {
 public:
  Interpreter(const Bindings& vars, CostMeter& cost, const RegexCache* regexes)
      : vars_(vars), cost_(cost), regexes_(regexes) {}

  Value eval(const Expr& e) {
    switch (e.kind) {
      case ExprKind::kLiteral: return literal_value(e.literal);
      case ExprKind::kIdent: return ident(e);
      case ExprKind::kSelect: {
        if (!e.test_only) cost_.charge(1);
        Value operand = eval(*e.operand);
        return select(operand, e.name, e.test_only, false);
      }
      case ExprKind::kCall: return call(e);
      case ExprKind::kList: return list(e);
      case ExprKind::kMap: return map(e);
      case ExprKind::kComprehension: return comprehension(e);
    }
    return Value::error("unknown expression");
  }

 private:
  const Value* lookup(std::string_view name) const {
    if (!name.empty() && name[0] == '.') name.remove_prefix(1);
    for (auto it = scope_.rbegin(); it != scope_.rend(); ++it)
      if (it->first == name) return &it->second;
    for (const auto& [n, v] : vars_)
      if (n == name) return &v;
    return nullptr;
  }

  Value ident(const Expr& e) {
    cost_.charge(1);
    if (const Value* v = lookup(e.name)) return *v;
    std::string_view name(e.name);
    if (!name.empty() && name[0] == '.') name.remove_prefix(1);
    if (name == "int" || name == "uint" || name == "double" || name == "bool" || name == "string" || name == "bytes" ||
        name == "list" || name == "map" || name == "null_type" || name == "type")
      return Value::type(std::string(name));
    if (name == "dyn") return Value::type("dyn");
    return Value::error("no such attribute(s): " + std::string(name));
  }

  static Value select(const Value& operand, const std::string& field, bool test_only, bool optional) {
    if (operand.is_error()) return operand;
    if (operand.is(ValueKind::kOptional)) {
      const Value* inner = operand.optional_value();
      if (!inner) return test_only ? Value::boolean(false) : operand;
      return select(*inner, field, test_only, true);
    }
    if (!operand.is(ValueKind::kMap)) return Value::error("no such overload");
    std::optional<Value> v = operand.as_map().find(Value::string(field));
    if (v && v->is_error()) return *v;
    if (test_only) return Value::boolean(v.has_value());
    if (optional) return v ? Value::optional_of(std::move(*v)) : Value::optional_none();
    if (!v) return Value::error("no such key: " + field);
    return std::move(*v);
  }

  Value call(const Expr& e) {
    const std::string& name = e.name;
    if (!e.operand) {
      if (name == "_&&_" || name == "_||_") return logical(e, name == "_&&_");
      if (name == "_?_:_") {
        Value cond = eval(*e.args[0]);
        if (cond.is(ValueKind::kBool)) return eval(*e.args[cond.as_bool() ? 1 : 2]);
        return no_such_overload(cond);
      }
      if (name == "!_") {
        Value v = eval(*e.args[0]);
        cost_.charge(1);
        if (v.is(ValueKind::kBool)) return Value::boolean(!v.as_bool());
        return no_such_overload(v);
      }
      if (name == "_?._") {
        Value operand = eval(*e.args[0]);
        return select(operand, e.args[1]->literal.s, false, true);
      }
    }
    // optional.of(x) and the like parse as calls on an identifier that names no variable.
    std::string qualified;
    if (e.operand && e.operand->kind == ExprKind::kIdent && !lookup(e.operand->name))
      qualified = e.operand->name + "." + name;
    const bool namespaced = !qualified.empty() && is_namespaced_function(qualified);
    Value target;
    if (e.operand && !namespaced) {
      target = eval(*e.operand);
      if (target.is_error()) return target;
      // or/orValue leave their argument unevaluated when the receiver has a value.
      if ((name == "or" || name == "orValue") && target.is(ValueKind::kOptional) && target.optional_value()) {
        cost_.charge(1);
        return name == "or" ? target : *target.optional_value();
      }
    }
    std::vector<Value> args;
    args.reserve(e.args.size());
    for (const auto& a : e.args) {
      args.push_back(eval(*a));
      if (args.back().is_error()) return args.back();
    }
    cost_.charge(1);
    const re2::RE2* regex = nullptr;
    if (regexes_) {
      auto it = regexes_->find(&e);
      if (it != regexes_->end()) regex = it->second.get();
    }
    return call_function(namespaced ? std::string_view(qualified) : std::string_view(name),
                         e.operand && !namespaced ? &target : nullptr, args, cost_, regex);
  }

  Value logical(const Expr& e, bool is_and) {
    Value a = eval(*e.args[0]);
    if (a.is(ValueKind::kBool) && a.as_bool() != is_and) return a;  // short circuit
    Value b = eval(*e.args[1]);
    return combine(a, b, is_and);
  }

  Value list(const Expr& e) {
    cost_.charge(kListCreateCost);
    std::vector<Value> items;
    items.reserve(e.args.size());
    for (size_t i = 0; i < e.args.size(); ++i) {
      Value v = eval(*e.args[i]);
      if (v.is_error()) return v;
      if (e.optional_elements[i]) {
        if (!v.is(ValueKind::kOptional)) return Value::no_such_overload();
        if (const Value* inner = v.optional_value()) items.push_back(*inner);
        continue;
      }
      items.push_back(std::move(v));
    }
    return make_list(std::move(items));
  }

  Value map(const Expr& e) {
    cost_.charge(kMapCreateCost);
    std::vector<std::pair<Value, Value>> entries;
    for (const auto& entry : e.entries) {
      Value k = eval(*entry.key);
      if (k.is_error()) return k;
      Value v = eval(*entry.value);
      if (v.is_error()) return v;
      if (!is_key_kind(k)) return Value::error("unsupported key type");
      for (const auto& existing : entries) {
        Value same = equals(existing.first, k);
        if (!same.is_error() && same.as_bool()) return Value::error("Failed with repeated key");
      }
      if (entry.optional) {
        if (!v.is(ValueKind::kOptional)) return Value::no_such_overload();
        if (!v.optional_value()) continue;
        v = *v.optional_value();
      }
      entries.emplace_back(std::move(k), std::move(v));
    }
    return Value::map(std::make_shared<OwnedMap>(std::move(entries)));
  }

  struct ScopeGuard {
    ScopeGuard(Interpreter& in, size_t vars) : in_(in), n_(vars) {}
    ~ScopeGuard() { in_.scope_.resize(in_.scope_.size() - n_); }
    Interpreter& in_;
    size_t n_;
  };

  Value comprehension(const Expr& e) {
    Value range = eval(*e.range);
    if (range.is_error()) return range;
    // (first, second) per iteration: list -> (element | index, element); map -> (key, value).
    std::vector<std::pair<Value, Value>> items;
    const bool two = !e.iter_var2.empty();
    if (range.is(ValueKind::kList)) {
      const ListValue& l = range.as_list();
      for (size_t i = 0; i < l.size(); ++i) {
        Value v = l.get(i);
        items.emplace_back(two ? Value::integer(static_cast<int64_t>(i)) : v, v);
      }
    } else if (range.is(ValueKind::kMap)) {
      const MapValue& m = range.as_map();
      for (Value& k : m.keys()) {
        Value v;
        if (two) {
          auto found = m.find(k);
          v = found ? *found : Value();
        }
        items.emplace_back(std::move(k), std::move(v));
      }
    } else {
      return Value::no_such_overload();
    }

    scope_.emplace_back(e.iter_var, Value());
    if (two) scope_.emplace_back(e.iter_var2, Value());
    ScopeGuard guard(*this, two ? 2 : 1);
    auto bind = [&](const std::pair<Value, Value>& item) {
      cost_.charge(kIterationCost);
      if (two) {
        scope_[scope_.size() - 2].second = item.first;
        scope_.back().second = item.second;
      } else {
        scope_.back().second = item.first;
      }
    };

    switch (e.macro) {
      case MacroKind::kAll:
      case MacroKind::kExists: {
        const bool is_and = e.macro == MacroKind::kAll;
        Value acc = Value::boolean(is_and);
        for (const auto& item : items) {
          if (acc.is(ValueKind::kBool) && acc.as_bool() != is_and) break;  // decided
          bind(item);
          acc = combine(acc, eval(*e.predicate), is_and);
        }
        return acc;
      }
      case MacroKind::kExistsOne: {
        int64_t count = 0;
        for (const auto& item : items) {
          bind(item);
          Value p = eval(*e.predicate);
          if (is_true(p))
            ++count;
          else if (!is_false(p))
            return no_such_overload(p);
        }
        return Value::boolean(count == 1);
      }
      case MacroKind::kFilter: {
        std::vector<Value> out;
        for (const auto& item : items) {
          bind(item);
          Value p = eval(*e.predicate);
          if (is_true(p))
            out.push_back(item.first);
          else if (!is_false(p))
            return no_such_overload(p);
        }
        return make_list(std::move(out));
      }
      case MacroKind::kMap:
      case MacroKind::kMapFilter:
      case MacroKind::kTransformList:
      case MacroKind::kTransformMap: {
        std::vector<Value> out;
        std::vector<std::pair<Value, Value>> entries;
        for (const auto& item : items) {
          bind(item);
          if (e.predicate) {
            Value p = eval(*e.predicate);
            if (is_false(p)) continue;
            if (!is_true(p)) return no_such_overload(p);
          }
          Value v = eval(*e.transform);
          if (v.is_error()) return v;
          if (e.macro == MacroKind::kTransformMap)
            entries.emplace_back(item.first, std::move(v));
          else
            out.push_back(std::move(v));
        }
        if (e.macro == MacroKind::kTransformMap) return Value::map(std::make_shared<OwnedMap>(std::move(entries)));
        return make_list(std::move(out));
      }
    }
    return Value::no_such_overload();
  }

  const Bindings& vars_;
  CostMeter& cost_;
  const RegexCache* regexes_;
  std::vector<std::pair<std::string, Value>> scope_;
};

void precompile(const Expr& e, RegexCache& out, const Expr** invalid) {
  if (e.kind == ExprKind::kCall && (e.name == "matches" || e.name == "find" || e.name == "findAll")) {
    const Expr* pattern =
        e.operand ? (e.args.empty() ? nullptr : e.args[0].get()) : (e.args.size() == 2 ? e.args[1].get() : nullptr);
    if (pattern && pattern->kind == ExprKind::kLiteral && pattern->literal.kind == Literal::Kind::kString) {
      RE2::Options options;
      options.set_log_errors(false);
      auto re = std::make_shared<const RE2>(pattern->literal.s, options);
      if (re->ok())
        out[&e] = std::move(re);
      else if (e.name == "matches" && invalid && !*invalid)
        *invalid = pattern;
    }
  }
  if (e.operand) precompile(*e.operand, out, invalid);
  for (const auto& a : e.args) precompile(*a, out, invalid);
  for (const auto& entry : e.entries) {
    precompile(*entry.key, out, invalid);
    precompile(*entry.value, out, invalid);
  }
  for (const Expr* child : {e.range.get(), e.predicate.get(), e.transform.get()})
    if (child) precompile(*child, out, invalid);
}

}  // namespace

EvalResult evaluate(const Expr& expr, const Bindings& variables, uint64_t cost_limit, const RegexCache* regexes) {
  CostMeter cost(cost_limit);
  EvalResult result;
  try {
    result.value = Interpreter(variables, cost, regexes).eval(expr);
  } catch (const CostLimitHit&) {
    result.value = Value::error(std::string(kCostLimitExceeded));
    result.cost_limit_exceeded = true;
  }
  result.cost = cost.total();
  return result;
}

bool precompile_regexes(const Expr& expr, RegexCache& out, const Expr** invalid) {
  const Expr* bad = nullptr;
  precompile(expr, out, &bad);
  if (invalid) *invalid = bad;
  return bad == nullptr;
}

}  // namespace skiff::api::cel
