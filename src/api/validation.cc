// Schema-driven checks (required fields, enums) plus per-type rules from Kubernetes'
// pkg/apis/*/validation, keyed by named type so a PodSpec is checked the same way in a Pod, a
// Deployment's template or a CronJob's job template. Status is left to its writers.
#include "api/validation.h"

#include <functional>
#include <set>
#include <unordered_map>
#include <unordered_set>

#include "api/crd_definition.h"
#include "api/labels.h"
#include "api/name_validation.h"
#include "util/strings.h"

namespace skiff::api::internal {
namespace {

// OpenAPI `required` marks fields Go always serializes; these are not required by validation.
const std::unordered_set<std::string_view>& not_really_required() {
  static const std::unordered_set<std::string_view> set = {
      "io.k8s.api.discovery.v1.EndpointSlice.endpoints",
      "io.k8s.api.core.v1.LimitRangeSpec.limits",
      "io.k8s.api.batch.v1.PodFailurePolicy.rules",
      "io.k8s.api.authentication.v1.TokenRequestSpec.audiences",
      "io.k8s.api.scheduling.v1.PriorityClass.value",
      "io.k8s.api.core.v1.ISCSIVolumeSource.lun",
      "io.k8s.api.core.v1.ISCSIPersistentVolumeSource.lun",
      "io.k8s.api.apps.v1.ControllerRevision.revision",
      "io.k8s.api.core.v1.HTTPHeader.value",
      "io.k8s.api.core.v1.Sysctl.value",
  };
  return set;
}

const Json* get(const Json& obj, std::string_view key) {
  if (!obj.is_object()) return nullptr;
  auto it = obj.find(key);
  return it == obj.end() || it->is_null() ? nullptr : &*it;
}

bool is_missing(const Json* v) {
  if (v == nullptr) return true;
  if (v->is_string()) return v->get_ref<const std::string&>().empty();
  if (v->is_array()) return v->empty();
  return false;
}

void check_dns_label(const std::string& field, const std::string& value, FieldErrors& errs) {
  if (value.empty()) return;  // reported as required elsewhere
  for (const auto& msg : dns1123_label_errors(value)) errs.add(field_invalid(field, value, msg));
}

void check_port_range(const std::string& field, const Json* v, FieldErrors& errs, bool zero_ok = false) {
  if (v == nullptr || !v->is_number_integer()) return;
  const int64_t p = v->get<int64_t>();
  if ((zero_ok && p == 0) || (p >= 1 && p <= 65535)) return;
  errs.invalid(field, *v, "must be between 1 and 65535, inclusive");
}

void check_non_negative(const std::string& field, const Json* v, FieldErrors& errs) {
  if (v != nullptr && v->is_number_integer() && v->get<int64_t>() < 0)
    errs.invalid(field, *v, "must be greater than or equal to 0");
}

// An IANA service name as Kubernetes accepts for named ports.
bool is_port_name(std::string_view s) {
  if (s.empty() || s.size() > 15) return false;
  bool letter = false;
  for (char c : s) {
    if (c >= 'a' && c <= 'z') letter = true;
    else if (!(c >= '0' && c <= '9') && c != '-') return false;
  }
  return letter && s.front() != '-' && s.back() != '-' && s.find("--") == std::string_view::npos;
}

void check_int_or_percent(const std::string& field, const Json* v, FieldErrors& errs) {
  if (v == nullptr) return;
  if (v->is_number_integer()) return check_non_negative(field, v, errs);
  if (!v->is_string()) return;
  const std::string& s = v->get_ref<const std::string&>();
  bool ok = s.size() >= 2 && s.back() == '%';
  for (size_t i = 0; ok && i + 1 < s.size(); ++i) ok = s[i] >= '0' && s[i] <= '9';
  if (!ok)
    errs.invalid(field, *v,
                 "a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', "
                 "regex used for validation is '[0-9]+%')");
}

// ---- label selectors (metav1.LabelSelector against the template's labels) ----

bool selector_empty(const Json& sel) {
  const Json* ml = get(sel, "matchLabels");
  const Json* me = get(sel, "matchExpressions");
  return (ml == nullptr || ml->empty()) && (me == nullptr || me->empty());
}

constexpr std::string_view kEmptySelector =
    "v1.LabelSelector{MatchLabels:map[string]string(nil), MatchExpressions:[]v1.LabelSelectorRequirement(nil)}";

void check_workload_selector(const Json& spec, const std::string& path, std::string_view noun, FieldErrors& errs) {
  const Json* sel = get(spec, "selector");
  if (sel == nullptr) return;  // required, reported by the schema walk
  const std::string selector_path = path_child(path, "selector");
  errs.add(validate_label_selector(*sel, selector_path));
  if (selector_empty(*sel)) {
    // kube prints the Go struct here, not the JSON.
    errs.add(field_invalid_rendered(selector_path, kEmptySelector, "empty selector is invalid for " + std::string(noun)));
    return;
  }
  // A selector that does not parse has been reported by validate_label_selector above.
  auto selector = LabelSelector::from_json(*sel);
  if (!selector.ok() || get(spec, "template") == nullptr) return;
  const Json* tmpl_labels = find_path(spec, "template.metadata.labels");
  if (!selector->matches(tmpl_labels ? *tmpl_labels : Json()))
    errs.invalid(path + ".template.metadata.labels", tmpl_labels ? *tmpl_labels : Json::object(),
                 "`selector` does not match template `labels`");
}

void check_template_restart_policy(const Json& spec, const std::string& path, std::vector<std::string> allowed,
                                   FieldErrors& errs) {
  const Json* policy = find_path(spec, "template.spec.restartPolicy");
  if (policy == nullptr || !policy->is_string()) return;
  for (const auto& a : allowed)
    if (*policy == a) return;
  errs.not_supported(path + ".template.spec.restartPolicy", *policy, allowed);
}

// ---- per-type rules ----

using Rule = std::function<void(const Json& v, const std::string& path, FieldErrors& errs)>;

// claim_templates: a StatefulSet's volumeClaimTemplates, which its pods' volumeMounts may name.
void pod_spec_rule(const Json& spec, const std::string& path, const std::set<std::string>& claim_templates,
                   FieldErrors& errs) {
  std::set<std::string> volumes = claim_templates;
  if (const Json* vs = get(spec, "volumes")) {
    for (size_t i = 0; i < vs->size(); ++i) {
      const std::string name = get_string((*vs)[i], "name");
      const std::string field = path_child(path_index(path_child(path, "volumes"), i), "name");
      check_dns_label(field, name, errs);
      if (!name.empty() && !volumes.insert(name).second) errs.duplicate(field, name);
    }
  }
  std::set<std::string> names;
  for (const char* list : {"initContainers", "containers", "ephemeralContainers"}) {
    const Json* cs = get(spec, list);
    if (cs == nullptr) continue;
    for (size_t i = 0; i < cs->size(); ++i) {
      const Json& c = (*cs)[i];
      const std::string cpath = path_index(path_child(path, list), i);
      const std::string name = get_string(c, "name");
      check_dns_label(path_child(cpath, "name"), name, errs);
      if (!name.empty() && !names.insert(name).second) errs.duplicate(path_child(cpath, "name"), name);
      if (get_string(c, "image").empty()) errs.required(path_child(cpath, "image"));
      if (const Json* mounts = get(c, "volumeMounts")) {
        for (size_t m = 0; m < mounts->size(); ++m) {
          const std::string mount = get_string((*mounts)[m], "name");
          if (!mount.empty() && !volumes.contains(mount))
            errs.not_found(path_child(path_index(path_child(cpath, "volumeMounts"), m), "name"), mount);
        }
      }
    }
  }
}

void container_port_rule(const Json& port, const std::string& path, FieldErrors& errs) {
  check_port_range(path_child(path, "containerPort"), get(port, "containerPort"), errs);
  check_port_range(path_child(path, "hostPort"), get(port, "hostPort"), errs, /*zero_ok=*/true);
}

void pvc_spec_rule(const Json& spec, const std::string& path, FieldErrors& errs) {
  if (is_missing(get(spec, "accessModes")))
    errs.required(path_child(path, "accessModes"), "at least 1 access mode is required");
  const Json* storage = find_path(spec, "resources.requests.storage");
  if (storage == nullptr) errs.required(path_key(path_child(path, "resources"), "storage"));
}

void workload_rule(const Json& obj, std::string_view noun, bool has_replicas, FieldErrors& errs) {
  const Json* spec = get(obj, "spec");
  if (spec == nullptr) return;
  if (has_replicas) check_non_negative("spec.replicas", get(*spec, "replicas"), errs);
  check_non_negative("spec.minReadySeconds", get(*spec, "minReadySeconds"), errs);
  check_non_negative("spec.revisionHistoryLimit", get(*spec, "revisionHistoryLimit"), errs);
  check_workload_selector(*spec, "spec", noun, errs);
  check_template_restart_policy(*spec, "spec", {"Always"}, errs);
}

void deployment_rule(const Json& d, const std::string&, FieldErrors& errs) {
  workload_rule(d, "deployment", true, errs);
  const Json* strategy = find_path(d, "spec.strategy");
  if (strategy == nullptr || !strategy->is_object()) return;
  const Json* ru = get(*strategy, "rollingUpdate");
  if (get_string(*strategy, "type") == "Recreate" && ru != nullptr)
    errs.forbidden("spec.strategy.rollingUpdate", "may not be specified when strategy `type` is 'Recreate'");
  if (ru == nullptr) return;
  const Json* surge = get(*ru, "maxSurge");
  const Json* unavailable = get(*ru, "maxUnavailable");
  check_int_or_percent("spec.strategy.rollingUpdate.maxSurge", surge, errs);
  check_int_or_percent("spec.strategy.rollingUpdate.maxUnavailable", unavailable, errs);
  auto is_zero = [](const Json* v) { return v != nullptr && (*v == 0 || *v == "0%"); };
  if (is_zero(surge) && is_zero(unavailable))
    errs.invalid("spec.strategy.rollingUpdate.maxUnavailable", *unavailable, "may not be 0 when `maxSurge` is 0");
}

void job_spec_checks(const Json& spec, const std::string& path, FieldErrors& errs) {
  check_non_negative(path_child(path, "parallelism"), get(spec, "parallelism"), errs);
  check_non_negative(path_child(path, "completions"), get(spec, "completions"), errs);
  check_non_negative(path_child(path, "backoffLimit"), get(spec, "backoffLimit"), errs);
  check_template_restart_policy(spec, path, {"OnFailure", "Never"}, errs);
}

void job_rule(const Json& j, const std::string&, FieldErrors& errs) {
  if (const Json* spec = get(j, "spec")) job_spec_checks(*spec, "spec", errs);
}

void cron_job_rule(const Json& cj, const std::string&, FieldErrors& errs) {
  const Json* spec = get(cj, "spec");
  if (spec == nullptr) return;
  const std::string schedule = get_string(*spec, "schedule");
  if (!schedule.empty() && schedule.front() != '@') {
    std::vector<std::string> fields;
    for (const auto& f : split(schedule, ' '))
      if (!f.empty()) fields.push_back(f);
    if (fields.size() != 5)
      errs.invalid("spec.schedule", schedule,
                   "expected exactly 5 fields, found " + std::to_string(fields.size()) + ": [" + join(fields, " ") + "]");
  }
  if (const Json* job_spec = find_path(*spec, "jobTemplate.spec"))
    job_spec_checks(*job_spec, "spec.jobTemplate.spec", errs);
}

void service_rule(const Json& svc, const std::string&, FieldErrors& errs) {
  const Json* spec = get(svc, "spec");
  if (spec == nullptr) return;
  const std::string type = get_string(*spec, "type");
  const bool headless = get_string(*spec, "clusterIP") == "None";
  const Json* ports = get(*spec, "ports");
  if (type == "ExternalName") {
    if (get_string(*spec, "externalName").empty()) errs.required("spec.externalName");
  } else if (is_missing(ports) && !headless) {
    errs.required("spec.ports");
  }
  if (ports == nullptr) return;
  std::set<std::string> names;
  for (size_t i = 0; i < ports->size(); ++i) {
    const Json& p = (*ports)[i];
    const std::string path = path_index("spec.ports", i);
    const std::string name = get_string(p, "name");
    if (ports->size() > 1 && name.empty()) errs.required(path_child(path, "name"));
    if (!name.empty() && !names.insert(name).second) errs.duplicate(path_child(path, "name"), name);
    check_port_range(path_child(path, "port"), get(p, "port"), errs);
    if (const Json* target = get(p, "targetPort")) {
      if (target->is_number_integer()) {
        check_port_range(path_child(path, "targetPort"), target, errs);
      } else if (target->is_string() && !is_port_name(target->get<std::string>())) {
        errs.invalid(path_child(path, "targetPort"), *target,
                     "must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)");
      }
    }
    if (const Json* node_port = get(p, "nodePort")) {
      if (type != "NodePort" && type != "LoadBalancer" && *node_port != 0)
        errs.forbidden(path_child(path, "nodePort"), "may not be used when `type` is '" + type + "'");
      else
        check_port_range(path_child(path, "nodePort"), node_port, errs, /*zero_ok=*/true);
    }
  }
}

constexpr std::string_view kConfigKeyMsg =
    "a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or "
    "'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')";

void check_config_keys(const Json& obj, const char* map_name, FieldErrors& errs, std::set<std::string>& seen) {
  const Json* data = get(obj, map_name);
  if (data == nullptr || !data->is_object()) return;
  for (const auto& [k, v] : data->items()) {
    const std::string field = path_key(map_name, k);
    bool ok = !k.empty() && k.size() <= 253;
    for (char c : k) ok = ok && (std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.');
    if (!ok) errs.invalid(field, k, kConfigKeyMsg);
    else if (k == ".") errs.invalid(field, k, "must not be '.'");
    else if (k == "..") errs.invalid(field, k, "must not be '..'");
    else if (k.starts_with("..")) errs.invalid(field, k, "must not start with '..'");
    if (!seen.insert(k).second) errs.invalid(field, k, "duplicate of key present in binaryData");
  }
}

void config_map_rule(const Json& cm, const std::string&, FieldErrors& errs) {
  std::set<std::string> seen;
  check_config_keys(cm, "data", errs, seen);
  check_config_keys(cm, "binaryData", errs, seen);
}

void secret_rule(const Json& s, const std::string&, FieldErrors& errs) {
  std::set<std::string> seen;
  check_config_keys(s, "data", errs, seen);
  const std::string type = get_string(s, "type");
  const Json* data = get(s, "data");
  auto has = [&](const char* k) { return data != nullptr && data->contains(k); };
  auto require = [&](const char* k) {
    if (!has(k)) errs.required(path_key("data", k));
  };
  if (type == "kubernetes.io/dockerconfigjson") require(".dockerconfigjson");
  if (type == "kubernetes.io/dockercfg") require(".dockercfg");
  if (type == "kubernetes.io/tls") {
    require("tls.crt");
    require("tls.key");
  }
  if (type == "kubernetes.io/ssh-auth") require("ssh-privatekey");
  if (type == "kubernetes.io/basic-auth" && !has("username") && !has("password")) {
    require("username");
    require("password");
  }
  if (type == "kubernetes.io/service-account-token") {
    const Json* name = find_path(s, "metadata.annotations");
    if (name == nullptr || !name->contains("kubernetes.io/service-account.name"))
      errs.required("metadata.annotations[kubernetes.io/service-account.name]");
  }
}

void hpa_rule(const Json& hpa, const std::string&, FieldErrors& errs) {
  const Json* spec = get(hpa, "spec");
  if (spec == nullptr) return;
  const Json* max = get(*spec, "maxReplicas");
  const Json* min = get(*spec, "minReplicas");
  if (max != nullptr && max->is_number_integer() && max->get<int64_t>() < 1)
    errs.invalid("spec.maxReplicas", *max, "must be greater than or equal to 1");
  if (min != nullptr && min->is_number_integer()) {
    if (min->get<int64_t>() < 1) errs.invalid("spec.minReplicas", *min, "must be greater than or equal to 1");
    else if (max != nullptr && max->is_number_integer() && min->get<int64_t>() > max->get<int64_t>())
      errs.invalid("spec.minReplicas", *min, "must be less than or equal to maxReplicas");
  }
}

void pv_rule(const Json& pv, const std::string&, FieldErrors& errs) {
  const Json* spec = get(pv, "spec");
  if (spec == nullptr) return;
  if (is_missing(get(*spec, "accessModes"))) errs.required("spec.accessModes");
  const Json* capacity = get(*spec, "capacity");
  if (capacity == nullptr || capacity->empty()) errs.required("spec.capacity");
  static const std::vector<std::string_view> sources = {
      "awsElasticBlockStore", "azureDisk", "azureFile", "cephfs", "cinder", "csi", "fc", "flexVolume", "flocker",
      "gcePersistentDisk", "glusterfs", "hostPath", "iscsi", "local", "nfs", "photonPersistentDisk", "portworxVolume",
      "quobyte", "rbd", "scaleIO", "storageos", "vsphereVolume"};
  int count = 0;
  for (auto s : sources) count += get(*spec, s) != nullptr;
  if (count == 0) errs.required("spec", "must specify a volume type");
  if (count > 1) errs.forbidden("spec", "may not specify more than 1 volume type");
}

void pdb_rule(const Json& pdb, const std::string&, FieldErrors& errs) {
  const Json* spec = get(pdb, "spec");
  if (spec == nullptr) return;
  const Json* min = get(*spec, "minAvailable");
  const Json* max = get(*spec, "maxUnavailable");
  if (min != nullptr && max != nullptr) errs.invalid("spec", *spec, "minAvailable and maxUnavailable cannot be both set");
  check_int_or_percent("spec.minAvailable", min, errs);
  check_int_or_percent("spec.maxUnavailable", max, errs);
}

void ingress_path_rule(const Json& p, const std::string& path, FieldErrors& errs) {
  const std::string type = get_string(p, "pathType");
  const Json* value = get(p, "path");
  if ((type == "Exact" || type == "Prefix") && (value == nullptr || !value->is_string() ||
                                                !value->get<std::string>().starts_with("/")))
    errs.invalid(path_child(path, "path"), value ? *value : Json(""), "must be an absolute path");
}

void role_ref_rule(const Json& binding, std::vector<std::string> kinds, FieldErrors& errs) {
  const Json* ref = get(binding, "roleRef");
  if (ref == nullptr) return;
  if (const Json* group = get(*ref, "apiGroup"); group && *group != "rbac.authorization.k8s.io")
    errs.not_supported("roleRef.apiGroup", *group, {"rbac.authorization.k8s.io"});
  if (const Json* kind = get(*ref, "kind")) {
    bool ok = false;
    for (const auto& k : kinds) ok = ok || *kind == k;
    if (!ok) errs.not_supported("roleRef.kind", *kind, kinds);
  }
}

void role_binding_rule(const Json& b, const std::string&, FieldErrors& errs) {
  role_ref_rule(b, {"Role", "ClusterRole"}, errs);
}

void cluster_role_binding_rule(const Json& b, const std::string&, FieldErrors& errs) {
  role_ref_rule(b, {"ClusterRole"}, errs);
  if (const Json* subjects = get(b, "subjects")) {
    for (size_t i = 0; i < subjects->size(); ++i)
      if (get_string((*subjects)[i], "kind") == "ServiceAccount" && get_string((*subjects)[i], "namespace").empty())
        errs.required(path_child(path_index("subjects", i), "namespace"));
  }
}

const std::unordered_map<std::string_view, Rule>& rules() {
  static const std::unordered_map<std::string_view, Rule> table = {
      {"io.k8s.api.core.v1.ContainerPort", container_port_rule},
      {"io.k8s.api.core.v1.PersistentVolumeClaimSpec", pvc_spec_rule},
      {"io.k8s.api.core.v1.Service", service_rule},
      {"io.k8s.api.core.v1.ConfigMap", config_map_rule},
      {"io.k8s.api.core.v1.Secret", secret_rule},
      {"io.k8s.api.core.v1.PersistentVolume", pv_rule},
      {"io.k8s.api.apps.v1.Deployment", deployment_rule},
      // Kubernetes' ReplicaSet validation reuses the Deployment wording for an empty selector.
      {"io.k8s.api.apps.v1.ReplicaSet",
       [](const Json& o, const std::string&, FieldErrors& e) { workload_rule(o, "deployment", true, e); }},
      {"io.k8s.api.apps.v1.StatefulSet",
       [](const Json& o, const std::string&, FieldErrors& e) { workload_rule(o, "statefulset", true, e); }},
      {"io.k8s.api.apps.v1.DaemonSet",
       [](const Json& o, const std::string&, FieldErrors& e) {
         workload_rule(o, "daemonset", false, e);
         if (const Json* ru = find_path(o, "spec.updateStrategy.rollingUpdate")) {
           check_int_or_percent("spec.updateStrategy.rollingUpdate.maxUnavailable", get(*ru, "maxUnavailable"), e);
           check_int_or_percent("spec.updateStrategy.rollingUpdate.maxSurge", get(*ru, "maxSurge"), e);
         }
       }},
      {"io.k8s.api.batch.v1.Job", job_rule},
      {"io.k8s.api.batch.v1.CronJob", cron_job_rule},
      {"io.k8s.api.autoscaling.v1.HorizontalPodAutoscaler", hpa_rule},
      {"io.k8s.api.autoscaling.v2.HorizontalPodAutoscaler", hpa_rule},
      {"io.k8s.api.policy.v1.PodDisruptionBudget", pdb_rule},
      {"io.k8s.api.networking.v1.HTTPIngressPath", ingress_path_rule},
      {"io.k8s.api.rbac.v1.RoleBinding", role_binding_rule},
      {"io.k8s.api.rbac.v1.ClusterRoleBinding", cluster_role_binding_rule},
      {kCrdTypeName, [](const Json& crd, const std::string&, FieldErrors& e) { validate_crd(crd, e); }},
  };
  return table;
}

// ---- the schema walk ----

void check_enum(const Schema& s, const Json& v, const std::string& path, FieldErrors& errs) {
  if (s.enum_values.empty() || !v.is_string()) return;
  for (const auto& e : s.enum_values)
    if (v == e) return;
  errs.not_supported(path, v, s.enum_values);
}

struct WalkContext {
  std::set<std::string> claim_templates;
};

void walk(const Schema& s, const Json& v, const std::string& path, const WalkContext& ctx, FieldErrors& errs) {
  check_enum(s, v, path, errs);
  if (v.is_array()) {
    if (s.items != nullptr)
      for (size_t i = 0; i < v.size(); ++i) walk(*s.items, v[i], path_index(path, i), ctx, errs);
    return;
  }
  if (!v.is_object()) return;
  if (s.properties.empty()) {
    if (s.additional_properties != nullptr)
      for (const auto& [k, child] : v.items()) walk(*s.additional_properties, child, path_key(path, k), ctx, errs);
    return;
  }
  for (const auto& name : s.required) {
    if (!is_missing(get(v, name))) continue;
    if (not_really_required().contains(s.type_name + "." + name)) continue;
    errs.required(path_child(path, name));
  }
  if (s.type_name == "io.k8s.api.core.v1.PodSpec") pod_spec_rule(v, path, ctx.claim_templates, errs);
  if (!s.type_name.empty()) {
    auto rule = rules().find(s.type_name);
    if (rule != rules().end()) rule->second(v, path, errs);
  }
  for (const auto& [name, child] : v.items()) {
    if (path.empty() && name == "status") continue;
    auto prop = s.properties.find(name);
    if (prop != s.properties.end()) walk(*prop->second, child, path_child(path, name), ctx, errs);
  }
}

}  // namespace

void validate_object(const ResourceInfo& info, const Json& obj, FieldErrors& errs) {
  WalkContext ctx;
  if (const Json* templates = find_path(obj, "spec.volumeClaimTemplates"); templates && templates->is_array())
    for (const auto& t : *templates)
      if (const Json* name = find_path(t, "metadata.name"); name && name->is_string())
        ctx.claim_templates.insert(name->get<std::string>());
  walk(*info.schema, obj, "", ctx, errs);
}

}  // namespace skiff::api::internal
