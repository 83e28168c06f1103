// Parsing and structural checks of CRD schemas (apiextensions-apiserver pkg/apiserver/schema).
#include "api/crd_schema.h"

#include <re2/re2.h>

#include <cmath>
#include <set>

#include "util/strings.h"

namespace skiff::api {
namespace {

enum class Level { kRoot, kItem, kField };

const std::vector<std::string>& schema_types() {
  static const std::vector<std::string> types = {"array", "boolean", "integer", "number", "object", "string"};
  return types;
}

class Parser {
 public:
  explicit Parser(FieldErrors& errs) : errs_(errs) {}

  std::unique_ptr<StructuralSchema> parse(const Json& j, const std::string& path, Level level) {
    auto s = std::make_unique<StructuralSchema>();
    if (!j.is_object()) {
      errs_.invalid(path, j, "must be a schema object");
      return s;
    }
    read_scalars(j, *s, path);
    for (const char* unsupported : {"$ref", "additionalItems", "patternProperties", "definitions", "dependencies", "id"}) {
      if (j.contains(unsupported)) errs_.forbidden(path_child(path, unsupported), std::string(unsupported) + " is not supported");
    }
    if (auto it = j.find("properties"); it != j.end() && it->is_object()) {
      for (const auto& [name, child] : it->items())
        s->properties[name] = parse(child, path_key(path_child(path, "properties"), name), Level::kField);
    }
    if (auto it = j.find("items"); it != j.end()) {
      if (it->is_array()) {
        errs_.forbidden(path_child(path, "items"), "items must be a schema object and not an array");
      } else {
        s->items = parse(*it, path_child(path, "items"), Level::kItem);
      }
    }
    if (auto it = j.find("additionalProperties"); it != j.end()) {
      if (it->is_boolean()) {
        if (it->get<bool>()) s->additional_properties_any = true;
        else errs_.forbidden(path_child(path, "additionalProperties"), "additionalProperties cannot be set to false");
      } else {
        s->additional_properties = parse(*it, path_child(path, "additionalProperties"), Level::kField);
      }
      if (!s->properties.empty())
        errs_.forbidden(path_child(path, "additionalProperties"), "additionalProperties and properties are mutual exclusive");
      if (level == Level::kRoot) errs_.forbidden(path_child(path, "additionalProperties"), "must not be used at the root");
    }
    for (auto [key, list] : {std::pair{"allOf", &s->all_of}, {"anyOf", &s->any_of}, {"oneOf", &s->one_of}}) {
      if (auto it = j.find(key); it != j.end() && it->is_array())
        for (size_t i = 0; i < it->size(); ++i)
          list->push_back(parse_nested((*it)[i], path_index(path_child(path, key), i)));
    }
    if (auto it = j.find("not"); it != j.end()) s->not_ = parse_nested(*it, path_child(path, "not"));
    check_invariants(*s, j, path, level);
    if (s->default_value) {
      if (level == Level::kRoot) errs_.forbidden(path_child(path, "default"), "must not be set at the root");
      else validate_custom_value(*s, *s->default_value, path_child(path, "default"), errs_);  // ValidateDefaults
    }
    return s;
  }

 private:
  // allOf/anyOf/oneOf/not only add value validations: no types, defaults or extensions there.
  std::unique_ptr<StructuralSchema> parse_nested(const Json& j, const std::string& path) {
    FieldErrors ignored;
    Parser inner(ignored);
    auto s = inner.parse(j, path, Level::kField);
    if (j.is_object()) {
      if (j.contains("default")) errs_.forbidden(path_child(path, "default"), "must be undefined to be structural");
      if (j.contains("description")) errs_.forbidden(path_child(path, "description"), "must be empty to be structural");
      if (j.value("nullable", false)) errs_.forbidden(path_child(path, "nullable"), "must be false to be structural");
      if (j.value("x-kubernetes-preserve-unknown-fields", false))
        errs_.forbidden(path_child(path, "x-kubernetes-preserve-unknown-fields"), "must be false to be structural");
    }
    return s;
  }

  void read_scalars(const Json& j, StructuralSchema& s, const std::string& path) {
    auto str = [&](const char* k) { return j.contains(k) && j[k].is_string() ? j[k].get<std::string>() : ""; };
    auto flag = [&](const char* k) { return j.contains(k) && j[k].is_boolean() && j[k].get<bool>(); };
    auto num = [&](const char* k) -> std::optional<double> {
      if (j.contains(k) && j[k].is_number()) return j[k].get<double>();
      return std::nullopt;
    };
    auto count = [&](const char* k) -> std::optional<int64_t> {
      if (j.contains(k) && j[k].is_number_integer()) return j[k].get<int64_t>();
      return std::nullopt;
    };
    s.type = str("type");
    if (!s.type.empty()) {
      const auto& types = schema_types();
      if (std::find(types.begin(), types.end(), s.type) == types.end())
        errs_.not_supported(path_child(path, "type"), s.type, types);
    }
    s.format = str("format");
    s.description = str("description");
    s.pattern = str("pattern");
    if (!s.pattern.empty()) {
      RE2::Options options;
      options.set_log_errors(false);
      auto regex = std::make_shared<const RE2>(s.pattern, options);
      if (regex->ok())
        s.pattern_regex = std::move(regex);
      else
        errs_.invalid(path_child(path, "pattern"), s.pattern,
                      "must be a valid regular expression, but isn't: error parsing regexp: " + regex->error());
    }
    if (j.contains("default")) s.default_value = j["default"];
    if (auto it = j.find("enum"); it != j.end() && it->is_array()) s.enum_values.assign(it->begin(), it->end());
    if (auto it = j.find("required"); it != j.end() && it->is_array())
      for (const auto& r : *it)
        if (r.is_string()) s.required.push_back(r.get<std::string>());
    s.minimum = num("minimum");
    s.maximum = num("maximum");
    s.multiple_of = num("multipleOf");
    s.exclusive_minimum = flag("exclusiveMinimum");
    s.exclusive_maximum = flag("exclusiveMaximum");
    s.min_length = count("minLength");
    s.max_length = count("maxLength");
    s.min_items = count("minItems");
    s.max_items = count("maxItems");
    s.min_properties = count("minProperties");
    s.max_properties = count("maxProperties");
    s.unique_items = flag("uniqueItems");
    s.nullable = flag("nullable");
    s.int_or_string = flag("x-kubernetes-int-or-string");
    s.preserve_unknown_fields = flag("x-kubernetes-preserve-unknown-fields");
    s.embedded_resource = flag("x-kubernetes-embedded-resource");
    s.list_type = str("x-kubernetes-list-type");
    s.map_type = str("x-kubernetes-map-type");
    if (auto it = j.find("x-kubernetes-validations"); it != j.end() && it->is_array()) {
      for (const auto& r : *it) {
        if (!r.is_object()) continue;
        ValidationRule rule;
        auto text = [&](const char* k) { return r.contains(k) && r[k].is_string() ? r[k].get<std::string>() : ""; };
        rule.rule = text("rule");
        rule.message = text("message");
        rule.message_expression = text("messageExpression");
        rule.field_path = text("fieldPath");
        if (r.contains("reason") && r["reason"].is_string()) rule.reason = r["reason"].get<std::string>();
        if (r.contains("optionalOldSelf") && r["optionalOldSelf"].is_boolean())
          rule.optional_old_self = r["optionalOldSelf"].get<bool>();
        s.validation_rules.push_back(std::move(rule));
      }
    }
    if (auto it = j.find("x-kubernetes-list-map-keys"); it != j.end() && it->is_array())
      for (const auto& k : *it)
        if (k.is_string()) s.list_map_keys.push_back(k.get<std::string>());
    if (s.unique_items)
      errs_.forbidden(path_child(path, "uniqueItems"),
                      "uniqueItems cannot be set to true since the runtime complexity becomes quadratic");
    if (j.contains("x-kubernetes-preserve-unknown-fields") && !s.preserve_unknown_fields)
      errs_.invalid(path_child(path, "x-kubernetes-preserve-unknown-fields"), false, "must be true or undefined");
  }

  void check_invariants(const StructuralSchema& s, const Json& j, const std::string& path, Level level) {
    if (s.type == "array" && !s.items) errs_.required(path_child(path, "items"), "must be specified");
    if (s.embedded_resource && s.type != "object") {
      if (s.type.empty()) errs_.required(path_child(path, "type"), "must be object if x-kubernetes-embedded-resource is true");
      else errs_.invalid(path_child(path, "type"), s.type, "must be object if x-kubernetes-embedded-resource is true");
    } else if (s.type.empty() && !s.int_or_string && !s.preserve_unknown_fields) {
      const char* detail = level == Level::kRoot   ? "must not be empty at the root"
                           : level == Level::kItem ? "must not be empty for specified array items"
                                                   : "must not be empty for specified object fields";
      errs_.required(path_child(path, "type"), detail);
    }
    if (level == Level::kRoot && !s.type.empty() && s.type != "object")
      errs_.invalid(path_child(path, "type"), s.type, "must be object at the root");
    if (level == Level::kRoot && j.value("nullable", false))
      errs_.forbidden(path_child(path, "nullable"), "nullable cannot be true at the root");
    if (s.int_or_string && s.preserve_unknown_fields)
      errs_.invalid(path_child(path, "x-kubernetes-preserve-unknown-fields"), true,
                    "must be false if x-kubernetes-int-or-string is true");
    if (s.int_or_string && s.embedded_resource)
      errs_.invalid(path_child(path, "x-kubernetes-embedded-resource"), true,
                    "must be false if x-kubernetes-int-or-string is true");
    if (s.embedded_resource && s.properties.empty() && !s.preserve_unknown_fields)
      errs_.required(path_child(path, "properties"),
                     "must not be empty if x-kubernetes-embedded-resource is true without "
                     "x-kubernetes-preserve-unknown-fields");
    if (level == Level::kRoot || s.embedded_resource) check_metadata(s, path);
    if (!s.map_type.empty()) {
      if (s.type != "object") {
        if (s.type.empty()) errs_.required(path_child(path, "type"), "must be object if x-kubernetes-map-type is specified");
        else errs_.invalid(path_child(path, "type"), s.type, "must be object if x-kubernetes-map-type is specified");
      }
      if (s.map_type != "atomic" && s.map_type != "granular")
        errs_.not_supported(path_child(path, "x-kubernetes-map-type"), s.map_type, {"atomic", "granular"});
    }
    check_list_type(s, path);
  }

  void check_metadata(const StructuralSchema& s, const std::string& path) {
    for (const char* k : {"kind", "apiVersion"}) {
      const StructuralSchema* p = s.property(k);
      if (p && !p->type.empty() && p->type != "string")
        errs_.invalid(path_child(path_key(path_child(path, "properties"), k), "type"), p->type, "must be string");
    }
    const StructuralSchema* meta = s.property("metadata");
    if (!meta) return;
    const std::string meta_path = path_key(path_child(path, "properties"), "metadata");
    if (!meta->type.empty() && meta->type != "object") {
      errs_.invalid(path_child(meta_path, "type"), meta->type, "must be object");
      return;
    }
    bool only_names = !meta->additional_properties && !meta->additional_properties_any && meta->required.empty() &&
                      !meta->default_value && !meta->preserve_unknown_fields;
    for (const auto& [name, _] : meta->properties) only_names = only_names && (name == "name" || name == "generateName");
    if (!only_names)
      errs_.forbidden(meta_path,
                      "must not specify anything other than name and generateName, but metadata is implicitly specified");
  }

  void check_list_type(const StructuralSchema& s, const std::string& path) {
    if (!s.list_type.empty()) {
      if (s.type != "array") {
        if (s.type.empty()) errs_.required(path_child(path, "type"), "must be array if x-kubernetes-list-type is specified");
        else errs_.invalid(path_child(path, "type"), s.type, "must be array if x-kubernetes-list-type is specified");
      } else if (s.list_type == "set" && s.items && !s.items->type.empty() &&
                 (s.items->type == "object" || s.items->type == "array") && s.items->map_type != "atomic" &&
                 s.items->list_type != "atomic") {
        errs_.invalid(path_child(path_child(path, "items"), "x-kubernetes-list-type"), s.items->list_type,
                      "must be atomic as item of a list with x-kubernetes-list-type=set");
      }
      if (s.list_type != "atomic" && s.list_type != "set" && s.list_type != "map")
        errs_.not_supported(path_child(path, "x-kubernetes-list-type"), s.list_type, {"atomic", "set", "map"});
    }
    if (!s.list_map_keys.empty() && s.list_type != "map") {
      if (s.list_type.empty())
        errs_.required(path_child(path, "x-kubernetes-list-type"), "must be map if x-kubernetes-list-map-keys is non-empty");
      else
        errs_.invalid(path_child(path, "x-kubernetes-list-type"), s.list_type,
                      "must be map if x-kubernetes-list-map-keys is non-empty");
    }
    if (s.list_type != "map") return;
    if (s.list_map_keys.empty())
      errs_.required(path_child(path, "x-kubernetes-list-map-keys"), "must not be empty if x-kubernetes-list-type is map");
    if (!s.items) {
      errs_.required(path_child(path, "items"), "must have a schema if x-kubernetes-list-type is map");
      return;
    }
    if (s.items->type != "object") {
      errs_.invalid(path_child(path_child(path, "items"), "type"), s.items->type,
                    "must be object if parent array's x-kubernetes-list-type is map");
      return;
    }
    std::set<std::string> seen;
    for (const auto& k : s.list_map_keys) {
      const StructuralSchema* key_schema = s.items->property(k);
      if (!key_schema) {
        errs_.invalid(path_child(path, "x-kubernetes-list-map-keys"), Json(s.list_map_keys),
                      "entries must all be names of item properties");
        break;
      }
      if (key_schema->type == "object" || key_schema->type == "array")
        errs_.invalid(path_child(path_key(path_child(path_child(path, "items"), "properties"), k), "type"),
                      key_schema->type, "must be a scalar type if parent array's x-kubernetes-list-type is map");
      if (!seen.insert(k).second)
        errs_.invalid(path_child(path, "x-kubernetes-list-map-keys"), Json(s.list_map_keys),
                      "must not contain duplicate entries");
    }
  }

  FieldErrors& errs_;
};

}  // namespace

std::unique_ptr<StructuralSchema> parse_structural_schema(const Json& props, const std::string& path,
                                                         FieldErrors& errs) {
  return Parser(errs).parse(props, path, Level::kRoot);
}

}  // namespace skiff::api
