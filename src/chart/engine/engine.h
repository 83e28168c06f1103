// helm's rendering engine (pkg/engine/engine.go): every template of a chart and its
// subcharts parsed into one set (deepest first), each non-partial file executed with
// its chart's scope, "<no value>" removed. Errors are reformatted as helm does.
#pragma once

#include <map>
#include <string>

#include "chart/chart/chart.h"
#include "chart/engine/render_objects.h"
#include "chart/template/value.h"
#include "util/json.h"
#include "util/result.h"

namespace skiff::chart {

struct RenderInput {
  ReleaseInfo release;
  CapabilitiesInfo capabilities;
  Json values;  // the coalesced values of the root chart
  // helm lint's rendering: `required` and `fail` return "" instead of failing the render.
  bool lint_mode = false;
};

// Rendered output by template name ("CHART/templates/FILE"), NOTES.txt included.
Result<std::map<std::string, std::string>> render_chart(const Chart& chart, const RenderInput& input);

}  // namespace skiff::chart
