// values.schema.json validation (helm's ValidateAgainstSchema with
// santhosh-tekuri/jsonschema v6): the chart's schema against its values, then each
// subchart's against its section, with v6's keyword order, failure tree and wording (drafts
// 4, 6, 7, 2019-09 and 2020-12, the default). Not evaluated: format (v6 asserts it before
// 2019-09), content*, unevaluated*, $dynamicRef; remote $refs are reported as not
// supported. A schema is first checked against the parts of its draft's metaschema that
// charts get wrong (keyword value types, type names, lengths, subschema shapes).
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
