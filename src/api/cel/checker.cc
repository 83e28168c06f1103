// Overload resolution follows cel-go: every declared overload whose parameter types the
// arguments fit (type parameters unified, dyn fitting anything) matches; the result is the one
// result type they agree on, or dyn.
#include "api/cel/checker.h"

#include <map>
#include <optional>

namespace skiff::api::cel {
namespace {

// A parameter or result type in an overload declaration; `param` names a type parameter.
struct Pattern {
  TypeKind kind = TypeKind::kDyn;
  char param = 0;
  std::vector<Pattern> children;  // list: {elem}; map: {key, value}; optional/type: {elem}
};

Pattern P(TypeKind k) { return Pattern{k, 0, {}}; }
Pattern A() { return Pattern{TypeKind::kDyn, 'A', {}}; }
Pattern B() { return Pattern{TypeKind::kDyn, 'B', {}}; }
Pattern ListOf(Pattern e) { return Pattern{TypeKind::kList, 0, {std::move(e)}}; }
Pattern MapOf(Pattern k, Pattern v) { return Pattern{TypeKind::kMap, 0, {std::move(k), std::move(v)}}; }
Pattern OptOf(Pattern e) { return Pattern{TypeKind::kOptional, 0, {std::move(e)}}; }
Pattern TypeOf(Pattern e) { return Pattern{TypeKind::kType, 0, {std::move(e)}}; }

const Pattern kBool = P(TypeKind::kBool), kInt = P(TypeKind::kInt), kUint = P(TypeKind::kUint),
              kDouble = P(TypeKind::kDouble), kString = P(TypeKind::kString), kBytes = P(TypeKind::kBytes),
              kDuration = P(TypeKind::kDuration), kTimestamp = P(TypeKind::kTimestamp), kDynP = P(TypeKind::kDyn);

struct Overload {
  std::vector<Pattern> params;  // member overloads: the receiver first
  Pattern result;
};

struct FunctionDecl {
  std::vector<Overload> global, member;
};

using Substitution = std::map<char, TypePtr>;

bool unify(const Pattern& p, const TypePtr& t, Substitution& subst) {
  if (p.param) {
    auto it = subst.find(p.param);
    if (it == subst.end() || is_dyn(*it->second)) {
      subst[p.param] = t;
      return true;
    }
    return assignable(*it->second, *t);
  }
  if (p.kind == TypeKind::kDyn || is_dyn(*t)) return true;
  if (t->kind == TypeKind::kNull)
    return p.kind == TypeKind::kNull || p.kind == TypeKind::kOptional || p.kind == TypeKind::kTimestamp ||
           p.kind == TypeKind::kDuration;
  if (p.kind != t->kind) return false;
  switch (p.kind) {
    case TypeKind::kList:
    case TypeKind::kOptional: return unify(p.children[0], t->elem, subst);
    case TypeKind::kMap: return unify(p.children[0], t->key, subst) && unify(p.children[1], t->elem, subst);
    case TypeKind::kType: return true;
    default: return true;
  }
}

TypePtr substitute(const Pattern& p, const Substitution& subst) {
  if (p.param) {
    auto it = subst.find(p.param);
    return it == subst.end() ? Type::of(TypeKind::kDyn) : it->second;
  }
  switch (p.kind) {
    case TypeKind::kList: return Type::list(substitute(p.children[0], subst));
    case TypeKind::kMap: return Type::map(substitute(p.children[0], subst), substitute(p.children[1], subst));
    case TypeKind::kOptional: return Type::optional(substitute(p.children[0], subst));
    case TypeKind::kType: return Type::type_of(substitute(p.children[0], subst));
    default: return Type::of(p.kind);
  }
}

bool same_type(const Type& a, const Type& b) { return assignable(a, b) && assignable(b, a) && a.kind == b.kind; }

const std::map<std::string, FunctionDecl, std::less<>>& functions() {
  static const auto table = [] {
    std::map<std::string, FunctionDecl, std::less<>> f;
    auto global = [&](const char* name, std::vector<Pattern> params, Pattern result) {
      f[name].global.push_back({std::move(params), std::move(result)});
    };
    auto member = [&](const char* name, std::vector<Pattern> params, Pattern result) {
      f[name].member.push_back({std::move(params), std::move(result)});
    };
    const std::vector<Pattern> numbers = {kInt, kUint, kDouble};
    const std::vector<Pattern> comparable = {kBool, kInt, kUint, kDouble, kString, kBytes, kDuration, kTimestamp};

    global("!_", {kBool}, kBool);
    global("-_", {kInt}, kInt);
    global("-_", {kDouble}, kDouble);
    global("_&&_", {kBool, kBool}, kBool);
    global("_||_", {kBool, kBool}, kBool);
    global("_?_:_", {kBool, A(), A()}, A());
    global("_==_", {A(), A()}, kBool);
    global("_!=_", {A(), A()}, kBool);
    for (const char* op : {"_<_", "_<=_", "_>_", "_>=_"}) {
      for (const auto& t : comparable) global(op, {t, t}, kBool);
      for (const auto& x : numbers)  // cel.CrossTypeNumericComparisons
        for (const auto& y : numbers)
          if (x.kind != y.kind) global(op, {x, y}, kBool);
    }
    for (const auto& t : numbers) {
      global("_+_", {t, t}, t);
      global("_-_", {t, t}, t);
      global("_*_", {t, t}, t);
      global("_/_", {t, t}, t);
    }
    global("_%_", {kInt, kInt}, kInt);
    global("_%_", {kUint, kUint}, kUint);
    global("_+_", {kString, kString}, kString);
    global("_+_", {kBytes, kBytes}, kBytes);
    global("_+_", {ListOf(A()), ListOf(A())}, ListOf(A()));
    global("_+_", {kTimestamp, kDuration}, kTimestamp);
    global("_+_", {kDuration, kTimestamp}, kTimestamp);
    global("_+_", {kDuration, kDuration}, kDuration);
    global("_-_", {kTimestamp, kTimestamp}, kDuration);
    global("_-_", {kTimestamp, kDuration}, kTimestamp);
    global("_-_", {kDuration, kDuration}, kDuration);
    global("_[_]", {ListOf(A()), kInt}, A());
    global("_[_]", {MapOf(A(), B()), A()}, B());
    global("_[?_]", {ListOf(A()), kInt}, OptOf(A()));
    global("_[?_]", {MapOf(A(), B()), A()}, OptOf(B()));
    global("_[?_]", {OptOf(ListOf(A())), kInt}, OptOf(A()));
    global("_[?_]", {OptOf(MapOf(A(), B())), A()}, OptOf(B()));
    global("@in", {A(), ListOf(A())}, kBool);
    global("@in", {A(), MapOf(A(), B())}, kBool);

    for (const auto& t : {kString, kBytes, ListOf(A()), MapOf(A(), B())}) {
      global("size", {t}, kInt);
      member("size", {t}, kInt);
    }
    for (const auto& t : {kInt, kUint, kDouble, kString, kTimestamp}) global("int", {t}, kInt);
    for (const auto& t : {kInt, kUint, kDouble, kString}) global("uint", {t}, kUint);
    for (const auto& t : {kInt, kUint, kDouble, kString}) global("double", {t}, kDouble);
    for (const auto& t : {kInt, kUint, kDouble, kBool, kBytes, kString, kTimestamp, kDuration})
      global("string", {t}, kString);
    for (const auto& t : {kBytes, kString}) global("bytes", {t}, kBytes);
    for (const auto& t : {kBool, kString}) global("bool", {t}, kBool);
    for (const auto& t : {kDuration, kString}) global("duration", {t}, kDuration);
    for (const auto& t : {kTimestamp, kString, kInt}) global("timestamp", {t}, kTimestamp);
    global("dyn", {A()}, kDynP);
    global("type", {A()}, TypeOf(A()));

    global("matches", {kString, kString}, kBool);
    global("isIP", {kString}, kBool);    // Kubernetes' IP library (1.30+)
    global("isCIDR", {kString}, kBool);  // Kubernetes' CIDR library (1.30+)
    for (const char* fn : {"matches", "contains", "startsWith", "endsWith"}) member(fn, {kString, kString}, kBool);
    for (const char* fn : {"getFullYear", "getMonth", "getDate", "getDayOfMonth", "getDayOfWeek", "getDayOfYear",
                           "getHours", "getMinutes", "getSeconds", "getMilliseconds"}) {
      member(fn, {kTimestamp}, kInt);
      member(fn, {kTimestamp, kString}, kInt);
    }
    for (const char* fn : {"getHours", "getMinutes", "getSeconds", "getMilliseconds"}) member(fn, {kDuration}, kInt);

    // cel-go ext.Strings (version 2).
    member("charAt", {kString, kInt}, kString);
    for (const char* fn : {"indexOf", "lastIndexOf"}) {
      member(fn, {kString, kString}, kInt);
      member(fn, {kString, kString, kInt}, kInt);
    }
    for (const char* fn : {"lowerAscii", "upperAscii", "trim"}) member(fn, {kString}, kString);
    member("replace", {kString, kString, kString}, kString);
    member("replace", {kString, kString, kString, kInt}, kString);
    member("split", {kString, kString}, ListOf(kString));
    member("split", {kString, kString, kInt}, ListOf(kString));
    member("substring", {kString, kInt}, kString);
    member("substring", {kString, kInt, kInt}, kString);
    member("join", {ListOf(kString)}, kString);
    member("join", {ListOf(kString), kString}, kString);
    member("format", {kString, ListOf(kDynP)}, kString);
    global("strings.quote", {kString}, kString);

    // Kubernetes' lists and regex libraries.
    for (const auto& t : comparable) {
      member("isSorted", {ListOf(t)}, kBool);
      member("min", {ListOf(t)}, t);
      member("max", {ListOf(t)}, t);
    }
    for (const auto& t : {kInt, kUint, kDouble, kDuration}) member("sum", {ListOf(t)}, t);
    member("indexOf", {ListOf(A()), A()}, kInt);
    member("lastIndexOf", {ListOf(A()), A()}, kInt);
    member("find", {kString, kString}, kString);
    member("findAll", {kString, kString}, ListOf(kString));
    member("findAll", {kString, kString, kInt}, ListOf(kString));

    // cel.OptionalTypes.
    global("optional.of", {A()}, OptOf(A()));
    global("optional.ofNonZeroValue", {A()}, OptOf(A()));
    global("optional.none", {}, OptOf(kDynP));
    member("hasValue", {OptOf(A())}, kBool);
    member("value", {OptOf(A())}, A());
    member("orValue", {OptOf(A()), A()}, A());
    member("or", {OptOf(A()), OptOf(A())}, OptOf(A()));

    // cel-go ext.Sets.
    for (const char* fn : {"sets.contains", "sets.equivalent", "sets.intersects"})
      global(fn, {ListOf(A()), ListOf(A())}, kBool);
    return f;
  }();
  return table;
}

// Functions and namespaces of Kubernetes' CEL libraries that this interpreter leaves out.
bool kubernetes_only_function(std::string_view name) {
  static const std::set<std::string, std::less<>> names = {
      "quantity",    "isQuantity",    "url",           "isURL",          "ip",
      "cidr",        "semver",        "isSemver",      "ip.isCanonical", "format.named",
      "authorizer",  "base64.encode", "base64.decode", "math.greatest",  "math.least",
      "lists.range", "strings.format"};
  if (names.count(name)) return true;
  return name.rfind("format.", 0) == 0;
}

const std::set<std::string, std::less<>>& type_identifiers() {
  static const std::set<std::string, std::less<>> names = {"bool",
                                                           "int",
                                                           "uint",
                                                           "double",
                                                           "string",
                                                           "bytes",
                                                           "list",
                                                           "map",
                                                           "null_type",
                                                           "type",
                                                           "dyn",
                                                           "google.protobuf.Duration",
                                                           "google.protobuf.Timestamp",
                                                           "optional_type"};
  return names;
}

TypePtr type_named(std::string_view name) {
  if (name == "bool") return Type::of(TypeKind::kBool);
  if (name == "int") return Type::of(TypeKind::kInt);
  if (name == "uint") return Type::of(TypeKind::kUint);
  if (name == "double") return Type::of(TypeKind::kDouble);
  if (name == "string") return Type::of(TypeKind::kString);
  if (name == "bytes") return Type::of(TypeKind::kBytes);
  if (name == "null_type") return Type::of(TypeKind::kNull);
  if (name == "google.protobuf.Duration") return Type::of(TypeKind::kDuration);
  if (name == "google.protobuf.Timestamp") return Type::of(TypeKind::kTimestamp);
  return Type::of(TypeKind::kDyn);
}

class Checker {
 public:
  Checker(const std::vector<Declaration>& vars, CheckResult& out) : out_(out) {
    for (const auto& v : vars) scopes_.push_back({v.name, v.type, true});
  }

  TypePtr check(const Expr& e) {
    switch (e.kind) {
      case ExprKind::kLiteral: return literal_type(e.literal);
      case ExprKind::kIdent: return ident(e);
      case ExprKind::kSelect: return select(e);
      case ExprKind::kCall: return call(e);
      case ExprKind::kList: return list(e);
      case ExprKind::kMap: return map(e);
      case ExprKind::kComprehension: return comprehension(e);
    }
    return error_type();
  }

 private:
  struct Scope {
    std::string name;
    TypePtr type;
    bool declared;  // a declared variable rather than a comprehension variable
  };

  static TypePtr error_type() { return Type::of(TypeKind::kError); }

  void report(size_t offset, std::string message) { out_.issues.push_back({offset, std::move(message)}); }

  static TypePtr literal_type(const Literal& l) {
    switch (l.kind) {
      case Literal::Kind::kNull: return Type::of(TypeKind::kNull);
      case Literal::Kind::kBool: return Type::of(TypeKind::kBool);
      case Literal::Kind::kInt: return Type::of(TypeKind::kInt);
      case Literal::Kind::kUint: return Type::of(TypeKind::kUint);
      case Literal::Kind::kDouble: return Type::of(TypeKind::kDouble);
      case Literal::Kind::kString: return Type::of(TypeKind::kString);
      case Literal::Kind::kBytes: return Type::of(TypeKind::kBytes);
    }
    return Type::of(TypeKind::kDyn);
  }

  const Scope* lookup(std::string_view name) const {
    if (!name.empty() && name[0] == '.') name.remove_prefix(1);
    for (auto it = scopes_.rbegin(); it != scopes_.rend(); ++it)
      if (it->name == name) return &*it;
    return nullptr;
  }

  TypePtr ident(const Expr& e) {
    if (const Scope* s = lookup(e.name)) {
      if (s->declared) out_.referenced.insert(s->name);
      return s->type;
    }
    std::string_view name(e.name);
    if (!name.empty() && name[0] == '.') name.remove_prefix(1);
    if (type_identifiers().count(name)) return Type::type_of(type_named(name));
    report(e.offset, "undeclared reference to '" + std::string(name) + "' (in container '')");
    return error_type();
  }

  // The type a field selection yields; `optional` for `?.` (and optional operands).
  TypePtr select_field(const Expr& e, const TypePtr& operand, const std::string& field, bool optional) {
    TypePtr target = operand;
    if (target->kind == TypeKind::kOptional) {
      target = target->elem;
      optional = true;
    }
    TypePtr result = error_type();
    switch (target->kind) {
      case TypeKind::kMap: result = target->elem; break;
      case TypeKind::kObject: {
        auto it = target->fields.find(field);
        if (it != target->fields.end())
          result = it->second;
        else
          report(e.offset, "undefined field '" + field + "'");
        break;
      }
      default:
        if (!is_dyn(*target)) report(e.offset, "type '" + format_type(*target) + "' does not support field selection");
        result = Type::of(TypeKind::kDyn);
    }
    return optional ? Type::optional(result) : result;
  }

  TypePtr select(const Expr& e) {
    // A dotted name such as google.protobuf.Timestamp names a type.
    if (std::string qualified = qualified_name(e);
        !qualified.empty() && type_identifiers().count(qualified) && !lookup(qualified.substr(0, qualified.find('.'))))
      return Type::type_of(type_named(qualified));
    TypePtr operand = check(*e.operand);
    TypePtr result = select_field(e, operand, e.name, false);
    return e.test_only ? Type::of(TypeKind::kBool) : result;
  }

  static std::string qualified_name(const Expr& e) {
    if (e.kind == ExprKind::kIdent) return e.name;
    if (e.kind != ExprKind::kSelect || e.test_only) return "";
    std::string prefix = qualified_name(*e.operand);
    return prefix.empty() ? "" : prefix + "." + e.name;
  }

  TypePtr list(const Expr& e) {
    TypePtr elem;
    bool mismatch_reported = false;
    for (size_t i = 0; i < e.args.size(); ++i) {
      TypePtr t = check(*e.args[i]);
      if (e.optional_elements[i]) t = unwrap_optional(*e.args[i], t);
      if (elem && !mismatch_reported && !homogeneous(*elem, *t)) {
        literal_mismatch(*e.args[i], *elem, *t);
        mismatch_reported = true;  // one report per list, as cel-go
      }
      elem = join(elem, t);
    }
    return Type::list(elem ? elem : Type::of(TypeKind::kDyn));
  }

  TypePtr map(const Expr& e) {
    TypePtr key, value;
    for (const auto& entry : e.entries) {
      TypePtr k = check(*entry.key);
      TypePtr v = check(*entry.value);
      if (entry.optional) v = unwrap_optional(*entry.value, v);
      if (key && !homogeneous(*key, *k)) literal_mismatch(*entry.key, *key, *k);
      if (value && !homogeneous(*value, *v)) literal_mismatch(*entry.value, *value, *v);
      key = join(key, k);
      value = join(value, v);
    }
    return Type::map(key ? key : Type::of(TypeKind::kDyn), value ? value : Type::of(TypeKind::kDyn));
  }

  // cel.HomogeneousAggregateLiterals is a validator that runs once the expression checks: list
  // and map literals (outside format() arguments) must not mix element types, dyn included.
  bool homogeneous(const Type& a, const Type& b) const { return format_depth_ > 0 || equivalent(a, b); }
  static bool equivalent(const Type& a, const Type& b) {
    if (a.kind != b.kind) return false;
    switch (a.kind) {
      case TypeKind::kList:
      case TypeKind::kOptional:
      case TypeKind::kType: return !a.elem || !b.elem || equivalent(*a.elem, *b.elem);
      case TypeKind::kMap: return equivalent(*a.key, *b.key) && equivalent(*a.elem, *b.elem);
      case TypeKind::kObject: return &a == &b;
      default: return true;
    }
  }
  void literal_mismatch(const Expr& at, const Type& expected, const Type& found) {
    out_validation_.push_back(
        {at.offset, "expected type '" + format_type(expected) + "' but found '" + format_type(found) + "'"});
  }

  // The checker's own join: the more general type, dyn when they do not agree.
  static TypePtr join(const TypePtr& so_far, const TypePtr& next) {
    if (!so_far) return next;
    if (is_dyn(*so_far) || is_dyn(*next) || !assignable(*so_far, *next)) return Type::of(TypeKind::kDyn);
    return so_far;
  }

  TypePtr unwrap_optional(const Expr& e, const TypePtr& t) {
    if (t->kind == TypeKind::kOptional) return t->elem;
    if (!is_dyn(*t))
      report(e.offset, "expected type 'optional_type(" + format_type(*t) + ")' but found '" + format_type(*t) + "'");
    return Type::of(TypeKind::kDyn);
  }

  TypePtr comprehension(const Expr& e) {
    TypePtr range = check(*e.range);
    TypePtr first, second;  // the iteration variables' types
    const bool two = !e.iter_var2.empty();
    switch (range->kind) {
      case TypeKind::kList:
        first = two ? Type::of(TypeKind::kInt) : range->elem;
        second = range->elem;
        break;
      case TypeKind::kMap:
        first = range->key;
        second = range->elem;
        break;
      default:
        if (!is_dyn(*range))
          report(e.range->offset, "expression of type '" + format_type(*range) +
                                      "' cannot be range of a comprehension (must be list, map, or dynamic)");
        first = second = Type::of(TypeKind::kDyn);
    }
    scopes_.push_back({e.iter_var, first, false});
    if (two) scopes_.push_back({e.iter_var2, second, false});
    TypePtr result;
    auto require_bool = [&](const Expr& pred, const char* op, bool accumulator_first) {
      TypePtr t = check(pred);
      if (is_dyn(*t) || t->kind == TypeKind::kBool) return;
      std::string sig = accumulator_first ? "(bool, " + format_type(*t) + ")" : "(" + format_type(*t) + ", int, int)";
      report(pred.offset, std::string("found no matching overload for '") + op + "' applied to '" + sig + "'");
    };
    switch (e.macro) {
      case MacroKind::kAll:
        require_bool(*e.predicate, "_&&_", true);
        result = Type::of(TypeKind::kBool);
        break;
      case MacroKind::kExists:
        require_bool(*e.predicate, "_||_", true);
        result = Type::of(TypeKind::kBool);
        break;
      case MacroKind::kExistsOne:
        require_bool(*e.predicate, "_?_:_", false);
        result = Type::of(TypeKind::kBool);
        break;
      case MacroKind::kFilter:
        require_bool(*e.predicate, "_?_:_", false);
        result = Type::list(first);
        break;
      case MacroKind::kMap:
      case MacroKind::kMapFilter:
      case MacroKind::kTransformList:
      case MacroKind::kTransformMap:
        if (e.predicate) require_bool(*e.predicate, "_?_:_", false);
        {
          TypePtr t = check(*e.transform);
          result = e.macro == MacroKind::kTransformMap ? Type::map(first, t) : Type::list(t);
        }
        break;
    }
    scopes_.pop_back();
    if (two) scopes_.pop_back();
    return result;
  }

  TypePtr call(const Expr& e) {
    // Namespaced functions are parsed as calls on an identifier: optional.of(x), sets.contains(a, b).
    if (e.operand && e.operand->kind == ExprKind::kIdent && !lookup(e.operand->name)) {
      std::string qualified = e.operand->name + "." + e.name;
      if (functions().count(qualified)) return resolve(e, qualified, nullptr, check_args(e));
      if (kubernetes_only_function(qualified) || kubernetes_only_function(e.operand->name)) {
        check_args(e);
        out_.unsupported.insert(qualified);
        return Type::of(TypeKind::kDyn);
      }
    }
    if (e.name == "_?._") {
      TypePtr operand = check(*e.args[0]);
      return select_field(e, operand, e.args[1]->literal.s, true);
    }
    TypePtr target = e.operand ? check(*e.operand) : nullptr;
    std::vector<TypePtr> args = check_args(e);
    return resolve(e, e.name, target, std::move(args));
  }

  std::vector<TypePtr> check_args(const Expr& e) {
    const bool format = e.name == "format";
    format_depth_ += format;
    std::vector<TypePtr> args;
    for (const auto& a : e.args) args.push_back(check(*a));
    format_depth_ -= format;
    return args;
  }

  TypePtr resolve(const Expr& e, const std::string& name, const TypePtr& target, std::vector<TypePtr> args) {
    auto fn = functions().find(name);
    if (fn == functions().end() || (target ? fn->second.member.empty() : fn->second.global.empty())) {
      // A receiver of dyn type left over from an unsupported call: its methods are unknown too.
      if (kubernetes_only_function(name) || (target && is_dyn(*target) && !out_.unsupported.empty())) {
        out_.unsupported.insert(name);
        return Type::of(TypeKind::kDyn);
      }
      report(e.offset, "undeclared reference to '" + name + "' (in container '')");
      return error_type();
    }
    std::vector<TypePtr> all;
    if (target) all.push_back(target);
    all.insert(all.end(), args.begin(), args.end());
    for (const auto& t : all)
      if (t->kind == TypeKind::kError) return error_type();  // already reported
    TypePtr result;
    bool matched = false;
    for (const auto& o : target ? fn->second.member : fn->second.global) {
      if (o.params.size() != all.size()) continue;
      Substitution subst;
      bool ok = true;
      for (size_t i = 0; i < all.size() && ok; ++i) ok = unify(o.params[i], all[i], subst);
      if (!ok) continue;
      TypePtr r = substitute(o.result, subst);
      if (!matched)
        result = r;
      else if (!same_type(*result, *r))
        result = Type::of(TypeKind::kDyn);
      matched = true;
    }
    if (matched) return result;
    std::string sig;
    if (target) sig = format_type(*target) + ".";
    sig += "(";
    for (size_t i = 0; i < args.size(); ++i) sig += (i ? ", " : "") + format_type(*args[i]);
    sig += ")";
    report(e.offset, "found no matching overload for '" + name + "' applied to '" + sig + "'");
    return error_type();
  }

  CheckResult& out_;
  std::vector<Scope> scopes_;
  int format_depth_ = 0;

 public:
  std::vector<Issue> out_validation_;  // reported only when the expression checks
};

}  // namespace

CheckResult check(const Expr& expr, const std::vector<Declaration>& variables) {
  CheckResult out;
  Checker checker(variables, out);
  out.type = checker.check(expr);
  if (out.issues.empty()) out.issues = std::move(checker.out_validation_);
  return out;
}

}  // namespace skiff::api::cel
