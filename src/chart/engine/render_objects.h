// The objects helm puts into the render context, as template values with Go's types:
// .Chart (metadata by Go field name), .Files, .Capabilities, .Release.
#pragma once

#include <string>
#include <vector>

#include "chart/chart/chart.h"
#include "chart/template/value.h"
#include "util/result.h"

namespace skiff::chart {

struct KubeVersionInfo {
  std::string version;     // as given, "v" prefixed (GitVersion)
  std::string normalized;  // "v" + major.minor.patch (what String() and constraints use)
  std::string major;
  std::string minor;
};

// common.ParseKubeVersion ("1.24.0", "v1.29.3"). Errors as k8s.io/apimachinery's
// version.ParseGeneric.
Result<KubeVersionInfo> parse_kube_version(std::string_view text);

// helm 4.1's defaults: Kubernetes v1.35.0 and the API group versions of client-go's scheme.
KubeVersionInfo default_kube_version();
std::vector<std::string> default_api_versions();

struct CapabilitiesInfo {
  KubeVersionInfo kube_version = default_kube_version();
  std::vector<std::string> api_versions = default_api_versions();
};

tmpl::Value make_capabilities_value(const CapabilitiesInfo& caps);
// structToMap(Metadata) plus IsRoot.
tmpl::Value make_chart_value(const Chart& chart);
// helm's engine.files over the chart's non-template files.
tmpl::Value make_files_value(const std::vector<ChartFile>& files);

struct ReleaseInfo {
  std::string name;
  std::string namespace_;
  bool is_upgrade = false;
  bool is_install = true;
  int revision = 1;
};
tmpl::Value make_release_value(const ReleaseInfo& release);

}  // namespace skiff::chart
