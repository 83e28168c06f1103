#include "controllers/statefulset_pods.h"

#include <charconv>
#include <set>

#include "controllers/controller_revision.h"
#include "controllers/ownership.h"

namespace skiff::controllers::stateful_set {
namespace {

int64_t int_at(const Json& obj, std::string_view path, int64_t fallback) {
  const Json* v = find_path(obj, path);
  return v && v->is_number_integer() ? v->get<int64_t>() : fallback;
}

std::string policy(const Json& set, const char* field) {
  const Json* p = find_path(set, "spec.persistentVolumeClaimRetentionPolicy");
  return p && p->is_object() ? p->value(field, "Retain") : "Retain";
}

Json owner_ref_to(const Json& owner, const char* api_version, const char* kind) {
  Json with_type = owner;
  with_type["apiVersion"] = api_version;
  with_type["kind"] = kind;
  return controller_ref(with_type);
}

bool refers_to(const Json& ref, const char* kind, const std::string& name) {
  return ref.value("kind", "") == kind && ref.value("name", "") == name;
}

}  // namespace

int64_t replicas_of(const Json& set) { return int_at(set, "spec.replicas", 1); }
int64_t start_ordinal(const Json& set) { return int_at(set, "spec.ordinals.start", 0); }

bool in_ordinal_range(int64_t ordinal, const Json& set) {
  return ordinal >= start_ordinal(set) && ordinal < start_ordinal(set) + replicas_of(set);
}

int64_t ordinal_of(const std::string& pod_name, const std::string& set_name) {
  if (pod_name.size() <= set_name.size() + 1 || pod_name.compare(0, set_name.size(), set_name) != 0 ||
      pod_name[set_name.size()] != '-')
    return -1;
  std::string_view digits(pod_name);
  digits.remove_prefix(set_name.size() + 1);
  if (digits.size() > 1 && digits[0] == '0') return -1;
  int64_t ordinal = -1;
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), ordinal);
  if (ec != std::errc() || end != digits.data() + digits.size()) return -1;
  return ordinal;
}

std::string pod_name(const std::string& set_name, int64_t ordinal) { return set_name + "-" + std::to_string(ordinal); }

std::string claim_name(const std::string& template_name, const std::string& set_name, int64_t ordinal) {
  return template_name + "-" + pod_name(set_name, ordinal);
}

Json new_pod(const Json& set, int64_t ordinal, const std::string& revision) {
  const std::string name = pod_name(name_of(set), ordinal);
  const Json* tmpl = find_path(set, "spec.template");
  Json pod = pod_from_template(tmpl ? *tmpl : Json::object(), set, "");
  Json& meta = pod["metadata"];
  meta.erase("generateName");
  meta["name"] = name;
  if (!meta["labels"].is_object()) meta["labels"] = Json::object();
  meta["labels"][kPodNameLabel] = name;
  meta["labels"][kPodIndexLabel] = std::to_string(ordinal);
  meta["labels"][revisions::kPodRevisionLabel] = revision;

  Json& spec = pod["spec"];
  spec["hostname"] = name;
  const Json* service = find_path(set, "spec.serviceName");
  if (service && service->is_string() && !service->get<std::string>().empty()) spec["subdomain"] = *service;

  const Json* templates = find_path(set, "spec.volumeClaimTemplates");
  if (templates && templates->is_array() && !templates->empty()) {
    Json volumes = Json::array();
    std::set<std::string> claimed;
    for (const auto& t : *templates) {
      std::string tname = find_path(t, "metadata.name") ? get_string(t["metadata"], "name") : "";
      claimed.insert(tname);
      volumes.push_back({{"name", tname},
                         {"persistentVolumeClaim", {{"claimName", claim_name(tname, name_of(set), ordinal)}}}});
    }
    if (spec.contains("volumes") && spec["volumes"].is_array())
      for (const auto& v : spec["volumes"])
        if (!claimed.count(v.value("name", ""))) volumes.push_back(v);
    spec["volumes"] = std::move(volumes);
  }
  return pod;
}

std::vector<Json> claims_for(const Json& set, int64_t ordinal) {
  std::vector<Json> out;
  const Json* templates = find_path(set, "spec.volumeClaimTemplates");
  if (!templates || !templates->is_array()) return out;
  const Json* match_labels = find_path(set, "spec.selector.matchLabels");
  for (const auto& t : *templates) {
    Json meta = t.value("metadata", Json::object());
    std::string tname = meta.value("name", "");
    for (const char* f : {"uid", "resourceVersion", "creationTimestamp", "ownerReferences", "generateName"})
      meta.erase(f);
    meta["name"] = claim_name(tname, name_of(set), ordinal);
    meta["namespace"] = namespace_of(set);
    if (!meta["labels"].is_object()) meta["labels"] = Json::object();
    if (match_labels && match_labels->is_object())
      for (const auto& [k, v] : match_labels->items()) meta["labels"][k] = v;
    out.push_back({{"apiVersion", "v1"},
                   {"kind", "PersistentVolumeClaim"},
                   {"metadata", std::move(meta)},
                   {"spec", t.value("spec", Json::object())}});
  }
  return out;
}

bool apply_retention_policy(Json& claim, const Json& set, const Json* pod, bool pod_scaled_down) {
  Json& meta = claim["metadata"];
  Json refs = meta.contains("ownerReferences") && meta["ownerReferences"].is_array() ? meta["ownerReferences"]
                                                                                      : Json::array();
  const std::string set_uid = uid_of(set);
  const std::string pod_uid = pod ? uid_of(*pod) : "";
  // Another controller owns the claim: leave it alone.
  for (const auto& r : refs)
    if (r.value("controller", false) && r.value("uid", "") != set_uid && (pod_uid.empty() || r.value("uid", "") != pod_uid))
      return false;

  Json kept = Json::array();
  for (const auto& r : refs) {
    std::string uid = r.value("uid", "");
    if (uid != set_uid && (pod_uid.empty() || uid != pod_uid)) kept.push_back(r);
  }
  const bool delete_on_scale = policy(set, "whenScaled") == "Delete";
  const bool delete_with_set = policy(set, "whenDeleted") == "Delete";
  if (delete_on_scale && pod_scaled_down && pod) kept.push_back(owner_ref_to(*pod, "v1", "Pod"));
  if (delete_with_set && !(delete_on_scale && pod_scaled_down)) kept.push_back(owner_ref_to(set, "apps/v1", "StatefulSet"));

  if (kept == refs) return false;
  if (kept.empty())
    meta.erase("ownerReferences");
  else
    meta["ownerReferences"] = std::move(kept);
  return true;
}

bool claim_is_stale(const Json& claim, const Json& set, const std::string& pod_name) {
  if (policy(set, "whenScaled") != "Delete") return false;
  const Json* refs = find_path(claim, "metadata.ownerReferences");
  if (!refs || !refs->is_array()) return false;
  for (const auto& r : *refs)
    if (refers_to(r, "Pod", pod_name)) return true;
  return false;
}

bool running_and_ready(const Json& pod) {
  const Json* phase = find_path(pod, "status.phase");
  return phase && phase->is_string() && *phase == "Running" && pod_ready(pod);
}

bool running_and_available(const Json& pod, int64_t min_ready_seconds, WallTime now) {
  return running_and_ready(pod) && pod_available(pod, min_ready_seconds, now);
}

bool terminated(const Json& pod) {
  const Json* phase = find_path(pod, "status.phase");
  return phase && phase->is_string() && (*phase == "Failed" || *phase == "Succeeded");
}

bool healthy(const Json& pod) { return running_and_ready(pod) && !being_deleted(pod); }

}  // namespace skiff::controllers::stateful_set
