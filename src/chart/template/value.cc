#include "chart/template/value.h"

#include <cassert>

#include "chart/template/function.h"

namespace skiff::chart::tmpl {

bool is_signed_int_kind(Kind k) {
  return k == Kind::kInt || k == Kind::kInt8 || k == Kind::kInt16 || k == Kind::kInt32 ||
         k == Kind::kInt64;
}

bool is_unsigned_int_kind(Kind k) {
  return k == Kind::kUint || k == Kind::kUint8 || k == Kind::kUint16 || k == Kind::kUint32 ||
         k == Kind::kUint64 || k == Kind::kUintptr;
}

bool is_float_kind(Kind k) { return k == Kind::kFloat32 || k == Kind::kFloat64; }

std::string_view basic_type_name(Kind k) {
  switch (k) {
    case Kind::kInvalid: return "<nil>";
    case Kind::kBool: return "bool";
    case Kind::kInt: return "int";
    case Kind::kInt8: return "int8";
    case Kind::kInt16: return "int16";
    case Kind::kInt32: return "int32";
    case Kind::kInt64: return "int64";
    case Kind::kUint: return "uint";
    case Kind::kUint8: return "uint8";
    case Kind::kUint16: return "uint16";
    case Kind::kUint32: return "uint32";
    case Kind::kUint64: return "uint64";
    case Kind::kUintptr: return "uintptr";
    case Kind::kFloat32: return "float32";
    case Kind::kFloat64: return "float64";
    case Kind::kString: return "string";
    case Kind::kMap: return "map";
    case Kind::kSlice: return "slice";
    case Kind::kFunc: return "func";
    case Kind::kInterface: return "interface {}";
  }
  return "?";
}

Value Value::boolean(bool b) {
  Value v;
  v.kind_ = Kind::kBool;
  v.data_ = b;
  return v;
}

Value Value::integer(int64_t i, Kind kind) {
  assert(is_signed_int_kind(kind));
  Value v;
  v.kind_ = kind;
  v.data_ = i;
  return v;
}

Value Value::unsigned_integer(uint64_t u, Kind kind) {
  assert(is_unsigned_int_kind(kind));
  Value v;
  v.kind_ = kind;
  v.data_ = u;
  return v;
}

Value Value::float64(double d) {
  Value v;
  v.kind_ = Kind::kFloat64;
  v.data_ = d;
  return v;
}

Value Value::float32(double d) {
  Value v;
  v.kind_ = Kind::kFloat32;
  v.data_ = static_cast<double>(static_cast<float>(d));
  return v;
}

Value Value::string(std::string s) {
  static const auto kEmpty = std::make_shared<const std::string>();
  Value v;
  v.kind_ = Kind::kString;
  if (s.empty()) {
    v.data_ = kEmpty;
  } else {
    v.data_ = std::make_shared<const std::string>(std::move(s));
  }
  return v;
}

Value Value::deferred_string(std::shared_ptr<const DeferredText> source) {
  Value v;
  v.kind_ = Kind::kString;
  v.data_ = std::move(source);
  return v;
}

Value Value::map(ValueMap entries, Kind elem) {
  auto data = std::make_shared<MapData>();
  data->entries = std::move(entries);
  return shared_map(std::move(data), elem);
}

Value Value::shared_map(std::shared_ptr<MapData> data, Kind elem) {
  Value v;
  v.kind_ = Kind::kMap;
  v.elem_ = elem;
  v.data_ = std::move(data);
  return v;
}

Value Value::nil_map(Kind elem) { return shared_map(nullptr, elem); }

Value Value::list(ValueList items, Kind elem) {
  auto data = std::make_shared<ListData>();
  data->items = std::move(items);
  return shared_list(std::move(data), elem);
}

Value Value::shared_list(std::shared_ptr<ListData> data, Kind elem) {
  Value v;
  v.kind_ = Kind::kSlice;
  v.elem_ = elem;
  v.data_ = std::move(data);
  return v;
}

Value Value::nil_list(Kind elem) { return shared_list(nullptr, elem); }

Value Value::function(std::shared_ptr<const FunctionDef> fn) {
  Value v;
  v.kind_ = Kind::kFunc;
  v.data_ = std::move(fn);
  return v;
}

Value Value::nil_interface() {
  Value v;
  v.boxed_ = true;
  return v;
}

bool Value::is_nil_container() const {
  if (kind_ == Kind::kMap) return std::get<std::shared_ptr<MapData>>(data_) == nullptr;
  if (kind_ == Kind::kSlice) return std::get<std::shared_ptr<ListData>>(data_) == nullptr;
  return false;
}

Value Value::boxed() const {
  Value v = *this;
  v.boxed_ = true;
  return v;
}

Value Value::unboxed() const& {
  Value v = *this;
  v.boxed_ = false;
  return v;
}

Value Value::unboxed() && {
  boxed_ = false;
  return std::move(*this);
}

bool Value::as_bool() const { return std::get<bool>(data_); }
int64_t Value::as_int() const { return std::get<int64_t>(data_); }
uint64_t Value::as_uint() const { return std::get<uint64_t>(data_); }
double Value::as_float() const { return std::get<double>(data_); }
const std::string& Value::as_string() const {
  if (const auto* s = std::get_if<std::shared_ptr<const std::string>>(&data_)) return **s;
  return std::get<std::shared_ptr<const DeferredText>>(data_)->get();
}

const ValueMap& Value::map_entries() const {
  static const ValueMap kEmpty;
  const auto& p = std::get<std::shared_ptr<MapData>>(data_);
  return p ? p->entries : kEmpty;
}

const ValueList& Value::list_items() const {
  static const ValueList kEmpty;
  const auto& p = std::get<std::shared_ptr<ListData>>(data_);
  return p ? p->items : kEmpty;
}

std::shared_ptr<MapData> Value::map_data() const { return std::get<std::shared_ptr<MapData>>(data_); }

std::shared_ptr<ListData> Value::list_data() const {
  return std::get<std::shared_ptr<ListData>>(data_);
}

Value Value::element(const Value& stored) const {
  if (elem_ == Kind::kInterface) return stored.boxed();
  return stored;
}

size_t Value::size() const {
  switch (kind_) {
    case Kind::kMap: return map_entries().size();
    case Kind::kSlice: return list_items().size();
    case Kind::kString: return as_string().size();
    default: return 0;
  }
}

const std::shared_ptr<const FunctionDef>& Value::function_def() const {
  return std::get<std::shared_ptr<const FunctionDef>>(data_);
}

Value Value::with_type(std::shared_ptr<const TypeInfo> type) const {
  Value v = *this;
  v.type_ = std::move(type);
  return v;
}

std::string Value::type_name() const {
  if (type_) return type_->name;
  switch (kind_) {
    case Kind::kMap: return "map[string]" + std::string(basic_type_name(elem_));
    case Kind::kSlice: return "[]" + std::string(basic_type_name(elem_));
    case Kind::kFunc: return "func(...)";
    default: return std::string(basic_type_name(kind_));
  }
}

std::string Value::static_type_name() const {
  if (boxed_) return "interface {}";
  return type_name();
}

Value zero_value(Kind kind) {
  switch (kind) {
    case Kind::kBool: return Value::boolean(false);
    case Kind::kFloat32: return Value::float32(0);
    case Kind::kFloat64: return Value::float64(0);
    case Kind::kString: return Value::string("");
    case Kind::kMap: return Value::nil_map();
    case Kind::kSlice: return Value::nil_list();
    case Kind::kInterface: return Value::nil_interface();
    default:
      if (is_signed_int_kind(kind)) return Value::integer(0, kind);
      if (is_unsigned_int_kind(kind)) return Value::unsigned_integer(0, kind);
      return Value();
  }
}

std::string ParamType::go_name() const {
  switch (kind) {
    case ParamKind::kValue: return "reflect.Value";
    case ParamKind::kAny: return "interface {}";
    case ParamKind::kBool: return "bool";
    case ParamKind::kInt: return "int";
    case ParamKind::kInt64: return "int64";
    case ParamKind::kUint32: return "uint32";
    case ParamKind::kFloat64: return "float64";
    case ParamKind::kString: return "string";
    case ParamKind::kMap: return "map[string]interface {}";
    case ParamKind::kSlice: return "[]interface {}";
    case ParamKind::kNamed: return named;
  }
  return "?";
}

FunctionDef make_function(std::vector<ParamKind> params, bool variadic, Function fn) {
  FunctionDef def;
  for (ParamKind k : params) def.sig.params.push_back(ParamType{k, {}});
  def.sig.variadic = variadic;
  def.fn = std::move(fn);
  return def;
}

}  // namespace skiff::chart::tmpl
