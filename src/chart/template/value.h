// The data model of Go templates: a dynamically typed value that keeps the Go type
// distinctions text/template depends on (int vs float64, interface{} boxing, nil maps).
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace skiff::chart::tmpl {

// Mirrors reflect.Kind for the kinds templates meet. kInterface only describes the
// element type of containers (interface{}); a Value itself never has that kind.
enum class Kind : uint8_t {
  kInvalid,
  kBool,
  kInt,
  kInt8,
  kInt16,
  kInt32,
  kInt64,
  kUint,
  kUint8,
  kUint16,
  kUint32,
  kUint64,
  kUintptr,
  kFloat32,
  kFloat64,
  kString,
  kMap,
  kSlice,
  kFunc,
  kInterface,
};

bool is_signed_int_kind(Kind k);
bool is_unsigned_int_kind(Kind k);
bool is_float_kind(Kind k);
// Go's name for a basic kind ("int", "float64", "interface {}").
std::string_view basic_type_name(Kind k);

class Value;
struct MapData;
struct ListData;
struct FunctionDef;
struct TypeInfo;

// The text of a string value that is produced on first use (a chart file read only when
// a template asks for it). Values share one source; get() returns the same text each time.
class DeferredText {
 public:
  virtual ~DeferredText() = default;
  virtual const std::string& get() const = 0;
};

// Maps iterate in Go's fmtsort order for string keys: byte-wise ascending.
using ValueMap = std::map<std::string, Value, std::less<>>;
using ValueList = std::vector<Value>;

class Value {
 public:
  // The invalid value (Go's reflect.Value{}): what a missing key or untyped nil yields.
  Value() = default;

  static Value boolean(bool b);
  static Value integer(int64_t v, Kind kind = Kind::kInt);  // any signed kind
  static Value unsigned_integer(uint64_t v, Kind kind = Kind::kUint);
  static Value float64(double v);
  static Value float32(double v);
  static Value string(std::string s);
  // A string whose text `source` produces when first read.
  static Value deferred_string(std::shared_ptr<const DeferredText> source);
  // A map[string]<elem>; elem kInterface is map[string]interface{}.
  static Value map(ValueMap entries = {}, Kind elem = Kind::kInterface);
  static Value shared_map(std::shared_ptr<MapData> data, Kind elem = Kind::kInterface);
  static Value nil_map(Kind elem = Kind::kInterface);
  static Value list(ValueList items = {}, Kind elem = Kind::kInterface);
  static Value shared_list(std::shared_ptr<ListData> data, Kind elem = Kind::kInterface);
  static Value nil_list(Kind elem = Kind::kInterface);
  static Value function(std::shared_ptr<const FunctionDef> fn);
  // A nil interface{} value (reflect.Zero of interface{}): what a missing map entry of
  // map[string]interface{} is under missingkey=zero.
  static Value nil_interface();

  Kind kind() const { return kind_; }
  bool is_valid() const { return kind_ != Kind::kInvalid; }
  // True when the value's static type is interface{} (it came out of a container of
  // interface{}). Go reports such values as "interface {}" in field errors.
  bool is_boxed() const { return boxed_; }
  // A boxed nil or the invalid value.
  bool is_nil_interface() const { return boxed_ && kind_ == Kind::kInvalid; }
  // A map or slice that is nil (typed nil).
  bool is_nil_container() const;
  Value boxed() const;
  Value unboxed() const&;
  Value unboxed() &&;

  bool as_bool() const;
  int64_t as_int() const;      // signed kinds
  uint64_t as_uint() const;    // unsigned kinds
  double as_float() const;     // float kinds
  const std::string& as_string() const;

  // Containers: element kind, read access (nil containers read as empty), and
  // shared mutable storage (Go maps are references: set/merge mutate in place).
  Kind elem_kind() const { return elem_; }
  const ValueMap& map_entries() const;
  const ValueList& list_items() const;
  std::shared_ptr<MapData> map_data() const;
  std::shared_ptr<ListData> list_data() const;
  // Element read out of a container, boxed when the element type is interface{}.
  Value element(const Value& stored) const;
  size_t size() const;  // map, slice or string length

  const std::shared_ptr<const FunctionDef>& function_def() const;

  // Named types (chartutil.Values, *semver.Version, time.Time) with methods.
  const std::shared_ptr<const TypeInfo>& type_info() const { return type_; }
  Value with_type(std::shared_ptr<const TypeInfo> type) const;
  // Go's name of the dynamic type ("int", "map[string]interface {}", "[]string").
  std::string type_name() const;
  // The static type name as Go's reflect would report it ("interface {}" when boxed).
  std::string static_type_name() const;

 private:
  // Strings are immutable and shared: values are copied at every step of a pipeline.
  using Data = std::variant<std::monostate, bool, int64_t, uint64_t, double, std::shared_ptr<const std::string>,
                            std::shared_ptr<MapData>, std::shared_ptr<ListData>,
                            std::shared_ptr<const FunctionDef>, std::shared_ptr<const DeferredText>>;
  Kind kind_ = Kind::kInvalid;
  Kind elem_ = Kind::kInterface;
  bool boxed_ = false;
  Data data_;
  std::shared_ptr<const TypeInfo> type_;
};

struct MapData {
  ValueMap entries;
};

struct ListData {
  ValueList items;
};

// Go's zero value of a kind (what missingkey=zero yields for typed maps).
Value zero_value(Kind kind);

}  // namespace skiff::chart::tmpl
