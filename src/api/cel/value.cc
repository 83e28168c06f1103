#include "api/cel/value.h"

#include <cmath>

#include "api/cel/format.h"

namespace skiff::api::cel {
namespace {

bool is_number(const Value& v) { return v.is(ValueKind::kInt) || v.is(ValueKind::kUint) || v.is(ValueKind::kDouble); }

int sign(int64_t a, int64_t b) { return a < b ? -1 : a > b ? 1 : 0; }
int sign(uint64_t a, uint64_t b) { return a < b ? -1 : a > b ? 1 : 0; }
int sign(double a, double b) { return a < b ? -1 : a > b ? 1 : 0; }

// cel-go's cross-type numeric ordering (common/types/compare.go); nullopt for NaN.
std::optional<int> compare_numbers(const Value& a, const Value& b) {
  constexpr double kMinInt = -9223372036854775808.0, kMaxInt = 9223372036854775807.0, kMaxUint = 18446744073709551615.0;
  auto int_double = [&](int64_t i, double d) -> std::optional<int> {
    if (std::isnan(d)) return std::nullopt;
    if (d < kMinInt) return 1;
    if (d > kMaxInt) return -1;
    return sign(static_cast<double>(i), d);
  };
  auto uint_double = [&](uint64_t u, double d) -> std::optional<int> {
    if (std::isnan(d)) return std::nullopt;
    if (d < 0) return 1;
    if (d > kMaxUint) return -1;
    return sign(static_cast<double>(u), d);
  };
  auto int_uint = [](int64_t i, uint64_t u) { return i < 0 ? -1 : sign(static_cast<uint64_t>(i), u); };
  auto flip = [](std::optional<int> r) -> std::optional<int> {
    if (r) return -*r;
    return r;
  };
  switch (a.kind()) {
    case ValueKind::kInt:
      if (b.is(ValueKind::kInt)) return sign(a.as_int(), b.as_int());
      if (b.is(ValueKind::kUint)) return int_uint(a.as_int(), b.as_uint());
      return int_double(a.as_int(), b.as_double());
    case ValueKind::kUint:
      if (b.is(ValueKind::kUint)) return sign(a.as_uint(), b.as_uint());
      if (b.is(ValueKind::kInt)) return -int_uint(b.as_int(), a.as_uint());
      return uint_double(a.as_uint(), b.as_double());
    default:
      if (std::isnan(a.as_double())) return std::nullopt;
      if (b.is(ValueKind::kDouble)) {
        if (std::isnan(b.as_double())) return std::nullopt;
        return sign(a.as_double(), b.as_double());
      }
      if (b.is(ValueKind::kInt)) return flip(int_double(b.as_int(), a.as_double()));
      return flip(uint_double(b.as_uint(), a.as_double()));
  }
}

// Elements of a list-type=map list are identified by their key fields.
Value map_list_key(const Value& element, const std::vector<std::string>& keys) {
  std::vector<Value> parts;
  if (!element.is(ValueKind::kMap)) return make_list({element});
  for (const auto& k : keys) {
    auto v = element.as_map().find(Value::string(k));
    parts.push_back(v ? *v : Value());
  }
  return make_list(std::move(parts));
}

Value list_equals(const ListValue& a, const ListValue& b) {
  const size_t n = a.size();
  if (n != b.size()) return Value::boolean(false);
  if (a.semantics() == ListSemantics::kSet) {
    // Order does not matter; every element of b must be in a.
    for (size_t j = 0; j < n; ++j) {
      Value other = b.get(j);
      bool found = false;
      for (size_t i = 0; i < n && !found; ++i) {
        Value eq = equals(a.get(i), other);
        if (eq.is_error()) return eq;
        found = eq.as_bool();
      }
      if (!found) return Value::boolean(false);
    }
    return Value::boolean(true);
  }
  if (a.semantics() == ListSemantics::kMap && a.map_keys()) {
    const auto& keys = *a.map_keys();
    for (size_t j = 0; j < n; ++j) {
      Value other = b.get(j);
      Value other_key = map_list_key(other, keys);
      bool matched = false;
      for (size_t i = 0; i < n; ++i) {
        Value mine = a.get(i);
        Value same_key = equals(map_list_key(mine, keys), other_key);
        if (same_key.is_error() || !same_key.as_bool()) continue;
        Value eq = equals(mine, other);
        if (eq.is_error() || !eq.as_bool()) return eq;
        matched = true;
        break;
      }
      if (!matched) return Value::boolean(false);
    }
    return Value::boolean(true);
  }
  for (size_t i = 0; i < n; ++i) {
    Value eq = equals(a.get(i), b.get(i));
    if (eq.is_error() || !eq.as_bool()) return eq;
  }
  return Value::boolean(true);
}

Value map_equals(const MapValue& a, const MapValue& b) {
  if (a.size() != b.size()) return Value::boolean(false);
  for (const Value& k : a.keys()) {
    auto mine = a.find(k);
    auto theirs = b.find(k);
    if (!theirs) return Value::boolean(false);
    if (!mine) continue;
    Value eq = equals(*mine, *theirs);
    if (eq.is_error() || !eq.as_bool()) return eq;
  }
  return Value::boolean(true);
}

}  // namespace

std::optional<Value> OwnedMap::find(const Value& key) const {
  if (!is_key_kind(key)) return std::nullopt;
  for (const auto& [k, v] : entries_) {
    Value eq = equals(k, key);
    if (!eq.is_error() && eq.as_bool()) return v;
  }
  return std::nullopt;
}

std::vector<Value> OwnedMap::keys() const {
  std::vector<Value> out;
  out.reserve(entries_.size());
  for (const auto& e : entries_) out.push_back(e.first);
  return out;
}

Value make_list(std::vector<Value> items) { return Value::list(std::make_shared<OwnedList>(std::move(items))); }

std::vector<Value> list_items(const ListValue& l) {
  std::vector<Value> out;
  out.reserve(l.size());
  for (size_t i = 0; i < l.size(); ++i) out.push_back(l.get(i));
  return out;
}

Value equals(const Value& a, const Value& b) {
  if (a.is_error()) return a;
  if (b.is_error()) return b;
  if (is_number(a) && is_number(b)) {
    auto c = compare_numbers(a, b);
    return Value::boolean(c && *c == 0);
  }
  if (a.kind() != b.kind()) return Value::boolean(false);
  switch (a.kind()) {
    case ValueKind::kNull: return Value::boolean(true);
    case ValueKind::kBool: return Value::boolean(a.as_bool() == b.as_bool());
    case ValueKind::kString: return Value::boolean(a.as_string() == b.as_string());
    case ValueKind::kBytes: return Value::boolean(a.as_bytes() == b.as_bytes());
    case ValueKind::kDuration: return Value::boolean(a.as_duration() == b.as_duration());
    case ValueKind::kTimestamp: return Value::boolean(a.as_timestamp() == b.as_timestamp());
    case ValueKind::kType: return Value::boolean(a.type_name() == b.type_name());
    case ValueKind::kList: return list_equals(a.as_list(), b.as_list());
    case ValueKind::kMap: return map_equals(a.as_map(), b.as_map());
    case ValueKind::kOptional: {
      const Value* x = a.optional_value();
      const Value* y = b.optional_value();
      if (!x || !y) return Value::boolean(x == y);
      return equals(*x, *y);
    }
    default: return Value::boolean(false);
  }
}

Value compare(const Value& a, const Value& b) {
  if (a.is_error()) return a;
  if (b.is_error()) return b;
  if (is_number(a) && is_number(b)) {
    auto c = compare_numbers(a, b);
    if (!c) return Value::error("NaN values cannot be ordered");
    return Value::integer(*c);
  }
  if (a.kind() != b.kind()) return Value::no_such_overload();
  switch (a.kind()) {
    case ValueKind::kBool: return Value::integer(sign(int64_t{a.as_bool()}, int64_t{b.as_bool()}));
    case ValueKind::kString: {
      int c = a.as_string().compare(b.as_string());
      return Value::integer(c < 0 ? -1 : c > 0 ? 1 : 0);
    }
    case ValueKind::kBytes: {
      int c = a.as_bytes().compare(b.as_bytes());
      return Value::integer(c < 0 ? -1 : c > 0 ? 1 : 0);
    }
    case ValueKind::kDuration: return Value::integer(sign(a.as_duration().nanos, b.as_duration().nanos));
    case ValueKind::kTimestamp: {
      Timestamp x = a.as_timestamp(), y = b.as_timestamp();
      int c = sign(x.seconds, y.seconds);
      return Value::integer(c != 0 ? c : sign(int64_t{x.nanos}, int64_t{y.nanos}));
    }
    default: return Value::no_such_overload();
  }
}

bool is_key_kind(const Value& key) {
  switch (key.kind()) {
    case ValueKind::kBool:
    case ValueKind::kInt:
    case ValueKind::kUint:
    case ValueKind::kString: return true;
    default: return false;
  }
}

std::string type_name_of(const Value& v) {
  switch (v.kind()) {
    case ValueKind::kNull: return "null_type";
    case ValueKind::kBool: return "bool";
    case ValueKind::kInt: return "int";
    case ValueKind::kUint: return "uint";
    case ValueKind::kDouble: return "double";
    case ValueKind::kString: return "string";
    case ValueKind::kBytes: return "bytes";
    case ValueKind::kList: return "list";
    case ValueKind::kMap: return "map";
    case ValueKind::kDuration: return "google.protobuf.Duration";
    case ValueKind::kTimestamp: return "google.protobuf.Timestamp";
    case ValueKind::kType: return "type";
    case ValueKind::kOptional: return "optional_type";
    case ValueKind::kError: return "error";
  }
  return "";
}

std::string display(const Value& v) {
  switch (v.kind()) {
    case ValueKind::kString: return v.as_string();
    case ValueKind::kInt: return std::to_string(v.as_int());
    case ValueKind::kUint: return std::to_string(v.as_uint());
    case ValueKind::kDouble: return format_double(v.as_double());
    case ValueKind::kBool: return v.as_bool() ? "true" : "false";
    case ValueKind::kNull: return "NULL_VALUE";
    case ValueKind::kError: return v.error_message();
    default: return type_name_of(v);
  }
}

Value no_such_overload(const Value& a) { return a.is_error() ? a : Value::no_such_overload(); }
Value no_such_overload(const Value& a, const Value& b) {
  if (a.is_error()) return a;
  if (b.is_error()) return b;
  return Value::no_such_overload();
}

}  // namespace skiff::api::cel
