#include "apiserver/tables_format.h"

#include "api/labels.h"

#include <algorithm>
#include <map>

namespace skiff::apiserver::tables {

namespace {
const Json& null_json() {
  static const Json kNull;
  return kNull;
}
}  // namespace

const Json& at(const Json& obj, std::string_view dotted) {
  const Json* found = find_path(obj, dotted);
  return found ? *found : null_json();
}

std::string str(const Json& obj, std::string_view dotted) {
  const Json& v = at(obj, dotted);
  return v.is_string() ? v.get<std::string>() : std::string();
}

int64_t integer(const Json& obj, std::string_view dotted, int64_t fallback) {
  const Json& v = at(obj, dotted);
  if (v.is_number_integer()) return v.get<int64_t>();
  if (v.is_number()) return static_cast<int64_t>(v.get<double>());
  return fallback;
}

int64_t count(const Json& obj, std::string_view dotted) {
  const Json& v = at(obj, dotted);
  return (v.is_array() || v.is_object()) ? static_cast<int64_t>(v.size()) : 0;
}

bool flag(const Json& obj, std::string_view dotted, bool fallback) {
  const Json& v = at(obj, dotted);
  return v.is_boolean() ? v.get<bool>() : fallback;
}

bool has(const Json& obj, std::string_view dotted) { return !at(obj, dotted).is_null(); }

std::optional<WallTime> timestamp(const Json& value) {
  if (!value.is_string()) return std::nullopt;
  const auto& text = value.get_ref<const std::string&>();
  // Go writes an unset time as year 1, which WallTime cannot hold.
  if (text.size() < 4 || text.compare(0, 4, "1678") < 0) return std::nullopt;
  return parse_rfc3339(text);
}

std::string human_span(std::chrono::seconds d) {
  if (d.count() < -1) return "<invalid>";
  return human_duration(d);
}

std::string human_age(WallTime then, WallTime now) {
  return human_span(std::chrono::duration_cast<std::chrono::seconds>(now - then));
}

std::string age_of(const Json& value, WallTime now) {
  auto t = timestamp(value);
  return t ? human_age(*t, now) : "<unknown>";
}

std::string object_age(const Json& obj, WallTime now) { return age_of(at(obj, "metadata.creationTimestamp"), now); }

std::string or_none(std::string s) { return s.empty() ? "<none>" : s; }

std::string join_strings(const std::vector<std::string>& parts, std::string_view sep) {
  std::string out;
  for (size_t i = 0; i < parts.size(); ++i) {
    if (i) out += sep;
    out += parts[i];
  }
  return out;
}

std::string format_labels(const Json& labels) {
  if (!labels.is_object() || labels.empty()) return "<none>";
  std::map<std::string, std::string> sorted;
  for (auto it = labels.begin(); it != labels.end(); ++it) {
    sorted[it.key()] = it->is_string() ? it->get<std::string>() : it->dump();
  }
  std::vector<std::string> parts;
  for (const auto& [k, v] : sorted) parts.push_back(k + "=" + v);
  return join_strings(parts, ",");
}

std::string label_selector_string(const Json& selector) {
  if (!selector.is_object()) return "";
  auto parsed = api::LabelSelector::from_json(selector);
  return parsed.ok() ? parsed->to_string() : "";
}

std::string format_label_selector(const Json& selector) { return or_none(label_selector_string(selector)); }

std::pair<std::string, std::string> container_names_and_images(const Json& containers) {
  std::vector<std::string> names, images;
  if (containers.is_array()) {
    for (const Json& c : containers) {
      names.push_back(str(c, "name"));
      images.push_back(str(c, "image"));
    }
  }
  return {join_strings(names, ","), join_strings(images, ",")};
}

std::string int_or_string(const Json& value) {
  if (value.is_string()) return value.get<std::string>();
  if (value.is_number_integer()) return std::to_string(value.get<int64_t>());
  if (value.is_number()) return std::to_string(static_cast<int64_t>(value.get<double>()));
  return "";
}

std::string quantity(const Json& value) {
  if (value.is_string()) return value.get<std::string>();
  if (value.is_number_integer()) return std::to_string(value.get<int64_t>());
  if (value.is_number()) return value.dump();
  return "0";
}

std::string join_host_port(const std::string& host, int64_t port) {
  if (host.find(':') != std::string::npos) return "[" + host + "]:" + std::to_string(port);
  return host + ":" + std::to_string(port);
}

std::string bool_ptr(const Json& value) {
  if (!value.is_boolean()) return "<unset>";
  return value.get<bool>() ? "True" : "False";
}

api::PrinterColumn name_column() {
  return {"Name", "string", "name", "Name of the object, unique within its namespace.", 0};
}

api::PrinterColumn age_column() {
  return {"Age", "string", "", "Time since the object was created.", 0};
}

api::PrinterColumn column(std::string name, std::string type, std::string description, int priority) {
  return {std::move(name), std::move(type), "", std::move(description), priority};
}

}  // namespace skiff::apiserver::tables
