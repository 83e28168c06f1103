#include "apiserver/object_rules.h"

#include <algorithm>
#include <random>
#include <set>
#include <vector>

#include "api/field_errors.h"
#include "util/strings.h"

namespace skiff::apiserver {
namespace {

const api::GroupVersionKind& gvk(const api::ResourceInfo& info) { return info.gvk; }

bool is_core(const api::ResourceInfo& info, std::string_view kind) {
  return gvk(info).group.empty() && gvk(info).kind == kind;
}

// Kinds created with a status that the server itself fills in.
void initial_status(const api::ResourceInfo& info, Json& obj) {
  if (info.custom) {  // the status subresource owns status: a create can not set it
    obj.erase("status");
    return;
  }
  const auto& kind = gvk(info).kind;
  if (!gvk(info).group.empty()) {
    obj["status"] = Json::object();
    return;
  }
  if (kind == "Pod") {
    obj["status"] = {{"phase", "Pending"}, {"qosClass", pod_qos_class(obj)}};
  } else if (kind == "Namespace") {
    obj["status"] = {{"phase", "Active"}};
  } else if (kind == "PersistentVolumeClaim" || kind == "PersistentVolume") {
    obj["status"] = {{"phase", "Pending"}};
  } else if (kind == "Service") {
    obj["status"] = {{"loadBalancer", Json::object()}};
  } else if (kind == "Node") {
    // kubelets register nodes with their status; keep it.
  } else {
    obj["status"] = Json::object();
  }
}

uint32_t parse_ipv4(std::string_view s) {
  auto parts = split(s, '.');
  if (parts.size() != 4) return 0;
  uint32_t v = 0;
  for (auto& p : parts) {
    if (p.empty() || p.size() > 3 || !std::all_of(p.begin(), p.end(), ::isdigit)) return 0;
    int n = std::stoi(p);
    if (n > 255) return 0;
    v = (v << 8) | static_cast<uint32_t>(n);
  }
  return v;
}

std::string format_ipv4(uint32_t v) {
  return std::to_string(v >> 24) + "." + std::to_string((v >> 16) & 255) + "." + std::to_string((v >> 8) & 255) +
         "." + std::to_string(v & 255);
}

}  // namespace

// The service network: 10.43.0.0/16, with .1 kept for the "kubernetes" Service.
constexpr uint32_t kServiceNet = (10u << 24) | (43u << 16);
constexpr uint32_t kServiceNetSize = 1u << 16;
constexpr int kNodePortMin = 30000;
constexpr int kNodePortMax = 32767;

bool has_subresource(const api::ResourceInfo& info, std::string_view sub) {
  return std::find(info.subresources.begin(), info.subresources.end(), sub) != info.subresources.end();
}

bool tracks_generation(const api::ResourceInfo& info) {
  if (info.schema == nullptr || info.custom) return true;  // custom resources
  return info.schema->properties.count("spec") > 0 && has_subresource(info, "status") &&
         !is_core(info, "Namespace") && !is_core(info, "Node") && !is_core(info, "PersistentVolume") &&
         !is_core(info, "PersistentVolumeClaim") && !is_core(info, "Service");
}

void prepare_for_create(const api::ResourceInfo& info, Json& obj) {
  if (has_subresource(info, "status")) initial_status(info, obj);
  const auto& kind = gvk(info).kind;
  if (!gvk(info).group.empty()) return;
  if (kind == "Namespace") {
    Json& spec = obj["spec"];
    if (!spec.is_object()) spec = Json::object();
    if (!spec.contains("finalizers")) spec["finalizers"] = Json::array({"kubernetes"});
  } else if (kind == "Pod") {
    Json& spec = obj["spec"];
    if (spec.is_object() && !spec.contains("priority")) spec["priority"] = 0;
  }
}

void prepare_for_update(const api::ResourceInfo& info, Json& obj, const Json& old, const std::string& subresource) {
  if (subresource == "finalize") {  // namespaces: only spec.finalizers changes
    Json finalizers = find_path(obj, "spec.finalizers") ? obj["spec"]["finalizers"] : Json::array();
    obj = old;
    obj["spec"]["finalizers"] = std::move(finalizers);
    return;
  }
  if (subresource == "binding") return;  // the binding transform sets spec.nodeName and the condition
  if (subresource == "status") {
    Json status = obj.contains("status") ? std::move(obj["status"]) : Json();
    obj = old;
    if (status.is_null()) obj.erase("status");
    else obj["status"] = std::move(status);
    return;
  }
  if (has_subresource(info, "status")) {
    if (old.contains("status")) obj["status"] = old["status"];
    else obj.erase("status");
  }
  if (gvk(info).group.empty()) {
    if (gvk(info).kind == "Namespace") {
      if (const Json* f = find_path(old, "spec.finalizers")) obj["spec"]["finalizers"] = *f;
    }
    if (gvk(info).kind == "Pod") {
      // Pods are mostly immutable; the scheduler's binding and the kubelet own these.
      if (const Json* n = find_path(old, "spec.nodeName"); n && !find_path(obj, "spec.nodeName"))
        obj["spec"]["nodeName"] = *n;
    }
  }
}

namespace {

std::string service_type(const Json& svc) {
  const Json* t = find_path(svc, "spec.type");
  return t && t->is_string() ? t->get<std::string>() : "ClusterIP";
}
bool uses_node_ports(const std::string& type) { return type == "NodePort" || type == "LoadBalancer"; }
bool externally_accessible(const Json& svc) {
  std::string type = service_type(svc);
  const Json* ips = find_path(svc, "spec.externalIPs");
  return uses_node_ports(type) || (type == "ClusterIP" && ips && ips->is_array() && !ips->empty());
}
// The node ports of each port in order (0 where unset).
std::vector<int64_t> node_ports(const Json& svc) {
  std::vector<int64_t> out;
  if (const Json* ports = find_path(svc, "spec.ports"); ports && ports->is_array())
    for (const auto& p : *ports) out.push_back(p.value("nodePort", int64_t{0}));
  return out;
}
bool same_member(const Json& a, const Json& b, const char* key) {
  const Json* x = find_path(a, std::string("spec.") + key);
  const Json* y = find_path(b, std::string("spec.") + key);
  return (x ? *x : Json()) == (y ? *y : Json());
}

}  // namespace

void drop_service_type_dependent_fields(Json& service, const Json& old) {
  const std::string type = service_type(service), old_type = service_type(old);
  Json& spec = service["spec"];
  if (old_type != "ExternalName" && type == "ExternalName") {
    if (same_member(service, old, "clusterIP") && same_member(service, old, "clusterIPs")) {
      spec.erase("clusterIP");
      spec.erase("clusterIPs");
    }
    if (same_member(service, old, "ipFamilies")) spec.erase("ipFamilies");
    if (same_member(service, old, "ipFamilyPolicy")) spec.erase("ipFamilyPolicy");
  }
  if (uses_node_ports(old_type) && !uses_node_ports(type) && node_ports(service) == node_ports(old))
    if (spec.contains("ports") && spec["ports"].is_array())
      for (auto& p : spec["ports"]) p.erase("nodePort");
  if (old_type == "LoadBalancer" && type != "LoadBalancer") {
    if (same_member(service, old, "healthCheckNodePort")) spec.erase("healthCheckNodePort");
    if (same_member(service, old, "allocateLoadBalancerNodePorts")) spec.erase("allocateLoadBalancerNodePorts");
    if (same_member(service, old, "loadBalancerClass")) spec.erase("loadBalancerClass");
  }
  if (externally_accessible(old) && !externally_accessible(service) && same_member(service, old, "externalTrafficPolicy"))
    spec.erase("externalTrafficPolicy");
}

bool spec_changed(const Json& a, const Json& b) {
  if (!a.is_object() || !b.is_object()) return a != b;
  for (const auto& [k, v] : a.items()) {
    if (k == "metadata" || k == "status") continue;
    auto it = b.find(k);
    if (it == b.end() || *it != v) return true;
  }
  for (const auto& [k, v] : b.items()) {
    if (k == "metadata" || k == "status") continue;
    if (!a.contains(k)) return true;
  }
  return false;
}

Status allocate_service_addresses(Json& svc, const Json* old, const WatchCache& cache) {
  Json& spec = svc["spec"];
  if (!spec.is_object()) return ok_status();
  std::string type = get_string(spec, "type", "ClusterIP");

  std::set<uint32_t> used_ips;
  std::set<int> used_ports;
  int64_t rev = 0;
  std::string self_key;
  for (const auto& ref : cache.list("/registry/core/services/", &rev)) {
    if (ref->namespace_ == get_string(svc["metadata"], "namespace") && ref->name == get_string(svc["metadata"], "name"))
      continue;
    Json other = Json::parse(ref->bytes, nullptr, false);
    if (const Json* ip = find_path(other, "spec.clusterIP"); ip && ip->is_string())
      used_ips.insert(parse_ipv4(ip->get<std::string>()));
    if (const Json* ports = find_path(other, "spec.ports"); ports && ports->is_array())
      for (const auto& p : *ports)
        if (p.contains("nodePort") && p["nodePort"].is_number_integer()) used_ports.insert(p["nodePort"].get<int>());
  }

  if (type == "ExternalName") {
    spec.erase("clusterIP");
    spec.erase("clusterIPs");
  } else {
    std::string ip = get_string(spec, "clusterIP");
    if (ip.empty() && old) ip = get_string(old->value("spec", Json::object()), "clusterIP");
    if (ip.empty()) {
      static thread_local std::mt19937 rng{std::random_device{}()};
      std::uniform_int_distribution<uint32_t> dist(10, kServiceNetSize - 2);
      uint32_t candidate = 0;
      for (int attempt = 0; attempt < 4096 && candidate == 0; ++attempt) {
        uint32_t c = kServiceNet + dist(rng);
        if (!used_ips.count(c)) candidate = c;
      }
      for (uint32_t off = 2; candidate == 0 && off < kServiceNetSize - 1; ++off)
        if (!used_ips.count(kServiceNet + off)) candidate = kServiceNet + off;
      if (candidate == 0) return Error::internal("failed to allocate a serviceIP: range is full");
      ip = format_ipv4(candidate);
    } else if (ip != "None") {
      uint32_t v = parse_ipv4(ip);
      if (v == 0) {
        Error e = Error::invalid("Service \"" + get_string(svc["metadata"], "name") +
                                 "\" is invalid: spec.clusterIP: Invalid value: \"" + ip +
                                 "\": must be a valid IP address");
        e.causes.push_back({"FieldValueInvalid", "Invalid value: \"" + ip + "\": must be a valid IP address",
                            "spec.clusterIP"});
        return e;
      }
      if (!old && used_ips.count(v)) {
        Error e = Error::invalid("Service \"" + get_string(svc["metadata"], "name") +
                                 "\" is invalid: spec.clusterIPs: Invalid value: []string{\"" + ip +
                                 "\"}: failed to allocate IP " + ip + ": provided IP is already allocated");
        e.causes.push_back({"FieldValueInvalid", "failed to allocate IP " + ip + ": provided IP is already allocated",
                            "spec.clusterIPs"});
        return e;
      }
    }
    spec["clusterIP"] = ip;
    spec["clusterIPs"] = Json::array({ip});
    if (ip != "None" || !spec.contains("ipFamilies")) spec["ipFamilies"] = Json::array({"IPv4"});
    if (!spec.contains("ipFamilyPolicy")) spec["ipFamilyPolicy"] = "SingleStack";
  }

  if (type == "NodePort" || type == "LoadBalancer") {
    Json& ports = spec["ports"];
    if (ports.is_array()) {
      static thread_local std::mt19937 rng{std::random_device{}()};
      std::uniform_int_distribution<int> dist(kNodePortMin, kNodePortMax);
      for (size_t i = 0; i < ports.size(); ++i) {
        Json& p = ports[i];
        if (p.contains("nodePort") && p["nodePort"].is_number_integer() && p["nodePort"].get<int>() != 0) {
          // A port asked for: in the range, and not another Service's.
          const int64_t wanted = p["nodePort"].get<int64_t>();
          std::string problem;
          if (wanted < kNodePortMin || wanted > kNodePortMax) {
            problem = "provided port is not in the valid range. The range of valid ports is " +
                      std::to_string(kNodePortMin) + "-" + std::to_string(kNodePortMax);
          } else if (used_ports.count(static_cast<int>(wanted))) {
            problem = "provided port is already allocated";
          }
          if (!problem.empty()) {
            return api::invalid_object_error(
                "", "Service", get_string(svc["metadata"], "name"),
                {api::field_invalid_rendered("spec.ports[" + std::to_string(i) + "].nodePort", std::to_string(wanted),
                                             problem)});
          }
          used_ports.insert(static_cast<int>(wanted));
          continue;
        }
        int port = 0;
        for (int attempt = 0; attempt < 4096 && port == 0; ++attempt) {
          int c = dist(rng);
          if (!used_ports.count(c)) port = c;
        }
        if (port == 0) return Error::internal("failed to allocate a nodePort: range is full");
        used_ports.insert(port);
        p["nodePort"] = port;
      }
    }
    if (!spec.contains("externalTrafficPolicy")) spec["externalTrafficPolicy"] = "Cluster";
  }
  return ok_status();
}

std::string pod_qos_class(const Json& pod) {
  const Json* spec = find_path(pod, "spec");
  if (!spec) return "BestEffort";
  bool any = false;
  bool guaranteed = true;
  for (const char* list : {"containers", "initContainers"}) {
    auto it = spec->find(list);
    if (it == spec->end() || !it->is_array()) continue;
    for (const auto& c : *it) {
      const Json* req = find_path(c, "resources.requests");
      const Json* lim = find_path(c, "resources.limits");
      bool has_req = req && req->is_object() && !req->empty();
      bool has_lim = lim && lim->is_object() && !lim->empty();
      if (has_req || has_lim) any = true;
      for (const char* r : {"cpu", "memory"}) {
        const Json* l = lim && lim->is_object() && lim->contains(r) ? &(*lim)[r] : nullptr;
        const Json* q = req && req->is_object() && req->contains(r) ? &(*req)[r] : nullptr;
        if (!l) guaranteed = false;
        else if (q && *q != *l) guaranteed = false;
      }
    }
  }
  if (!any) return "BestEffort";
  return guaranteed ? "Guaranteed" : "Burstable";
}

void generate_job_selector(Json& job) {
  const Json* manual = find_path(job, "spec.manualSelector");
  if (manual && manual->is_boolean() && manual->get<bool>()) return;
  const Json* selector = find_path(job, "spec.selector");
  if (selector && selector->is_object() && !selector->empty()) return;
  const std::string name = get_string(job["metadata"], "name"), uid = get_string(job["metadata"], "uid");
  Json& template_labels = job["spec"]["template"]["metadata"]["labels"];
  if (!template_labels.is_object()) template_labels = Json::object();
  Json& job_labels = job["metadata"]["labels"];
  // Defaulting copied the template's labels when the Job had none; Kubernetes shares that map.
  const bool job_labels_from_template = !job_labels.is_object() || job_labels.empty() || job_labels == template_labels;
  for (const char* key : {"job-name", "batch.kubernetes.io/job-name"})
    if (!template_labels.contains(key)) template_labels[key] = name;
  for (const char* key : {"controller-uid", "batch.kubernetes.io/controller-uid"})
    if (!template_labels.contains(key)) template_labels[key] = uid;
  job["spec"]["selector"] = {{"matchLabels", {{"batch.kubernetes.io/controller-uid", uid}}}};
  if (job_labels_from_template) job_labels = template_labels;
}

}  // namespace skiff::apiserver
