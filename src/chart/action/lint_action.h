// `helm lint` (pkg/cmd/lint.go, pkg/chart/v2/lint): Chart.yaml, values (and their schema),
// templates (rendered and parsed as YAML), dependencies.
#pragma once

#include <string>
#include <vector>

#include "chart/values/value_options.h"

namespace skiff::chart {

struct LintOptions {
  std::vector<std::string> paths;
  bool strict = false;
  bool quiet = false;
  std::string namespace_ = "default";
  ValueOptions values;
  bool skip_schema_validation = false;
  bool with_subcharts = false;  // also lint the charts under each PATH/charts
  std::string kube_version;     // for .Capabilities and the deprecation check; empty: helm's default
};

struct LintReport {
  std::string out;    // stdout
  std::string error;  // what follows "Error: " (empty on success)
};

LintReport lint_charts(const LintOptions& opts);

}  // namespace skiff::chart
