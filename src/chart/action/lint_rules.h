// helm lint's checks of what a chart renders and of its crds/ files (helm 4's
// pkg/chart/v2/lint/rules template.go, crds.go and deprecations.go).
#pragma once

#include <string>
#include <vector>

#include "chart/engine/render_objects.h"

namespace skiff::chart {

enum class LintSeverity { kInfo = 1, kWarning = 2, kError = 3 };

struct LintMessage {
  LintSeverity severity;
  std::string path;
  std::string text;
};

// One rendered template (`path` as "templates/x.yaml"): its first line's indent, then each
// document as Kubernetes' YAML reader splits them: that it parses, its object name, a
// deprecated API (as of `kube`), a workload's selector, annotations inside a List. Returns
// false when a document does not parse, where helm stops linting templates.
bool lint_rendered_template(const std::string& path, const std::string& content, const KubeVersionInfo& kube,
                            std::vector<LintMessage>& out);

// One crds/ file: each document parses and is an apiextensions.k8s.io
// CustomResourceDefinition. Returns false when a document does not parse.
bool lint_crd_file(const std::string& path, const std::string& content, std::vector<LintMessage>& out);

}  // namespace skiff::chart
