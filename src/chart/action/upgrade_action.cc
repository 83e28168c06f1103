// `helm upgrade` (pkg/action/upgrade.go and pkg/cmd/upgrade.go, including --install).
#include "chart/action/release_context.h"
#include "chart/release/chart_json.h"
#include "chart/values/coalesce.h"
#include "chart/values/value_options.h"

namespace skiff::chart {

using release::Release;
using release::Resource;

namespace {

release::Labels custom_labels(const release::Labels& labels) {
  release::Labels out;
  const auto& sys = release::system_labels();
  for (const auto& [k, v] : labels) {
    if (std::find(sys.begin(), sys.end(), k) == sys.end()) out[k] = v;
  }
  return out;
}

Json reuse_values(const UpgradeOptions& o, Chart& chart, const Release& current, Json new_vals) {
  if (o.reset_values) return new_vals;
  if (o.reuse_values) {
    auto old = detail::computed_values(current);
    coalesce_tables(new_vals, current.config);
    if (old.ok()) chart.values = *old;
    return new_vals;
  }
  if (o.reset_then_reuse_values) {
    coalesce_tables(new_vals, current.config);
    return new_vals;
  }
  if ((!new_vals.is_object() || new_vals.empty()) && current.config.is_object() && !current.config.empty()) {
    return current.config;
  }
  return new_vals;
}

Result<Release> upgrade(detail::ReleaseContext& ctx, const UpgradeOptions& o, const std::string& name,
                        std::shared_ptr<Chart> chart) {
  if (!detail::validate_release_name(name).ok()) return Error::invalid("release name is invalid: " + name);
  SKIFF_ASSIGN_OR_RETURN(Json vals, merge_value_options(o.values));
  auto last = ctx.storage->last(name);
  if (!last.ok()) {
    if (release::is_not_found(last.error())) {
      return Error::not_found("\"" + name + "\" " + release::kErrNoDeployedReleases);
    }
    return last.error();
  }
  if (release::is_pending(last->info.status)) {
    return Error::conflict("another operation (install/upgrade/rollback) is in progress");
  }
  Release current = *last;
  if (last->info.status != release::kStatusDeployed) {
    auto deployed = ctx.storage->deployed(name);
    if (deployed.ok()) {
      current = *deployed;
    } else if (!(release::is_not_found(deployed.error()) && (last->info.status == release::kStatusFailed ||
                                                             last->info.status == release::kStatusSuperseded))) {
      return deployed.error();
    }
  }
  vals = reuse_values(o, *chart, current, std::move(vals));
  int revision = last->version + 1;
  SKIFF_ASSIGN_OR_RETURN(CapabilitiesInfo caps, detail::cluster_capabilities(ctx));
  SKIFF_ASSIGN_OR_RETURN(auto rendered, detail::render_release(*chart, vals, name, ctx.ns, revision, true,
                                                               o.skip_schema_validation, caps));
  Release up;
  up.name = name;
  up.namespace_ = current.namespace_;
  up.chart = release::chart_to_json(*chart);
  up.config = vals;
  up.info.first_deployed = current.info.first_deployed;
  up.info.last_deployed = release::now_timestamp();
  up.set_status(release::kStatusPendingUpgrade, "Preparing upgrade");
  up.info.notes = rendered.notes;
  up.version = revision;
  up.manifest = rendered.manifest;
  up.hooks = rendered.hooks;
  up.labels = custom_labels(last->labels);
  up.apply_method = "ssa";

  auto current_resources = ctx.kube->build(current.manifest);
  if (!current_resources.ok()) {
    return Error::invalid("unable to build kubernetes objects from current release manifest: " +
                          current_resources.error().message);
  }
  auto target = ctx.kube->build(up.manifest);
  if (!target.ok()) {
    return Error::invalid("unable to build kubernetes objects from new release manifest: " + target.error().message);
  }
  std::vector<Resource> to_create;
  for (auto& r : *target) {
    release::KubeClient::set_ownership(r, up.name, up.namespace_);
    bool known = std::any_of(current_resources->begin(), current_resources->end(),
                             [&](const Resource& c) { return c.same_object(r); });
    if (!known) to_create.push_back(r);
  }
  auto conflicts = ctx.kube->existing_conflicts(to_create, up.name, up.namespace_);
  if (!conflicts.ok()) return Error::conflict("unable to continue with update: " + conflicts.error().message);
  if (o.dry_run) {
    up.info.description = o.description.empty() ? "Dry run complete" : o.description;
    return up;
  }
  ctx.storage->max_history = o.history_max;
  SKIFF_TRY(ctx.storage->create(up));

  auto timeout = std::chrono::seconds(o.timeout_seconds);
  auto perform = [&]() -> Status {
    if (!o.no_hooks) {
      Status st = detail::exec_hooks(ctx, up, "pre-upgrade", timeout);
      if (!st.ok()) return Error::invalid("pre-upgrade hooks failed: " + st.error().message);
    }
    SKIFF_TRY(detail::update_resources(ctx, *current_resources, *target, o.force_conflicts,
                                       detail::applied_client_side(current)));
    if (o.wait) SKIFF_TRY(ctx.kube->wait_ready(*target, timeout));
    if (!o.no_hooks) {
      Status st = detail::exec_hooks(ctx, up, "post-upgrade", timeout);
      if (!st.ok()) return Error::invalid("post-upgrade hooks failed: " + st.error().message);
    }
    return ok_status();
  };
  Status done = perform();
  if (!done.ok()) {
    up.set_status(release::kStatusFailed, "Upgrade \"" + name + "\" failed: " + done.error().message);
    (void)ctx.storage->update(up);
    if (!o.rollback_on_failure) return done.error();
    auto history = ctx.storage->history(name);
    int target_version = 0;
    if (history.ok()) {
      for (const auto& r : *history) {
        if ((r.info.status == release::kStatusSuperseded || r.info.status == release::kStatusDeployed) &&
            r.version > target_version) {
          target_version = r.version;
        }
      }
    }
    if (target_version == 0) {
      return Error::invalid(
          "unable to find a previously successful release when attempting to rollback. original upgrade error: " +
          done.error().message);
    }
    RollbackOptions ro;
    ro.wait = o.wait;
    ro.timeout_seconds = o.timeout_seconds;
    ro.no_hooks = o.no_hooks;
    ro.force_conflicts = o.force_conflicts;
    ro.history_max = o.history_max;
    auto rolled = detail::rollback_release(ctx, name, target_version, ro);
    if (!rolled.ok()) {
      return Error::invalid("an error occurred while rolling back the release. original upgrade error: " +
                            done.error().message + ": " + rolled.error().message);
    }
    return Error::invalid("release " + name + " failed, and has been rolled back due to rollback-on-failure being set: " +
                          done.error().message);
  }
  current.info.status = release::kStatusSuperseded;
  current.labels = custom_labels(current.labels);
  SKIFF_TRY(ctx.storage->update(current));
  up.set_status(release::kStatusDeployed, o.description.empty() ? "Upgrade complete" : o.description);
  SKIFF_TRY(ctx.storage->update(up));
  return up;
}

}  // namespace

Result<std::string> run_upgrade(const UpgradeOptions& o) {
  auto fail = [](const Error& e) { return Error(e.code, e.reason, "UPGRADE FAILED: " + e.message); };
  if (o.args.size() != 2) return Error::invalid("\"skiff chart upgrade\" requires 2 arguments");
  const std::string& name = o.args[0];
  auto ctx = detail::connect(o.cluster);
  if (!ctx.ok()) return fail(ctx.error());
  std::string out;
  if (o.install) {
    auto h = ctx->storage->history(name);
    bool missing = !h.ok() && release::is_not_found(h.error());
    bool uninstalled = false;
    if (h.ok() && !h->empty()) {
      release::sort_by_revision(*h);
      uninstalled = h->back().info.status == release::kStatusUninstalled;
    }
    if (!h.ok() && !missing) return fail(h.error());
    if (missing || uninstalled) {
      out = "Release \"" + name + "\" does not exist. Installing it now.\n";
      InstallOptions io;
      io.create_namespace = o.create_namespace;
      io.values = o.values;
      io.dry_run = o.dry_run;
      io.wait = o.wait;
      io.timeout_seconds = o.timeout_seconds;
      io.rollback_on_failure = o.rollback_on_failure;
      io.no_hooks = o.no_hooks;
      io.force_conflicts = o.force_conflicts;
      io.skip_schema_validation = o.skip_schema_validation;
      io.description = o.description;
      auto chart = detail::load_installable_chart(o.args[1]);
      if (!chart.ok()) return chart.error();
      auto rel = detail::install_chart(*ctx, io, name, *chart, true);
      if (!rel.ok()) return rel.error();
      return out + detail::status_text(*rel, false, false);
    }
  }
  auto chart = detail::load_installable_chart(o.args[1]);
  if (!chart.ok()) return fail(chart.error());
  auto rel = upgrade(*ctx, o, name, *chart);
  if (!rel.ok()) return fail(rel.error());
  return out + "Release \"" + name + "\" has been upgraded. Happy Helming!\n" + detail::status_text(*rel, false, false);
}

}  // namespace skiff::chart
