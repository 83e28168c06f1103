#include "scheduler/node_info.h"

#include <algorithm>

#include "api/quantity.h"

namespace skiff::scheduler {

void NodeInfo::add_pod(PodInfoPtr pod) {
  requested.add(pod->requests);
  nonzero_milli_cpu += pod->nonzero_milli_cpu;
  nonzero_memory += pod->nonzero_memory;
  used_ports.insert(used_ports.end(), pod->host_ports.begin(), pod->host_ports.end());
  pods.push_back(std::move(pod));
}

bool NodeInfo::remove_pod(const std::string& key) {
  for (size_t i = 0; i < pods.size(); ++i) {
    if (pods[i]->key != key) continue;
    const PodInfo& pod = *pods[i];
    requested.subtract(pod.requests);
    nonzero_milli_cpu -= pod.nonzero_milli_cpu;
    nonzero_memory -= pod.nonzero_memory;
    for (const auto& port : pod.host_ports) {
      auto it = std::find_if(used_ports.begin(), used_ports.end(), [&](const HostPort& p) {
        return p.port == port.port && p.protocol == port.protocol && p.ip == port.ip;
      });
      if (it != used_ports.end()) used_ports.erase(it);
    }
    pods[i] = std::move(pods.back());
    pods.pop_back();
    return true;
  }
  return false;
}

Status apply_node_object(const Json& node, NodeInfo& info) {
  info.has_node = true;
  info.name = find_path(node, "metadata.name") ? get_string(node["metadata"], "name") : "";
  info.labels = LabelSet::from_json(find_path(node, "metadata.labels"));
  info.taints.clear();
  if (const Json* taints = find_path(node, "spec.taints"); taints && taints->is_array())
    for (const auto& t : *taints) {
      Taint taint;
      taint.key = get_string(t, "key");
      taint.value = get_string(t, "value");
      std::string effect = get_string(t, "effect");
      taint.effect = effect == "NoSchedule"         ? Taint::Effect::kNoSchedule
                     : effect == "PreferNoSchedule" ? Taint::Effect::kPreferNoSchedule
                     : effect == "NoExecute"        ? Taint::Effect::kNoExecute
                                                    : Taint::Effect::kOther;
      info.taints.push_back(std::move(taint));
    }
  const Json* unschedulable = find_path(node, "spec.unschedulable");
  info.unschedulable = unschedulable && unschedulable->is_boolean() && unschedulable->get<bool>();
  const Json* list = find_path(node, "status.allocatable");
  if (!list || !list->is_object()) list = find_path(node, "status.capacity");
  SKIFF_ASSIGN_OR_RETURN(info.allocatable, resources_from_json(list));
  info.allowed_pods = 0;
  if (list && list->is_object() && list->contains("pods")) {
    SKIFF_ASSIGN_OR_RETURN(auto pods, api::Quantity::from_json((*list)["pods"]));
    info.allowed_pods = pods.value();
  }
  return ok_status();
}

}  // namespace skiff::scheduler
