#include "chart/action/release_context.h"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <regex>
#include <set>

#include "chart/action/manifest_sort.h"
#include "chart/chart/helm_log.h"
#include "chart/chart/loader.h"
#include "chart/chart/semver_range.h"
#include "chart/engine/engine.h"
#include "chart/values/coalesce.h"
#include "chart/values/dependencies.h"
#include "chart/values/schema.h"
#include "client/kubeconfig.h"
#include "client/rest_client.h"
#include "util/strings.h"
#include "util/yaml.h"

namespace skiff::chart::detail {

namespace fs = std::filesystem;
using release::Resource;

Result<ReleaseContext> connect(const ClusterOptions& opts, bool all_namespaces) {
  std::string path = opts.kubeconfig;
  if (path.empty()) {
    if (const char* env = std::getenv("KUBECONFIG"); env && *env) {
      path = env;
      if (auto colon = path.find(':'); colon != std::string::npos) path = path.substr(0, colon);
    } else if (const char* home = std::getenv("HOME")) {
      path = std::string(home) + "/.kube/config";
    }
  }
  auto config = client::load_kubeconfig(path, opts.kube_context);
  if (!config.ok()) {
    return Error::service_unavailable("kubernetes cluster unreachable: " + config.error().message);
  }
  SKIFF_ASSIGN_OR_RETURN(auto c, client::new_rest_client(*config, {.component = "helm"}));
  ReleaseContext ctx;
  ctx.ns = opts.namespace_.empty() ? "default" : opts.namespace_;
  ctx.client = std::move(c);
  ctx.kube = std::make_unique<release::KubeClient>(*ctx.client, ctx.ns);
  ctx.storage =
      std::make_unique<release::Storage>(release::new_secrets_driver(*ctx.client, all_namespaces ? "" : ctx.ns));
  return ctx;
}

Status validate_release_name(const std::string& name) {
  static const std::regex valid("^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$");
  if (name.empty() || name.size() > 53 || !std::regex_match(name, valid)) {
    return Error::invalid("release name \"" + name +
                          "\": invalid release name, must match regex "
                          "^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$ and the length must "
                          "not be longer than 53");
  }
  return ok_status();
}

Result<std::shared_ptr<Chart>> load_installable_chart(const std::string& path) {
  if (!fs::exists(path)) return Error::not_found("path \"" + path + "\" not found");
  SKIFF_ASSIGN_OR_RETURN(std::shared_ptr<Chart> chart, load_chart_detecting_version(path));
  if (!(chart->metadata.type.empty() || chart->metadata.type == "application")) {
    return Error::invalid(chart->metadata.type + " charts are not installable");
  }
  if (chart->metadata.deprecated) helm_log("WARN", "this chart is deprecated");
  std::vector<std::string> missing;
  for (const auto& req : chart->metadata.dependencies) {
    bool found = std::any_of(chart->dependencies.begin(), chart->dependencies.end(),
                             [&](const auto& d) { return d->name() == req.name; });
    if (!found) missing.push_back(req.name);
  }
  if (!missing.empty()) {
    std::string list;
    for (size_t i = 0; i < missing.size(); ++i) list += (i ? ", " : "") + missing[i];
    return Error::invalid(
        "an error occurred while checking for chart dependencies. You may need to run `helm dependency build` to "
        "fetch missing dependencies: found in Chart.yaml, but missing in charts/ directory: " + list);
  }
  return chart;
}

namespace {

std::vector<std::string> annotation_list(const std::string& manifest, const std::string& key) {
  std::vector<std::string> out;
  auto doc = parse_yaml(manifest);
  if (!doc.ok()) return out;
  const Json* ann = find_path(*doc, "metadata.annotations");
  if (!ann || !ann->is_object() || !ann->contains(key) || !(*ann)[key].is_string()) return out;
  for (auto& part : split((*ann)[key].get<std::string>(), ',')) {
    std::string t(trim(part));
    if (!t.empty()) out.push_back(t);
  }
  return out;
}

}  // namespace

Result<CapabilitiesInfo> cluster_capabilities(ReleaseContext& ctx) {
  auto version = ctx.client->server_version();
  if (!version.ok()) return Error::service_unavailable("could not get server version from Kubernetes: " + version.error().message);
  CapabilitiesInfo caps;
  const std::string git_version = get_string(*version, "gitVersion");
  SKIFF_ASSIGN_OR_RETURN(caps.kube_version, parse_kube_version(git_version));
  caps.kube_version.version = git_version;
  caps.kube_version.major = get_string(*version, "major");
  caps.kube_version.minor = get_string(*version, "minor");

  std::set<std::string> versions;
  for (const api::ResourceInfo* r : ctx.client->schemas().resources()) {
    versions.insert(r->gvk.api_version());
    versions.insert(r->gvk.api_version() + "/" + r->gvk.kind);
  }
  auto crds = ctx.client->list(ctx.client->resource("apiextensions.k8s.io", "v1", "customresourcedefinitions"), "", {});
  if (!crds.ok()) return Error::service_unavailable("could not get apiVersions from Kubernetes: " + crds.error().message);
  for (const auto& crd : crds->items) {
    const std::string group = get_string((*crd)["spec"], "group");
    const Json* kind = find_path(*crd, "spec.names.kind");
    const Json* served = find_path(*crd, "spec.versions");
    if (!served || !served->is_array() || !kind || !kind->is_string()) continue;
    for (const auto& v : *served) {
      if (!v.value("served", false)) continue;
      std::string gv = group + "/" + v.value("name", "");
      versions.insert(gv);
      versions.insert(gv + "/" + kind->get<std::string>());
    }
  }
  caps.api_versions.assign(versions.begin(), versions.end());
  return caps;
}

Result<RenderedRelease> render_release(Chart& chart, const Json& user_values, const std::string& name,
                                       const std::string& ns, int revision, bool is_upgrade, bool skip_schema,
                                       const CapabilitiesInfo& capabilities) {
  {
    Status processed = process_dependencies(chart, user_values);
    if (!processed.ok()) return Error::invalid("chart dependencies processing failed: " + processed.error().message);
  }
  RenderInput input;
  input.capabilities = capabilities;
  input.release.name = name;
  input.release.namespace_ = ns;
  input.release.revision = revision;
  input.release.is_upgrade = is_upgrade;
  input.release.is_install = !is_upgrade;
  SKIFF_ASSIGN_OR_RETURN(input.values, coalesce_values(chart, user_values));
  if (!skip_schema) {
    Status valid = validate_values_against_schemas(chart, input.values);
    if (!valid.ok()) {
      return Error::invalid("values don't meet the specifications of the schema(s) in the following chart(s):\n" +
                            valid.error().message);
    }
  }
  const auto& kv = input.capabilities.kube_version;
  if (!chart.metadata.kube_version.empty() && !semver_satisfies(chart.metadata.kube_version, kv.normalized)) {
    return Error::invalid("chart requires kubeVersion: " + chart.metadata.kube_version +
                          " which is incompatible with Kubernetes " + kv.version);
  }
  SKIFF_ASSIGN_OR_RETURN(auto files, render_chart(chart, input));
  RenderedRelease out;
  const std::string root_notes = chart.name() + "/templates/NOTES.txt";
  for (auto it = files.begin(); it != files.end();) {
    if (ends_with(it->first, "NOTES.txt")) {
      if (it->first == root_notes) out.notes = it->second;
      it = files.erase(it);
    } else {
      ++it;
    }
  }
  SKIFF_ASSIGN_OR_RETURN(SortedManifests sorted, sort_manifests(files));
  for (const auto& m : sorted.manifests) out.manifest += "---\n# Source: " + m.name + "\n" + m.content + "\n";
  for (const auto& h : sorted.hooks) {
    release::ReleaseHook rh;
    rh.name = h.name;
    rh.kind = h.kind;
    rh.path = h.path;
    rh.manifest = h.manifest;
    rh.events = h.events;
    rh.weight = h.weight;
    rh.delete_policies = annotation_list(h.manifest, "helm.sh/hook-delete-policy");
    rh.output_log_policies = annotation_list(h.manifest, "helm.sh/hook-output-log-policy");
    out.hooks.push_back(std::move(rh));
  }
  return out;
}

Status exec_hooks(ReleaseContext& ctx, release::Release& rel, const std::string& event,
                  std::chrono::milliseconds timeout) {
  std::vector<release::ReleaseHook*> hooks;
  for (auto& h : rel.hooks) {
    if (std::find(h.events.begin(), h.events.end(), event) != h.events.end()) hooks.push_back(&h);
  }
  std::stable_sort(hooks.begin(), hooks.end(), [](const auto* a, const auto* b) {
    return a->weight != b->weight ? a->weight < b->weight : a->name < b->name;
  });
  auto has_policy = [](const release::ReleaseHook& h, const char* p) {
    return std::find(h.delete_policies.begin(), h.delete_policies.end(), p) != h.delete_policies.end();
  };
  for (auto* h : hooks) {
    if (h->delete_policies.empty()) h->delete_policies.push_back("before-hook-creation");
    SKIFF_ASSIGN_OR_RETURN(auto resources, ctx.kube->build(h->manifest));
    if (resources.empty()) continue;
    if (has_policy(*h, "before-hook-creation")) {
      for (const auto& r : resources) {
        SKIFF_TRY(ctx.kube->remove(r));
        SKIFF_TRY(ctx.kube->wait_deleted(r, timeout));
      }
    }
    h->last_run = {release::now_timestamp(), "", "Running"};
    Status result = ok_status();
    for (const auto& r : resources) {
      Status created = ctx.kube->create(r);
      if (!created.ok()) {
        result = Error::invalid("warning: Hook " + event + " " + h->path + " failed: " + created.error().message);
        break;
      }
    }
    if (result.ok()) {
      // Jobs and Pods run to completion; other hook kinds are done once they exist.
      Status waited = ctx.kube->wait_completed(resources, timeout);
      if (!waited.ok()) result = Error::invalid(event + " hook " + h->path + " failed: " + waited.error().message);
    }
    h->last_run.completed_at = release::now_timestamp();
    h->last_run.phase = result.ok() ? "Succeeded" : "Failed";
    if (has_policy(*h, result.ok() ? "hook-succeeded" : "hook-failed")) {
      for (const auto& r : resources) SKIFF_TRY(ctx.kube->remove(r));
    }
    if (!result.ok()) return result;
  }
  return ok_status();
}

Status update_resources(ReleaseContext& ctx, const std::vector<Resource>& current, const std::vector<Resource>& target,
                        bool force_conflicts, bool upgrade_client_side_fields) {
  for (const auto& r : target) {
    if (upgrade_client_side_fields) SKIFF_TRY(ctx.kube->upgrade_client_side_fields(r));
    Status applied = ctx.kube->apply(r, force_conflicts);
    if (!applied.ok()) return Error::invalid("failed to create resource: " + applied.error().message);
  }
  for (const auto& old : current) {
    bool kept = std::any_of(target.begin(), target.end(), [&](const Resource& t) { return t.same_object(old); });
    if (kept) continue;
    SKIFF_ASSIGN_OR_RETURN(auto live, ctx.kube->get(old));
    if (!live) continue;
    const Json* policy = find_path(*live, "metadata.annotations");
    if (policy && policy->is_object() && get_string(*policy, "helm.sh/resource-policy") == "keep") continue;
    SKIFF_TRY(ctx.kube->remove(old));
  }
  return ok_status();
}

Result<std::vector<std::string>> delete_manifest(ReleaseContext& ctx, const std::string& manifest) {
  std::vector<std::string> kept;
  auto resources = ctx.kube->build(manifest);
  if (!resources.ok()) return resources.error();
  // Reverse install order, as helm's uninstall does.
  std::vector<Resource> items = *resources;
  std::stable_sort(items.begin(), items.end(),
                   [](const Resource& a, const Resource& b) { return install_order_less(b.kind(), a.kind()); });
  for (const auto& r : items) {
    const Json* ann = find_path(r.object, "metadata.annotations");
    if (ann && ann->is_object() && get_string(*ann, "helm.sh/resource-policy") == "keep") {
      kept.push_back("[" + r.kind() + "] " + r.name);
      continue;
    }
    SKIFF_TRY(ctx.kube->remove(r));
  }
  return kept;
}

Result<Json> computed_values(const release::Release& rel) {
  Chart c;
  c.metadata.name = rel.chart_name();
  c.values = rel.chart_values();
  return coalesce_values(c, rel.config);
}

}  // namespace skiff::chart::detail
