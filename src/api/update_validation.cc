#include "api/update_validation.h"

#include <algorithm>
#include <string>
#include <vector>

#include "api/semantic_equal.h"

namespace skiff::api {
namespace {

const Json& member(const Json& obj, std::string_view key) {
  static const Json kNull;
  if (!obj.is_object()) return kNull;
  auto it = obj.find(key);
  return it == obj.end() ? kNull : *it;
}

// How Go's %#v prints a metav1.LabelSelector, the value Kubernetes shows for a changed selector.
std::string render_label_selector(const Json& selector) {
  std::string out = "v1.LabelSelector{MatchLabels:";
  const Json& labels = member(selector, "matchLabels");
  if (labels.is_object() && !labels.empty()) {
    out += "map[string]string{";
    bool first = true;
    for (const auto& [k, v] : labels.items()) {
      out += (first ? "" : ", ") + go_quote(k) + ":" + go_quote(v.is_string() ? v.get<std::string>() : v.dump());
      first = false;
    }
    out += "}";
  } else {
    out += "map[string]string(nil)";
  }
  out += ", MatchExpressions:";
  const Json& exprs = member(selector, "matchExpressions");
  if (exprs.is_array() && !exprs.empty()) {
    out += "[]v1.LabelSelectorRequirement{";
    for (size_t i = 0; i < exprs.size(); ++i) {
      const Json& e = exprs[i];
      out += i ? ", " : "";
      out += "v1.LabelSelectorRequirement{Key:" + go_quote(member(e, "key").is_string() ? e["key"].get<std::string>() : "") +
             ", Operator:" + go_quote(member(e, "operator").is_string() ? e["operator"].get<std::string>() : "") +
             ", Values:";
      const Json& values = member(e, "values");
      if (values.is_array() && !values.empty()) {
        out += "[]string{";
        for (size_t j = 0; j < values.size(); ++j)
          out += (j ? ", " : "") + go_quote(values[j].is_string() ? values[j].get<std::string>() : values[j].dump());
        out += "}";
      } else {
        out += "[]string(nil)";
      }
      out += "}";
    }
    out += "}";
  } else {
    out += "[]v1.LabelSelectorRequirement(nil)";
  }
  return out + "}";
}

void immutable_selector(const Json& obj, const Json& old, FieldErrors& errs) {
  const Json& selector = member(member(obj, "spec"), "selector");
  if (!semantically_equal(selector, member(member(old, "spec"), "selector")))
    errs.add(field_invalid_rendered("spec.selector", render_label_selector(selector), "field is immutable"));
}

// The paths where two specs differ, for the Forbidden messages that list "what changed".
void collect_differences(const Json& a, const Json& b, const std::string& path, std::vector<std::string>& out) {
  if (semantically_equal(a, b) || out.size() >= 20) return;
  if (a.is_object() && b.is_object()) {
    std::vector<std::string> keys;
    for (const auto& [k, v] : a.items()) keys.push_back(k);
    for (const auto& [k, v] : b.items())
      if (!a.contains(k)) keys.push_back(k);
    for (const auto& k : keys) collect_differences(member(a, k), member(b, k), path_child(path, k), out);
    return;
  }
  if (a.is_array() && b.is_array() && a.size() == b.size()) {
    for (size_t i = 0; i < a.size(); ++i) collect_differences(a[i], b[i], path_index(path, i), out);
    return;
  }
  out.push_back(path);
}

std::string differences_text(const Json& old_spec, const Json& new_spec, const std::string& path) {
  std::vector<std::string> paths;
  collect_differences(old_spec, new_spec, path, paths);
  std::string out;
  for (const auto& p : paths) out += "\n  changed: " + p;
  return out;
}

bool contains_toleration(const Json& list, const Json& t) {
  if (!list.is_array()) return false;
  return std::any_of(list.begin(), list.end(), [&](const Json& x) { return semantically_equal(x, t); });
}

// ValidatePodUpdate: the spec may change only in images, activeDeadlineSeconds (set or
// shortened), added tolerations, a negative terminationGracePeriodSeconds raised to 1, and
// removed scheduling gates.
void validate_pod_update(const Json& obj, const Json& old, FieldErrors& errs) {
  const Json& old_spec = member(old, "spec");
  Json munged = member(obj, "spec");
  if (!munged.is_object() || !old_spec.is_object()) return;

  for (const char* list : {"containers", "initContainers"}) {
    Json& mine = munged[list];
    const Json& theirs = member(old_spec, list);
    if (mine.is_array() && theirs.is_array() && mine.size() == theirs.size())
      for (size_t i = 0; i < mine.size(); ++i)
        if (mine[i].is_object()) mine[i]["image"] = member(theirs[i], "image");
    if (mine.is_null()) munged.erase(list);
  }

  const Json& old_deadline = member(old_spec, "activeDeadlineSeconds");
  const Json& new_deadline = member(munged, "activeDeadlineSeconds");
  if (new_deadline.is_number_integer()) {
    if (new_deadline.get<int64_t>() <= 0)
      errs.add(field_invalid_rendered("spec.activeDeadlineSeconds", new_deadline.dump(),
                                      "must be greater than or equal to 1"));
    else if (old_deadline.is_number_integer() && new_deadline.get<int64_t>() > old_deadline.get<int64_t>())
      errs.add(field_invalid_rendered("spec.activeDeadlineSeconds", new_deadline.dump(),
                                      "must be less than or equal to previous value"));
  } else if (old_deadline.is_number_integer()) {
    errs.add(field_invalid_rendered("spec.activeDeadlineSeconds", "null", "must not update from a positive integer to nil value"));
  }
  if (old_deadline.is_null()) munged.erase("activeDeadlineSeconds");
  else munged["activeDeadlineSeconds"] = old_deadline;

  const Json& old_tolerations = member(old_spec, "tolerations");
  const Json& new_tolerations = member(munged, "tolerations");
  bool tolerations_added_only = true;
  if (old_tolerations.is_array())
    for (const auto& t : old_tolerations) tolerations_added_only = tolerations_added_only && contains_toleration(new_tolerations, t);
  if (tolerations_added_only) {
    if (old_tolerations.is_null()) munged.erase("tolerations");
    else munged["tolerations"] = old_tolerations;
  }

  const Json& old_grace = member(old_spec, "terminationGracePeriodSeconds");
  if (old_grace.is_number_integer() && old_grace.get<int64_t>() < 0 && member(munged, "terminationGracePeriodSeconds") == 1)
    munged["terminationGracePeriodSeconds"] = old_grace;

  const Json& old_gates = member(old_spec, "schedulingGates");
  const Json& new_gates = member(munged, "schedulingGates");
  bool gates_removed_only = true;
  if (new_gates.is_array())
    for (const auto& g : new_gates) gates_removed_only = gates_removed_only && contains_toleration(old_gates, g);
  if (gates_removed_only) {
    if (old_gates.is_null()) munged.erase("schedulingGates");
    else munged["schedulingGates"] = old_gates;
  }
  // Ephemeral containers change through their own subresource.
  if (const Json& ephemeral = member(old_spec, "ephemeralContainers"); !ephemeral.is_null())
    munged["ephemeralContainers"] = ephemeral;
  else
    munged.erase("ephemeralContainers");

  if (!semantically_equal(munged, old_spec))
    errs.forbidden("spec",
                   "pod updates may not change fields other than `spec.containers[*].image`,"
                   "`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to "
                   "existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was "
                   "previously negative)" +
                       differences_text(old_spec, munged, "spec"));
}

void validate_statefulset_update(const Json& obj, const Json& old, FieldErrors& errs) {
  immutable_selector(obj, old, errs);
  Json munged = member(obj, "spec");
  const Json& old_spec = member(old, "spec");
  if (!munged.is_object() || !old_spec.is_object()) return;
  for (const char* field : {"replicas", "ordinals", "template", "updateStrategy", "revisionHistoryLimit",
                            "persistentVolumeClaimRetentionPolicy", "minReadySeconds", "selector"}) {
    if (old_spec.contains(field)) munged[field] = old_spec[field];
    else munged.erase(field);
  }
  if (!semantically_equal(munged, old_spec))
    errs.forbidden("spec",
                   "updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', "
                   "'updateStrategy', 'revisionHistoryLimit', 'persistentVolumeClaimRetentionPolicy' and "
                   "'minReadySeconds' are forbidden");
}

void validate_job_update(const Json& obj, const Json& old, FieldErrors& errs) {
  immutable_selector(obj, old, errs);
  const Json& spec = member(obj, "spec");
  const Json& old_spec = member(old, "spec");
  Json tmpl = member(spec, "template");
  Json old_tmpl = member(old_spec, "template");
  // The controller-uid labels are the system's; a suspended job's scheduling directives may change.
  bool suspended = member(old_spec, "suspend") == true;
  if (suspended)
    for (const char* field : {"nodeSelector", "affinity", "tolerations", "schedulingGates"})
      if (tmpl.contains("spec")) {
        if (old_tmpl.contains("spec") && old_tmpl["spec"].contains(field)) tmpl["spec"][field] = old_tmpl["spec"][field];
        else tmpl["spec"].erase(field);
      }
  if (!semantically_equal(tmpl, old_tmpl))
    errs.add(field_invalid_rendered("spec.template", render_bad_value(member(spec, "template")), "field is immutable"));
  if (!semantically_equal(member(spec, "completionMode"), member(old_spec, "completionMode")))
    errs.invalid("spec.completionMode", member(spec, "completionMode"), "field is immutable");
  // Indexed jobs may scale completions together with parallelism (elastic indexed jobs).
  bool indexed = member(spec, "completionMode") == "Indexed";
  const Json& completions = member(spec, "completions");
  if (!semantically_equal(completions, member(old_spec, "completions")) &&
      !(indexed && completions == member(spec, "parallelism")))
    errs.add(field_invalid_rendered("spec.completions", completions.is_null() ? "null" : completions.dump(),
                                    "field is immutable"));
}

void validate_service_update(const Json& obj, const Json& old, FieldErrors& errs) {
  const Json& spec = member(obj, "spec");
  const Json& old_spec = member(old, "spec");
  if (member(spec, "type") == "ExternalName" || member(old_spec, "type") == "ExternalName") return;
  const Json& ip = member(spec, "clusterIP");
  const Json& old_ip = member(old_spec, "clusterIP");
  if (ip.is_string() && old_ip.is_string() && !ip.get_ref<const std::string&>().empty() &&
      !old_ip.get_ref<const std::string&>().empty() && ip != old_ip) {
    const Json& ips = member(spec, "clusterIPs");
    std::string rendered = "[]string{";
    if (ips.is_array())
      for (size_t i = 0; i < ips.size(); ++i)
        rendered += (i ? ", " : "") + go_quote(ips[i].is_string() ? ips[i].get<std::string>() : "");
    else
      rendered += go_quote(ip.get<std::string>());
    errs.add(field_invalid_rendered("spec.clusterIPs[0]", rendered + "}", "may not change once set"));
  }
}

void validate_role_binding_update(const Json& obj, const Json& old, FieldErrors& errs) {
  const Json& ref = member(obj, "roleRef");
  if (semantically_equal(ref, member(old, "roleRef"))) return;
  auto text = [&](std::string_view key) {
    const Json& v = member(ref, key);
    return go_quote(v.is_string() ? v.get<std::string>() : "");
  };
  errs.add(field_invalid_rendered(
      "roleRef",
      "rbac.RoleRef{APIGroup:" + text("apiGroup") + ", Kind:" + text("kind") + ", Name:" + text("name") + "}",
      "cannot change roleRef"));
}

// ConfigMaps and Secrets marked immutable keep their data and the mark.
void validate_immutable_data(const Json& obj, const Json& old, FieldErrors& errs, bool is_secret) {
  if (is_secret && !semantically_equal(member(obj, "type"), member(old, "type")))
    errs.invalid("type", member(obj, "type"), "field is immutable");
  if (member(old, "immutable") != true) return;
  const char* detail = "field is immutable when `immutable` is set";
  if (member(obj, "immutable") != true) errs.forbidden("immutable", detail);
  for (const char* field : {"data", "binaryData"})
    if (!semantically_equal(member(obj, field), member(old, field))) errs.forbidden(field, detail);
}

// ValidatePersistentVolumeClaimUpdate: binding may set volumeName and a default class, a bound
// claim may grow its requests; everything else in the spec is fixed.
void validate_claim_update(const Json& obj, const Json& old, FieldErrors& errs) {
  const Json& old_spec = member(old, "spec");
  Json munged = member(obj, "spec");
  if (!munged.is_object() || !old_spec.is_object()) return;
  for (const char* field : {"volumeName", "storageClassName"})
    if (!member(old_spec, field).is_string() || old_spec[field].get_ref<const std::string&>().empty()) {
      if (old_spec.contains(field)) munged[field] = old_spec[field];
      else munged.erase(field);
    }
  bool bound = member(member(old, "status"), "phase") == "Bound";
  if (bound) {
    const Json& requests = member(member(old_spec, "resources"), "requests");
    if (requests.is_null()) {
      if (munged.contains("resources")) munged["resources"].erase("requests");
    } else {
      munged["resources"]["requests"] = requests;
    }
  }
  munged.erase("volumeAttributesClassName");
  Json old_compared = old_spec;
  old_compared.erase("volumeAttributesClassName");
  if (!semantically_equal(munged, old_compared))
    errs.forbidden("spec",
                   "spec is immutable after creation except resources.requests and volumeAttributesClassName for "
                   "bound claims" +
                       differences_text(old_compared, munged, "spec"));
}

}  // namespace

void validate_update(const ResourceInfo& info, const Json& obj, const Json& old, FieldErrors& errs) {
  const std::string& group = info.gvk.group;
  const std::string& kind = info.gvk.kind;
  if (group.empty()) {
    if (kind == "Pod") validate_pod_update(obj, old, errs);
    else if (kind == "Service") validate_service_update(obj, old, errs);
    else if (kind == "ConfigMap") validate_immutable_data(obj, old, errs, false);
    else if (kind == "Secret") validate_immutable_data(obj, old, errs, true);
    else if (kind == "PersistentVolumeClaim") validate_claim_update(obj, old, errs);
  } else if (group == "apps") {
    if (kind == "StatefulSet") validate_statefulset_update(obj, old, errs);
    else if (kind == "Deployment" || kind == "ReplicaSet" || kind == "DaemonSet") immutable_selector(obj, old, errs);
  } else if (group == "batch" && kind == "Job") {
    validate_job_update(obj, old, errs);
  } else if (group == "rbac.authorization.k8s.io" && (kind == "RoleBinding" || kind == "ClusterRoleBinding")) {
    validate_role_binding_update(obj, old, errs);
  }
}

}  // namespace skiff::api
