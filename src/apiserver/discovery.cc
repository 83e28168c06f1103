#include "apiserver/discovery.h"

#include <algorithm>
#include <set>

#include "util/strings.h"

namespace skiff::apiserver {

Json server_version_info() {
  return {{"major", "1"},
          {"minor", "33"},
          {"gitVersion", "v1.33.0+skiff"},
          {"gitCommit", "skiff"},
          {"gitTreeState", "clean"},
          {"buildDate", "2026-11-26T00:00:00Z"},
          {"goVersion", "go1.24.0"},
          {"compiler", "gc"},
          {"platform", "linux/amd64"}};
}

namespace {

// kube-apiserver's group order (and preferred version first within a group).
const char* const kGroupOrder[] = {"apiregistration.k8s.io", "apps", "events.k8s.io", "authentication.k8s.io",
                                   "authorization.k8s.io", "autoscaling", "batch", "certificates.k8s.io",
                                   "networking.k8s.io", "policy", "rbac.authorization.k8s.io", "storage.k8s.io",
                                   "admissionregistration.k8s.io", "apiextensions.k8s.io", "scheduling.k8s.io",
                                   "coordination.k8s.io", "node.k8s.io", "discovery.k8s.io",
                                   "flowcontrol.apiserver.k8s.io"};

int group_rank(const std::string& g) {
  for (size_t i = 0; i < std::size(kGroupOrder); ++i)
    if (g == kGroupOrder[i]) return static_cast<int>(i);
  return 1000;
}

// Higher is preferred: v2 > v1 > v1beta2 > v1beta1 > v1alpha1 (Kubernetes' version priority).
int version_rank(const std::string& v) {
  int major = 0;
  size_t i = 1;
  while (i < v.size() && isdigit(static_cast<unsigned char>(v[i]))) major = major * 10 + (v[i++] - '0');
  std::string rest = v.substr(i);
  int stability = 3;
  if (starts_with(rest, "beta")) stability = 2;
  else if (starts_with(rest, "alpha")) stability = 1;
  int minor = 0;
  for (char c : rest)
    if (isdigit(static_cast<unsigned char>(c))) minor = minor * 10 + (c - '0');
  return stability * 100000 + major * 100 + minor;
}

// The subresources this server serves; discovery lists them with Kubernetes' kinds and verbs
// (kubectl drain, for one, evicts only when pods/eviction is listed, and deletes otherwise).
bool serves_subresource(const api::ResourceInfo& r, const std::string& sub) {
  if (sub == "status" || sub == "scale") return true;
  const bool core_pods = r.gvk.group.empty() && r.resource == "pods";
  return core_pods && (sub == "binding" || sub == "eviction" || sub == "log" || sub == "exec" || sub == "attach" ||
                       sub == "portforward");
}

Json response_kind(const api::SubresourceInfo& s) {
  return {{"group", s.gvk.group}, {"version", s.gvk.version}, {"kind", s.gvk.kind}};
}

Json api_resource(const api::ResourceInfo& r) {
  Json j = {{"name", r.resource},         {"singularName", r.singular}, {"namespaced", r.namespaced},
            {"kind", r.gvk.kind},         {"verbs", r.verbs}};
  if (!r.short_names.empty()) j["shortNames"] = r.short_names;
  if (!r.categories.empty()) j["categories"] = r.categories;
  return j;
}

// Kubernetes names the group and version of a subresource's kind only where they differ from
// the resource's (pods/eviction: policy/v1; deployments/scale: autoscaling/v1).
Json api_subresource(const api::ResourceInfo& r, const api::SubresourceInfo& s) {
  Json j = {{"name", r.resource + "/" + s.name}, {"singularName", ""}, {"namespaced", r.namespaced},
            {"kind", s.gvk.kind},                {"verbs", s.verbs}};
  if (s.gvk.group != r.gvk.group || s.gvk.version != r.gvk.version) {
    j["group"] = s.gvk.group;
    j["version"] = s.gvk.version;
  }
  return j;
}

Json aggregated_resource(const api::ResourceInfo& r) {
  Json j = {{"resource", r.resource},
            {"responseKind", {{"group", r.gvk.group}, {"version", r.gvk.version}, {"kind", r.gvk.kind}}},
            {"scope", r.namespaced ? "Namespaced" : "Cluster"},
            {"singularResource", r.singular},
            {"verbs", r.verbs}};
  if (!r.short_names.empty()) j["shortNames"] = r.short_names;
  if (!r.categories.empty()) j["categories"] = r.categories;
  Json subs = Json::array();
  for (const auto& s : r.subresource_infos) {
    if (!serves_subresource(r, s.name)) continue;
    subs.push_back({{"subresource", s.name}, {"responseKind", response_kind(s)}, {"verbs", s.verbs}});
  }
  if (!subs.empty()) j["subresources"] = subs;
  return j;
}

}  // namespace

Discovery::Discovery(const api::SchemaRegistry& schemas) {
  // group -> version -> resources
  std::map<std::string, std::map<std::string, std::vector<const api::ResourceInfo*>>> tree;
  for (const auto* r : schemas.resources()) tree[r->gvk.group][r->gvk.version].push_back(r);

  auto sorted_versions = [&](const std::string& g) {
    std::vector<std::string> vs;
    for (auto& [v, _] : tree[g]) vs.push_back(v);
    std::sort(vs.begin(), vs.end(), [](auto& a, auto& b) { return version_rank(a) > version_rank(b); });
    return vs;
  };

  core_versions_ = Json{{"kind", "APIVersions"},
                        {"versions", {"v1"}},
                        {"serverAddressByClientCIDRs", {{{"clientCIDR", "0.0.0.0/0"}, {"serverAddress", ""}}}}}
                       .dump();

  std::vector<std::string> groups;
  for (auto& [g, _] : tree)
    if (!g.empty()) groups.push_back(g);
  std::stable_sort(groups.begin(), groups.end(), [](auto& a, auto& b) { return group_rank(a) < group_rank(b); });

  Json group_items = Json::array();
  Json aggregated_groups = Json::array();
  Json aggregated_core = Json::array();

  auto build_group = [&](const std::string& g) {
    Json versions = Json::array();
    Json agg_versions = Json::array();
    for (const auto& v : sorted_versions(g)) {
      Json resources = Json::array();
      Json agg_resources = Json::array();
      auto list = tree[g][v];
      std::sort(list.begin(), list.end(), [](auto* a, auto* b) { return a->resource < b->resource; });
      for (const auto* r : list) {
        resources.push_back(api_resource(*r));
        for (const auto& s : r->subresource_infos)
          if (serves_subresource(*r, s.name)) resources.push_back(api_subresource(*r, s));
        agg_resources.push_back(aggregated_resource(*r));
      }
      std::string gv = g.empty() ? v : g + "/" + v;
      resource_lists_[g + "/" + v] =
          Json{{"kind", "APIResourceList"}, {"apiVersion", "v1"}, {"groupVersion", gv}, {"resources", resources}}
              .dump();
      versions.push_back({{"groupVersion", gv}, {"version", v}});
      agg_versions.push_back({{"version", v}, {"resources", agg_resources}, {"freshness", "Current"}});
    }
    Json agg = {{"metadata", {{"name", g}, {"creationTimestamp", nullptr}}}, {"versions", agg_versions}};
    if (g.empty()) {
      aggregated_core.push_back(agg);
      return;
    }
    Json group = {{"name", g}, {"versions", versions}, {"preferredVersion", versions[0]}};
    groups_[g] = Json{{"kind", "APIGroup"}, {"apiVersion", "v1"}, {"name", g}, {"versions", versions},
                      {"preferredVersion", versions[0]}}
                     .dump();
    group_items.push_back(group);
    aggregated_groups.push_back(agg);
  };
  build_group("");
  for (const auto& g : groups) build_group(g);

  group_list_ = Json{{"kind", "APIGroupList"}, {"apiVersion", "v1"}, {"groups", group_items}}.dump();
  aggregated_core_ = Json{{"kind", "APIGroupDiscoveryList"}, {"apiVersion", "@"}, {"metadata", Json::object()},
                          {"items", aggregated_core}}
                         .dump();
  aggregated_groups_ = Json{{"kind", "APIGroupDiscoveryList"}, {"apiVersion", "@"}, {"metadata", Json::object()},
                            {"items", aggregated_groups}}
                           .dump();
}

const std::string* Discovery::resource_list(const std::string& group, const std::string& version) const {
  auto it = resource_lists_.find(group + "/" + version);
  return it == resource_lists_.end() ? nullptr : &it->second;
}

const std::string* Discovery::group(const std::string& g) const {
  auto it = groups_.find(g);
  return it == groups_.end() ? nullptr : &it->second;
}

std::string Discovery::aggregated(bool core, const std::string& version) const {
  std::string doc = core ? aggregated_core_ : aggregated_groups_;
  const std::string placeholder = "\"apiVersion\":\"@\"";
  auto pos = doc.find(placeholder);
  if (pos != std::string::npos)
    doc.replace(pos, placeholder.size(), "\"apiVersion\":\"apidiscovery.k8s.io/" + version + "\"");
  return doc;
}

std::string Discovery::aggregated_version_requested(const std::string& accept) {
  for (const auto& media : split(accept, ',')) {
    auto params = split(media, ';');
    std::string g, v, as;
    for (size_t i = 1; i < params.size(); ++i) {
      auto kv = std::string(trim(params[i]));
      auto eq = kv.find('=');
      if (eq == std::string::npos) continue;
      std::string k = kv.substr(0, eq), val = kv.substr(eq + 1);
      if (k == "g") g = val;
      else if (k == "v") v = val;
      else if (k == "as") as = val;
    }
    if (g == "apidiscovery.k8s.io" && as == "APIGroupDiscoveryList" && (v == "v2" || v == "v2beta1")) return v;
    if (trim(params[0]) == "application/json" && params.size() == 1) return "";  // plain JSON preferred first
  }
  return "";
}

}  // namespace skiff::apiserver
