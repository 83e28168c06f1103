#include "api/field_errors.h"

#include <cstdio>
#include <set>

#include "api/utf8.h"

namespace skiff::api {
namespace {

void append_hex(std::string& out, const char* fmt, uint32_t v) {
  char buf[16];
  std::snprintf(buf, sizeof buf, fmt, v);
  out += buf;
}

// Close to Go's unicode.IsPrint for the characters that matter in names and values.
bool is_printable(uint32_t r) {
  if (r < 0x20 || r == 0x7f) return false;
  if (r >= 0x80 && r <= 0xa0) return false;
  if (r == 0xad || (r >= 0x200b && r <= 0x200f) || r == 0x2028 || r == 0x2029 || r == 0xfeff) return false;
  if (r >= 0xd800 && r <= 0xdfff) return false;
  return r <= 0x10ffff;
}

}  // namespace

std::string go_quote(std::string_view s) {
  std::string out = "\"";
  size_t i = 0;
  while (i < s.size()) {
    auto [r, width] = decode_utf8(s.substr(i));
    if (r == kUtf8Invalid && width == 1) {
      append_hex(out, "\\x%02x", static_cast<unsigned char>(s[i]));
      i += 1;
      continue;
    }
    if (r == '"' || r == '\\') {
      out += '\\';
      out += static_cast<char>(r);
    } else if (is_printable(r)) {
      out.append(s.substr(i, width));
    } else {
      switch (r) {
        case '\a': out += "\\a"; break;
        case '\b': out += "\\b"; break;
        case '\f': out += "\\f"; break;
        case '\n': out += "\\n"; break;
        case '\r': out += "\\r"; break;
        case '\t': out += "\\t"; break;
        case '\v': out += "\\v"; break;
        default:
          if (r < ' ' || r == 0x7f) append_hex(out, "\\x%02x", r);
          else if (r < 0x10000) append_hex(out, "\\u%04x", r);
          else append_hex(out, "\\U%08x", r);
      }
    }
    i += width;
  }
  out += '"';
  return out;
}

std::string render_bad_value(const Json& value) {
  switch (value.type()) {
    case Json::value_t::string:
      return go_quote(value.get_ref<const std::string&>());
    case Json::value_t::object: {
      bool all_strings = true;
      for (const auto& [k, v] : value.items()) all_strings = all_strings && v.is_string();
      std::string out = all_strings ? "map[string]string{" : "map[string]interface {}{";
      bool first = true;
      for (const auto& [k, v] : value.items()) {
        if (!first) out += ", ";
        first = false;
        out += go_quote(k) + ":" + render_bad_value(v);
      }
      return out + "}";
    }
    case Json::value_t::null:
      return "null";
    default:
      return value.dump();
  }
}

StatusCause field_invalid(std::string field, std::string_view bad_value, std::string_view detail) {
  return field_invalid_rendered(std::move(field), go_quote(bad_value), detail);
}

StatusCause field_invalid_rendered(std::string field, std::string_view rendered_value, std::string_view detail) {
  std::string message = "Invalid value: " + std::string(rendered_value);
  if (!detail.empty()) message += ": " + std::string(detail);
  return {"FieldValueInvalid", std::move(message), std::move(field)};
}

StatusCause field_required(std::string field, std::string_view detail) {
  std::string message = "Required value";
  if (!detail.empty()) message += ": " + std::string(detail);
  return {"FieldValueRequired", std::move(message), std::move(field)};
}

StatusCause field_forbidden(std::string field, std::string_view detail) {
  std::string message = "Forbidden";
  if (!detail.empty()) message += ": " + std::string(detail);
  return {"FieldValueForbidden", std::move(message), std::move(field)};
}

StatusCause field_too_long(std::string field, int64_t max_bytes) {
  return {"FieldValueTooLong", "Too long: may not be more than " + std::to_string(max_bytes) + " bytes",
          std::move(field)};
}

StatusCause field_not_supported(std::string field, const Json& bad_value, const std::vector<std::string>& supported) {
  std::string message = "Unsupported value: " + render_bad_value(bad_value);
  std::string list;
  for (const auto& s : supported) {
    if (s.empty()) continue;
    if (!list.empty()) list += ", ";
    list += go_quote(s);
  }
  if (!list.empty()) message += ": supported values: " + list;
  return {"FieldValueNotSupported", std::move(message), std::move(field)};
}

StatusCause field_duplicate(std::string field, const Json& value) {
  return {"FieldValueDuplicate", "Duplicate value: " + render_bad_value(value), std::move(field)};
}

StatusCause field_not_found(std::string field, const Json& value) {
  return {"FieldValueNotFound", "Not found: " + render_bad_value(value), std::move(field)};
}

std::string field_error_text(const StatusCause& cause) { return cause.field + ": " + cause.message; }

std::string aggregate_error_text(const std::vector<std::string>& messages) {
  std::vector<std::string_view> unique;
  std::set<std::string_view> seen;
  for (const auto& m : messages)
    if (seen.insert(m).second) unique.push_back(m);
  if (unique.size() == 1) return std::string(unique[0]);
  std::string out = "[";
  for (size_t i = 0; i < unique.size(); ++i) {
    if (i > 0) out += ", ";
    out += unique[i];
  }
  return out + "]";
}

Error invalid_object_error(std::string_view group, std::string_view kind, std::string_view name,
                           std::vector<StatusCause> causes) {
  std::string qualified_kind(kind);
  if (!group.empty()) qualified_kind += "." + std::string(group);
  std::string message = qualified_kind + " " + go_quote(name) + " is invalid";
  std::vector<std::string> texts;
  for (const auto& c : causes) texts.push_back(field_error_text(c));
  if (!texts.empty()) message += ": " + aggregate_error_text(texts);
  Error err = Error::invalid(std::move(message));
  err.with_details(std::string(group), std::string(kind), std::string(name));
  err.causes = std::move(causes);
  return err;
}

void FieldErrors::add(std::vector<StatusCause> causes) {
  causes_.insert(causes_.end(), std::make_move_iterator(causes.begin()), std::make_move_iterator(causes.end()));
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

}  // namespace skiff::api
