// The pod subresources that are actions rather than documents: binding (the scheduler's
// assignment) and eviction (a deletion that honours PodDisruptionBudgets).
#include "api/labels.h"
#include "apiserver/registry.h"
#include "util/clock.h"

namespace skiff::apiserver {
namespace {

Json success_status(int code) {
  return {{"kind", "Status"}, {"apiVersion", "v1"}, {"metadata", Json::object()}, {"status", "Success"}, {"code", code}};
}

bool pod_ready(const Json& pod) {
  const Json* conditions = find_path(pod, "status.conditions");
  if (!conditions || !conditions->is_array()) return false;
  for (const auto& c : *conditions)
    if (c.value("type", "") == "Ready") return c.value("status", "") == "True";
  return false;
}

}  // namespace

Result<Json> Registry::bind_pod(const std::string& ns, const std::string& name, const Json& binding,
                                const WriteOptions& opts) {
  const api::ResourceInfo& pods = *schemas_.find_resource("", "v1", "pods");
  const Json* target = find_path(binding, "target.name");
  if (!target || !target->is_string() || target->get<std::string>().empty())
    return Error::invalid("Binding.core \"" + name + "\" is invalid: target.name: Required value");
  std::string kind = find_path(binding, "target.kind") ? get_string(binding["target"], "kind") : "";
  if (!kind.empty() && kind != "Node")
    return Error::invalid("Binding.core \"" + name + "\" is invalid: target.kind: Unsupported value: \"" + kind +
                          "\": supported values: \"Node\"");
  std::string node = target->get<std::string>();
  std::string now = format_rfc3339(clock_.now());
  auto bound = update_with(pods, ns, name, "binding", opts, [&](const Json& current) -> Result<Json> {
    if (current.contains("metadata") && current["metadata"].contains("deletionTimestamp"))
      return Error::conflict("Operation cannot be fulfilled on pods/binding \"" + name +
                             "\": pod " + name + " is being deleted, cannot be assigned to a host");
    std::string assigned = find_path(current, "spec.nodeName") ? get_string(current["spec"], "nodeName") : "";
    if (!assigned.empty())
      return Error::conflict("Operation cannot be fulfilled on pods/binding \"" + name + "\": pod " + name +
                             " is already assigned to node \"" + assigned + "\"");
    Json pod = current;
    pod["spec"]["nodeName"] = node;
    if (const Json* ann = find_path(binding, "metadata.annotations"); ann && ann->is_object())
      for (const auto& [k, v] : ann->items()) pod["metadata"]["annotations"][k] = v;
    Json& conditions = pod["status"]["conditions"];
    if (!conditions.is_array()) conditions = Json::array();
    Json scheduled = {{"type", "PodScheduled"}, {"status", "True"}, {"lastProbeTime", nullptr},
                      {"lastTransitionTime", now}};
    bool replaced = false;
    for (auto& c : conditions)
      if (c.value("type", "") == "PodScheduled") {
        c = scheduled;
        replaced = true;
      }
    if (!replaced) conditions.push_back(scheduled);
    return pod;
  });
  if (!bound.ok()) return std::move(bound).error();
  return success_status(201);
}

Result<Json> Registry::evict_pod(const std::string& ns, const std::string& name, const Json& eviction,
                                 const WriteOptions& opts) {
  const api::ResourceInfo& pods = *schemas_.find_resource("", "v1", "pods");
  const api::ResourceInfo& pdbs = *schemas_.find_resource("policy", "v1", "poddisruptionbudgets");
  std::string evicted_name = find_path(eviction, "metadata.name") ? get_string(eviction["metadata"], "name") : "";
  if (!evicted_name.empty() && evicted_name != name)
    return Error::bad_request("name in URL does not match name in Eviction object");
  DeleteOptions del;
  if (const Json* d = find_path(eviction, "deleteOptions"); d && d->is_object()) {
    SKIFF_ASSIGN_OR_RETURN(del, DeleteOptions::from_json(*d));
  }
  del.dry_run = del.dry_run || opts.dry_run;

  SKIFF_ASSIGN_OR_RETURN(Json pod, get(pods, ns, name));
  std::string phase = find_path(pod, "status.phase") ? get_string(pod["status"], "phase") : "";
  bool ignores_budget = phase == "Succeeded" || phase == "Failed" || phase == "Pending" ||
                        pod["metadata"].contains("deletionTimestamp");
  if (!ignores_budget) {
    SKIFF_ASSIGN_OR_RETURN(auto budgets, list(pdbs, ns, {}));
    std::vector<Json> matching;
    for (const auto& ref : budgets.items) {
      Json pdb = Json::parse(ref->bytes);
      const Json* sel = find_path(pdb, "spec.selector");
      if (!sel || sel->is_null()) continue;
      auto selector = api::LabelSelector::from_json(*sel);
      if (!selector.ok() || selector->empty()) continue;
      if (selector->matches(pod["metadata"].value("labels", Json::object()))) matching.push_back(std::move(pdb));
    }
    if (matching.size() > 1)
      return Error::internal("This pod has more than one PodDisruptionBudget, which the eviction subresource does "
                             "not support.");
    if (matching.size() == 1) {
      const std::string pdb_name = matching[0]["metadata"].value("name", "");
      const bool ready = pod_ready(pod);
      WriteOptions status_opts = opts;
      auto charged = update_with(pdbs, ns, pdb_name, "status", status_opts, [&](const Json& current) -> Result<Json> {
        const Json status = current.value("status", Json::object());
        int64_t generation = current["metadata"].value("generation", int64_t{0});
        if (status.value("observedGeneration", int64_t{0}) < generation) {
          Error e = Error::too_many_requests("Cannot evict pod as it would violate the pod's disruption budget.");
          e.causes.push_back({"DisruptionBudget",
                              "The disruption budget " + pdb_name + " is still being processed by the server.", ""});
          return e;
        }
        int64_t allowed = status.value("disruptionsAllowed", int64_t{0});
        int64_t healthy = status.value("currentHealthy", int64_t{0});
        int64_t desired = status.value("desiredHealthy", int64_t{0});
        // An unready pod does not count towards the budget while the budget is met.
        if (!ready && healthy >= desired) return current;
        if (allowed < 0) return Error::forbidden("pdb disruptions allowed is negative");
        if (allowed == 0) {
          Error e = Error::too_many_requests("Cannot evict pod as it would violate the pod's disruption budget.");
          e.causes.push_back({"DisruptionBudget",
                              "The disruption budget " + pdb_name + " needs " + std::to_string(desired) +
                                  " healthy pods and has " + std::to_string(healthy) + " currently",
                              ""});
          return e;
        }
        Json updated = current;
        updated["status"]["disruptionsAllowed"] = allowed - 1;
        updated["status"]["disruptedPods"][name] = format_rfc3339(clock_.now());
        return updated;
      });
      if (!charged.ok()) return std::move(charged).error();
    }
  }
  SKIFF_ASSIGN_OR_RETURN(auto removed, remove(pods, ns, name, del));
  (void)removed;
  return success_status(201);
}

}  // namespace skiff::apiserver
