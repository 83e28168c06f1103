// Registry credentials from a pod's imagePullSecrets (kubernetes.io/dockerconfigjson and
// kubernetes.io/dockercfg Secrets), matched to an image as the kubelet's keyring matches them:
// by registry host (with *-globs per DNS label, and the port) and repository path prefix, the
// most specific entry of each Secret first, Docker Hub's "index.docker.io" entry for Docker Hub
// images. The kubelet tries them in turn until a pull succeeds.
#pragma once

#include <string>
#include <vector>

#include "agent/cri/cri_types.h"
#include "util/json.h"

namespace skiff::agent::cri {

// secrets: the Secret objects, in the pod's order; other types are ignored.
std::vector<AuthConfig> registry_credentials(const std::string& image, const std::vector<Json>& secrets);

}  // namespace skiff::agent::cri
