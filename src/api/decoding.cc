// Mirrors what kube-apiserver's JSON decoding (sigs.k8s.io/json, strict mode) reports for
// built-in kinds: a type mismatch fails the request with Go's UnmarshalTypeError wording;
// unknown fields are collected with their full path ("spec.containers[0].foo") and dropped.
#include "api/decoding.h"

#include <optional>

#include "api/field_errors.h"
#include "api/quantity.h"
#include "util/encoding.h"

namespace skiff::api::internal {
namespace {

constexpr std::string_view kIntOrString = "io.k8s.apimachinery.pkg.util.intstr.IntOrString";
constexpr std::string_view kQuantity = "io.k8s.apimachinery.pkg.api.resource.Quantity";

std::string short_type_name(std::string_view type_name) {
  if (type_name == kIntOrString) return "intstr.IntOrString";
  if (type_name == kQuantity) return "resource.Quantity";
  const size_t last = type_name.rfind('.');
  const size_t pkg = type_name.rfind('.', last - 1);
  return std::string(type_name.substr(pkg + 1));
}

std::string json_kind(const Json& v) {
  switch (v.type()) {
    case Json::value_t::string: return "string";
    case Json::value_t::boolean: return "bool";
    case Json::value_t::array: return "array";
    case Json::value_t::object: return "object";
    case Json::value_t::number_float: return "number " + v.dump();
    default: return "number";
  }
}

// Offset of the first byte Go's base64 decoder rejects (StdEncoding, padded).
size_t bad_base64_offset(std::string_view s) {
  auto in_alphabet = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '+' || c == '/'; };
  size_t i = 0;
  while (i < s.size() && in_alphabet(s[i])) ++i;
  if (i < s.size() && s[i] != '=') return i;
  if (i == s.size() && s.size() % 4 == 0) return s.size();
  // Padding or a short final quantum: Go reports the start of the bad quantum.
  return i < s.size() ? i : s.size() - s.size() % 4;
}

bool is_map(const Schema& s) {
  return s.type == Schema::Type::kObject && s.properties.empty() && s.additional_properties != nullptr;
}

class Decoder {
 public:
  void walk(const Schema& s, Json& v, const std::string& path, const std::string& go_path, std::string_view go_struct) {
    if (error_) return;
    switch (s.type) {
      case Schema::Type::kAny:
        return;
      case Schema::Type::kObject:
        if (!v.is_object()) return type_error(v, s, go_path, go_struct);
        if (!s.properties.empty()) return walk_struct(s, v, path, go_path);
        if (s.additional_properties != nullptr) return walk_map(s, v, path, go_path, go_struct);
        return;  // free-form object (RawExtension, FieldsV1)
      case Schema::Type::kArray:
        if (!v.is_array()) return type_error(v, s, go_path, go_struct);
        if (s.items != nullptr)
          for (size_t i = 0; i < v.size(); ++i)
            if (!v[i].is_null()) walk(*s.items, v[i], path_index(path, i), go_path, go_struct);
        return;
      case Schema::Type::kString:
        if (!v.is_string()) return type_error(v, s, go_path, go_struct);
        if (s.format == "byte") check_base64(v.get_ref<const std::string&>());
        return;
      case Schema::Type::kInteger:
        if (!v.is_number_integer()) return type_error(v, s, go_path, go_struct);
        if (s.format == "int32" && (v.is_number_unsigned() ? v.get<uint64_t>() > INT32_MAX
                                                           : v.get<int64_t>() < INT32_MIN || v.get<int64_t>() > INT32_MAX))
          return type_error(v, s, go_path, go_struct, "number " + v.dump());
        return;
      case Schema::Type::kNumber:
        if (!v.is_number()) return type_error(v, s, go_path, go_struct);
        return;
      case Schema::Type::kBoolean:
        if (!v.is_boolean()) return type_error(v, s, go_path, go_struct);
        return;
      case Schema::Type::kIntOrString:
        if (!v.is_string() && !v.is_number_integer()) return type_error(v, s, go_path, go_struct);
        return;
      case Schema::Type::kQuantity: {
        if (!v.is_string() && !v.is_number()) return type_error(v, s, go_path, go_struct);
        auto q = Quantity::from_json(v);
        if (!q.ok()) {
          error_ = q.error().message;
          return;
        }
        v = q->to_string();
        return;
      }
    }
  }

  std::optional<std::string> error_;
  std::vector<std::string> unknown_;

 private:
  void walk_struct(const Schema& s, Json& v, const std::string& path, const std::string& go_path) {
    const std::string go_struct = s.type_name.substr(s.type_name.rfind('.') + 1);
    std::vector<std::string> drop;
    for (auto it = v.begin(); it != v.end(); ++it) {
      const std::string& name = it.key();
      if (it->is_null()) {
        drop.push_back(name);
        continue;
      }
      auto prop = s.properties.find(name);
      if (prop == s.properties.end()) {
        if (s.preserve_unknown_fields) continue;
        unknown_.push_back(path_child(path, name));
        drop.push_back(name);
        continue;
      }
      walk(*prop->second, *it, path_child(path, name), path_child(go_path, name), go_struct);
      if (error_) return;
      // Every map field of the built-in kinds is `omitempty`: an empty map does not survive
      // Kubernetes' decode/encode round trip (kubectl diff relies on `annotations: {}` vanishing).
      if (is_map(*prop->second) && it->is_object() && it->empty()) drop.push_back(name);
    }
    for (const auto& name : drop) v.erase(name);
  }

  void walk_map(const Schema& s, Json& v, const std::string& path, const std::string& go_path,
                std::string_view go_struct) {
    std::vector<std::string> drop;
    for (auto it = v.begin(); it != v.end(); ++it) {
      if (it->is_null()) {
        drop.push_back(it.key());
        continue;
      }
      walk(*s.additional_properties, *it, path_child(path, it.key()), go_path, go_struct);
      if (error_) return;
    }
    for (const auto& name : drop) v.erase(name);
  }

  void type_error(const Json& v, const Schema& s, const std::string& go_path, std::string_view go_struct,
                  std::optional<std::string> what = std::nullopt) {
    std::string msg = "json: cannot unmarshal " + what.value_or(json_kind(v));
    if (go_path.empty())
      msg += " into Go value of type " + go_type_name(s);
    else
      msg += " into Go struct field " + std::string(go_struct) + "." + go_path + " of type " + go_type_name(s);
    error_ = std::move(msg);
  }

  void check_base64(const std::string& s) {
    if (base64_decode(s)) return;
    error_ = "illegal base64 data at input byte " + std::to_string(bad_base64_offset(s));
  }
};

}  // namespace

std::string go_type_name(const Schema& s) {
  if (!s.type_name.empty()) return short_type_name(s.type_name);
  switch (s.type) {
    case Schema::Type::kArray: return "[]" + (s.items ? go_type_name(*s.items) : "interface {}");
    case Schema::Type::kObject:
      if (s.additional_properties != nullptr) return "map[string]" + go_type_name(*s.additional_properties);
      return "map[string]interface {}";
    case Schema::Type::kString: return s.format == "byte" ? "[]uint8" : "string";
    case Schema::Type::kInteger: return s.format.empty() ? "int" : s.format;
    case Schema::Type::kNumber: return "float64";
    case Schema::Type::kBoolean: return "bool";
    case Schema::Type::kIntOrString: return "intstr.IntOrString";
    case Schema::Type::kQuantity: return "resource.Quantity";
    case Schema::Type::kAny: return "interface {}";
  }
  return "interface {}";
}

Status decode_check(const ResourceInfo& info, Json& obj, FieldValidation mode, std::vector<std::string>* warnings) {
  const std::string& kind = info.gvk.kind;
  if (!obj.is_object())
    return Error::bad_request("Object '" + kind + "' is not a JSON object");
  Decoder decoder;
  decoder.walk(*info.schema, obj, "", "", kind);
  if (decoder.error_) {
    return Error::bad_request(kind + " in version \"" + info.gvk.version + "\" cannot be handled as a " + kind + ": " +
                              *decoder.error_);
  }
  if (decoder.unknown_.empty() || mode == FieldValidation::kIgnore) return ok_status();
  if (mode == FieldValidation::kWarn) {
    if (warnings != nullptr)
      for (const auto& f : decoder.unknown_) warnings->push_back("unknown field \"" + f + "\"");
    return ok_status();
  }
  std::string msg = "strict decoding error: ";
  for (size_t i = 0; i < decoder.unknown_.size(); ++i) {
    if (i > 0) msg += ", ";
    msg += "unknown field \"" + decoder.unknown_[i] + "\"";
  }
  return Error::bad_request(std::move(msg));
}

}  // namespace skiff::api::internal
