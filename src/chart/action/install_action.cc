// `helm install` (pkg/action/install.go).
#include <ctime>
#include <filesystem>

#include "chart/action/release_context.h"
#include "chart/release/chart_json.h"
#include "chart/values/value_options.h"

namespace skiff::chart {

namespace fs = std::filesystem;
using release::Release;
using release::Resource;

namespace detail {

namespace {

Status install_crds(ReleaseContext& ctx, const Chart& chart) {
  std::vector<Resource> created;
  for (const auto& crd : crd_objects(chart)) {
    auto resources = ctx.kube->build(crd.file->data);
    if (!resources.ok()) return Error::invalid("failed to install CRD " + crd.filename + ": " + resources.error().message);
    if (resources->empty()) return Error::invalid("failed to install CRD " + crd.filename + ": resources are empty");
    for (const auto& r : *resources) {
      Status st = ctx.kube->create(r);
      if (!st.ok()) {
        if (st.error().code == 409) continue;  // present already: left as it is, like helm
        return Error::invalid("failed to install CRD " + crd.filename + ": " + st.error().message);
      }
      created.push_back(r);
    }
  }
  return ctx.kube->wait_crds_established(created, std::chrono::seconds(60));
}

Status create_namespace(ReleaseContext& ctx) {
  Resource ns;
  ns.object = {{"apiVersion", "v1"}, {"kind", "Namespace"}, {"metadata", {{"name", ctx.ns}, {"labels", {{"name", ctx.ns}}}}}};
  ns.info = &ctx.client->resource("", "v1", "namespaces");
  ns.name = ctx.ns;
  Status st = ctx.kube->create(ns);
  if (!st.ok() && st.error().code != 409) return st;
  return ok_status();
}

}  // namespace

Result<Release> install_chart(ReleaseContext& ctx, const InstallOptions& opts, const std::string& name,
                              std::shared_ptr<Chart> chart, bool replace) {
  auto name_ok = validate_release_name(name);
  if (!name_ok.ok()) return Error::invalid("release name check failed: " + name_ok.error().message);
  int version = 1;
  std::vector<Release> previous;
  if (!opts.dry_run) {
    auto h = ctx.storage->history(name);
    if (h.ok() && !h->empty()) {
      release::sort_by_revision(*h);
      const std::string& st = h->back().info.status;
      if (!(replace && (st == release::kStatusUninstalled || st == release::kStatusFailed))) {
        return Error::invalid("release name check failed: cannot reuse a name that is still in use");
      }
      version = h->back().version + 1;
      previous = std::move(*h);
    }
  }
  SKIFF_ASSIGN_OR_RETURN(Json user_values, merge_value_options(opts.values));
  if (!opts.dry_run && !opts.skip_crds) SKIFF_TRY(install_crds(ctx, *chart));

  SKIFF_ASSIGN_OR_RETURN(CapabilitiesInfo caps, cluster_capabilities(ctx));
  auto rendered =
      render_release(*chart, user_values, name, ctx.ns, version, false, opts.skip_schema_validation, caps);
  if (!rendered.ok()) return rendered.error();
  Release rel;
  rel.name = name;
  rel.namespace_ = ctx.ns;
  rel.chart = release::chart_to_json(*chart);
  rel.config = user_values;
  rel.info.first_deployed = rel.info.last_deployed = release::now_timestamp();
  rel.version = version;
  rel.apply_method = "ssa";
  rel.manifest = rendered->manifest;
  rel.hooks = rendered->hooks;
  rel.info.notes = rendered->notes;
  rel.set_status(release::kStatusPendingInstall, "Initial install underway");

  auto resources = ctx.kube->build(rel.manifest);
  if (!resources.ok()) {
    return Error::invalid("unable to build kubernetes objects from release manifest: " + resources.error().message);
  }
  for (auto& r : *resources) release::KubeClient::set_ownership(r, rel.name, rel.namespace_);
  if (!resources->empty()) {
    auto conflicts = ctx.kube->existing_conflicts(*resources, rel.name, rel.namespace_);
    if (!conflicts.ok()) return Error::conflict("unable to continue with install: " + conflicts.error().message);
  }
  if (opts.dry_run) {
    rel.info.description = "Dry run complete";
    return rel;
  }
  if (opts.create_namespace) SKIFF_TRY(create_namespace(ctx));
  for (auto& old : previous) {  // replace: earlier deployed revisions are superseded
    if (old.info.status == release::kStatusDeployed) {
      old.info.status = release::kStatusSuperseded;
      (void)ctx.storage->update(old);
    }
  }
  SKIFF_TRY(ctx.storage->create(rel));

  auto timeout = std::chrono::seconds(opts.timeout_seconds);
  auto perform = [&]() -> Status {
    if (!opts.no_hooks) {
      Status st = exec_hooks(ctx, rel, "pre-install", timeout);
      if (!st.ok()) return Error::invalid("failed pre-install: " + st.error().message);
    }
    for (const auto& r : *resources) SKIFF_TRY(ctx.kube->apply(r, false));
    if (opts.wait) SKIFF_TRY(ctx.kube->wait_ready(*resources, timeout));
    if (!opts.no_hooks) {
      Status st = exec_hooks(ctx, rel, "post-install", timeout);
      if (!st.ok()) return Error::invalid("failed post-install: " + st.error().message);
    }
    return ok_status();
  };
  Status done = perform();
  if (!done.ok()) {
    rel.set_status(release::kStatusFailed, "Release \"" + name + "\" failed: " + done.error().message);
    if (opts.rollback_on_failure) {
      UninstallOptions un;
      un.no_hooks = opts.no_hooks;
      un.timeout_seconds = opts.timeout_seconds;
      (void)ctx.storage->update(rel);
      auto removed = uninstall_release(ctx, name, un);
      if (!removed.ok()) {
        return Error::invalid("an error occurred while uninstalling the release. original install error: " +
                              done.error().message + ": " + removed.error().message);
      }
      return Error::invalid("release " + name +
                            " failed, and has been uninstalled due to rollback-on-failure being set: " +
                            done.error().message);
    }
    (void)ctx.storage->update(rel);
    return done.error();
  }
  rel.set_status(release::kStatusDeployed, opts.description.empty() ? "Install complete" : opts.description);
  SKIFF_TRY(ctx.storage->update(rel));
  return rel;
}

}  // namespace detail

namespace {

// helm's NameAndChart for install.
Result<std::pair<std::string, std::string>> name_and_chart(const InstallOptions& o) {
  if (o.generate_name) {
    if (o.args.size() != 1) {
      if (o.args.size() > 1) return Error::invalid("expected at most one argument (CHART) with --generate-name");
      return Error::invalid("must either provide a name or specify --generate-name");
    }
    std::string base = fs::path(o.args[0]).filename().string();
    if (base == "." || base.empty()) base = "chart";
    if (auto dot = base.find('.'); dot != std::string::npos) base = base.substr(0, dot);
    return std::make_pair(base + "-" + std::to_string(time(nullptr)), o.args[0]);
  }
  if (o.args.size() < 2) return Error::invalid("must either provide a name or specify --generate-name");
  if (o.args.size() > 2) return Error::invalid("expected at most two arguments, unexpected arguments: " + o.args[2]);
  return std::make_pair(o.args[0], o.args[1]);
}

}  // namespace

Result<std::string> run_install(const InstallOptions& opts) {
  auto fail = [](const Error& e) { return Error(e.code, e.reason, "INSTALLATION FAILED: " + e.message); };
  auto nc = name_and_chart(opts);
  if (!nc.ok()) return fail(nc.error());
  auto ctx = detail::connect(opts.cluster);
  if (!ctx.ok()) return fail(ctx.error());
  auto chart = detail::load_installable_chart(nc->second);
  if (!chart.ok()) return fail(chart.error());
  auto rel = detail::install_chart(*ctx, opts, nc->first, *chart, false);
  if (!rel.ok()) return fail(rel.error());
  return detail::status_text(*rel, false, false);
}

}  // namespace skiff::chart
