// `helm template`: load a chart, merge values, process dependencies, render, and
// print manifests in install order with hooks after (pkg/cmd/template.go and
// pkg/action/install.go in client-only mode).
#pragma once

#include <string>
#include <vector>

#include "chart/values/value_options.h"
#include "util/result.h"

namespace skiff::chart {

struct TemplateOptions {
  std::vector<std::string> args;  // [NAME] CHART
  std::string namespace_ = "default";
  bool generate_name = false;
  ValueOptions values;
  std::vector<std::string> show_only;
  bool include_crds = false;
  bool skip_tests = false;
  bool is_upgrade = false;
  bool no_hooks = false;
  bool skip_schema_validation = false;
  std::string kube_version;
  std::vector<std::string> api_versions;
  std::string output_dir;
  bool use_release_name = false;
  std::string name_template;       // the release name from this Go template (Sprig functions, no data)
  bool dependency_update = false;  // run `dependency update` first when dependencies are missing
};

struct TemplateFailure {
  std::string message;  // what follows "Error: "
};

// The text `helm template` writes to stdout, or the error it reports.
Result<std::string> run_template(const TemplateOptions& opts);

}  // namespace skiff::chart
