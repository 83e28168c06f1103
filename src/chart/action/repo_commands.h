// helm's commands over chart repositories and dependencies: `repo add|list|update|remove|index`,
// `search repo`, `pull`, `push`, `dependency list|update|build` (file://, HTTP and OCI).
#pragma once

#include <string>
#include <vector>

#include "util/result.h"

namespace skiff::chart {

struct RepoIndexOptions {
  std::string dir;
  std::string url;    // --url
  std::string merge;  // --merge
};
// Writes DIR/index.yaml.
Status repo_index(const RepoIndexOptions& opts);

struct RepoAddOptions {
  std::string name;
  std::string url;
  std::string username, password;
  bool force_update = false;
  bool pass_credentials_all = false;
};
Result<std::string> repo_add(const RepoAddOptions& opts);

// `repo list -o table|yaml|json`; `notice` gets what helm prints on stderr without failing.
Result<std::string> repo_list(const std::string& output, std::string& notice);

// `repo update [NAME...]`: refreshes the cached indexes (all repositories when none named).
Result<std::string> repo_update(const std::vector<std::string>& names);

Result<std::string> repo_remove(const std::vector<std::string>& names);

struct SearchRepoOptions {
  std::string keyword;
  std::string version;  // --version constraint
  bool versions = false;
  bool regexp = false;
  bool devel = false;
  std::string output = "table";
  int max_col_width = 50;
};
// `search repo` over the cached indexes; `notice` gets warnings about unreadable caches.
Result<std::string> search_repo(const SearchRepoOptions& opts, std::string& notice);

// Where and how to get a chart named on the command line (helm's ChartPathOptions).
struct ChartSource {
  std::string repo_url;  // --repo
  std::string version;   // --version constraint ("" = latest stable)
  std::string username, password;
};

// helm's LocateChart: a local path as is; else REPO/CHART through the cached index, a chart
// name in the --repo repository, an archive URL, or oci://HOST/REPO/CHART[:TAG], downloaded
// into helm's content cache. Returns the local path; `transfer_notice` gets helm's
// "Pulled: ..." lines (printed on stderr) for OCI.
Result<std::string> locate_chart(const std::string& ref, const ChartSource& source,
                                 std::string* transfer_notice = nullptr);

// The name `--generate-name` derives from a chart reference (helm's NameAndChart).
std::string generated_release_name(const std::string& chart_ref);

struct PushOptions {
  std::string archive;  // CHART.tgz
  std::string remote;   // oci://HOST[:PORT]/REPO
  std::string username, password;
};
// `helm push`: the chart as an OCI artifact with helm's media types; prints Pushed/Digest.
Result<std::string> push_chart(const PushOptions& opts);

// `helm registry login HOST`: checks the credentials against HOST/v2/ and stores them where
// helm does; returns what helm prints on stderr ("Login Succeeded").
Result<std::string> registry_login(const std::string& host, const std::string& username, const std::string& password);
Result<std::string> registry_logout(const std::string& host);

struct PullOptions {
  std::string chart;    // REPO/CHART, a URL, oci://..., or a chart name with repo_url
  std::string repo_url;  // --repo
  std::string version;   // --version
  std::string username, password;
  std::string destination = ".";  // -d
  bool untar = false;
  std::string untar_dir = ".";  // --untardir
};
// Returns what helm prints (nothing on success).
Result<std::string> pull_chart(const PullOptions& opts);

// `helm dependency list CHART`.
Result<std::string> dependency_list(const std::string& chart_path);
// `helm dependency update CHART`: resolves versions, writes charts/*.tgz and Chart.lock.
// What it reports goes to `out` as it happens, so a failure keeps what came before it.
// skip_refresh (--skip-refresh): resolve against the cached indexes of helm's repositories.
Status dependency_update(const std::string& chart_path, bool skip_refresh, std::string& out);
// `helm dependency build CHART`: charts/ from Chart.lock (an update when there is none).
Status dependency_build(const std::string& chart_path, bool skip_refresh, std::string& out);

// Expands a chart archive into DIR (helm's chartutil.ExpandFile).
Status expand_chart_archive(const std::string& bytes, const std::string& dir);

}  // namespace skiff::chart
