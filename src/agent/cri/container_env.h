// A container's environment as the kubelet builds it: envFrom first, then env in order (values may
// refer to earlier ones with $(VAR)), valueFrom configMapKeyRef / secretKeyRef / fieldRef /
// resourceFieldRef. ConfigMaps and Secrets come through a lookup, so tests need no API server.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "agent/cri/downward_api.h"
#include "agent/cri/pod_spec.h"
#include "util/json.h"
#include "util/result.h"

namespace skiff::agent::cri {

struct EnvContext {
  // resource is "configmaps" or "secrets"; a missing object is a 404 error.
  std::function<Result<Json>(const std::string& resource, const std::string& ns, const std::string& name)> get;
  std::string node_name;
  std::string host_ip;
  std::vector<std::string> pod_ips;
  NodeAllocatable node;  // what resourceFieldRefs to unset limits read
};

// Errors carry reason CreateContainerConfigError and the kubelet's wording, e.g.
// `configmap "settings" not found` or `couldn't find key color in ConfigMap default/settings`.
Result<EnvList> resolve_env(const Json& pod, const Json& container, const EnvContext& context);

}  // namespace skiff::agent::cri
