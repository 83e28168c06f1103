#include "api/quota_usage.h"

#include <algorithm>

namespace skiff::api {
namespace {

const Json* at(const Json& obj, std::string_view path) { return find_path(obj, path); }

std::string str_at(const Json& obj, std::string_view path) {
  const Json* v = at(obj, path);
  return v && v->is_string() ? v->get<std::string>() : "";
}

void add_list(ResourceList& into, const Json* list) {
  if (!list || !list->is_object()) return;
  for (const auto& [name, q] : list->items()) {
    auto parsed = Quantity::from_json(q);
    if (parsed.ok()) into[name] += *parsed;
  }
}

std::string count_name(std::string_view group, std::string_view plural) {
  std::string n = "count/" + std::string(plural);
  if (!group.empty()) n += "." + std::string(group);
  return n;
}

// Core resources that also have a legacy object-count name.
bool has_legacy_count(std::string_view group, std::string_view plural) {
  static const std::vector<std::string_view> legacy = {"pods", "services", "configmaps", "secrets",
                                                       "persistentvolumeclaims", "replicationcontrollers",
                                                       "resourcequotas"};
  return group.empty() && std::find(legacy.begin(), legacy.end(), plural) != legacy.end();
}

bool pod_terminal(const Json& pod) {
  std::string phase = str_at(pod, "status.phase");
  return phase == "Succeeded" || phase == "Failed";
}

}  // namespace

ResourceList pod_resources(const Json& pod, std::string_view which) {
  ResourceList total;
  if (const Json* cs = at(pod, "spec.containers"); cs && cs->is_array())
    for (const auto& c : *cs) add_list(total, at(c, "resources." + std::string(which)));
  if (const Json* ics = at(pod, "spec.initContainers"); ics && ics->is_array())
    for (const auto& c : *ics) {
      ResourceList init;
      add_list(init, at(c, "resources." + std::string(which)));
      for (auto& [name, q] : init)
        if (!total.count(name) || total[name] < q) total[name] = q;
    }
  add_list(total, at(pod, "spec.overhead"));
  return total;
}

ResourceList quota_usage(std::string_view group, std::string_view plural, const Json& obj) {
  ResourceList usage;
  const Quantity one = Quantity::from_int(1);
  if (group.empty() && plural == "pods" && pod_terminal(obj)) return usage;
  usage[count_name(group, plural)] = one;
  if (has_legacy_count(group, plural)) usage[std::string(plural)] = one;
  if (group.empty() && plural == "pods") {
    for (const auto& [name, q] : pod_resources(obj, "requests")) {
      usage["requests." + name] += q;
      if (name == "cpu" || name == "memory" || name == "ephemeral-storage") usage[name] += q;
    }
    for (const auto& [name, q] : pod_resources(obj, "limits")) usage["limits." + name] += q;
  } else if (group.empty() && plural == "services") {
    std::string type = str_at(obj, "spec.type");
    if (type == "LoadBalancer") usage["services.loadbalancers"] = one;
    if (type == "NodePort" || type == "LoadBalancer") {
      int64_t ports = 0;
      if (const Json* p = at(obj, "spec.ports"); p && p->is_array()) ports = static_cast<int64_t>(p->size());
      usage["services.nodeports"] = Quantity::from_int(ports);
    }
  } else if (group.empty() && plural == "persistentvolumeclaims") {
    Quantity storage;
    if (const Json* s = at(obj, "spec.resources.requests.storage")) {
      auto parsed = Quantity::from_json(*s);
      if (parsed.ok()) storage = *parsed;
    }
    usage["requests.storage"] = storage;
    std::string cls = str_at(obj, "spec.storageClassName");
    if (!cls.empty()) {
      usage[cls + ".storageclass.storage.k8s.io/requests.storage"] = storage;
      usage[cls + ".storageclass.storage.k8s.io/persistentvolumeclaims"] = one;
    }
  }
  return usage;
}

bool quota_name_resource(const std::string& name, std::string& group, std::string& plural) {
  if (name.rfind("count/", 0) == 0) {
    std::string rest = name.substr(6);
    size_t dot = rest.find('.');
    plural = rest.substr(0, dot);
    group = dot == std::string::npos ? "" : rest.substr(dot + 1);
    return !plural.empty();
  }
  group = "";
  if (has_legacy_count("", name)) {
    plural = name;
    return true;
  }
  if (name.rfind("requests.", 0) == 0 || name.rfind("limits.", 0) == 0 || name == "cpu" || name == "memory" ||
      name == "ephemeral-storage") {
    plural = name == "requests.storage" ? "persistentvolumeclaims" : "pods";
    return true;
  }
  if (name.rfind("services.", 0) == 0) {
    plural = "services";
    return true;
  }
  if (name.find(".storageclass.storage.k8s.io/") != std::string::npos) {
    plural = "persistentvolumeclaims";
    return true;
  }
  return false;
}

bool quota_name_concerns(std::string_view group, std::string_view plural, const std::string& quota_name) {
  std::string g, p;
  return quota_name_resource(quota_name, g, p) && g == group && p == plural;
}

void add_usage(ResourceList& a, const ResourceList& b) {
  for (const auto& [name, q] : b) a[name] += q;
}

std::string format_resource_list(const ResourceList& list) {
  std::string out;
  for (const auto& [name, q] : list) {
    if (!out.empty()) out += ",";
    out += name + "=" + q.to_string();
  }
  return out;
}

Json resource_list_json(const ResourceList& list) {
  Json out = Json::object();
  for (const auto& [name, q] : list) out[name] = q.canonical();
  return out;
}

ResourceList resource_list_from_json(const Json* obj) {
  ResourceList out;
  add_list(out, obj);
  return out;
}

}  // namespace skiff::api
