// A pod's volumes on the host, under <pods_root>/<pod uid>/volumes/<name>: emptyDir (a directory
// that lives as long as the pod), hostPath, files projected from the API (configMap, secret,
// downwardAPI and projected volumes: items, modes; rewritten whenever a container of the pod
// starts, and refreshed in place), and persistentVolumeClaims bound to hostPath or local
// PersistentVolumes (the local-path provisioner's). The containers' mounts point into them.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "agent/cri/cri_types.h"
#include "agent/cri/downward_api.h"
#include "util/json.h"
#include "util/result.h"

namespace skiff::agent::cri {

struct VolumeContext {
  std::string pods_root;
  // resource is "configmaps", "secrets", "persistentvolumeclaims" or "persistentvolumes" (ns "");
  // a missing object is a 404 error.
  std::function<Result<Json>(const std::string& resource, const std::string& ns, const std::string& name)> get;
  NodeAllocatable node;  // what downwardAPI resourceFieldRefs to unset limits read
};

struct HostVolume {
  std::string path;
  bool read_only = false;  // volumes of projected files, as the kubelet mounts them
};
using HostVolumes = std::map<std::string, HostVolume>;

// By volume name. Errors (reason CreateContainerConfigError) name the volume.
Result<HostVolumes> prepare_volumes(const Json& pod, const VolumeContext& context);

// Brings the projected files of a running pod up to date with their objects and the pod's own
// labels and annotations, as the kubelet's periodic sync does (each file replaced atomically, stale
// ones removed).
Status refresh_projected_volumes(const Json& pod, const VolumeContext& context);

// The container's volumeMounts as CRI mounts (subPath, readOnly, mountPropagation).
Result<std::vector<Mount>> container_mounts(const Json& container, const HostVolumes& volumes);

// Removes what prepare_volumes made for the pod (hostPath volumes are left alone).
void remove_pod_volumes(const std::string& pods_root, const std::string& pod_uid);

}  // namespace skiff::agent::cri
