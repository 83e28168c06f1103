// helm's ProcessDependencies (pkg/chart/v2/util/dependencies.go): aliases, tags and
// conditions decide which subcharts stay; import-values copy child values up.
#pragma once

#include "chart/chart/chart.h"
#include "util/json.h"
#include "util/result.h"

namespace skiff::chart {

// Mutates `chart` (its subcharts, dependency list and values) given the user values.
Status process_dependencies(Chart& chart, const Json& user_values);

}  // namespace skiff::chart
