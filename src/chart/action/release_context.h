// Pieces the release actions share: the cluster connection and release storage, rendering a
// chart into a release, hooks, applying a manifest change, and helm's printers.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "chart/action/release_actions.h"
#include "chart/chart/chart.h"
#include "chart/engine/render_objects.h"
#include "chart/release/kube.h"
#include "chart/release/release.h"
#include "chart/release/storage.h"
#include "client/client.h"

namespace skiff::chart::detail {

struct ReleaseContext {
  std::unique_ptr<client::Client> client;
  std::unique_ptr<release::KubeClient> kube;
  std::unique_ptr<release::Storage> storage;
  std::string ns;
};

// The kubeconfig's cluster; storage in the release namespace ("" with all_namespaces).
Result<ReleaseContext> connect(const ClusterOptions& opts, bool all_namespaces = false);

Status validate_release_name(const std::string& name);

struct RenderedRelease {
  std::string manifest;
  std::vector<release::ReleaseHook> hooks;
  std::string notes;
};

// What helm's getCapabilities asks the cluster: the server's version and every served
// group/version and group/version/Kind (built-in and from CRDs).
Result<CapabilitiesInfo> cluster_capabilities(ReleaseContext& ctx);

// Loads a chart from a path and checks it is installable with its dependencies present.
Result<std::shared_ptr<Chart>> load_installable_chart(const std::string& path);
// ProcessDependencies, coalescing, schema validation, rendering, NOTES.txt and install-order
// sorting, as helm's install/upgrade do.
Result<RenderedRelease> render_release(Chart& chart, const Json& user_values, const std::string& name,
                                       const std::string& ns, int revision, bool is_upgrade, bool skip_schema,
                                       const CapabilitiesInfo& capabilities);

// Runs the hooks of one event in weight order, honouring delete policies; records last_run.
Status exec_hooks(ReleaseContext& ctx, release::Release& rel, const std::string& event,
                  std::chrono::milliseconds timeout);

// helm's KubeClient.Update: applies target objects, deletes current objects missing from
// target (unless helm.sh/resource-policy: keep). With upgrade_client_side_fields, objects a
// client-side apply managed are handed to the server-side apply first (helm 4 does this when
// it upgrades or rolls back a release helm 3 installed).
Status update_resources(ReleaseContext& ctx, const std::vector<release::Resource>& current,
                        const std::vector<release::Resource>& target, bool force_conflicts,
                        bool upgrade_client_side_fields);

// helm 4's isReleaseApplyMethodClientSideApply: releases helm 3 wrote carry no apply method.
inline bool applied_client_side(const release::Release& rel) {
  return rel.apply_method.empty() || rel.apply_method == "csa";
}
// Deletes the objects of a manifest (uninstall); returns the kept ones' descriptions.
Result<std::vector<std::string>> delete_manifest(ReleaseContext& ctx, const std::string& manifest);

// helm's status printer (pkg/cmd/status.go): show_metadata and debug as `get all` sets them.
std::string status_text(const release::Release& rel, bool show_metadata, bool debug, bool hide_notes = false);
// A gosuri/uitable table as helm prints it: cells padded to the column width, tab-separated.
std::string ui_table(const std::vector<std::vector<std::string>>& rows);
// sigs.k8s.io/yaml of a values map ("null" for an empty one when null_when_empty).
std::string values_yaml(const Json& values, bool null_when_empty);
// Coalesces a stored release's user values with its chart's defaults.
Result<Json> computed_values(const release::Release& rel);

}  // namespace skiff::chart::detail

namespace skiff::chart::detail {

// helm's Install.Run against ctx for an already-loaded chart; `replace` reuses the name of an
// uninstalled or failed release (upgrade --install). Returns the recorded release.
Result<release::Release> install_chart(ReleaseContext& ctx, const InstallOptions& opts, const std::string& name,
                                       std::shared_ptr<Chart> chart, bool replace);
// helm's Rollback.Run (revision 0: the previous one).
Result<release::Release> rollback_release(ReleaseContext& ctx, const std::string& name, int revision,
                                          const RollbackOptions& opts);
// helm's Uninstall.Run for one release; returns helm's message lines.
Result<std::string> uninstall_release(ReleaseContext& ctx, const std::string& name, const UninstallOptions& opts);

}  // namespace skiff::chart::detail
