#include "chart/release/kube.h"

#include <thread>

#include "client/client.h"
#include "util/yaml.h"

namespace skiff::chart::release {

namespace {

using Clock = std::chrono::steady_clock;

std::pair<std::string, std::string> split_api_version(const std::string& api_version) {
  auto slash = api_version.find('/');
  if (slash == std::string::npos) return {"", api_version};
  return {api_version.substr(0, slash), api_version.substr(slash + 1)};
}

const Json* field(const Json& j, std::string_view dotted) { return find_path(j, dotted); }

int64_t int_field(const Json& j, std::string_view dotted, int64_t fallback = 0) {
  const Json* v = find_path(j, dotted);
  return v && v->is_number() ? v->get<int64_t>() : fallback;
}

bool condition_true(const Json& obj, const std::string& type) {
  const Json* conds = find_path(obj, "status.conditions");
  if (!conds || !conds->is_array()) return false;
  for (const auto& c : *conds) {
    if (get_string(c, "type") == type && get_string(c, "status") == "True") return true;
  }
  return false;
}

std::string string_map_value(const Json& obj, std::string_view map_path, const std::string& key) {
  const Json* m = find_path(obj, map_path);
  if (!m || !m->is_object()) return "";
  auto it = m->find(key);
  return it != m->end() && it->is_string() ? it->get<std::string>() : "";
}

bool has_key(const Json& obj, std::string_view map_path, const std::string& key) {
  const Json* m = find_path(obj, map_path);
  return m && m->is_object() && m->contains(key);
}

}  // namespace

bool Resource::same_object(const Resource& o) const {
  std::string g1 = info ? info->gvk.group : "", g2 = o.info ? o.info->gvk.group : "";
  return g1 == g2 && kind() == o.kind() && ns == o.ns && name == o.name;
}

std::string Resource::describe() const {
  return kind() + " \"" + name + "\" in namespace \"" + ns + "\"";
}

KubeClient::KubeClient(client::Client& c, std::string default_namespace)
    : client_(c), namespace_(std::move(default_namespace)) {}

Result<const api::ResourceInfo*> KubeClient::resolve(const std::string& api_version, const std::string& kind) {
  auto [group, version] = split_api_version(api_version);
  if (const auto* info = client_.schemas().find_kind(group, version, kind)) return info;
  for (const auto& c : custom_) {
    if (c.gvk.group == group && c.gvk.version == version && c.gvk.kind == kind) return &c;
  }
  const auto& crds = client_.resource("apiextensions.k8s.io", "v1", "customresourcedefinitions");
  auto list = client_.list(crds, "", {});
  if (list.ok()) {
    for (const auto& crd : list->items) {
      if (get_string((*crd)["spec"], "group") != group) continue;
      const Json* names = field(*crd, "spec.names");
      if (!names || get_string(*names, "kind") != kind) continue;
      const Json* versions = field(*crd, "spec.versions");
      bool served = false;
      if (versions && versions->is_array()) {
        for (const auto& v : *versions) {
          if (get_string(v, "name") == version && v.value("served", false)) served = true;
        }
      }
      if (!served) continue;
      api::ResourceInfo info;
      info.gvk = {group, version, kind};
      info.resource = get_string(*names, "plural");
      info.singular = get_string(*names, "singular");
      info.list_kind = get_string(*names, "listKind");
      info.namespaced = get_string((*crd)["spec"], "scope") != "Cluster";
      custom_.push_back(std::move(info));
      return &custom_.back();
    }
  }
  return Error::not_found("no matches for kind \"" + kind + "\" in version \"" + api_version + "\"");
}

Result<std::vector<Resource>> KubeClient::build(const std::string& manifest) {
  SKIFF_ASSIGN_OR_RETURN(auto docs, parse_yaml_documents(manifest));
  std::vector<Resource> out;
  for (auto& doc : docs) {
    if (!doc.is_object() || doc.empty()) continue;
    Resource r;
    std::string api_version = get_string(doc, "apiVersion");
    std::string kind = get_string(doc, "kind");
    r.name = doc.contains("metadata") ? get_string(doc["metadata"], "name") : "";
    auto info = resolve(api_version, kind);
    if (!info.ok()) {
      return Error::invalid("resource mapping not found for name: \"" + r.name + "\" namespace: \"" +
                            (doc.contains("metadata") ? get_string(doc["metadata"], "namespace") : "") +
                            "\" from \"\": " + info.error().message + "\nensure CRDs are installed first");
    }
    r.info = *info;
    if (r.info->namespaced) {
      r.ns = get_string(doc["metadata"], "namespace");
      if (r.ns.empty()) {
        r.ns = namespace_;
        doc["metadata"]["namespace"] = r.ns;
      }
    } else if (doc["metadata"].contains("namespace")) {
      doc["metadata"].erase("namespace");
    }
    r.object = std::move(doc);
    out.push_back(std::move(r));
  }
  return out;
}

void KubeClient::set_ownership(Resource& r, const std::string& release, const std::string& release_namespace) {
  Json& md = r.object["metadata"];
  if (!md.contains("labels") || !md["labels"].is_object()) md["labels"] = Json::object();
  if (!md.contains("annotations") || !md["annotations"].is_object()) md["annotations"] = Json::object();
  md["labels"]["app.kubernetes.io/managed-by"] = "Helm";
  md["annotations"]["meta.helm.sh/release-name"] = release;
  md["annotations"]["meta.helm.sh/release-namespace"] = release_namespace;
}

Result<std::vector<Resource>> KubeClient::existing_conflicts(const std::vector<Resource>& resources,
                                                             const std::string& release,
                                                             const std::string& release_namespace) {
  std::vector<Resource> existing;
  for (const auto& r : resources) {
    SKIFF_ASSIGN_OR_RETURN(auto live, get(r));
    if (!live) continue;
    std::vector<std::string> errs;
    auto require = [&](const char* what, std::string_view map, const std::string& key, const std::string& want) {
      if (!has_key(*live, map, key)) {
        errs.push_back(std::string(what) + " validation error: missing key \"" + key + "\": must be set to \"" +
                       want + "\"");
        return;
      }
      std::string got = string_map_value(*live, map, key);
      if (got != want) {
        errs.push_back(std::string(what) + " validation error: key \"" + key + "\" must equal \"" + want +
                       "\": current value is \"" + got + "\"");
      }
    };
    require("label", "metadata.labels", "app.kubernetes.io/managed-by", "Helm");
    require("annotation", "metadata.annotations", "meta.helm.sh/release-name", release);
    require("annotation", "metadata.annotations", "meta.helm.sh/release-namespace", release_namespace);
    if (!errs.empty()) {
      std::string msg = "invalid ownership metadata";
      for (const auto& e : errs) msg += "; " + e;
      return Error::conflict(r.describe() + " exists and cannot be imported into the current release: " + msg);
    }
    existing.push_back(r);
  }
  return existing;
}

Status KubeClient::apply(const Resource& r, bool force_conflicts) {
  client::WriteOptions opts{.field_manager = kFieldManager, .force = force_conflicts};
  auto res = client_.patch(*r.info, r.ns, r.name, client::PatchType::kApply, dump_json(r.object), "", opts);
  if (!res.ok()) {
    if (res.error().code == 409) {
      return Error::conflict("conflict occurred while applying object " + r.ns + "/" + r.name + " " +
                             r.info->gvk.api_version() + ", Kind=" + r.kind() + ": " + res.error().message);
    }
    return res.error();
  }
  return ok_status();
}

namespace {

void union_fields(Json& into, const Json& from) {
  if (!into.is_object() || !from.is_object()) return;
  for (const auto& [k, v] : from.items()) {
    auto it = into.find(k);
    if (it == into.end()) into[k] = v;
    else union_fields(*it, v);
  }
}

// The managedFields with every Update entry of the field manager folded into its Apply entry;
// nullopt when there is nothing to move.
std::optional<Json> fold_update_entries(const Json& managed) {
  if (!managed.is_array()) return std::nullopt;
  Json kept = Json::array();
  std::optional<Json> apply, folded;
  for (const auto& entry : managed) {
    bool ours = get_string(entry, "manager") == kFieldManager && !entry.contains("subresource");
    if (ours && get_string(entry, "operation") == "Update") {
      if (!folded) folded = entry;
      else union_fields((*folded)["fieldsV1"], entry.value("fieldsV1", Json::object()));
    } else if (ours && get_string(entry, "operation") == "Apply") {
      apply = entry;
    } else {
      kept.push_back(entry);
    }
  }
  if (!folded) return std::nullopt;
  if (apply) {
    union_fields((*apply)["fieldsV1"], folded->value("fieldsV1", Json::object()));
  } else {
    apply = std::move(folded);
    (*apply)["operation"] = "Apply";
  }
  kept.push_back(std::move(*apply));
  return kept;
}

}  // namespace

Status KubeClient::upgrade_client_side_fields(const Resource& r) {
  for (int attempt = 0; attempt < 5; ++attempt) {
    SKIFF_ASSIGN_OR_RETURN(auto live, get(r));
    if (!live) return ok_status();
    const Json* managed = find_path(*live, "metadata.managedFields");
    std::optional<Json> folded = managed ? fold_update_entries(*managed) : std::nullopt;
    if (!folded) return ok_status();
    Json patch = Json::array({
        {{"op", "test"}, {"path", "/metadata/resourceVersion"}, {"value", get_string((*live)["metadata"], "resourceVersion")}},
        {{"op", "replace"}, {"path", "/metadata/managedFields"}, {"value", std::move(*folded)}},
    });
    auto res = client_.patch(*r.info, r.ns, r.name, client::PatchType::kJson, dump_json(patch), "",
                             {.field_manager = kFieldManager});
    if (res.ok()) return ok_status();
    if (res.error().code != 409 && res.error().code != 422) {
      return Error::invalid("failed to patch object to upgrade CSA field manager " + r.ns + "/" + r.name + ": " +
                            res.error().message);
    }
  }
  return Error::conflict("failed to upgrade the client-side field manager of " + r.describe() +
                         ": the object kept changing");
}

Status KubeClient::create(const Resource& r) {
  auto res = client_.create(*r.info, r.ns, r.object, {.field_manager = kFieldManager});
  if (!res.ok()) return res.error();
  return ok_status();
}

Result<std::optional<Json>> KubeClient::get(const Resource& r) {
  auto res = client_.get(*r.info, r.ns, r.name);
  if (!res.ok()) {
    if (res.error().code == 404) return std::optional<Json>();
    return res.error();
  }
  return std::optional<Json>(std::move(*res));
}

Status KubeClient::remove(const Resource& r) {
  auto res = client_.remove(*r.info, r.ns, r.name, {.propagation_policy = "Background"});
  if (!res.ok() && res.error().code != 404) return res.error();
  return ok_status();
}

Status KubeClient::wait_deleted(const Resource& r, std::chrono::milliseconds timeout) {
  auto deadline = Clock::now() + timeout;
  while (true) {
    SKIFF_ASSIGN_OR_RETURN(auto live, get(r));
    if (!live) return ok_status();
    if (Clock::now() > deadline) return Error::timeout("timed out waiting for the condition");
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
}

Result<std::string> readiness(const std::string& kind, const Json& live) {
  int64_t generation = int_field(live, "metadata.generation");
  int64_t observed = int_field(live, "status.observedGeneration", -1);
  bool generation_seen = observed < 0 ? generation == 0 : observed >= generation;
  if (kind == "Deployment") {
    int64_t want = int_field(live, "spec.replicas", 1);
    if (!generation_seen) return std::string("Deployment generation not yet observed");
    if (int_field(live, "status.updatedReplicas") < want || int_field(live, "status.availableReplicas") < want ||
        int_field(live, "status.replicas") > want) {
      return "Deployment is not ready: " + std::to_string(int_field(live, "status.availableReplicas")) + " of " +
             std::to_string(want) + " updated replicas are available";
    }
    return std::string();
  }
  if (kind == "StatefulSet") {
    int64_t want = int_field(live, "spec.replicas", 1);
    if (!generation_seen) return std::string("StatefulSet generation not yet observed");
    if (int_field(live, "status.readyReplicas") < want) {
      return "StatefulSet is not ready: " + std::to_string(int_field(live, "status.readyReplicas")) + " of " +
             std::to_string(want) + " pods are ready";
    }
    const Json* strategy = find_path(live, "spec.updateStrategy.type");
    bool rolling = !strategy || (strategy->is_string() && strategy->get<std::string>() == "RollingUpdate");
    if (rolling && int_field(live, "status.updatedReplicas") < want) {
      return std::string("StatefulSet rolling update is not complete");
    }
    return std::string();
  }
  if (kind == "DaemonSet") {
    if (!generation_seen) return std::string("DaemonSet generation not yet observed");
    int64_t desired = int_field(live, "status.desiredNumberScheduled");
    if (int_field(live, "status.updatedNumberScheduled") < desired || int_field(live, "status.numberAvailable") < desired) {
      return "DaemonSet is not ready: " + std::to_string(int_field(live, "status.numberAvailable")) + " of " +
             std::to_string(desired) + " pods are available";
    }
    return std::string();
  }
  if (kind == "ReplicaSet" || kind == "ReplicationController") {
    if (!generation_seen) return kind + " generation not yet observed";
    if (int_field(live, "status.readyReplicas") < int_field(live, "spec.replicas", 1)) return kind + " is not ready";
    return std::string();
  }
  if (kind == "Job") {
    if (condition_true(live, "Failed")) return Error::invalid("job " + get_string(live["metadata"], "name") + " failed");
    if (!condition_true(live, "Complete")) return std::string("Job is not complete");
    return std::string();
  }
  if (kind == "Pod") {
    std::string phase = find_path(live, "status.phase") ? get_string(live["status"], "phase") : "";
    if (phase == "Succeeded" || condition_true(live, "Ready")) return std::string();
    if (phase == "Failed") return Error::invalid("pod " + get_string(live["metadata"], "name") + " failed");
    return std::string("Pod is not ready");
  }
  if (kind == "PersistentVolumeClaim") {
    if (find_path(live, "status.phase") && get_string(live["status"], "phase") == "Bound") return std::string();
    return std::string("PersistentVolumeClaim is not bound");
  }
  if (kind == "Service") {
    std::string type = find_path(live, "spec.type") ? get_string(live["spec"], "type") : "ClusterIP";
    if (type == "ExternalName") return std::string();
    if (type == "LoadBalancer") {
      const Json* ing = find_path(live, "status.loadBalancer.ingress");
      if (!ing || !ing->is_array() || ing->empty()) return std::string("Service has no load balancer ingress yet");
      return std::string();
    }
    if (!find_path(live, "spec.clusterIP") || get_string(live["spec"], "clusterIP").empty()) {
      return std::string("Service has no cluster IP yet");
    }
    return std::string();
  }
  return std::string();
}

namespace {

// "" once a hook resource has done its work, else what it is still doing.
Result<std::string> completion(const std::string& kind, const Json& live) {
  if (kind != "Pod") return readiness(kind, live);  // a Job is ready once complete
  std::string phase = find_path(live, "status.phase") ? get_string(live["status"], "phase") : "";
  if (phase == "Succeeded") return std::string();
  if (phase == "Failed") return Error::invalid("pod " + get_string(live["metadata"], "name") + " failed");
  return "pod phase " + (phase.empty() ? std::string("Pending") : phase);
}

}  // namespace

Status KubeClient::wait_completed(const std::vector<Resource>& resources, std::chrono::milliseconds timeout) {
  return wait_until(resources, timeout, completion);
}

Status KubeClient::wait_ready(const std::vector<Resource>& resources, std::chrono::milliseconds timeout) {
  return wait_until(resources, timeout, readiness);
}

Status KubeClient::wait_until(const std::vector<Resource>& resources, std::chrono::milliseconds timeout,
                              Result<std::string> (*state_of)(const std::string& kind, const Json& live)) {
  auto deadline = Clock::now() + timeout;
  for (const auto& r : resources) {
    while (true) {
      SKIFF_ASSIGN_OR_RETURN(auto live, get(r));
      std::string waiting = "not found";
      if (live) {
        auto state = state_of(r.kind(), *live);
        if (!state.ok()) return state.error();
        waiting = *state;
      }
      if (waiting.empty()) break;
      if (Clock::now() > deadline) {
        return Error::timeout("resource not ready, name: " + r.name + ", kind: " + r.kind() +
                              ", status: InProgress (" + waiting + ")\ncontext deadline exceeded");
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(250));
    }
  }
  return ok_status();
}

Status KubeClient::wait_crds_established(const std::vector<Resource>& crds, std::chrono::milliseconds timeout) {
  auto deadline = Clock::now() + timeout;
  for (const auto& r : crds) {
    while (true) {
      SKIFF_ASSIGN_OR_RETURN(auto live, get(r));
      if (live && condition_true(*live, "Established")) break;
      if (Clock::now() > deadline) return Error::timeout("timed out waiting for CRD " + r.name + " to be established");
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  }
  return ok_status();
}

}  // namespace skiff::chart::release
