// What the API server does with a custom resource's body: pruning, defaulting and validation
// against the CRD's structural schema (apiextensions-apiserver's pruning and defaulting
// packages, kube-openapi's validator for the messages).
#include <re2/re2.h>

#include <cmath>
#include <cstdio>
#include <set>

#include "api/crd_schema.h"
#include "util/clock.h"
#include "util/encoding.h"
#include "util/go_strconv.h"
#include "util/strings.h"

namespace skiff::api {
namespace {

bool is_embedded_meta_field(std::string_view name) {
  return name == "apiVersion" || name == "kind" || name == "metadata";
}

void prune(const StructuralSchema& s, Json& v, const std::string& path, bool keep_type_meta,
           std::vector<std::string>* pruned) {
  if (v.is_array()) {
    if (s.items)
      for (size_t i = 0; i < v.size(); ++i) prune(*s.items, v[i], path_index(path, i), false, pruned);
    return;
  }
  if (!v.is_object()) return;
  if (s.additional_properties) {
    for (auto& [k, child] : v.items()) prune(*s.additional_properties, child, path_child(path, k), false, pruned);
    return;
  }
  std::vector<std::string> drop;
  for (auto& [k, child] : v.items()) {
    if ((keep_type_meta || s.embedded_resource) && is_embedded_meta_field(k)) continue;
    const StructuralSchema* prop = s.property(k);
    if (prop) {
      prune(*prop, child, path_child(path, k), false, pruned);
      continue;
    }
    if (s.preserve_unknown_fields || s.additional_properties_any) continue;
    drop.push_back(k);
  }
  for (const auto& k : drop) {
    if (pruned) pruned->push_back(path_child(path, k));
    v.erase(k);
  }
}

void apply_defaults(const StructuralSchema& s, Json& v) {
  if (v.is_array()) {
    if (s.items)
      for (auto& item : v) apply_defaults(*s.items, item);
    return;
  }
  if (!v.is_object()) return;
  for (const auto& [name, prop] : s.properties) {
    if (!prop->default_value) continue;
    auto it = v.find(name);
    if (it == v.end() || (it->is_null() && !prop->nullable)) v[name] = *prop->default_value;
  }
  for (auto& [k, child] : v.items()) {
    if (const StructuralSchema* prop = s.property(k)) apply_defaults(*prop, child);
    else if (s.additional_properties) apply_defaults(*s.additional_properties, child);
  }
}

// Go's %v for a float64 (strconv 'g' with the shortest representation).
std::string go_number(double d) {
  if (std::isfinite(d) && d == std::floor(d) && std::fabs(d) < 1e21) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.0f", d);
    return buf;
  }
  for (int precision = 1; precision <= 17; ++precision) {
    char buf[40];
    std::snprintf(buf, sizeof buf, "%.*g", precision, d);
    if (std::strtod(buf, nullptr) == d) return buf;
  }
  return std::to_string(d);
}

std::string json_type_of(const Json& v) {
  if (v.is_null()) return "null";
  if (v.is_boolean()) return "boolean";
  if (v.is_number_integer()) return "integer";
  if (v.is_number()) return "number";
  if (v.is_string()) return "string";
  if (v.is_array()) return "array";
  return "object";
}

bool is_date(std::string_view s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return false;
  for (size_t i : {0, 1, 2, 3, 5, 6, 8, 9})
    if (!std::isdigit(static_cast<unsigned char>(s[i]))) return false;
  int month = std::stoi(std::string(s.substr(5, 2)));
  int day = std::stoi(std::string(s.substr(8, 2)));
  return month >= 1 && month <= 12 && day >= 1 && day <= 31;
}

bool is_ipv4(std::string_view s) {
  auto parts = split(s, '.');
  if (parts.size() != 4) return false;
  for (const auto& p : parts) {
    if (p.empty() || p.size() > 3 || !std::all_of(p.begin(), p.end(), ::isdigit)) return false;
    if (std::stoi(std::string(p)) > 255) return false;
  }
  return true;
}

bool is_uuid(std::string_view s) {
  if (s.size() != 36) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash ? s[i] != '-' : !std::isxdigit(static_cast<unsigned char>(s[i]))) return false;
  }
  return true;
}

// Formats Kubernetes checks on strings; unknown formats are accepted as they are there.
bool format_ok(const std::string& format, const std::string& v) {
  if (format == "date-time" || format == "datetime") return parse_rfc3339(v).has_value();
  if (format == "date") return is_date(v);
  if (format == "byte") return base64_decode(v).has_value();
  if (format == "ipv4") return is_ipv4(v);
  if (format == "uuid") return is_uuid(v);
  if (format == "ipv6") return v.find(':') != std::string::npos && v.find_first_not_of("0123456789abcdefABCDEF:.") == std::string::npos;
  return true;
}

class Validator {
 public:
  explicit Validator(FieldErrors& errs) : errs_(errs) {}

  // body: kube-openapi names fields "spec.replicas" in "<name> in body must be ...".
  void value(const StructuralSchema& s, const Json& v, const std::string& path) {
    const std::string name = path.empty() ? "body" : path;
    if (v.is_null()) {
      if (s.nullable || s.type.empty()) return;
      errs_.invalid(path, "null", name + " in body must be of type " + s.type + ": \"null\"");
      return;
    }
    if (!type_ok(s, v)) {
      std::string expected = s.int_or_string ? "integer,string" : s.type;
      errs_.add(field_invalid(path, json_type_of(v), name + " in body must be of type " + expected + ": \"" +
                                                          json_type_of(v) + "\""));
      return;
    }
    if (!s.enum_values.empty() && std::find(s.enum_values.begin(), s.enum_values.end(), v) == s.enum_values.end()) {
      std::vector<std::string> allowed;
      for (const auto& e : s.enum_values) allowed.push_back(e.is_string() ? e.get<std::string>() : e.dump());
      errs_.not_supported(path, v, allowed);
    }
    if (v.is_string()) string_checks(s, v.get_ref<const std::string&>(), path, name, v);
    if (v.is_number()) number_checks(s, v, path, name);
    if (v.is_array()) array_checks(s, v, path, name);
    if (v.is_object()) object_checks(s, v, path, name);
    for (const auto& sub : s.all_of) value(*sub, v, path);
    if (!s.any_of.empty() && !matches_any(s.any_of, v, path))
      errs_.invalid(path, v, name + " in body must validate at least one schema (anyOf)");
    if (!s.one_of.empty()) {
      size_t matched = 0;
      for (const auto& sub : s.one_of) matched += matches(*sub, v, path) ? 1 : 0;
      if (matched != 1) errs_.invalid(path, v, name + " in body must validate one and only one schema (oneOf)");
    }
    if (s.not_ && matches(*s.not_, v, path)) errs_.invalid(path, v, name + " in body should not validate the schema (not)");
  }

 private:
  static bool type_ok(const StructuralSchema& s, const Json& v) {
    if (s.int_or_string) return v.is_number_integer() || v.is_string();
    if (s.type.empty()) return true;
    if (s.type == "object") return v.is_object();
    if (s.type == "array") return v.is_array();
    if (s.type == "string") return v.is_string();
    if (s.type == "integer") return v.is_number_integer();
    if (s.type == "number") return v.is_number();
    if (s.type == "boolean") return v.is_boolean();
    return true;
  }

  static bool matches(const StructuralSchema& s, const Json& v, const std::string& path) {
    FieldErrors scratch;
    Validator(scratch).value(s, v, path);
    return scratch.empty();
  }
  static bool matches_any(const std::vector<std::unique_ptr<StructuralSchema>>& list, const Json& v,
                          const std::string& path) {
    for (const auto& sub : list)
      if (matches(*sub, v, path)) return true;
    return false;
  }

  void string_checks(const StructuralSchema& s, const std::string& str, const std::string& path,
                     const std::string& name, const Json& v) {
    size_t len = rune_count(str);
    if (s.max_length && static_cast<int64_t>(len) > *s.max_length) errs_.add(field_too_long(path, *s.max_length));
    if (s.min_length && static_cast<int64_t>(len) < *s.min_length)
      errs_.invalid(path, v, name + " in body should be at least " + std::to_string(*s.min_length) + " chars long");
    if (s.pattern_regex && !RE2::PartialMatch(str, *s.pattern_regex))
      errs_.invalid(path, v, name + " in body should match '" + s.pattern + "'");
    if (!s.format.empty() && !format_ok(s.format, str))
      errs_.invalid(path, v, name + " in body must be of type " + s.format + ": " + go_quote(str));
  }

  void number_checks(const StructuralSchema& s, const Json& v, const std::string& path, const std::string& name) {
    double d = v.get<double>();
    if (s.maximum && (s.exclusive_maximum ? d >= *s.maximum : d > *s.maximum))
      errs_.invalid(path, v, name + " in body should be less than " + (s.exclusive_maximum ? "" : "or equal to ") +
                                 go_number(*s.maximum));
    if (s.minimum && (s.exclusive_minimum ? d <= *s.minimum : d < *s.minimum))
      errs_.invalid(path, v, name + " in body should be greater than " + (s.exclusive_minimum ? "" : "or equal to ") +
                                 go_number(*s.minimum));
    if (s.multiple_of && *s.multiple_of != 0) {
      double q = d / *s.multiple_of;
      if (q != std::floor(q)) errs_.invalid(path, v, name + " in body should be a multiple of " + go_number(*s.multiple_of));
    }
  }

  void array_checks(const StructuralSchema& s, const Json& v, const std::string& path, const std::string& name) {
    auto n = static_cast<int64_t>(v.size());
    if (s.max_items && n > *s.max_items)
      errs_.add({"FieldValueTooMany",
                 "Too many: " + std::to_string(n) + ": must have at most " + std::to_string(*s.max_items) + " items",
                 path});
    if (s.min_items && n < *s.min_items)
      errs_.invalid(path, v, name + " in body should have at least " + std::to_string(*s.min_items) + " items");
    if (s.items)
      for (size_t i = 0; i < v.size(); ++i) value(*s.items, v[i], path_index(path, i));
    if (s.list_type == "set") {
      for (size_t i = 0; i < v.size(); ++i)
        for (size_t j = 0; j < i; ++j)
          if (v[i] == v[j]) {
            errs_.duplicate(path_index(path, i), v[i]);
            break;
          }
    } else if (s.list_type == "map" && !s.list_map_keys.empty()) {
      std::set<std::string> seen;
      for (size_t i = 0; i < v.size(); ++i) {
        if (!v[i].is_object()) continue;
        Json key = Json::object();
        for (const auto& k : s.list_map_keys)
          if (v[i].contains(k)) key[k] = v[i][k];
        if (seen.insert(key.dump()).second) continue;
        // Go's %#v of the map[string]interface{} holding the keys.
        std::string rendered = "map[string]interface {}{";
        bool first = true;
        for (const auto& [k, kv] : key.items()) {
          rendered += (first ? "" : ", ") + go_quote(k) + ":" + (kv.is_string() ? go_quote(kv.get<std::string>()) : kv.dump());
          first = false;
        }
        errs_.add({"FieldValueDuplicate", "Duplicate value: " + rendered + "}", path_index(path, i)});
      }
    }
  }

  void object_checks(const StructuralSchema& s, const Json& v, const std::string& path, const std::string& name) {
    for (const auto& r : s.required)
      if (!v.contains(r)) errs_.required(path_child(path, r), "");
    auto n = static_cast<int64_t>(v.size());
    if (s.max_properties && n > *s.max_properties)
      errs_.add({"FieldValueTooMany",
                 "Too many: " + std::to_string(n) + ": must have at most " + std::to_string(*s.max_properties) +
                     " items",
                 path});
    if (s.min_properties && n < *s.min_properties)
      errs_.invalid(path, v, name + " in body should have at least " + std::to_string(*s.min_properties) + " properties");
    if (s.embedded_resource) {
      for (const char* k : {"apiVersion", "kind"})
        if (!v.contains(k) || !v[k].is_string() || v[k].get<std::string>().empty())
          errs_.required(path_child(path, k), "must not be empty");
    }
    for (const auto& [k, child] : v.items()) {
      if (path.empty() && (k == "metadata" || k == "apiVersion" || k == "kind")) continue;
      if (const StructuralSchema* prop = s.property(k)) value(*prop, child, path_child(path, k));
      else if (s.additional_properties) value(*s.additional_properties, child, path_child(path, k));
    }
  }

  FieldErrors& errs_;
};

}  // namespace

void prune_custom_resource(const StructuralSchema& root, Json& obj, std::vector<std::string>* pruned) {
  prune(root, obj, "", true, pruned);
}

void default_custom_resource(const StructuralSchema& root, Json& obj) { apply_defaults(root, obj); }

void validate_custom_resource(const StructuralSchema& root, const Json& obj, FieldErrors& errs) {
  Validator(errs).value(root, obj, "");
}

void validate_custom_value(const StructuralSchema& s, const Json& value, const std::string& path, FieldErrors& errs) {
  Validator(errs).value(s, value, path);
}

}  // namespace skiff::api
