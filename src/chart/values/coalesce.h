// helm's value coalescing (pkg/chart/common/util/coalesce.go): chart defaults under
// user values, subchart sections and globals flowing down, null deleting keys.
#pragma once

#include "chart/chart/chart.h"
#include "util/json.h"
#include "util/result.h"

namespace skiff::chart {

// CoalesceValues: `vals` (user values) over the chart's defaults, recursively into
// subcharts; a user null deletes the default.
Result<Json> coalesce_values(const Chart& chart, const Json& vals);
// MergeValues: the same, but nulls are kept.
Result<Json> merge_values(const Chart& chart, const Json& vals);

// CoalesceTables / MergeTables: `dst` wins; tables merge recursively.
void coalesce_tables(Json& dst, Json src);
void merge_tables(Json& dst, Json src);

// Values.Table: the map at a dotted path, or nullptr when some step is not a map.
const Json* values_table(const Json& values, std::string_view dotted_path);

}  // namespace skiff::chart
