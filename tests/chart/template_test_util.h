// Helpers for the template tests: render a template against JSON data and report
// the output or the error text.
#pragma once

#include <string>

#include "chart/template/template.h"
#include "chart/template/value_json.h"
#include "util/json.h"

namespace skiff::chart::tmpl::testing {

struct Rendered {
  bool ok = false;
  std::string text;  // output, or the error message
};

inline Value data_from_json(const std::string& json, JsonNumbers numbers = JsonNumbers::kFloat64) {
  if (json.empty()) return Value();
  auto parsed = parse_json(json);
  return value_from_json(*parsed, numbers);
}

inline Rendered render_set(TemplateSet& set, const std::string& text, const Value& data,
                           const std::string& name = "t") {
  Status parsed = set.parse(name, text);
  if (!parsed.ok()) return {false, parsed.error().message};
  std::string out;
  Status run = set.execute(name, data, out);
  if (!run.ok()) return {false, run.error().message};
  return {true, out};
}

inline Rendered render(const std::string& text, const Value& data = Value(),
                       MissingKey mk = MissingKey::kDefault) {
  TemplateSet set("root");
  set.set_missing_key(mk);
  return render_set(set, text, data);
}

inline Rendered render_json(const std::string& text, const std::string& json,
                            MissingKey mk = MissingKey::kDefault) {
  return render(text, data_from_json(json), mk);
}

}  // namespace skiff::chart::tmpl::testing
