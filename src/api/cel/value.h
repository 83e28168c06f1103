// CEL runtime values: scalars, strings, bytes, lists, maps, durations, timestamps, types,
// optionals and errors (errors are values, so `&&`/`||` can absorb them as CEL requires).
// Lists and maps are interfaces: custom resources are read lazily from their JSON.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace skiff::api::cel {

class Value;
class ListValue;
class MapValue;

struct Duration {
  int64_t nanos = 0;  // Go's time.Duration, as cel-go uses
  bool operator==(const Duration&) const = default;
};

struct Timestamp {
  int64_t seconds = 0;  // since the Unix epoch, UTC
  int32_t nanos = 0;
  bool operator==(const Timestamp&) const = default;
};

struct StringValue {
  std::string text;
};
struct BytesValue {
  std::string data;
};
struct TypeValue {
  std::string name;  // "int", "list", "google.protobuf.Timestamp", ...
};
struct ErrorValue {
  std::string message;  // "no such key: foo", "division by zero", ...
};
struct OptionalValue {
  std::shared_ptr<const Value> value;  // null: optional.none()
};

// clang-format off
enum class ValueKind {  // the order of Value's variant alternatives
  kNull, kBool, kInt, kUint, kDouble, kString, kBytes, kList, kMap, kDuration, kTimestamp, kType, kOptional, kError,
};
// clang-format on

class Value {
 public:
  Value() = default;  // null
  static Value boolean(bool b) { return Value(Storage(b)); }
  static Value integer(int64_t i) { return Value(Storage(i)); }
  static Value uinteger(uint64_t u) { return Value(Storage(u)); }
  static Value real(double d) { return Value(Storage(d)); }
  static Value string(std::string s) { return Value(Storage(StringValue{std::move(s)})); }
  static Value bytes(std::string b) { return Value(Storage(BytesValue{std::move(b)})); }
  static Value list(std::shared_ptr<const ListValue> l) { return Value(Storage(std::move(l))); }
  static Value map(std::shared_ptr<const MapValue> m) { return Value(Storage(std::move(m))); }
  static Value duration(Duration d) { return Value(Storage(d)); }
  static Value timestamp(Timestamp t) { return Value(Storage(t)); }
  static Value type(std::string name) { return Value(Storage(TypeValue{std::move(name)})); }
  static Value optional_none() { return Value(Storage(OptionalValue{})); }
  static Value optional_of(Value v) {
    return Value(Storage(OptionalValue{std::make_shared<const Value>(std::move(v))}));
  }
  static Value error(std::string message) { return Value(Storage(ErrorValue{std::move(message)})); }
  static Value no_such_overload() { return error("no such overload"); }

  ValueKind kind() const { return static_cast<ValueKind>(storage_.index()); }
  bool is_error() const { return kind() == ValueKind::kError; }
  bool is(ValueKind k) const { return kind() == k; }

  bool as_bool() const { return std::get<bool>(storage_); }
  int64_t as_int() const { return std::get<int64_t>(storage_); }
  uint64_t as_uint() const { return std::get<uint64_t>(storage_); }
  double as_double() const { return std::get<double>(storage_); }
  const std::string& as_string() const { return std::get<StringValue>(storage_).text; }
  const std::string& as_bytes() const { return std::get<BytesValue>(storage_).data; }
  const ListValue& as_list() const { return *std::get<std::shared_ptr<const ListValue>>(storage_); }
  const std::shared_ptr<const ListValue>& list_ptr() const {
    return std::get<std::shared_ptr<const ListValue>>(storage_);
  }
  const MapValue& as_map() const { return *std::get<std::shared_ptr<const MapValue>>(storage_); }
  Duration as_duration() const { return std::get<Duration>(storage_); }
  Timestamp as_timestamp() const { return std::get<Timestamp>(storage_); }
  const std::string& type_name() const { return std::get<TypeValue>(storage_).name; }
  const Value* optional_value() const { return std::get<OptionalValue>(storage_).value.get(); }
  const std::string& error_message() const { return std::get<ErrorValue>(storage_).message; }

 private:
  using Storage = std::variant<std::monostate, bool, int64_t, uint64_t, double, StringValue, BytesValue,
                               std::shared_ptr<const ListValue>, std::shared_ptr<const MapValue>, Duration, Timestamp,
                               TypeValue, OptionalValue, ErrorValue>;
  explicit Value(Storage s) : storage_(std::move(s)) {}
  Storage storage_;
};

// Kubernetes' x-kubernetes-list-type changes what == and + mean for a list.
enum class ListSemantics { kAtomic, kSet, kMap };

class ListValue {
 public:
  virtual ~ListValue() = default;
  virtual size_t size() const = 0;
  virtual Value get(size_t i) const = 0;
  virtual ListSemantics semantics() const { return ListSemantics::kAtomic; }
  // For ListSemantics::kMap: the (escaped) key fields identifying an element.
  virtual const std::vector<std::string>* map_keys() const { return nullptr; }
};

class MapValue {
 public:
  virtual ~MapValue() = default;
  virtual size_t size() const = 0;
  // The value under `key`; nullopt when absent. Keys of unsupported kinds are absent.
  virtual std::optional<Value> find(const Value& key) const = 0;
  // In iteration order.
  virtual std::vector<Value> keys() const = 0;
};

class OwnedList final : public ListValue {
 public:
  explicit OwnedList(std::vector<Value> items, ListSemantics semantics = ListSemantics::kAtomic,
                     std::vector<std::string> keys = {})
      : items_(std::move(items)), semantics_(semantics), keys_(std::move(keys)) {}
  size_t size() const override { return items_.size(); }
  Value get(size_t i) const override { return items_[i]; }
  ListSemantics semantics() const override { return semantics_; }
  const std::vector<std::string>* map_keys() const override {
    return semantics_ == ListSemantics::kMap ? &keys_ : nullptr;
  }

 private:
  std::vector<Value> items_;
  ListSemantics semantics_;
  std::vector<std::string> keys_;
};

class OwnedMap final : public MapValue {
 public:
  // Later duplicates are the caller's to reject; lookups find the first.
  explicit OwnedMap(std::vector<std::pair<Value, Value>> entries) : entries_(std::move(entries)) {}
  size_t size() const override { return entries_.size(); }
  std::optional<Value> find(const Value& key) const override;
  std::vector<Value> keys() const override;

 private:
  std::vector<std::pair<Value, Value>> entries_;
};

Value make_list(std::vector<Value> items);
std::vector<Value> list_items(const ListValue& l);

// CEL's heterogeneous equality: bool, or an error when an element comparison fails.
Value equals(const Value& a, const Value& b);
// -1, 0, 1 for ordered pairs (numbers across int/uint/double); an error value otherwise.
Value compare(const Value& a, const Value& b);
// Whether `key` may be a map key (bool, int, uint, string).
bool is_key_kind(const Value& key);
// The type name type() returns ("int", "map", "google.protobuf.Duration", ...).
std::string type_name_of(const Value& v);
// Go's %v of a key or index in an error message ("no such key: foo").
std::string display(const Value& v);
// An error for the wrong kinds of operands: errors pass through, else "no such overload".
Value no_such_overload(const Value& a);
Value no_such_overload(const Value& a, const Value& b);

}  // namespace skiff::api::cel
