// `helm rollback` (pkg/action/rollback.go) and `helm uninstall` (pkg/action/uninstall.go).
#include "chart/action/release_context.h"

namespace skiff::chart {

using release::Release;

namespace detail {

Result<Release> rollback_release(ReleaseContext& ctx, const std::string& name, int revision,
                                 const RollbackOptions& o) {
  if (!validate_release_name(name).ok()) {
    return Error::invalid("prepareRollback: Release name is invalid: " + name);
  }
  if (revision < 0) return Error::invalid("invalid release revision");
  SKIFF_ASSIGN_OR_RETURN(Release current, ctx.storage->last(name));
  int previous_version = revision == 0 ? current.version - 1 : revision;
  SKIFF_ASSIGN_OR_RETURN(auto history, ctx.storage->history(name));
  bool exists = std::any_of(history.begin(), history.end(), [&](const Release& r) { return r.version == previous_version; });
  if (!exists) return Error::not_found("release has no " + std::to_string(previous_version) + " version");
  SKIFF_ASSIGN_OR_RETURN(Release previous, ctx.storage->get(name, previous_version));

  Release target;
  target.name = name;
  target.namespace_ = current.namespace_;
  target.chart = previous.chart;
  target.config = previous.config;
  target.info.first_deployed = current.info.first_deployed;
  target.info.last_deployed = release::now_timestamp();
  target.info.notes = previous.info.notes;
  target.set_status(release::kStatusPendingRollback, "Rollback to " + std::to_string(previous_version));
  target.version = current.version + 1;
  target.labels = previous.labels;
  target.manifest = previous.manifest;
  target.hooks = previous.hooks;
  target.apply_method = "ssa";
  if (o.dry_run) return target;

  ctx.storage->max_history = o.history_max;
  SKIFF_TRY(ctx.storage->create(target));
  auto timeout = std::chrono::seconds(o.timeout_seconds);
  auto current_resources = ctx.kube->build(current.manifest);
  if (!current_resources.ok()) {
    return Error::invalid("unable to build kubernetes objects from current release manifest: " +
                          current_resources.error().message);
  }
  auto target_resources = ctx.kube->build(target.manifest);
  if (!target_resources.ok()) {
    return Error::invalid("unable to build kubernetes objects from new release manifest: " +
                          target_resources.error().message);
  }
  if (!o.no_hooks) SKIFF_TRY(exec_hooks(ctx, target, "pre-rollback", timeout));
  for (auto& r : *target_resources) release::KubeClient::set_ownership(r, target.name, target.namespace_);
  Status updated = update_resources(ctx, *current_resources, *target_resources, o.force_conflicts,
                                    /*upgrade_client_side_fields=*/true);
  if (updated.ok() && o.wait) updated = ctx.kube->wait_ready(*target_resources, timeout);
  if (!updated.ok()) {
    current.info.status = release::kStatusSuperseded;
    target.set_status(release::kStatusFailed, "Rollback \"" + name + "\" failed: " + updated.error().message);
    (void)ctx.storage->update(current);
    (void)ctx.storage->update(target);
    return updated.error();
  }
  if (!o.no_hooks) SKIFF_TRY(exec_hooks(ctx, target, "post-rollback", timeout));
  auto deployed = ctx.storage->deployed_all(name);
  if (deployed.ok()) {
    for (auto& r : *deployed) {
      r.info.status = release::kStatusSuperseded;
      (void)ctx.storage->update(r);
    }
  }
  target.info.status = release::kStatusDeployed;
  SKIFF_TRY(ctx.storage->update(target));
  return target;
}

Result<std::string> uninstall_release(ReleaseContext& ctx, const std::string& name, const UninstallOptions& o) {
  if (!validate_release_name(name).ok()) return Error::invalid("uninstall: Release name is invalid: " + name);
  auto history = ctx.storage->history(name);
  if (!history.ok()) {
    if (o.ignore_not_found && release::is_not_found(history.error())) return std::string();
    return Error(history.error().code, history.error().reason,
                 "uninstall: Release not loaded: " + name + ": " + history.error().message);
  }
  if (history->empty()) return Error::not_found("uninstall: Release not loaded: " + name + ": release: not found");
  release::sort_by_revision(*history);
  Release rel = history->back();
  if (o.dry_run) return "release \"" + name + "\" uninstalled\n";
  auto purge = [&]() -> Status {
    for (const auto& r : *history) {
      auto removed = ctx.storage->remove(r.name, r.version);
      if (!removed.ok()) return removed.error();
    }
    return ok_status();
  };
  if (rel.info.status == release::kStatusUninstalled) {
    if (!o.keep_history) {
      SKIFF_TRY(purge());
      return "release \"" + name + "\" uninstalled\n";
    }
    return Error::invalid("the release named \"" + name + "\" is already deleted");
  }
  rel.info.status = release::kStatusUninstalling;
  rel.info.deleted = release::now_timestamp();
  rel.info.description = "Deletion in progress (or silently failed)";
  SKIFF_TRY(ctx.storage->update(rel));
  auto timeout = std::chrono::seconds(o.timeout_seconds);
  if (!o.no_hooks) SKIFF_TRY(exec_hooks(ctx, rel, "pre-delete", timeout));
  SKIFF_ASSIGN_OR_RETURN(auto kept, delete_manifest(ctx, rel.manifest));
  if (o.wait) {
    auto resources = ctx.kube->build(rel.manifest);
    if (resources.ok()) {
      for (const auto& r : *resources) SKIFF_TRY(ctx.kube->wait_deleted(r, timeout));
    }
  }
  if (!o.no_hooks) SKIFF_TRY(exec_hooks(ctx, rel, "post-delete", timeout));
  rel.info.status = release::kStatusUninstalled;
  rel.info.description = "Uninstallation complete";
  std::string out;
  if (!kept.empty()) {
    out += "These resources were kept due to the resource policy:\n";
    for (const auto& k : kept) out += k + "\n";
  }
  if (!o.keep_history) {
    SKIFF_TRY(purge());
  } else {
    SKIFF_TRY(ctx.storage->update(rel));
  }
  return out + "release \"" + name + "\" uninstalled\n";
}

}  // namespace detail

Result<std::string> run_rollback(const RollbackOptions& o) {
  if (o.args.empty() || o.args.size() > 2) return Error::invalid("\"skiff chart rollback\" requires 1 or 2 arguments");
  int revision = 0;
  if (o.args.size() == 2) {
    try {
      revision = std::stoi(o.args[1]);
    } catch (...) {
      return Error::invalid("could not convert revision to a number: " + o.args[1]);
    }
  }
  SKIFF_ASSIGN_OR_RETURN(auto ctx, detail::connect(o.cluster));
  SKIFF_ASSIGN_OR_RETURN(auto rel, detail::rollback_release(ctx, o.args[0], revision, o));
  return std::string("Rollback was a success! Happy Helming!\n");
}

Result<std::string> run_uninstall(const UninstallOptions& o) {
  if (o.names.empty()) return Error::invalid("\"skiff chart uninstall\" requires at least 1 argument");
  SKIFF_ASSIGN_OR_RETURN(auto ctx, detail::connect(o.cluster));
  std::string out;
  for (const auto& name : o.names) {
    SKIFF_ASSIGN_OR_RETURN(std::string msg, detail::uninstall_release(ctx, name, o));
    out += msg;
  }
  return out;
}

}  // namespace skiff::chart
