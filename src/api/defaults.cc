// Kubernetes 1.33's SetDefaults_* functions (pkg/apis/*/v1/defaults.go) for the served kinds,
// declared per named type so they apply wherever the type appears, plus the apiserver's
// create-time fills users see in `kubectl get -o yaml` (Namespace finalizers, Service IP
// family policy, Secret stringData folded into data).
#include "api/defaults.h"

#include <climits>
#include <functional>
#include <unordered_map>

#include "api/crd_definition.h"
#include "util/encoding.h"

namespace skiff::api::internal {
namespace {

bool absent(const Json& obj, const char* key) {
  auto it = obj.find(key);
  return it == obj.end() || it->is_null();
}

void set_default(Json& obj, const char* key, Json value) {
  if (absent(obj, key)) obj[key] = std::move(value);
}

// The object at obj[key], created when absent; nullptr when present with another type.
Json* object_at(Json& obj, const char* key) {
  if (absent(obj, key)) obj[key] = Json::object();
  Json& v = obj[key];
  return v.is_object() ? &v : nullptr;
}

Json* existing_object(Json& obj, const char* key) {
  auto it = obj.find(key);
  return it != obj.end() && it->is_object() ? &*it : nullptr;
}

Json* existing_array(Json& obj, const char* key) {
  auto it = obj.find(key);
  return it != obj.end() && it->is_array() ? &*it : nullptr;
}

bool is_empty_collection(const Json& obj, const char* key) {
  auto it = obj.find(key);
  return it == obj.end() || it->is_null() || ((it->is_array() || it->is_object()) && it->empty());
}

std::string string_at(const Json& obj, const char* key) {
  auto it = obj.find(key);
  return it != obj.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// ---- core/v1 ----

void container(Json& c) {
  if (absent(c, "imagePullPolicy") || string_at(c, "imagePullPolicy").empty())
    c["imagePullPolicy"] = image_tag(string_at(c, "image")) == "latest" ? "Always" : "IfNotPresent";
  if (string_at(c, "terminationMessagePath").empty()) c["terminationMessagePath"] = "/dev/termination-log";
  if (string_at(c, "terminationMessagePolicy").empty()) c["terminationMessagePolicy"] = "File";
}

void requests_from_limits(Json& containers) {
  if (!containers.is_array()) return;
  for (auto& c : containers) {
    if (!c.is_object()) continue;
    Json* resources = existing_object(c, "resources");
    if (resources == nullptr) continue;
    Json* limits = existing_object(*resources, "limits");
    if (limits == nullptr || limits->empty()) continue;
    Json* requests = object_at(*resources, "requests");
    if (requests == nullptr) continue;
    for (const auto& [name, q] : limits->items())
      if (!requests->contains(name)) (*requests)[name] = q;
  }
}

void host_network_ports(Json& containers) {
  if (!containers.is_array()) return;
  for (auto& c : containers) {
    Json* ports = c.is_object() ? existing_array(c, "ports") : nullptr;
    if (ports == nullptr) continue;
    for (auto& p : *ports) {
      if (!p.is_object()) continue;
      auto hp = p.find("hostPort");
      if ((hp == p.end() || hp->is_null() || *hp == 0) && p.contains("containerPort")) p["hostPort"] = p["containerPort"];
    }
  }
}

void pod(Json& pod) {
  Json* spec = object_at(pod, "spec");
  if (spec == nullptr) return;
  if (Json* cs = existing_array(*spec, "containers")) requests_from_limits(*cs);
  if (Json* ics = existing_array(*spec, "initContainers")) requests_from_limits(*ics);
  set_default(*spec, "enableServiceLinks", true);
  if (spec->value("hostNetwork", false) == true) {
    if (Json* cs = existing_array(*spec, "containers")) host_network_ports(*cs);
    if (Json* ics = existing_array(*spec, "initContainers")) host_network_ports(*ics);
  }
}

void pod_spec(Json& spec) {
  if (string_at(spec, "dnsPolicy").empty()) spec["dnsPolicy"] = "ClusterFirst";
  if (string_at(spec, "restartPolicy").empty()) spec["restartPolicy"] = "Always";
  set_default(spec, "securityContext", Json::object());
  set_default(spec, "terminationGracePeriodSeconds", 30);
  if (string_at(spec, "schedulerName").empty()) spec["schedulerName"] = "default-scheduler";
}

void volume(Json& v) {
  for (const auto& [k, val] : v.items())
    if (k != "name" && !val.is_null()) return;
  v["emptyDir"] = Json::object();
}

void probe(Json& p) {
  if (p.value("timeoutSeconds", Json(0)) == 0) p["timeoutSeconds"] = 1;
  if (p.value("periodSeconds", Json(0)) == 0) p["periodSeconds"] = 10;
  if (p.value("successThreshold", Json(0)) == 0) p["successThreshold"] = 1;
  if (p.value("failureThreshold", Json(0)) == 0) p["failureThreshold"] = 3;
}

void http_get(Json& h) {
  if (string_at(h, "path").empty()) h["path"] = "/";
  if (string_at(h, "scheme").empty()) h["scheme"] = "HTTP";
}

void default_mode_0644(Json& source) { set_default(source, "defaultMode", 420); }

bool externally_accessible(const Json& spec) {
  const std::string type = string_at(spec, "type");
  return type == "LoadBalancer" || type == "NodePort" || (type == "ClusterIP" && !is_empty_collection(spec, "externalIPs"));
}

void service(Json& svc) {
  Json* spec = object_at(svc, "spec");
  if (spec == nullptr) return;
  if (string_at(*spec, "sessionAffinity").empty()) (*spec)["sessionAffinity"] = "None";
  const std::string affinity = string_at(*spec, "sessionAffinity");
  if (affinity == "None") spec->erase("sessionAffinityConfig");
  if (affinity == "ClientIP") {
    const Json* timeout = find_path(*spec, "sessionAffinityConfig.clientIP.timeoutSeconds");
    if (timeout == nullptr || timeout->is_null())
      (*spec)["sessionAffinityConfig"] = {{"clientIP", {{"timeoutSeconds", 10800}}}};
  }
  if (string_at(*spec, "type").empty()) (*spec)["type"] = "ClusterIP";
  const std::string type = string_at(*spec, "type");
  if (Json* ports = existing_array(*spec, "ports")) {
    for (auto& p : *ports) {
      if (!p.is_object()) continue;
      if (string_at(p, "protocol").empty()) p["protocol"] = "TCP";
      auto tp = p.find("targetPort");
      if ((tp == p.end() || tp->is_null() || *tp == 0 || *tp == "") && p.contains("port")) p["targetPort"] = p["port"];
    }
  }
  if (externally_accessible(*spec) && string_at(*spec, "externalTrafficPolicy").empty())
    (*spec)["externalTrafficPolicy"] = "Cluster";
  if (absent(*spec, "internalTrafficPolicy") && (type == "NodePort" || type == "LoadBalancer" || type == "ClusterIP"))
    (*spec)["internalTrafficPolicy"] = "Cluster";
  if (type == "LoadBalancer") set_default(*spec, "allocateLoadBalancerNodePorts", true);
  // Filled by the service REST storage on create in a single-stack IPv4 cluster.
  if (type != "ExternalName") {
    set_default(*spec, "ipFamilyPolicy", "SingleStack");
    if (is_empty_collection(*spec, "ipFamilies")) (*spec)["ipFamilies"] = Json::array({"IPv4"});
  }
}

void secret(Json& s) {
  if (string_at(s, "type").empty()) s["type"] = "Opaque";
  // v1 -> internal conversion: stringData entries overwrite data entries, then vanish.
  if (Json* string_data = existing_object(s, "stringData")) {
    Json* data = object_at(s, "data");
    if (data != nullptr) {
      for (const auto& [k, v] : string_data->items())
        if (v.is_string()) (*data)[k] = base64_encode(v.get<std::string>());
    }
    s.erase("stringData");
  }
}

void persistent_volume(Json& pv) {
  if (Json* spec = object_at(pv, "spec")) {
    if (string_at(*spec, "persistentVolumeReclaimPolicy").empty()) (*spec)["persistentVolumeReclaimPolicy"] = "Retain";
    set_default(*spec, "volumeMode", "Filesystem");
  }
  if (Json* status = object_at(pv, "status"))
    if (string_at(*status, "phase").empty()) (*status)["phase"] = "Pending";
}

void persistent_volume_claim(Json& pvc) {
  if (Json* status = object_at(pvc, "status"))
    if (string_at(*status, "phase").empty()) (*status)["phase"] = "Pending";
}

void pvc_spec(Json& spec) { set_default(spec, "volumeMode", "Filesystem"); }

void endpoints(Json& ep) {
  Json* subsets = existing_array(ep, "subsets");
  if (subsets == nullptr) return;
  for (auto& ss : *subsets) {
    Json* ports = ss.is_object() ? existing_array(ss, "ports") : nullptr;
    if (ports == nullptr) continue;
    for (auto& p : *ports)
      if (p.is_object() && string_at(p, "protocol").empty()) p["protocol"] = "TCP";
  }
}

void namespace_(Json& ns) {
  const Json* name = find_path(ns, "metadata.name");
  if (name != nullptr && name->is_string() && !name->get<std::string>().empty()) {
    Json* meta = object_at(ns, "metadata");
    Json* labels = meta ? object_at(*meta, "labels") : nullptr;
    if (labels != nullptr) (*labels)["kubernetes.io/metadata.name"] = *name;
  }
  // The "kubernetes" finalizer is added on create only (apiserver/object_rules.cc): defaulting
  // runs on every write, and the namespace finalizer must be able to remove it.
}

void namespace_status(Json& status) {
  if (string_at(status, "phase").empty()) status["phase"] = "Active";
}

void node_status(Json& status) {
  if (absent(status, "allocatable") && !absent(status, "capacity")) status["allocatable"] = status["capacity"];
}

void object_field_selector(Json& s) {
  if (string_at(s, "apiVersion").empty()) s["apiVersion"] = "v1";
}

void limit_range_item(Json& item) {
  if (string_at(item, "type") != "Container") return;
  Json* def = object_at(item, "default");
  Json* def_req = object_at(item, "defaultRequest");
  if (def == nullptr || def_req == nullptr) return;
  if (Json* max = existing_object(item, "max"))
    for (const auto& [k, v] : max->items())
      if (!def->contains(k)) (*def)[k] = v;
  for (const auto& [k, v] : def->items())
    if (!def_req->contains(k)) (*def_req)[k] = v;
  if (Json* min = existing_object(item, "min"))
    for (const auto& [k, v] : min->items())
      if (!def_req->contains(k)) (*def_req)[k] = v;
  // Go's omitempty drops the maps when nothing was filled in.
  if (def->empty()) item.erase("default");
  if (def_req->empty()) item.erase("defaultRequest");
}

void host_path(Json& hp) { set_default(hp, "type", ""); }
void token_projection(Json& p) { set_default(p, "expirationSeconds", 3600); }
void grpc_action(Json& g) { set_default(g, "service", ""); }

// ---- apps/v1 ----

void deployment(Json& d) {
  Json* spec = object_at(d, "spec");
  if (spec == nullptr) return;
  set_default(*spec, "replicas", 1);
  Json* strategy = object_at(*spec, "strategy");
  if (strategy != nullptr) {
    if (string_at(*strategy, "type").empty()) (*strategy)["type"] = "RollingUpdate";
    if (string_at(*strategy, "type") == "RollingUpdate") {
      if (Json* ru = object_at(*strategy, "rollingUpdate")) {
        set_default(*ru, "maxUnavailable", "25%");
        set_default(*ru, "maxSurge", "25%");
      }
    }
  }
  set_default(*spec, "revisionHistoryLimit", 10);
  set_default(*spec, "progressDeadlineSeconds", 600);
}

void daemon_set(Json& ds) {
  Json* spec = object_at(ds, "spec");
  if (spec == nullptr) return;
  if (Json* strategy = object_at(*spec, "updateStrategy")) {
    if (string_at(*strategy, "type").empty()) (*strategy)["type"] = "RollingUpdate";
    if (string_at(*strategy, "type") == "RollingUpdate") {
      if (Json* ru = object_at(*strategy, "rollingUpdate")) {
        set_default(*ru, "maxUnavailable", 1);
        set_default(*ru, "maxSurge", 0);
      }
    }
  }
  set_default(*spec, "revisionHistoryLimit", 10);
}

void stateful_set(Json& sts) {
  Json* spec = object_at(sts, "spec");
  if (spec == nullptr) return;
  if (string_at(*spec, "podManagementPolicy").empty()) (*spec)["podManagementPolicy"] = "OrderedReady";
  if (Json* strategy = object_at(*spec, "updateStrategy")) {
    if (string_at(*strategy, "type").empty()) {
      (*strategy)["type"] = "RollingUpdate";
      set_default(*strategy, "rollingUpdate", Json::object());
    }
    Json* ru = existing_object(*strategy, "rollingUpdate");
    if (string_at(*strategy, "type") == "RollingUpdate" && ru != nullptr) set_default(*ru, "partition", 0);
  }
  if (Json* retention = object_at(*spec, "persistentVolumeClaimRetentionPolicy")) {
    if (string_at(*retention, "whenDeleted").empty()) (*retention)["whenDeleted"] = "Retain";
    if (string_at(*retention, "whenScaled").empty()) (*retention)["whenScaled"] = "Retain";
  }
  set_default(*spec, "replicas", 1);
  set_default(*spec, "revisionHistoryLimit", 10);
}

void replica_set(Json& rs) {
  if (Json* spec = object_at(rs, "spec")) set_default(*spec, "replicas", 1);
}

// ---- batch/v1 ----

void job(Json& j) {
  Json* spec = object_at(j, "spec");
  if (spec == nullptr) return;
  if (absent(*spec, "completions") && absent(*spec, "parallelism")) {
    (*spec)["completions"] = 1;
    (*spec)["parallelism"] = 1;
  }
  set_default(*spec, "parallelism", 1);
  if (absent(*spec, "backoffLimit")) (*spec)["backoffLimit"] = absent(*spec, "backoffLimitPerIndex") ? 6 : INT32_MAX;
  const Json* template_labels = find_path(*spec, "template.metadata.labels");
  if (template_labels != nullptr && template_labels->is_object()) {
    Json* meta = object_at(j, "metadata");
    if (meta != nullptr && is_empty_collection(*meta, "labels")) (*meta)["labels"] = *template_labels;
  }
  set_default(*spec, "completionMode", "NonIndexed");
  set_default(*spec, "suspend", false);
  if (absent(*spec, "podReplacementPolicy"))
    (*spec)["podReplacementPolicy"] = absent(*spec, "podFailurePolicy") ? "TerminatingOrFailed" : "Failed";
  set_default(*spec, "manualSelector", false);
}

void cron_job(Json& cj) {
  Json* spec = object_at(cj, "spec");
  if (spec == nullptr) return;
  if (string_at(*spec, "concurrencyPolicy").empty()) (*spec)["concurrencyPolicy"] = "Allow";
  set_default(*spec, "suspend", false);
  set_default(*spec, "successfulJobsHistoryLimit", 3);
  set_default(*spec, "failedJobsHistoryLimit", 1);
}

void pod_failure_condition_pattern(Json& p) {
  if (string_at(p, "status").empty()) p["status"] = "True";
}

// ---- autoscaling ----

void hpa_v1(Json& hpa) {
  if (Json* spec = object_at(hpa, "spec")) set_default(*spec, "minReplicas", 1);
}

Json scaling_policy(const char* type, int value, int period) {
  return {{"type", type}, {"value", value}, {"periodSeconds", period}};
}

// GenerateHPAScaleUpRules / ScaleDownRules: the user's fields win, the rest come from defaults.
void fill_scaling_rules(Json& behavior, const char* key, Json defaults) {
  Json* rules = existing_object(behavior, key);
  if (rules != nullptr)
    for (const auto& [k, v] : rules->items())
      if (!v.is_null()) defaults[k] = v;
  behavior[key] = std::move(defaults);
}

void hpa_v2(Json& hpa) {
  Json* spec = object_at(hpa, "spec");
  if (spec == nullptr) return;
  set_default(*spec, "minReplicas", 1);
  if (is_empty_collection(*spec, "metrics")) {
    (*spec)["metrics"] = Json::array({{{"type", "Resource"},
                                       {"resource",
                                        {{"name", "cpu"},
                                         {"target", {{"type", "Utilization"}, {"averageUtilization", 80}}}}}}});
  }
  if (Json* behavior = existing_object(*spec, "behavior")) {
    fill_scaling_rules(*behavior, "scaleUp",
                       {{"stabilizationWindowSeconds", 0},
                        {"selectPolicy", "Max"},
                        {"policies", Json::array({scaling_policy("Pods", 4, 15), scaling_policy("Percent", 100, 15)})}});
    fill_scaling_rules(*behavior, "scaleDown",
                       {{"selectPolicy", "Max"}, {"policies", Json::array({scaling_policy("Percent", 100, 15)})}});
  }
}

// ---- networking, rbac, storage, scheduling, discovery ----

void network_policy_port(Json& p) { set_default(p, "protocol", "TCP"); }

void network_policy(Json& np) {
  Json* spec = object_at(np, "spec");
  if (spec == nullptr || !is_empty_collection(*spec, "policyTypes")) return;
  Json types = Json::array({"Ingress"});
  if (!is_empty_collection(*spec, "egress")) types.push_back("Egress");
  (*spec)["policyTypes"] = std::move(types);
}

void ingress_class(Json& ic) {
  Json* params = find_path(ic, "spec.parameters") ? &ic["spec"]["parameters"] : nullptr;
  if (params != nullptr && params->is_object()) set_default(*params, "scope", "Cluster");
}

void role_binding(Json& rb) {
  if (Json* ref = object_at(rb, "roleRef"))
    if (string_at(*ref, "apiGroup").empty()) (*ref)["apiGroup"] = "rbac.authorization.k8s.io";
}

void subject(Json& s) {
  if (!string_at(s, "apiGroup").empty()) return;
  const std::string kind = string_at(s, "kind");
  if (kind == "ServiceAccount") s["apiGroup"] = "";
  if (kind == "User" || kind == "Group") s["apiGroup"] = "rbac.authorization.k8s.io";
}

void storage_class(Json& sc) {
  set_default(sc, "reclaimPolicy", "Delete");
  set_default(sc, "volumeBindingMode", "Immediate");
}

void priority_class(Json& pc) { set_default(pc, "preemptionPolicy", "PreemptLowerPriority"); }

void endpoint_port(Json& p) {
  set_default(p, "name", "");
  set_default(p, "protocol", "TCP");
}

using Defaulter = void (*)(Json&);

const std::unordered_map<std::string_view, Defaulter>& defaulters() {
  static const std::unordered_map<std::string_view, Defaulter> table = {
      {"io.k8s.api.core.v1.Pod", pod},
      {"io.k8s.api.core.v1.PodSpec", pod_spec},
      {"io.k8s.api.core.v1.Container", container},
      {"io.k8s.api.core.v1.EphemeralContainer", container},
      {"io.k8s.api.core.v1.Volume", volume},
      {"io.k8s.api.core.v1.Probe", probe},
      {"io.k8s.api.core.v1.HTTPGetAction", http_get},
      {"io.k8s.api.core.v1.GRPCAction", grpc_action},
      {"io.k8s.api.core.v1.SecretVolumeSource", default_mode_0644},
      {"io.k8s.api.core.v1.ConfigMapVolumeSource", default_mode_0644},
      {"io.k8s.api.core.v1.DownwardAPIVolumeSource", default_mode_0644},
      {"io.k8s.api.core.v1.ProjectedVolumeSource", default_mode_0644},
      {"io.k8s.api.core.v1.ServiceAccountTokenProjection", token_projection},
      {"io.k8s.api.core.v1.HostPathVolumeSource", host_path},
      {"io.k8s.api.core.v1.Service", service},
      {"io.k8s.api.core.v1.Secret", secret},
      {"io.k8s.api.core.v1.PersistentVolume", persistent_volume},
      {"io.k8s.api.core.v1.PersistentVolumeClaim", persistent_volume_claim},
      {"io.k8s.api.core.v1.PersistentVolumeClaimSpec", pvc_spec},
      {"io.k8s.api.core.v1.Endpoints", endpoints},
      {"io.k8s.api.core.v1.Namespace", namespace_},
      {"io.k8s.api.core.v1.NamespaceStatus", namespace_status},
      {"io.k8s.api.core.v1.NodeStatus", node_status},
      {"io.k8s.api.core.v1.ObjectFieldSelector", object_field_selector},
      {"io.k8s.api.core.v1.LimitRangeItem", limit_range_item},
      {"io.k8s.api.apps.v1.Deployment", deployment},
      {"io.k8s.api.apps.v1.DaemonSet", daemon_set},
      {"io.k8s.api.apps.v1.StatefulSet", stateful_set},
      {"io.k8s.api.apps.v1.ReplicaSet", replica_set},
      {"io.k8s.api.batch.v1.Job", job},
      {"io.k8s.api.batch.v1.CronJob", cron_job},
      {"io.k8s.api.batch.v1.PodFailurePolicyOnPodConditionsPattern", pod_failure_condition_pattern},
      {"io.k8s.api.autoscaling.v1.HorizontalPodAutoscaler", hpa_v1},
      {"io.k8s.api.autoscaling.v2.HorizontalPodAutoscaler", hpa_v2},
      {"io.k8s.api.networking.v1.NetworkPolicyPort", network_policy_port},
      {"io.k8s.api.networking.v1.NetworkPolicy", network_policy},
      {"io.k8s.api.networking.v1.IngressClass", ingress_class},
      {"io.k8s.api.rbac.v1.RoleBinding", role_binding},
      {"io.k8s.api.rbac.v1.ClusterRoleBinding", role_binding},
      {"io.k8s.api.rbac.v1.Subject", subject},
      {"io.k8s.api.storage.v1.StorageClass", storage_class},
      {"io.k8s.api.scheduling.v1.PriorityClass", priority_class},
      {"io.k8s.api.discovery.v1.EndpointPort", endpoint_port},
      {kCrdTypeName, default_crd},
  };
  return table;
}

void walk(const Schema* schema, Json& value) {
  if (schema == nullptr) return;
  if (value.is_array()) {
    if (schema->items != nullptr)
      for (auto& item : value) walk(schema->items, item);
    return;
  }
  if (!value.is_object()) return;
  if (schema->properties.empty()) {
    if (schema->additional_properties != nullptr)
      for (auto& [k, v] : value.items()) walk(schema->additional_properties, v);
    return;
  }
  for (const auto& [name, prop] : schema->properties) {
    if (!prop->default_value) continue;
    auto it = value.find(name);
    if (it == value.end() || it->is_null()) value[name] = *prop->default_value;
  }
  if (!schema->type_name.empty()) {
    auto it = defaulters().find(schema->type_name);
    if (it != defaulters().end()) it->second(value);
  }
  for (auto& [k, v] : value.items()) {
    auto prop = schema->properties.find(k);
    if (prop != schema->properties.end()) walk(prop->second, v);
  }
}

}  // namespace

std::string image_tag(std::string_view image) {
  const bool has_digest = image.find('@') != std::string_view::npos;
  if (has_digest) image = image.substr(0, image.find('@'));
  const size_t slash = image.rfind('/');
  const std::string_view last = slash == std::string_view::npos ? image : image.substr(slash + 1);
  const size_t colon = last.find(':');
  if (colon != std::string_view::npos) return std::string(last.substr(colon + 1));
  return has_digest ? "" : "latest";
}

void apply_defaults(const Schema& schema, Json& obj) { walk(&schema, obj); }

}  // namespace skiff::api::internal
