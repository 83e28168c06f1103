#include "api/schema_field_errors.h"

namespace skiff::api::internal {

namespace {

std::string quote(std::string_view s) { return Json(std::string(s)).dump(); }

}  // namespace

std::string render_value(const Json& value) {
  switch (value.type()) {
    case Json::value_t::string:
      return quote(value.get_ref<const std::string&>());
    case Json::value_t::object: {
      bool all_strings = true;
      for (const auto& [k, v] : value.items()) all_strings = all_strings && v.is_string();
      std::string out = all_strings ? "map[string]string{" : "map[string]interface {}{";
      bool first = true;
      for (const auto& [k, v] : value.items()) {
        if (!first) out += ", ";
        first = false;
        out += quote(k) + ":" + render_value(v);
      }
      return out + "}";
    }
    case Json::value_t::null:
      return "null";
    default:
      return value.dump();
  }
}

void FieldErrors::required(std::string field, std::string_view detail) {
  std::string body = "Required value";
  if (!detail.empty()) body += ": " + std::string(detail);
  errors_.push_back({"FieldValueRequired", std::move(field), std::move(body)});
}

void FieldErrors::invalid(std::string field, const Json& value, std::string_view detail) {
  std::string body = "Invalid value: " + render_value(value);
  if (!detail.empty()) body += ": " + std::string(detail);
  errors_.push_back({"FieldValueInvalid", std::move(field), std::move(body)});
}

void FieldErrors::not_supported(std::string field, const Json& value, const std::vector<std::string>& supported) {
  std::string body = "Unsupported value: " + render_value(value);
  std::string list;
  for (const auto& s : supported) {
    if (s.empty()) continue;
    if (!list.empty()) list += ", ";
    list += quote(s);
  }
  if (!list.empty()) body += ": supported values: " + list;
  errors_.push_back({"FieldValueNotSupported", std::move(field), std::move(body)});
}

void FieldErrors::duplicate(std::string field, const Json& value) {
  errors_.push_back({"FieldValueDuplicate", std::move(field), "Duplicate value: " + render_value(value)});
}

void FieldErrors::not_found(std::string field, const Json& value) {
  errors_.push_back({"FieldValueNotFound", std::move(field), "Not found: " + render_value(value)});
}

void FieldErrors::forbidden(std::string field, std::string_view detail) {
  errors_.push_back({"FieldValueForbidden", std::move(field), "Forbidden: " + std::string(detail)});
}

Error FieldErrors::to_error(std::string_view group, std::string_view kind, std::string_view name) const {
  std::string qualified(kind);
  if (!group.empty()) qualified += "." + std::string(group);
  std::string list;
  for (const auto& e : errors_) {
    if (!list.empty()) list += ", ";
    list += e.field.empty() ? e.body : e.field + ": " + e.body;
  }
  if (errors_.size() > 1) list = "[" + list + "]";
  Error err = Error::invalid(qualified + " " + quote(name) + " is invalid: " + list);
  err.with_details(std::string(group), std::string(kind), std::string(name));
  for (const auto& e : errors_) err.causes.push_back({e.type, e.body, e.field});
  return err;
}

std::string path_child(std::string_view path, std::string_view name) {
  if (path.empty()) return std::string(name);
  std::string out(path);
  out += '.';
  out += name;
  return out;
}

std::string path_index(std::string_view path, size_t i) { return std::string(path) + "[" + std::to_string(i) + "]"; }

std::string path_key(std::string_view path, std::string_view k) { return std::string(path) + "[" + std::string(k) + "]"; }

}  // namespace skiff::api::internal
