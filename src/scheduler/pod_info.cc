#include "scheduler/pod_info.h"

#include <algorithm>
#include <chrono>

#include "util/clock.h"

namespace skiff::scheduler {
namespace {

std::optional<Taint::Effect> parse_effect(const std::string& e) {
  if (e.empty()) return std::nullopt;
  if (e == "NoSchedule") return Taint::Effect::kNoSchedule;
  if (e == "PreferNoSchedule") return Taint::Effect::kPreferNoSchedule;
  if (e == "NoExecute") return Taint::Effect::kNoExecute;
  return Taint::Effect::kOther;
}

int32_t get_int(const Json& obj, const char* key, int32_t fallback) {
  auto it = obj.find(key);
  return it != obj.end() && it->is_number_integer() ? it->get<int32_t>() : fallback;
}

Result<NodeSelectorTerm> parse_node_term(const Json& term) {
  NodeSelectorTerm out;
  SKIFF_ASSIGN_OR_RETURN(out.expressions, node_requirements_from_json(find_path(term, "matchExpressions")));
  SKIFF_ASSIGN_OR_RETURN(out.fields, node_requirements_from_json(find_path(term, "matchFields")));
  return out;
}

Result<AffinityTerm> parse_affinity_term(const Json& term, const std::string& pod_ns, int32_t weight) {
  AffinityTerm out;
  out.weight = weight;
  out.topology_key = get_string(term, "topologyKey");
  SKIFF_ASSIGN_OR_RETURN(out.selector, selector_from_json(find_path(term, "labelSelector")));
  if (const Json* names = find_path(term, "namespaces"); names && names->is_array())
    for (const auto& n : *names)
      if (n.is_string()) out.namespaces.names.push_back(n.get<std::string>());
  if (const Json* ns_selector = find_path(term, "namespaceSelector"); ns_selector && !ns_selector->is_null()) {
    SKIFF_ASSIGN_OR_RETURN(auto sel, selector_from_json(ns_selector));
    out.namespaces.selector = std::move(sel);
  }
  if (out.namespaces.names.empty() && !out.namespaces.selector) out.namespaces.names.push_back(pod_ns);
  std::sort(out.namespaces.names.begin(), out.namespaces.names.end());
  return out;
}

Status parse_affinity_terms(const Json* list, const std::string& ns, bool weighted, std::vector<AffinityTerm>& out) {
  if (!list || !list->is_array()) return ok_status();
  for (const auto& item : *list) {
    if (weighted) {
      const Json* term = find_path(item, "podAffinityTerm");
      if (!term) continue;
      SKIFF_ASSIGN_OR_RETURN(auto t, parse_affinity_term(*term, ns, get_int(item, "weight", 0)));
      out.push_back(std::move(t));
    } else {
      SKIFF_ASSIGN_OR_RETURN(auto t, parse_affinity_term(item, ns, 0));
      out.push_back(std::move(t));
    }
  }
  return ok_status();
}

Status parse_affinity(const Json& affinity, PodInfo& pod) {
  if (const Json* node = find_path(affinity, "nodeAffinity")) {
    if (const Json* req = find_path(*node, "requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms");
        req && req->is_array()) {
      std::vector<NodeSelectorTerm> terms;
      for (const auto& t : *req) {
        SKIFF_ASSIGN_OR_RETURN(auto term, parse_node_term(t));
        terms.push_back(std::move(term));
      }
      pod.required_node_affinity = std::move(terms);
    }
    if (const Json* pref = find_path(*node, "preferredDuringSchedulingIgnoredDuringExecution");
        pref && pref->is_array())
      for (const auto& p : *pref) {
        PreferredNodeTerm term;
        term.weight = get_int(p, "weight", 0);
        if (const Json* t = find_path(p, "preference")) {
          SKIFF_ASSIGN_OR_RETURN(term.term, parse_node_term(*t));
        }
        pod.preferred_node_affinity.push_back(std::move(term));
      }
  }
  if (const Json* a = find_path(affinity, "podAffinity")) {
    SKIFF_TRY(parse_affinity_terms(find_path(*a, "requiredDuringSchedulingIgnoredDuringExecution"), pod.ns, false,
                                   pod.required_affinity));
    SKIFF_TRY(parse_affinity_terms(find_path(*a, "preferredDuringSchedulingIgnoredDuringExecution"), pod.ns, true,
                                   pod.preferred_affinity));
  }
  if (const Json* a = find_path(affinity, "podAntiAffinity")) {
    SKIFF_TRY(parse_affinity_terms(find_path(*a, "requiredDuringSchedulingIgnoredDuringExecution"), pod.ns, false,
                                   pod.required_anti_affinity));
    SKIFF_TRY(parse_affinity_terms(find_path(*a, "preferredDuringSchedulingIgnoredDuringExecution"), pod.ns, true,
                                   pod.preferred_anti_affinity));
  }
  return ok_status();
}

Status parse_spread(const Json* list, PodInfo& pod) {
  if (!list || !list->is_array()) return ok_status();
  for (const auto& c : *list) {
    SpreadConstraint s;
    s.max_skew = get_int(c, "maxSkew", 1);
    s.topology_key = get_string(c, "topologyKey");
    s.do_not_schedule = get_string(c, "whenUnsatisfiable", "DoNotSchedule") != "ScheduleAnyway";
    s.min_domains = get_int(c, "minDomains", 1);
    s.honor_node_affinity = get_string(c, "nodeAffinityPolicy", "Honor") != "Ignore";
    s.honor_node_taints = get_string(c, "nodeTaintsPolicy", "Ignore") == "Honor";
    SKIFF_ASSIGN_OR_RETURN(s.selector, selector_from_json(find_path(c, "labelSelector")));
    if (const Json* keys = find_path(c, "matchLabelKeys"); keys && keys->is_array() && !s.selector.match_nothing)
      for (const auto& k : *keys) {
        if (!k.is_string()) continue;
        if (const std::string* v = pod.labels.find(k.get<std::string>()))
          s.selector.requirements.push_back({k.get<std::string>(), Requirement::Op::kIn, {*v}, 0});
      }
    pod.spread_constraints.push_back(std::move(s));
  }
  return ok_status();
}

}  // namespace

bool Toleration::tolerates(const Taint& taint) const {
  if (effect && *effect != taint.effect) return false;
  if (!key.empty() && key != taint.key) return false;
  return exists || value == taint.value;
}

bool tolerates_all(const std::vector<Toleration>& tolerations, const Taint& taint) {
  for (const auto& t : tolerations)
    if (t.tolerates(taint)) return true;
  return false;
}

bool HostPort::conflicts(const HostPort& o) const {
  if (port != o.port || protocol != o.protocol) return false;
  auto wildcard = [](const std::string& ip) { return ip.empty() || ip == "0.0.0.0"; };
  return wildcard(ip) || wildcard(o.ip) || ip == o.ip;
}

std::string NamespaceMatcher::signature() const {
  std::string out;
  for (const auto& n : names) out += n + ",";
  if (selector) out += "|" + selector->signature();
  return out;
}

std::string AffinityTerm::signature() const { return selector.signature() + "\x1d" + namespaces.signature(); }

bool namespace_matches(const NamespaceMatcher& m, const std::string& ns, const NamespaceLabels* labels) {
  for (const auto& n : m.names)
    if (n == ns) return true;
  if (!m.selector) return false;
  if (m.all()) return true;
  if (!labels) return false;
  const LabelSet* l = labels->labels(ns);
  return l && m.selector->matches(*l);
}

bool term_matches_pod(const AffinityTerm& term, const PodInfo& pod, const NamespaceLabels* labels) {
  return namespace_matches(term.namespaces, pod.ns, labels) && term.selector.matches(pod.labels);
}

Result<NodeSelectorTerm> parse_node_selector_term(const Json& term) { return parse_node_term(term); }

Result<std::shared_ptr<PodInfo>> parse_pod(const Json& pod) {
  auto out = std::make_shared<PodInfo>();
  PodInfo& p = *out;
  const Json* meta = find_path(pod, "metadata");
  if (meta) {
    p.ns = get_string(*meta, "namespace");
    p.name = get_string(*meta, "name");
    p.uid = get_string(*meta, "uid");
    p.labels = LabelSet::from_json(find_path(*meta, "labels"));
    p.terminating = meta->contains("deletionTimestamp") && !(*meta)["deletionTimestamp"].is_null();
    if (auto t = parse_rfc3339(get_string(*meta, "creationTimestamp")))
      p.creation_seconds = std::chrono::duration_cast<std::chrono::seconds>(t->time_since_epoch()).count();
  }
  p.key = p.ns.empty() ? p.name : p.ns + "/" + p.name;
  static const Json kEmpty = Json::object();
  const Json* spec_ptr = find_path(pod, "spec");
  const Json& spec = spec_ptr && spec_ptr->is_object() ? *spec_ptr : kEmpty;
  p.node_name = get_string(spec, "nodeName");
  p.scheduler_name = get_string(spec, "schedulerName", "default-scheduler");
  p.priority_class_name = get_string(spec, "priorityClassName");
  p.priority = get_int(spec, "priority", 0);
  p.preempt_never = get_string(spec, "preemptionPolicy") == "Never";
  p.nominated_node_name = find_path(pod, "status") ? get_string(pod["status"], "nominatedNodeName") : "";

  SKIFF_ASSIGN_OR_RETURN(p.requests, pod_requests(spec));
  p.nonzero_milli_cpu = p.requests.milli_cpu;
  p.nonzero_memory = p.requests.memory;
  // Kubernetes applies the defaults per container; a pod-level default is the same for the
  // common case of containers that all omit requests.
  if (p.nonzero_milli_cpu == 0) p.nonzero_milli_cpu = kDefaultMilliCpuRequest;
  if (p.nonzero_memory == 0) p.nonzero_memory = kDefaultMemoryRequest;

  p.node_selector = LabelSet::from_json(find_path(spec, "nodeSelector"));
  if (const Json* affinity = find_path(spec, "affinity"); affinity && affinity->is_object())
    SKIFF_TRY(parse_affinity(*affinity, p));
  if (const Json* tolerations = find_path(spec, "tolerations"); tolerations && tolerations->is_array())
    for (const auto& t : *tolerations) {
      Toleration tol;
      tol.key = get_string(t, "key");
      tol.exists = get_string(t, "operator") == "Exists";
      tol.value = get_string(t, "value");
      tol.effect = parse_effect(get_string(t, "effect"));
      p.tolerations.push_back(std::move(tol));
    }
  if (const Json* containers = find_path(spec, "containers"); containers && containers->is_array())
    for (const auto& c : *containers) {
      const Json* ports = find_path(c, "ports");
      if (!ports || !ports->is_array()) continue;
      for (const auto& port : *ports) {
        int32_t host_port = get_int(port, "hostPort", 0);
        if (host_port <= 0) continue;
        p.host_ports.push_back({get_string(port, "hostIP"), get_string(port, "protocol", "TCP"), host_port});
      }
    }
  SKIFF_TRY(parse_spread(find_path(spec, "topologySpreadConstraints"), p));
  if (const Json* volumes = find_path(spec, "volumes"); volumes && volumes->is_array())
    for (const auto& v : *volumes)
      if (const Json* claim = find_path(v, "persistentVolumeClaim.claimName"); claim && claim->is_string())
        p.claim_names.push_back(claim->get<std::string>());
  return out;
}

}  // namespace skiff::scheduler
