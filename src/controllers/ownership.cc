#include "controllers/ownership.h"

#include "client/client.h"

namespace skiff::controllers {
namespace {

constexpr auto kExpectationTimeout = std::chrono::minutes(5);

std::string meta_string(const Json& obj, const char* field) {
  auto meta = obj.find("metadata");
  if (meta == obj.end() || !meta->is_object()) return "";
  auto f = meta->find(field);
  return f != meta->end() && f->is_string() ? f->get<std::string>() : "";
}

}  // namespace

std::string name_of(const Json& obj) { return meta_string(obj, "name"); }
std::string namespace_of(const Json& obj) { return meta_string(obj, "namespace"); }
std::string uid_of(const Json& obj) { return meta_string(obj, "uid"); }
std::string resource_version_of(const Json& obj) { return meta_string(obj, "resourceVersion"); }
bool being_deleted(const Json& obj) { return !meta_string(obj, "deletionTimestamp").empty(); }

Json controller_ref(const Json& owner) {
  return {{"apiVersion", owner.value("apiVersion", "")},
          {"kind", owner.value("kind", "")},
          {"name", name_of(owner)},
          {"uid", uid_of(owner)},
          {"controller", true},
          {"blockOwnerDeletion", true}};
}

Json owner_references(const Json& obj) {
  const Json* refs = find_path(obj, "metadata.ownerReferences");
  return refs && refs->is_array() ? *refs : Json::array();
}

const Json* controller_of(const Json& obj) {
  const Json* refs = find_path(obj, "metadata.ownerReferences");
  if (!refs || !refs->is_array()) return nullptr;
  for (const auto& ref : *refs)
    if (ref.value("controller", false)) return &ref;
  return nullptr;
}

bool owned_by(const Json& obj, const std::string& owner_uid) {
  const Json* ref = controller_of(obj);
  return ref && ref->value("uid", "") == owner_uid;
}

std::vector<std::string> controller_uid_index(const Json& obj) {
  const Json* ref = controller_of(obj);
  if (!ref) return {};
  return {ref->value("uid", "")};
}

std::vector<std::string> orphan_namespace_index(const Json& obj) {
  if (controller_of(obj)) return {};
  return {namespace_of(obj)};
}

bool pod_active(const Json& pod) {
  if (being_deleted(pod)) return false;
  const Json* phase = find_path(pod, "status.phase");
  return !(phase && phase->is_string() && (*phase == "Succeeded" || *phase == "Failed"));
}

const Json* find_condition(const Json& obj, std::string_view type) {
  const Json* conditions = find_path(obj, "status.conditions");
  if (!conditions || !conditions->is_array()) return nullptr;
  for (const auto& c : *conditions)
    if (c.is_object() && c.value("type", "") == type) return &c;
  return nullptr;
}

std::vector<std::string> pod_claim_keys(const Json& pod) {
  std::vector<std::string> out;
  if (const Json* volumes = find_path(pod, "spec.volumes"); volumes && volumes->is_array())
    for (const auto& v : *volumes)
      if (const Json* claim = find_path(v, "persistentVolumeClaim.claimName"); claim && claim->is_string())
        out.push_back(client::object_key(namespace_of(pod), claim->get<std::string>()));
  return out;
}

bool pod_ready(const Json& pod) {
  const Json* ready = find_condition(pod, "Ready");
  return ready && ready->value("status", "") == "True";
}

bool pod_available(const Json& pod, int64_t min_ready_seconds, WallTime now) {
  const Json* ready = find_condition(pod, "Ready");
  if (!ready || ready->value("status", "") != "True") return false;
  if (min_ready_seconds <= 0) return true;
  auto since = parse_rfc3339(ready->value("lastTransitionTime", ""));
  return since && *since + std::chrono::seconds(min_ready_seconds) <= now;
}

bool set_condition(Json& status, Json condition, WallTime now) {
  Json& conditions = status["conditions"];
  if (!conditions.is_array()) conditions = Json::array();
  const std::string type = condition.value("type", "");
  for (auto& c : conditions) {
    if (c.value("type", "") != type) continue;
    if (c.value("status", "") == condition.value("status", "")) {
      condition["lastTransitionTime"] = c.value("lastTransitionTime", format_rfc3339(now));
    } else {
      condition["lastTransitionTime"] = format_rfc3339(now);
    }
    if (!condition.contains("lastUpdateTime") && c.contains("lastUpdateTime"))
      condition["lastUpdateTime"] = c["lastUpdateTime"];
    if (c == condition) return false;
    c = std::move(condition);
    return true;
  }
  if (!condition.contains("lastTransitionTime")) condition["lastTransitionTime"] = format_rfc3339(now);
  conditions.push_back(std::move(condition));
  return true;
}

int64_t int_or_percent(const Json& value, int64_t total, bool round_up, int64_t fallback) {
  if (value.is_number_integer()) return value.get<int64_t>();
  if (!value.is_string()) return fallback;
  std::string text = value.get<std::string>();
  if (text.empty() || text.back() != '%') {
    try {
      return std::stoll(text);
    } catch (...) {
      return fallback;
    }
  }
  int64_t percent = 0;
  try {
    percent = std::stoll(text.substr(0, text.size() - 1));
  } catch (...) {
    return fallback;
  }
  int64_t scaled = percent * total;
  return round_up ? (scaled + 99) / 100 : scaled / 100;
}

Json pod_from_template(const Json& pod_template, const Json& owner, const std::string& generate_name) {
  Json pod = {{"apiVersion", "v1"}, {"kind", "Pod"}};
  Json meta = pod_template.value("metadata", Json::object());
  meta.erase("name");
  meta.erase("resourceVersion");
  meta.erase("uid");
  meta.erase("creationTimestamp");
  meta["generateName"] = generate_name;
  meta["namespace"] = namespace_of(owner);
  meta["ownerReferences"] = Json::array({controller_ref(owner)});
  pod["metadata"] = std::move(meta);
  pod["spec"] = pod_template.value("spec", Json::object());
  return pod;
}

void Expectations::expect(const std::string& key, int adds, int deletes) {
  std::lock_guard lk(mu_);
  auto& e = entries_[key];
  e.adds += adds;
  e.deletes += deletes;
  e.since = std::chrono::steady_clock::now();
}

void Expectations::observed_add(const std::string& key) {
  std::lock_guard lk(mu_);
  auto it = entries_.find(key);
  if (it != entries_.end() && it->second.adds > 0) --it->second.adds;
}

void Expectations::observed_delete(const std::string& key) {
  std::lock_guard lk(mu_);
  auto it = entries_.find(key);
  if (it != entries_.end() && it->second.deletes > 0) --it->second.deletes;
}

bool Expectations::satisfied(const std::string& key) const {
  std::lock_guard lk(mu_);
  auto it = entries_.find(key);
  if (it == entries_.end()) return true;
  if (it->second.adds <= 0 && it->second.deletes <= 0) return true;
  return std::chrono::steady_clock::now() - it->second.since > kExpectationTimeout;
}

void Expectations::forget(const std::string& key) {
  std::lock_guard lk(mu_);
  entries_.erase(key);
}

}  // namespace skiff::controllers
