// helm's commands over chart repositories and dependencies: `repo index`, `pull`,
// `dependency list|update|build` (file:// and HTTP repositories).
#pragma once

#include <string>

#include "util/result.h"

namespace skiff::chart {

struct RepoIndexOptions {
  std::string dir;
  std::string url;    // --url
  std::string merge;  // --merge
};
// Writes DIR/index.yaml.
Status repo_index(const RepoIndexOptions& opts);

struct PullOptions {
  std::string chart;    // URL of an archive, or a chart name with repo_url
  std::string repo_url;  // --repo
  std::string version;   // --version
  std::string destination = ".";  // -d
  bool untar = false;
  std::string untar_dir = ".";  // --untardir
};
// Returns what helm prints (nothing on success).
Result<std::string> pull_chart(const PullOptions& opts);

// `helm dependency list CHART`.
Result<std::string> dependency_list(const std::string& chart_path);
// `helm dependency update CHART`: resolves versions, writes charts/*.tgz and Chart.lock.
Result<std::string> dependency_update(const std::string& chart_path);
// `helm dependency build CHART`: charts/ from Chart.lock (an update when there is none).
Result<std::string> dependency_build(const std::string& chart_path);

// Expands a chart archive into DIR (helm's chartutil.ExpandFile).
Status expand_chart_archive(const std::string& bytes, const std::string& dir);

}  // namespace skiff::chart
