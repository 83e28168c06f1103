// VolumeBinding, after Kubernetes' plugin of that name: a pod's PersistentVolumeClaims must
// exist; bound claims confine the pod to their volumes' node affinity; unbound claims of a
// WaitForFirstConsumer class are provisioned on the chosen node, which the scheduler announces
// through the claim's volume.kubernetes.io/selected-node annotation before binding the pod.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "scheduler/pod_info.h"
#include "util/json.h"

namespace skiff::scheduler {

inline constexpr const char* kSelectedNodeAnnotation = "volume.kubernetes.io/selected-node";
// Failure reasons, word for word as Kubernetes prints them.
inline constexpr const char* kReasonVolumeNodeConflict = "node(s) had volume node affinity conflict";
inline constexpr const char* kReasonBindConflict = "node(s) didn't find available persistent volumes to bind";
inline constexpr const char* kReasonPVNotExist = "node(s) unavailable due to one or more pvc(s) bound to non-existent pv(s)";

// Read access to the cluster's storage objects (informer caches); null when absent.
struct VolumeListers {
  using Lookup = std::function<std::shared_ptr<const Json>(const std::string& key)>;
  Lookup claim;             // "ns/name"
  Lookup volume;            // PV name
  Lookup storage_class;     // StorageClass name
  Lookup volume_for_claim;  // the PV whose spec.claimRef.uid is this claim uid
};

PodVolumes resolve_pod_volumes(const PodInfo& pod, const VolumeListers& listers);

}  // namespace skiff::scheduler
