#include "scheduler/volume_binding.h"

namespace skiff::scheduler {
namespace {

constexpr const char* kNoProvisioner = "kubernetes.io/no-provisioner";

// A PV's spec.nodeAffinity.required terms; empty when the volume is reachable from any node.
Result<std::vector<NodeSelectorTerm>> volume_node_terms(const Json& pv) {
  std::vector<NodeSelectorTerm> out;
  const Json* terms = find_path(pv, "spec.nodeAffinity.required.nodeSelectorTerms");
  if (!terms || !terms->is_array()) return out;
  for (const auto& t : *terms) {
    SKIFF_ASSIGN_OR_RETURN(auto term, parse_node_selector_term(t));
    out.push_back(std::move(term));
  }
  return out;
}

// Adds the volume's node affinity; false (with volumes.unresolvable set) when it cannot be read.
bool constrain_to(const Json& pv, PodVolumes& volumes) {
  auto terms = volume_node_terms(pv);
  if (!terms.ok()) {
    volumes.unresolvable = "persistentvolume \"" + get_string(pv["metadata"], "name") +
                           "\" has an invalid node affinity: " + terms.error().message;
    return false;
  }
  if (!terms->empty()) volumes.node_affinity.push_back(std::move(*terms));
  return true;
}

}  // namespace

PodVolumes resolve_pod_volumes(const PodInfo& pod, const VolumeListers& listers) {
  PodVolumes out;
  for (const auto& name : pod.claim_names) {
    auto claim = listers.claim(pod.ns + "/" + name);
    if (!claim) {
      out.unresolvable = "persistentvolumeclaim \"" + name + "\" not found";
      return out;
    }
    const Json& meta = (*claim)["metadata"];
    if (meta.contains("deletionTimestamp") && !meta["deletionTimestamp"].is_null()) {
      out.unresolvable = "persistentvolumeclaim \"" + name + "\" is being deleted";
      return out;
    }
    std::string volume_name = find_path(*claim, "spec.volumeName") ? get_string((*claim)["spec"], "volumeName") : "";
    if (!volume_name.empty()) {
      auto pv = listers.volume(volume_name);
      if (!pv) {
        out.every_node_fails = kReasonPVNotExist;
        continue;
      }
      if (!constrain_to(*pv, out)) return out;
      continue;
    }
    // Unbound: only a class that delays binding until a consumer is scheduled may wait for us.
    std::string class_name = find_path(*claim, "spec.storageClassName") && (*claim)["spec"]["storageClassName"].is_string()
                                 ? (*claim)["spec"]["storageClassName"].get<std::string>()
                                 : "";
    std::shared_ptr<const Json> sc = class_name.empty() ? nullptr : listers.storage_class(class_name);
    if (!class_name.empty() && !sc) {
      out.unresolvable = "storageclass.storage.k8s.io \"" + class_name + "\" not found";
      return out;
    }
    if (!sc || get_string(*sc, "volumeBindingMode") != "WaitForFirstConsumer") {
      out.unresolvable = "pod has unbound immediate PersistentVolumeClaims";
      return out;
    }
    // A volume already made for this claim (pre-bound, the binder not done yet) decides the node.
    if (auto pv = listers.volume_for_claim(get_string(meta, "uid"))) {
      if (!constrain_to(*pv, out)) return out;
      continue;
    }
    if (get_string(*sc, "provisioner") == kNoProvisioner) {
      // Static local volumes: matching them to claims per node is not implemented.
      out.every_node_fails = kReasonBindConflict;
      continue;
    }
    out.claims_to_provision.push_back(name);
  }
  return out;
}

}  // namespace skiff::scheduler
