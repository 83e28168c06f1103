// values.schema.json validation (helm's ValidateAgainstSchema with
// santhosh-tekuri/jsonschema v6): the chart's schema against its values, then each
// subchart's against its section. Supports the JSON Schema keywords charts use:
// type, enum, const, properties, required, additionalProperties, patternProperties,
// items, min/maxItems, uniqueItems, minimum/maximum (and exclusive forms),
// min/maxLength, pattern, allOf/anyOf/oneOf/not, if/then/else and local $ref.
// Remote $refs are reported as not supported.
#pragma once

#include "chart/chart/chart.h"
#include "util/json.h"
#include "util/result.h"

namespace skiff::chart {

// Errors list charts and violations as helm 4 prints them:
// "NAME:\n- at '/policy': got null, want string\n".
Status validate_values_against_schemas(const Chart& chart, const Json& values);

// One schema (JSON text) against values; the message lists "- at 'PTR': MSG" lines.
Status validate_against_schema(const Json& values, const std::string& schema_text);

}  // namespace skiff::chart
