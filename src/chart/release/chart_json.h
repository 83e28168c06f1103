// A loaded chart as helm stores it inside a release (encoding/json of pkg/chart/v2 Chart:
// metadata, lock, templates, values, schema, files, modification times; subcharts are not
// part of it, as in helm).
#pragma once

#include "chart/chart/chart.h"
#include "util/json.h"

namespace skiff::chart::release {

Json chart_to_json(const Chart& chart);

}  // namespace skiff::chart::release
