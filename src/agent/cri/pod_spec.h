// Pure translations of a core/v1 Pod into CRI configuration: the sandbox config, a container's
// config, $(VAR) expansion, resources and QoS. No I/O: env values arrive already resolved.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "agent/cri/cri_types.h"
#include "util/json.h"

namespace skiff::agent::cri {

using EnvList = std::vector<std::pair<std::string, std::string>>;

struct SandboxSettings {
  std::string log_root;            // sandboxes log to <log_root>/<namespace>_<name>_<uid>
  int64_t node_memory_bytes = 0;  // for Burstable oom_score_adj
};

PodSandboxConfig sandbox_config_for(const Json& pod, uint32_t attempt, const SandboxSettings& settings);

// Kubernetes' variable references: $(NAME) becomes NAME's value when defined, $$ an escaped $,
// anything else stays as written.
std::string expand_vars(const std::string& text, const EnvList& env);

std::string qos_class(const Json& pod);  // Guaranteed, Burstable or BestEffort

LinuxResources container_resources(const Json& pod, const Json& container, int64_t node_memory_bytes);

// container: an element of spec.containers or spec.initContainers; env: resolved, in order.
ContainerConfig container_config_for(const Json& pod, const Json& container, const EnvList& env,
                                     const std::string& image_ref, uint32_t attempt, int64_t node_memory_bytes);

// The default pull policy when the pod leaves it out: Always for :latest or no tag, else IfNotPresent.
std::string image_pull_policy(const Json& container);

}  // namespace skiff::agent::cri
