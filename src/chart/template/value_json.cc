#include "chart/template/value_json.h"

namespace skiff::chart::tmpl {

Value value_from_json(const Json& json, JsonNumbers numbers) {
  switch (json.type()) {
    case Json::value_t::null:
    case Json::value_t::discarded:
      return Value();
    case Json::value_t::boolean:
      return Value::boolean(json.get<bool>());
    case Json::value_t::string:
      return Value::string(json.get<std::string>());
    case Json::value_t::number_integer:
      if (numbers == JsonNumbers::kInt64) return Value::integer(json.get<int64_t>(), Kind::kInt64);
      return Value::float64(json.get<double>());
    case Json::value_t::number_unsigned:
      if (numbers == JsonNumbers::kInt64 && json.get<uint64_t>() <= INT64_MAX) {
        return Value::integer(json.get<int64_t>(), Kind::kInt64);
      }
      return Value::float64(json.get<double>());
    case Json::value_t::number_float:
      return Value::float64(json.get<double>());
    case Json::value_t::object: {
      ValueMap entries;
      for (auto it = json.begin(); it != json.end(); ++it) {
        entries.emplace(it.key(), value_from_json(it.value(), numbers));
      }
      return Value::map(std::move(entries));
    }
    case Json::value_t::array: {
      ValueList items;
      items.reserve(json.size());
      for (const auto& item : json) items.push_back(value_from_json(item, numbers));
      return Value::list(std::move(items));
    }
    case Json::value_t::binary:
      return Value();
  }
  return Value();
}

Json value_to_json(const Value& value) {
  Kind k = value.kind();
  if (k == Kind::kBool) return value.as_bool();
  if (is_signed_int_kind(k)) return value.as_int();
  if (is_unsigned_int_kind(k)) return value.as_uint();
  if (is_float_kind(k)) return value.as_float();
  if (k == Kind::kString) return value.as_string();
  if (k == Kind::kMap) {
    if (value.is_nil_container()) return nullptr;
    Json obj = Json::object();
    for (const auto& [key, v] : value.map_entries()) obj[key] = value_to_json(v);
    return obj;
  }
  if (k == Kind::kSlice) {
    if (value.is_nil_container()) return nullptr;
    Json arr = Json::array();
    for (const auto& v : value.list_items()) arr.push_back(value_to_json(v));
    return arr;
  }
  return nullptr;
}

}  // namespace skiff::chart::tmpl
