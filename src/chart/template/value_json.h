// Conversions between template Values and JSON documents.
#pragma once

#include "chart/template/value.h"
#include "util/json.h"

namespace skiff::chart::tmpl {

enum class JsonNumbers {
  kFloat64,  // every number becomes float64, as helm's YAML/JSON values do
  kInt64,    // integers become int64 (helm's --set), other numbers float64
};

// Objects become map[string]interface{}, arrays []interface{}, null the nil interface.
Value value_from_json(const Json& json, JsonNumbers numbers = JsonNumbers::kFloat64);

// The inverse; functions and invalid values become null.
Json value_to_json(const Value& value);

}  // namespace skiff::chart::tmpl
