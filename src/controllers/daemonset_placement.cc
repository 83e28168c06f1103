#include "controllers/daemonset_placement.h"

#include <algorithm>
#include <charconv>
#include <optional>
#include <vector>

namespace skiff::controllers::daemon_set {
namespace {

std::string str(const Json& obj, const char* key) {
  auto it = obj.find(key);
  return it != obj.end() && it->is_string() ? it->get<std::string>() : "";
}

std::optional<int64_t> parse_int(const std::string& s) {
  int64_t v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
  return v;
}

// One NodeSelectorRequirement against a value that may be absent.
bool requirement_holds(const Json& req, const std::optional<std::string>& value) {
  const std::string op = str(req, "operator");
  std::vector<std::string> values;
  if (auto it = req.find("values"); it != req.end() && it->is_array())
    for (const auto& v : *it)
      if (v.is_string()) values.push_back(v.get<std::string>());
  auto contains = [&](const std::string& v) { return std::find(values.begin(), values.end(), v) != values.end(); };
  if (op == "In") return value && contains(*value);
  if (op == "NotIn") return !value || !contains(*value);
  if (op == "Exists") return value.has_value();
  if (op == "DoesNotExist") return !value.has_value();
  if (op == "Gt" || op == "Lt") {
    if (!value || values.size() != 1) return false;
    auto have = parse_int(*value), want = parse_int(values[0]);
    if (!have || !want) return false;
    return op == "Gt" ? *have > *want : *have < *want;
  }
  return false;
}

bool term_matches(const Json& term, const Json& node) {
  const Json* labels = find_path(node, "metadata.labels");
  bool any = false;
  if (auto it = term.find("matchExpressions"); it != term.end() && it->is_array()) {
    for (const auto& req : *it) {
      any = true;
      std::optional<std::string> value;
      if (labels && labels->is_object()) {
        auto l = labels->find(str(req, "key"));
        if (l != labels->end() && l->is_string()) value = l->get<std::string>();
      }
      if (!requirement_holds(req, value)) return false;
    }
  }
  if (auto it = term.find("matchFields"); it != term.end() && it->is_array()) {
    for (const auto& req : *it) {
      any = true;
      if (str(req, "key") != "metadata.name") return false;
      const Json* name = find_path(node, "metadata.name");
      if (!requirement_holds(req, name && name->is_string() ? std::optional(name->get<std::string>()) : std::nullopt))
        return false;
    }
  }
  return any;  // an empty term selects no node
}

bool fits_affinity(const Json& pod_spec, const Json& node) {
  if (auto sel = pod_spec.find("nodeSelector"); sel != pod_spec.end() && sel->is_object()) {
    const Json* labels = find_path(node, "metadata.labels");
    for (const auto& [k, v] : sel->items()) {
      if (!labels || !labels->is_object()) return false;
      auto l = labels->find(k);
      if (l == labels->end() || *l != v) return false;
    }
  }
  const Json* terms = find_path(pod_spec, "affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms");
  if (find_path(pod_spec, "affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution") && terms)
    return matches_node_selector_terms(*terms, node);
  return true;
}

// Whether some taint with one of the given effects is not tolerated.
bool has_untolerated_taint(const Json& node, const Json& tolerations, bool no_schedule_too) {
  const Json* taints = find_path(node, "spec.taints");
  if (!taints || !taints->is_array()) return false;
  for (const auto& taint : *taints) {
    std::string effect = str(taint, "effect");
    if (effect != "NoExecute" && !(no_schedule_too && effect == "NoSchedule")) continue;
    if (!tolerates(tolerations, taint)) return true;
  }
  return false;
}

Json toleration(const char* key, const char* effect) {
  return {{"key", key}, {"operator", "Exists"}, {"effect", effect}};
}

// Same key, operator, value and effect (Kubernetes' MatchToleration; tolerationSeconds aside).
bool same_toleration(const Json& a, const Json& b) {
  auto op = [](const Json& t) {
    std::string o = str(t, "operator");
    return o.empty() ? std::string("Equal") : o;
  };
  return str(a, "key") == str(b, "key") && op(a) == op(b) && str(a, "value") == str(b, "value") &&
         str(a, "effect") == str(b, "effect");
}

void add_or_update_toleration(Json& pod_spec, const Json& t) {
  Json& list = pod_spec["tolerations"];
  if (!list.is_array()) list = Json::array();
  for (auto& existing : list) {
    if (!same_toleration(existing, t)) continue;
    existing = t;
    return;
  }
  list.push_back(t);
}

}  // namespace

bool tolerates(const Json& tolerations, const Json& taint) {
  if (!tolerations.is_array()) return false;
  for (const auto& t : tolerations) {
    if (!t.is_object()) continue;
    if (!str(t, "effect").empty() && str(t, "effect") != str(taint, "effect")) continue;
    if (!str(t, "key").empty() && str(t, "key") != str(taint, "key")) continue;
    const std::string op = str(t, "operator");
    if (op == "Exists") return true;
    if ((op.empty() || op == "Equal") && str(t, "value") == str(taint, "value")) return true;
  }
  return false;
}

bool matches_node_selector_terms(const Json& terms, const Json& node) {
  if (!terms.is_array()) return false;
  for (const auto& term : terms)
    if (term.is_object() && term_matches(term, node)) return true;
  return false;
}

Placement placement_on(const Json& node, const Json& pod_spec) {
  const std::string node_name = find_path(node, "metadata.name") ? str(node["metadata"], "name") : "";
  const std::string wanted = str(pod_spec, "nodeName");
  if (!wanted.empty() && wanted != node_name) return {};
  if (!fits_affinity(pod_spec, node)) return {};
  Json spec = pod_spec;
  add_daemon_tolerations(spec);
  const Json& tolerations = spec["tolerations"];
  if (has_untolerated_taint(node, tolerations, true)) return {false, !has_untolerated_taint(node, tolerations, false)};
  return {true, true};
}

void add_daemon_tolerations(Json& pod_spec) {
  add_or_update_toleration(pod_spec, toleration("node.kubernetes.io/not-ready", "NoExecute"));
  add_or_update_toleration(pod_spec, toleration("node.kubernetes.io/unreachable", "NoExecute"));
  add_or_update_toleration(pod_spec, toleration("node.kubernetes.io/disk-pressure", "NoSchedule"));
  add_or_update_toleration(pod_spec, toleration("node.kubernetes.io/memory-pressure", "NoSchedule"));
  add_or_update_toleration(pod_spec, toleration("node.kubernetes.io/pid-pressure", "NoSchedule"));
  add_or_update_toleration(pod_spec, toleration("node.kubernetes.io/unschedulable", "NoSchedule"));
  if (pod_spec.value("hostNetwork", false))
    add_or_update_toleration(pod_spec, toleration("node.kubernetes.io/network-unavailable", "NoSchedule"));
}

void pin_to_node(Json& pod_spec, const std::string& node) {
  Json terms = Json::array(
      {{{"matchFields", Json::array({{{"key", "metadata.name"}, {"operator", "In"}, {"values", {node}}}})}}});
  Json& affinity = pod_spec["affinity"];
  if (!affinity.is_object()) affinity = Json::object();
  Json& node_affinity = affinity["nodeAffinity"];
  if (!node_affinity.is_object()) node_affinity = Json::object();
  node_affinity["requiredDuringSchedulingIgnoredDuringExecution"] = {{"nodeSelectorTerms", std::move(terms)}};
}

std::string target_node(const Json& pod) {
  if (const Json* n = find_path(pod, "spec.nodeName"); n && n->is_string() && !n->get<std::string>().empty())
    return n->get<std::string>();
  const Json* terms =
      find_path(pod, "spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms");
  if (!terms || !terms->is_array()) return "";
  for (const auto& term : *terms) {
    auto fields = term.find("matchFields");
    if (fields == term.end() || !fields->is_array()) continue;
    for (const auto& req : *fields) {
      auto values = req.find("values");
      if (str(req, "key") == "metadata.name" && str(req, "operator") == "In" && values != req.end() &&
          values->is_array() && values->size() == 1 && (*values)[0].is_string())
        return (*values)[0].get<std::string>();
    }
  }
  return "";
}

}  // namespace skiff::controllers::daemon_set
