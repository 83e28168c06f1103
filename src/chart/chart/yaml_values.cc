#include "chart/chart/yaml_values.h"

#include "chart/template/value_json.h"
#include "chart/yaml/go_yaml.h"

namespace skiff::chart {

namespace {

// Go's json.Unmarshal into interface{} makes every number a float64.
void numbers_to_float(Json& j) {
  if (j.is_number_integer() || j.is_number_unsigned()) {
    j = Json(j.get<double>());
  } else if (j.is_object() || j.is_array()) {
    for (auto& item : j) numbers_to_float(item);
  }
}

// Splits a stream the way k8s.io/apimachinery's YAMLReader does: on lines that are
// exactly "---" (optionally followed by spaces).
std::vector<std::string_view> split_documents(std::string_view text) {
  std::vector<std::string_view> docs;
  size_t start = 0, pos = 0;
  while (pos <= text.size()) {
    size_t eol = text.find('\n', pos);
    if (eol == std::string_view::npos) eol = text.size();
    std::string_view line = text.substr(pos, eol - pos);
    if (line.substr(0, 3) == "---" && line.find_first_not_of(" \t\r", 3) == std::string_view::npos) {
      docs.push_back(text.substr(start, pos - start));
      start = eol + 1;
    }
    pos = eol + 1;
  }
  if (start < text.size()) docs.push_back(text.substr(start));
  return docs;
}

}  // namespace

Result<Json> parse_yaml_json(std::string_view text, std::string_view source) {
  auto parsed = yaml::parse_yaml(text, source);
  if (!parsed.ok()) return std::move(parsed).error();
  Json j = tmpl::value_to_json(*parsed);
  numbers_to_float(j);
  return j;
}

Result<Json> load_values(std::string_view text, std::string_view source) {
  Json values = Json::object();
  for (std::string_view doc : split_documents(text)) {
    auto parsed = parse_yaml_json(doc, source);
    if (!parsed.ok()) return Error::invalid("cannot unmarshal yaml document: " + parsed.error().message);
    Json current = std::move(parsed).value();
    if (current.is_null()) continue;
    if (!current.is_object()) {
      return Error::invalid("cannot unmarshal yaml document: error unmarshaling JSON: while decoding JSON: json: "
                            "cannot unmarshal " + std::string(current.is_array() ? "array" : current.is_string() ? "string" : current.is_boolean() ? "bool" : "number") +
                            " into Go value of type map[string]interface {}");
    }
    // The first document needs no merge (merge_maps copies).
    values = values.empty() ? std::move(current) : merge_maps(values, current);
  }
  return values;
}

Json merge_maps(const Json& a, const Json& b) {
  Json out = a.is_object() ? a : Json::object();
  for (auto it = b.begin(); it != b.end(); ++it) {
    if (it.value().is_object()) {
      auto existing = out.find(it.key());
      if (existing != out.end() && existing->is_object()) {
        out[it.key()] = merge_maps(*existing, it.value());
        continue;
      }
    }
    out[it.key()] = it.value();
  }
  return out;
}

Result<std::string> marshal_yaml(const Json& value) {
  return yaml::to_yaml(tmpl::value_from_json(value, tmpl::JsonNumbers::kInt64));
}

}  // namespace skiff::chart
