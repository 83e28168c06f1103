#include "api/cel/functions.h"

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <set>

#include "api/cel/format.h"
#include "api/cel/function_groups.h"
#include "util/go_strconv.h"

namespace skiff::api::cel {
namespace {

constexpr int64_t kMinTimestampSeconds = -62135596800;  // 0001-01-01T00:00:00Z
constexpr int64_t kMaxTimestampSeconds = 253402300799;  // 9999-12-31T23:59:59Z
constexpr int64_t kNanos = 1000000000;

using K = ValueKind;

Value overflow() { return Value::error("integer overflow"); }
Value uint_overflow() { return Value::error("unsigned integer overflow"); }

uint64_t size_of(const Value& v) {
  switch (v.kind()) {
    case K::kString: return v.as_string().size();
    case K::kBytes: return v.as_bytes().size();
    case K::kList: return v.as_list().size();
    case K::kMap: return v.as_map().size();
    default: return 1;
  }
}

uint64_t traversal_cost(uint64_t size) { return static_cast<uint64_t>(std::ceil(static_cast<double>(size) * 0.1)); }

Value checked_timestamp(int64_t seconds, int64_t nanos) {
  seconds += nanos / kNanos;
  nanos %= kNanos;
  if (nanos < 0) {
    nanos += kNanos;
    --seconds;
  }
  if (seconds < kMinTimestampSeconds || seconds > kMaxTimestampSeconds) return Value::error("timestamp overflow");
  return Value::timestamp({seconds, static_cast<int32_t>(nanos)});
}

Value add_duration(Timestamp t, Duration d) {
  int64_t seconds = t.seconds + d.nanos / kNanos;
  return checked_timestamp(seconds, t.nanos + d.nanos % kNanos);
}

Value concat_lists(const ListValue& a, const ListValue& b) {
  std::vector<Value> items = list_items(a);
  if (a.semantics() == ListSemantics::kSet) {
    for (size_t i = 0; i < b.size(); ++i) {
      Value v = b.get(i);
      bool present = false;
      for (const auto& existing : items) {
        Value eq = equals(existing, v);
        if (!eq.is_error() && eq.as_bool()) {
          present = true;
          break;
        }
      }
      if (!present) items.push_back(std::move(v));
    }
    return Value::list(std::make_shared<OwnedList>(std::move(items), ListSemantics::kSet));
  }
  if (a.semantics() == ListSemantics::kMap && a.map_keys()) {
    const auto& keys = *a.map_keys();
    auto key_of = [&](const Value& v) {
      std::vector<Value> parts;
      for (const auto& k : keys) {
        std::optional<Value> f = v.is(K::kMap) ? v.as_map().find(Value::string(k)) : std::nullopt;
        parts.push_back(f ? *f : Value());
      }
      return make_list(std::move(parts));
    };
    for (size_t i = 0; i < b.size(); ++i) {
      Value v = b.get(i);
      Value key = key_of(v);
      bool replaced = false;
      for (auto& existing : items) {
        Value eq = equals(key_of(existing), key);
        if (!eq.is_error() && eq.as_bool()) {
          existing = v;
          replaced = true;
          break;
        }
      }
      if (!replaced) items.push_back(std::move(v));
    }
    return Value::list(std::make_shared<OwnedList>(std::move(items), ListSemantics::kMap, keys));
  }
  for (size_t i = 0; i < b.size(); ++i) items.push_back(b.get(i));
  return make_list(std::move(items));
}

Value add(const Value& a, const Value& b, CostMeter& cost) {
  if (a.kind() != b.kind()) {
    if (a.is(K::kTimestamp) && b.is(K::kDuration)) return add_duration(a.as_timestamp(), b.as_duration());
    if (a.is(K::kDuration) && b.is(K::kTimestamp)) return add_duration(b.as_timestamp(), a.as_duration());
    return Value::no_such_overload();
  }
  switch (a.kind()) {
    case K::kInt: {
      int64_t r;
      if (__builtin_add_overflow(a.as_int(), b.as_int(), &r)) return overflow();
      return Value::integer(r);
    }
    case K::kUint: {
      uint64_t r;
      if (__builtin_add_overflow(a.as_uint(), b.as_uint(), &r)) return uint_overflow();
      return Value::uinteger(r);
    }
    case K::kDouble: return Value::real(a.as_double() + b.as_double());
    case K::kString:
      cost.charge(traversal_cost(a.as_string().size() + b.as_string().size()));
      return Value::string(a.as_string() + b.as_string());
    case K::kBytes:
      cost.charge(traversal_cost(a.as_bytes().size() + b.as_bytes().size()));
      return Value::bytes(a.as_bytes() + b.as_bytes());
    case K::kList: return concat_lists(a.as_list(), b.as_list());
    case K::kDuration: {
      int64_t r;
      if (__builtin_add_overflow(a.as_duration().nanos, b.as_duration().nanos, &r)) return overflow();
      return Value::duration({r});
    }
    default: return Value::no_such_overload();
  }
}

Value subtract(const Value& a, const Value& b) {
  if (a.is(K::kTimestamp) && b.is(K::kDuration)) {
    if (b.as_duration().nanos == INT64_MIN) return overflow();
    return add_duration(a.as_timestamp(), {-b.as_duration().nanos});
  }
  if (a.kind() != b.kind()) return Value::no_such_overload();
  switch (a.kind()) {
    case K::kInt: {
      int64_t r;
      if (__builtin_sub_overflow(a.as_int(), b.as_int(), &r)) return overflow();
      return Value::integer(r);
    }
    case K::kUint: {
      uint64_t r;
      if (__builtin_sub_overflow(a.as_uint(), b.as_uint(), &r)) return uint_overflow();
      return Value::uinteger(r);
    }
    case K::kDouble: return Value::real(a.as_double() - b.as_double());
    case K::kDuration: {
      int64_t r;
      if (__builtin_sub_overflow(a.as_duration().nanos, b.as_duration().nanos, &r)) return overflow();
      return Value::duration({r});
    }
    case K::kTimestamp: {
      Timestamp x = a.as_timestamp(), y = b.as_timestamp();
      int64_t s, ns;
      if (__builtin_sub_overflow(x.seconds, y.seconds, &s) || __builtin_mul_overflow(s, kNanos, &ns) ||
          __builtin_add_overflow(ns, int64_t{x.nanos} - y.nanos, &ns))
        return overflow();
      return Value::duration({ns});
    }
    default: return Value::no_such_overload();
  }
}

Value arithmetic(std::string_view op, const Value& a, const Value& b) {
  if (a.kind() != b.kind()) return Value::no_such_overload();
  const char o = op[1];  // "_*_", "_/_", "_%_"
  switch (a.kind()) {
    case K::kInt: {
      int64_t x = a.as_int(), y = b.as_int(), r;
      if (o == '*') {
        if (__builtin_mul_overflow(x, y, &r)) return overflow();
        return Value::integer(r);
      }
      if (y == 0) return Value::error(o == '/' ? "division by zero" : "modulus by zero");
      if (x == INT64_MIN && y == -1) return overflow();
      return Value::integer(o == '/' ? x / y : x % y);
    }
    case K::kUint: {
      uint64_t x = a.as_uint(), y = b.as_uint(), r;
      if (o == '*') {
        if (__builtin_mul_overflow(x, y, &r)) return uint_overflow();
        return Value::uinteger(r);
      }
      if (y == 0) return Value::error(o == '/' ? "division by zero" : "modulus by zero");
      return Value::uinteger(o == '/' ? x / y : x % y);
    }
    case K::kDouble:
      if (o == '*') return Value::real(a.as_double() * b.as_double());
      if (o == '/') return Value::real(a.as_double() / b.as_double());
      return Value::no_such_overload();
    default: return Value::no_such_overload();
  }
}

// Out-of-range indexes are worded by the list: cel-go's own lists and Kubernetes' JSON-backed
// lists say it differently.
std::optional<size_t> list_index(const Value& index, const ListValue& list, Value& err) {
  const size_t size = list.size();
  int64_t i = 0;
  if (index.is(K::kInt)) {
    i = index.as_int();
  } else if (index.is(K::kUint)) {
    i = index.as_uint() > static_cast<uint64_t>(INT64_MAX) ? -1 : static_cast<int64_t>(index.as_uint());
  } else if (index.is(K::kDouble) && std::trunc(index.as_double()) == index.as_double() &&
             std::fabs(index.as_double()) < 9.2e18) {
    i = static_cast<int64_t>(index.as_double());
  } else {
    err = Value::error("unsupported index type '" + type_name_of(index) + "' in list");
    return std::nullopt;
  }
  if (i < 0 || static_cast<uint64_t>(i) >= size) {
    if (dynamic_cast<const OwnedList*>(&list))
      err = Value::error("index '" + std::to_string(i) + "' out of range in list size '" + std::to_string(size) + "'");
    else
      err = Value::error("index out of bounds: " + display(index));
    return std::nullopt;
  }
  return static_cast<size_t>(i);
}

Value index(const Value& container, const Value& key) {
  if (container.is(K::kList)) {
    Value err;
    auto i = list_index(key, container.as_list(), err);
    return i ? container.as_list().get(*i) : err;
  }
  if (container.is(K::kMap)) {
    if (!is_key_kind(key) && !key.is(K::kDouble)) return Value::no_such_overload();
    auto v = container.as_map().find(key);
    if (!v) return Value::error("no such key: " + display(key));
    return *v;
  }
  return Value::no_such_overload();
}

Value optional_index(const Value& container, const Value& key) {
  if (container.is(K::kOptional)) {
    const Value* inner = container.optional_value();
    return inner ? optional_index(*inner, key) : container;
  }
  if (container.is(K::kList)) {
    Value err;
    auto i = list_index(key, container.as_list(), err);
    return i ? Value::optional_of(container.as_list().get(*i)) : Value::optional_none();
  }
  if (container.is(K::kMap)) {
    auto v = container.as_map().find(key);
    return v ? Value::optional_of(*v) : Value::optional_none();
  }
  return Value::no_such_overload();
}

Value contains(const Value& element, const Value& container, CostMeter& cost) {
  if (container.is(K::kList)) {
    const ListValue& l = container.as_list();
    cost.charge(l.size());
    Value first_error;
    bool saw_error = false;
    for (size_t i = 0; i < l.size(); ++i) {
      Value eq = equals(l.get(i), element);
      if (eq.is_error()) {
        if (!saw_error) first_error = eq;
        saw_error = true;
        continue;
      }
      if (eq.as_bool()) return Value::boolean(true);
    }
    return saw_error ? first_error : Value::boolean(false);
  }
  if (container.is(K::kMap)) return Value::boolean(container.as_map().find(element).has_value());
  return Value::no_such_overload();
}

// Go's strconv.ParseInt/ParseUint in base 10: an optional sign, then digits only.
std::optional<int64_t> parse_int64(const std::string& s) {
  size_t i = (!s.empty() && (s[0] == '+' || s[0] == '-')) ? 1 : 0;
  if (i == s.size()) return std::nullopt;
  for (size_t j = i; j < s.size(); ++j)
    if (s[j] < '0' || s[j] > '9') return std::nullopt;
  errno = 0;
  long long v = std::strtoll(s.c_str(), nullptr, 10);
  if (errno == ERANGE) return std::nullopt;
  return v;
}
std::optional<uint64_t> parse_uint64(const std::string& s) {
  size_t i = (!s.empty() && s[0] == '+') ? 1 : 0;
  if (i == s.size()) return std::nullopt;
  for (size_t j = i; j < s.size(); ++j)
    if (s[j] < '0' || s[j] > '9') return std::nullopt;
  errno = 0;
  unsigned long long v = std::strtoull(s.c_str(), nullptr, 10);
  if (errno == ERANGE) return std::nullopt;
  return v;
}

Value conversion_error(const Value& from, std::string_view to) {
  return Value::error("type conversion error from '" + type_name_of(from) + "' to '" + std::string(to) + "'");
}

Value convert(std::string_view to, const Value& v) {
  const K k = v.kind();
  if (to == "dyn") return v;
  if (to == "type") return Value::type(type_name_of(v));
  if (to == "int") {
    switch (k) {
      case K::kInt: return v;
      case K::kUint:
        if (v.as_uint() > static_cast<uint64_t>(INT64_MAX)) return overflow();
        return Value::integer(static_cast<int64_t>(v.as_uint()));
      case K::kDouble: {
        double d = v.as_double();
        if (std::isnan(d) || d <= -9223372036854775808.0 || d >= 9223372036854775807.0) return overflow();
        return Value::integer(static_cast<int64_t>(d));
      }
      case K::kString:
        if (auto i = parse_int64(v.as_string())) return Value::integer(*i);
        return conversion_error(v, "int");
      case K::kTimestamp: return Value::integer(v.as_timestamp().seconds);
      default: return Value::no_such_overload();
    }
  }
  if (to == "uint") {
    switch (k) {
      case K::kUint: return v;
      case K::kInt:
        if (v.as_int() < 0) return uint_overflow();
        return Value::uinteger(static_cast<uint64_t>(v.as_int()));
      case K::kDouble: {
        double d = v.as_double();
        if (std::isnan(d) || d < 0 || d >= 18446744073709551616.0) return uint_overflow();
        return Value::uinteger(static_cast<uint64_t>(d));
      }
      case K::kString:
        if (auto u = parse_uint64(v.as_string())) return Value::uinteger(*u);
        return conversion_error(v, "uint");
      default: return Value::no_such_overload();
    }
  }
  if (to == "double") {
    switch (k) {
      case K::kDouble: return v;
      case K::kInt: return Value::real(static_cast<double>(v.as_int()));
      case K::kUint: return Value::real(static_cast<double>(v.as_uint()));
      case K::kString: {
        const std::string& s = v.as_string();
        char* end = nullptr;
        double d = s.empty() ? 0 : std::strtod(s.c_str(), &end);
        if (s.empty() || end != s.c_str() + s.size() || s.find_first_of(" \t\n") != std::string::npos)
          return conversion_error(v, "double");
        return Value::real(d);
      }
      default: return Value::no_such_overload();
    }
  }
  if (to == "string") {
    switch (k) {
      case K::kString: return v;
      case K::kInt: return Value::string(std::to_string(v.as_int()));
      case K::kUint: return Value::string(std::to_string(v.as_uint()));
      case K::kDouble: return Value::string(format_double(v.as_double()));
      case K::kBool: return Value::string(v.as_bool() ? "true" : "false");
      case K::kBytes:
        if (!valid_utf8(v.as_bytes())) return Value::error("invalid UTF-8 in bytes, cannot convert to string");
        return Value::string(v.as_bytes());
      case K::kTimestamp: return Value::string(format_timestamp(v.as_timestamp()));
      case K::kDuration: return Value::string(format_duration(v.as_duration()));
      default: return Value::no_such_overload();
    }
  }
  if (to == "bytes") {
    if (k == K::kBytes) return v;
    if (k == K::kString) return Value::bytes(v.as_string());
    return Value::no_such_overload();
  }
  if (to == "bool") {
    if (k == K::kBool) return v;
    if (k != K::kString) return Value::no_such_overload();
    const std::string& s = v.as_string();
    if (s == "1" || s == "t" || s == "T" || s == "TRUE" || s == "true" || s == "True") return Value::boolean(true);
    if (s == "0" || s == "f" || s == "F" || s == "FALSE" || s == "false" || s == "False") return Value::boolean(false);
    return conversion_error(v, "bool");
  }
  if (to == "duration") {
    if (k == K::kDuration) return v;
    if (k != K::kString) return Value::no_such_overload();
    if (auto d = parse_duration(v.as_string())) return Value::duration(*d);
    return conversion_error(v, "google.protobuf.Duration");
  }
  if (to == "timestamp") {
    if (k == K::kTimestamp) return v;
    if (k == K::kInt) return checked_timestamp(v.as_int(), 0);
    if (k != K::kString) return Value::no_such_overload();
    if (auto t = parse_timestamp(v.as_string())) return checked_timestamp(t->seconds, t->nanos);
    return conversion_error(v, "google.protobuf.Timestamp");
  }
  return Value::no_such_overload();
}

bool is_zero(const Value& v) {
  switch (v.kind()) {
    case K::kNull: return true;
    case K::kBool: return !v.as_bool();
    case K::kInt: return v.as_int() == 0;
    case K::kUint: return v.as_uint() == 0;
    case K::kDouble: return v.as_double() == 0;
    case K::kString: return v.as_string().empty();
    case K::kBytes: return v.as_bytes().empty();
    case K::kList: return v.as_list().size() == 0;
    case K::kMap: return v.as_map().size() == 0;
    case K::kDuration: return v.as_duration().nanos == 0;
    case K::kTimestamp: return v.as_timestamp() == Timestamp{};
    default: return false;
  }
}

std::optional<Value> call_optional_function(std::string_view name, const Value* target,
                                            const std::vector<Value>& args) {
  if (name == "optional.of" && !target && args.size() == 1) return Value::optional_of(args[0]);
  if (name == "optional.ofNonZeroValue" && !target && args.size() == 1)
    return is_zero(args[0]) ? Value::optional_none() : Value::optional_of(args[0]);
  if (name == "optional.none" && !target && args.empty()) return Value::optional_none();
  if (!target || !target->is(K::kOptional)) return std::nullopt;
  const Value* inner = target->optional_value();
  if (name == "hasValue" && args.empty()) return Value::boolean(inner != nullptr);
  if (name == "value" && args.empty()) return inner ? *inner : Value::error("optional.none() dereference");
  if (name == "orValue" && args.size() == 1) return inner ? *inner : args[0];
  if (name == "or" && args.size() == 1) {
    if (!args[0].is(K::kOptional)) return Value::no_such_overload();
    return inner ? *target : args[0];
  }
  return std::nullopt;
}

// Kubernetes' list library (isSorted, sum, min, max, indexOf, lastIndexOf) and ext.Sets.
std::optional<Value> call_list_function(std::string_view name, const Value* target, const std::vector<Value>& args,
                                        CostMeter& cost) {
  if (name.rfind("sets.", 0) == 0 && !target && args.size() == 2) {
    if (!args[0].is(K::kList) || !args[1].is(K::kList)) return Value::no_such_overload();
    const ListValue& a = args[0].as_list();
    const ListValue& b = args[1].as_list();
    cost.charge(a.size() * b.size());
    auto in = [](const ListValue& l, const Value& v) {
      for (size_t i = 0; i < l.size(); ++i) {
        Value eq = equals(l.get(i), v);
        if (!eq.is_error() && eq.as_bool()) return true;
      }
      return false;
    };
    auto all_in = [&](const ListValue& x, const ListValue& y) {
      for (size_t i = 0; i < y.size(); ++i)
        if (!in(x, y.get(i))) return false;
      return true;
    };
    if (name == "sets.contains") return Value::boolean(all_in(a, b));
    if (name == "sets.equivalent") return Value::boolean(all_in(a, b) && all_in(b, a));
    if (name == "sets.intersects") {
      for (size_t i = 0; i < b.size(); ++i)
        if (in(a, b.get(i))) return Value::boolean(true);
      return Value::boolean(false);
    }
    return std::nullopt;
  }
  if (!target || !target->is(K::kList)) return std::nullopt;
  const ListValue& l = target->as_list();
  if ((name == "indexOf" || name == "lastIndexOf") && args.size() == 1) {
    cost.charge(l.size());
    const size_t n = l.size();
    for (size_t k = 0; k < n; ++k) {
      size_t i = name == "indexOf" ? k : n - 1 - k;
      Value eq = equals(l.get(i), args[0]);
      if (!eq.is_error() && eq.as_bool()) return Value::integer(static_cast<int64_t>(i));
    }
    return Value::integer(-1);
  }
  if (!args.empty()) return std::nullopt;
  if (name == "isSorted" || name == "min" || name == "max" || name == "sum") cost.charge(l.size());
  if (name == "isSorted") {
    for (size_t i = 1; i < l.size(); ++i) {
      Value c = compare(l.get(i - 1), l.get(i));
      if (c.is_error()) return c;
      if (c.as_int() > 0) return Value::boolean(false);
    }
    return Value::boolean(true);
  }
  if (name == "min" || name == "max") {
    if (l.size() == 0) return Value::error(name == "min" ? "min called on empty list" : "max called on empty list");
    Value best = l.get(0);
    for (size_t i = 1; i < l.size(); ++i) {
      Value next = l.get(i);
      Value c = compare(best, next);
      if (c.is_error()) return c;
      if ((name == "min" && c.as_int() > 0) || (name == "max" && c.as_int() < 0)) best = next;
    }
    return best;
  }
  if (name == "sum") {
    if (l.size() == 0) return Value::integer(0);  // the element type's zero; int is the usual one
    Value acc = l.get(0);
    for (size_t i = 1; i < l.size(); ++i) {
      acc = add(acc, l.get(i), cost);
      if (acc.is_error()) return acc;
    }
    return acc;
  }
  return std::nullopt;
}

}  // namespace

bool is_namespaced_function(std::string_view name) {
  static const std::set<std::string, std::less<>> names = {
      "optional.of",   "optional.ofNonZeroValue", "optional.none",  "strings.quote",
      "sets.contains", "sets.equivalent",         "sets.intersects"};
  return names.count(name) > 0;
}

Value call_function(std::string_view name, const Value* target, const std::vector<Value>& args, CostMeter& cost,
                    const re2::RE2* regex) {
  const size_t n = args.size();
  if (!target) {
    if (n == 2) {
      const Value& a = args[0];
      const Value& b = args[1];
      if (name == "_==_" || name == "_!=_") {
        cost.charge(traversal_cost(std::min(size_of(a), size_of(b))));
        Value eq = equals(a, b);
        if (eq.is_error() || name == "_==_") return eq;
        return Value::boolean(!eq.as_bool());
      }
      if (name == "_<_" || name == "_<=_" || name == "_>_" || name == "_>=_") {
        if (a.is(K::kString) || a.is(K::kBytes)) cost.charge(traversal_cost(std::min(size_of(a), size_of(b))));
        Value c = compare(a, b);
        if (c.is_error()) return c;
        int64_t s = c.as_int();
        if (name == "_<_") return Value::boolean(s < 0);
        if (name == "_<=_") return Value::boolean(s <= 0);
        if (name == "_>_") return Value::boolean(s > 0);
        return Value::boolean(s >= 0);
      }
      if (name == "_+_") return add(a, b, cost);
      if (name == "_-_") return subtract(a, b);
      if (name == "_*_" || name == "_/_" || name == "_%_") return arithmetic(name, a, b);
      if (name == "_[_]") return index(a, b);
      if (name == "_[?_]") return optional_index(a, b);
      if (name == "@in") return contains(a, b, cost);
    }
    if (n == 1) {
      const Value& a = args[0];
      if (name == "-_") {
        if (a.is(K::kInt)) return a.as_int() == INT64_MIN ? overflow() : Value::integer(-a.as_int());
        if (a.is(K::kDouble)) return Value::real(-a.as_double());
        return Value::no_such_overload();
      }
      if (name == "size") {
        if (a.is(K::kString)) return call_function("size", &a, {}, cost, nullptr);
        if (a.is(K::kBytes) || a.is(K::kList) || a.is(K::kMap)) return Value::integer(static_cast<int64_t>(size_of(a)));
        return Value::no_such_overload();
      }
      for (const char* to :
           {"int", "uint", "double", "string", "bytes", "bool", "duration", "timestamp", "dyn", "type"})
        if (name == to) return convert(name, a);
    }
  } else if (name == "size" && n == 0) {
    if (target->is(K::kBytes) || target->is(K::kList) || target->is(K::kMap))
      return Value::integer(static_cast<int64_t>(size_of(*target)));
  }
  if (auto v = call_optional_function(name, target, args)) return *v;
  if (auto v = call_list_function(name, target, args, cost)) return *v;
  if (auto v = call_string_function(name, target, args, cost, regex)) return *v;
  if (auto v = call_time_function(name, target, args)) return *v;
  return Value::no_such_overload();
}

}  // namespace skiff::api::cel
