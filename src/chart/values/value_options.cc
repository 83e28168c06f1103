#include "chart/values/value_options.h"

#include <fstream>
#include <iostream>
#include <sstream>

#include "chart/chart/yaml_values.h"
#include "chart/repo/http_get.h"
#include "chart/values/strvals.h"

namespace skiff::chart {

namespace {

// helm's readFile: "-" is stdin, an http(s) URL is downloaded, anything else is a local file.
Result<std::string> read_file(const std::string& path) {
  std::stringstream ss;
  if (path.find_first_not_of(" \t") != std::string::npos && path.substr(path.find_first_not_of(" \t")) == "-") {
    ss << std::cin.rdbuf();
    return ss.str();
  }
  if (path.starts_with("http://") || path.starts_with("https://")) return repo::http_get(path);
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error::not_found("open " + path + ": no such file or directory");
  ss << in.rdbuf();
  return ss.str();
}

// encoding/json into interface{}: numbers are float64.
void numbers_to_float(Json& j) {
  if (j.is_number_integer() || j.is_number_unsigned()) {
    j = Json(j.get<double>());
  } else if (j.is_object() || j.is_array()) {
    for (auto& item : j) numbers_to_float(item);
  }
}

}  // namespace

Result<Json> merge_value_options(const ValueOptions& opts) {
  Json base = Json::object();
  for (const auto& path : opts.value_files) {
    SKIFF_ASSIGN_OR_RETURN(std::string raw, read_file(path));
    auto current = load_values(raw, path);
    if (!current.ok()) return Error::invalid("failed to parse " + path + ": " + current.error().message);
    base = merge_maps(base, *current);
  }
  for (const auto& value : opts.json_values) {
    std::string trimmed = value;
    size_t b = trimmed.find_first_not_of(" \t\r\n");
    trimmed = b == std::string::npos ? "" : trimmed.substr(b);
    if (!trimmed.empty() && trimmed[0] == '{') {
      Json obj;
      try {
        obj = Json::parse(trimmed);
      } catch (const std::exception&) {
        return Error::invalid("failed parsing --set-json data JSON: " + value);
      }
      if (!obj.is_object()) return Error::invalid("failed parsing --set-json data JSON: " + value);
      numbers_to_float(obj);
      base = merge_maps(base, obj);
    } else {
      Json layer = base;
      if (!parse_strvals_into(value, layer, StrvalsMode::kJson).ok()) {
        return Error::invalid("failed parsing --set-json data " + value);
      }
      base = std::move(layer);
    }
  }
  for (const auto& value : opts.values) {
    Status st = parse_strvals_into(value, base, StrvalsMode::kTyped);
    if (!st.ok()) return Error::invalid("failed parsing --set data: " + st.error().message);
  }
  for (const auto& value : opts.string_values) {
    Status st = parse_strvals_into(value, base, StrvalsMode::kString);
    if (!st.ok()) return Error::invalid("failed parsing --set-string data: " + st.error().message);
  }
  for (const auto& value : opts.file_values) {
    Status st = parse_strvals_into(value, base, StrvalsMode::kFile, read_file);
    if (!st.ok()) return Error::invalid("failed parsing --set-file data: " + st.error().message);
  }
  for (const auto& value : opts.literal_values) {
    Status st = parse_literal_into(value, base);
    if (!st.ok()) return Error::invalid("failed parsing --set-literal data: " + st.error().message);
  }
  return base;
}

}  // namespace skiff::chart
