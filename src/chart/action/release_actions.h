// helm's release commands against a cluster (pkg/action install, upgrade, rollback, uninstall,
// history, list, status, get): releases stored as helm stores them, objects applied with
// server-side apply as helm 4 does. Each returns what helm prints on stdout, or the error
// helm reports after "Error: ".
#pragma once

#include <string>
#include <vector>

#include "chart/values/value_options.h"
#include "util/result.h"

namespace skiff::chart {

struct ClusterOptions {
  std::string kubeconfig;     // --kubeconfig; else $KUBECONFIG; else ~/.kube/config
  std::string kube_context;   // --kube-context
  std::string namespace_;     // -n; "" = "default"
};

struct InstallOptions {
  ClusterOptions cluster;
  std::vector<std::string> args;  // NAME CHART, or CHART with --generate-name
  bool generate_name = false;
  bool create_namespace = false;
  ValueOptions values;
  bool dry_run = false;
  bool wait = false;
  int timeout_seconds = 300;
  bool rollback_on_failure = false;  // --atomic
  bool no_hooks = false;
  bool skip_crds = false;
  bool force_conflicts = false;
  bool skip_schema_validation = false;
  std::string description;
};

struct UpgradeOptions {
  ClusterOptions cluster;
  std::vector<std::string> args;  // RELEASE CHART
  bool install = false;
  bool create_namespace = false;  // with --install
  ValueOptions values;
  bool reuse_values = false;
  bool reset_values = false;
  bool reset_then_reuse_values = false;
  int history_max = 10;
  bool dry_run = false;
  bool wait = false;
  int timeout_seconds = 300;
  bool rollback_on_failure = false;
  bool no_hooks = false;
  bool force_conflicts = false;
  bool skip_schema_validation = false;
  std::string description;
};

struct RollbackOptions {
  ClusterOptions cluster;
  std::vector<std::string> args;  // RELEASE [REVISION]
  bool wait = false;
  int timeout_seconds = 300;
  bool no_hooks = false;
  bool dry_run = false;
  bool force_conflicts = false;
  int history_max = 10;
};

struct UninstallOptions {
  ClusterOptions cluster;
  std::vector<std::string> names;
  bool keep_history = false;
  bool no_hooks = false;
  bool dry_run = false;
  bool wait = false;
  int timeout_seconds = 300;
  bool ignore_not_found = false;
};

struct HistoryOptions {
  ClusterOptions cluster;
  std::string name;
  int max = 256;
  std::string output = "table";  // table | json | yaml
};

struct ListOptions {
  ClusterOptions cluster;
  bool all = false;
  bool all_namespaces = false;
  std::string filter;  // a regular expression on names
  bool deployed = false, failed = false, pending = false, superseded = false, uninstalled = false,
       uninstalling = false;
  bool short_output = false;
  bool no_headers = false;
  bool by_date = false;
  bool reverse = false;
  int max = 256;
  int offset = 0;
  std::string output = "table";
};

struct StatusOptions {
  ClusterOptions cluster;
  std::string name;
  int revision = 0;
  bool show_desc = false;
};

enum class GetWhat { kAll, kValues, kManifest, kNotes, kHooks };

struct GetOptions {
  ClusterOptions cluster;
  GetWhat what = GetWhat::kAll;
  std::string name;
  int revision = 0;
  bool all_values = false;  // get values -a
};

struct TestOptions {
  ClusterOptions cluster;
  std::string name;
  int timeout_seconds = 300;
  std::vector<std::string> filters;  // --filter name=X / !name=X
};

Result<std::string> run_install(const InstallOptions& opts);
Result<std::string> run_upgrade(const UpgradeOptions& opts);
Result<std::string> run_rollback(const RollbackOptions& opts);
Result<std::string> run_uninstall(const UninstallOptions& opts);
Result<std::string> run_history(const HistoryOptions& opts);
Result<std::string> run_list(const ListOptions& opts);
Result<std::string> run_status(const StatusOptions& opts);
Result<std::string> run_get(const GetOptions& opts);
// `helm test`: runs the release's test hooks and records their last run. An error means the
// release could not be read; a failed test is in `tests`, beside the status helm still prints.
struct TestReport {
  std::string status;
  Status tests;
};
Result<TestReport> run_test(const TestOptions& opts);

}  // namespace skiff::chart
